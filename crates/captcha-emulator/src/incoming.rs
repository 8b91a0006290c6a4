//! Reading what a request carries: its body (bounded), its content type, and the host the
//! client addressed.

use std::net::SocketAddr;
use std::time::Duration;

use bytes::Bytes;
use http::HeaderMap;
use http::header::{CONTENT_LENGTH, CONTENT_TYPE, HOST};
use http::request::Parts;
use http_body_util::{BodyExt, LengthLimitError, Limited};
use hyper::body::Body;

/// How long a body may take to arrive: hyper bounds the headers, not the body, and a
/// client that stalls mid-body would otherwise hold its connection and buffer forever.
const BODY_READ_TIMEOUT: Duration = Duration::from_secs(30);

/// Why a body could not be read.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum BodyError {
    /// Larger than the limit.
    TooLarge,
    /// The connection failed while reading.
    Broken,
}

/// Collects the body, refusing more than `limit` bytes (early, from `Content-Length`, when
/// the client announces it) and giving up on one that takes longer than
/// [`BODY_READ_TIMEOUT`] to arrive.
pub(crate) async fn read_body<B>(
    headers: &HeaderMap,
    body: B,
    limit: usize,
) -> Result<Bytes, BodyError>
where
    B: Body,
    B::Error: std::error::Error + Send + Sync + 'static,
{
    let announced = headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if announced.is_some_and(|n| n > limit as u64) {
        return Err(BodyError::TooLarge);
    }
    match tokio::time::timeout(BODY_READ_TIMEOUT, Limited::new(body, limit).collect()).await {
        Ok(Ok(collected)) => Ok(collected.to_bytes()),
        Ok(Err(e)) if e.downcast_ref::<LengthLimitError>().is_some() => Err(BodyError::TooLarge),
        Ok(Err(_)) | Err(_) => Err(BodyError::Broken),
    }
}

/// True when the body is `application/x-www-form-urlencoded` (parameters such as
/// `; charset=utf-8` allowed).
pub(crate) fn is_form(headers: &HeaderMap) -> bool {
    headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|mime| {
            mime.trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        })
}

/// The host the client addressed, with its port: the `Host` header, else the authority of an
/// absolute request URI. Empty when neither is there or readable.
pub(crate) fn host_with_port(parts: &Parts) -> &str {
    parts
        .headers
        .get(HOST)
        .and_then(|v| v.to_str().ok())
        .or_else(|| parts.uri.authority().map(|a| a.as_str()))
        .unwrap_or("")
}

/// The host without its port, as the v1 signature covers it (`[::1]:8080` → `[::1]`).
pub(crate) fn strip_port(host: &str) -> &str {
    if host.starts_with('[') {
        return host.find(']').map_or(host, |end| &host[..=end]);
    }
    match host.rsplit_once(':') {
        Some((name, port)) if !name.contains(':') && port.bytes().all(|b| b.is_ascii_digit()) => {
            name
        }
        _ => host,
    }
}

/// `scheme://host[:port]` for URLs handed to this client: the host it used when that is a
/// plain host name or address, else the server's own address.
pub(crate) fn base_url(https: bool, host: &str, local: SocketAddr) -> String {
    let scheme = if https { "https" } else { "http" };
    let plain = !host.is_empty()
        && host.len() <= 255
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']'));
    if plain {
        format!("{scheme}://{host}")
    } else {
        format!("{scheme}://{local}")
    }
}

#[cfg(test)]
mod tests {
    use std::convert::Infallible;
    use std::pin::Pin;
    use std::task::{Context, Poll};

    use hyper::body::Frame;

    use super::*;

    /// A body whose client stopped sending.
    struct Stalled;

    impl Body for Stalled {
        type Data = Bytes;
        type Error = Infallible;

        fn poll_frame(
            self: Pin<&mut Self>,
            _: &mut Context<'_>,
        ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
            Poll::Pending
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_stalled_body_is_given_up() {
        let started = tokio::time::Instant::now();
        let read = read_body(&HeaderMap::new(), Stalled, 1024).await;
        assert_eq!(read, Err(BodyError::Broken));
        assert_eq!(started.elapsed(), BODY_READ_TIMEOUT);
    }

    #[test]
    fn ports_are_stripped() {
        assert_eq!(strip_port("127.0.0.1:8080"), "127.0.0.1");
        assert_eq!(strip_port("localhost"), "localhost");
        assert_eq!(strip_port("[::1]:9"), "[::1]");
        assert_eq!(strip_port("[::1]"), "[::1]");
        assert_eq!(strip_port("::1"), "::1");
        assert_eq!(strip_port("host:"), "host");
        assert_eq!(strip_port("host:x1"), "host:x1");
    }

    #[test]
    fn base_url_falls_back_on_odd_hosts() {
        let local: SocketAddr = "127.0.0.1:7".parse().unwrap();
        assert_eq!(base_url(false, "localhost:7", local), "http://localhost:7");
        assert_eq!(base_url(true, "a\"b", local), "https://127.0.0.1:7");
        assert_eq!(base_url(false, "", local), "http://127.0.0.1:7");
    }

    #[test]
    fn form_content_type() {
        let mut headers = HeaderMap::new();
        assert!(!is_form(&headers));
        headers.insert(
            CONTENT_TYPE,
            "Application/X-WWW-Form-Urlencoded; charset=UTF-8"
                .parse()
                .unwrap(),
        );
        assert!(is_form(&headers));
        headers.insert(CONTENT_TYPE, "application/json".parse().unwrap());
        assert!(!is_form(&headers));
    }
}
