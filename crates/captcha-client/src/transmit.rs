//! [`Transmitter`]: one HTTP exchange (request out, capped body in) over a pooled or new
//! connection, with every failure put in the phase that says whether it may be repeated.

use std::sync::Arc;
use std::time::Duration;

use crate::{BuildError, ClientSettings, Error, SendError};
use bytes::Bytes;
use http::header::{CONNECTION, HOST, HeaderValue, USER_AGENT};
use http::{Request, Response, Version};
use http_body_util::Full;
use hyper::client::conn::TrySendError;

use crate::body;
use crate::origin::{KnownOrigins, Origin, origin_form};
use crate::pool::Pool;
use crate::runtime::{Runtime, Sender};

/// Sends the requests of one client over its pool of keep-alive connections, opened with
/// `R`. Share it behind an `Arc` (the transports keep one per client).
pub struct Transmitter<R> {
    runtime: R,
    pool: Arc<Pool<R>>,
    /// The origins of the configured endpoints, made once for all requests.
    origins: KnownOrigins,
    connect_timeout: Duration,
    max_body_bytes: usize,
    user_agent: HeaderValue,
}

impl<R: Runtime> Transmitter<R> {
    /// A transmitter with the pool, limits and `User-Agent` of `settings`, opening its
    /// connections with `runtime`. Fails only on a `User-Agent` that is not a header value.
    pub fn new(settings: &ClientSettings, runtime: R) -> Result<Self, BuildError> {
        let user_agent = HeaderValue::from_str(&settings.user_agent).map_err(|_| {
            BuildError::InvalidSetting {
                setting: "user_agent",
                reason: "must be visible ASCII".to_owned(),
            }
        })?;
        Ok(Self {
            runtime,
            pool: Pool::new(settings.pool_idle_timeout, settings.max_idle_per_host),
            origins: KnownOrigins::new([
                settings.api2.endpoint().uri(),
                settings.api3.endpoint().uri(),
            ]),
            connect_timeout: settings.connect_timeout,
            max_body_bytes: settings.max_body_bytes,
            user_agent,
        })
    }

    /// The runtime connections are opened with.
    pub(crate) fn runtime(&self) -> &R {
        &self.runtime
    }

    /// Sends `request` once and reads the whole response body (at most the body limit).
    ///
    /// The URI must be absolute http(s): anything else is an [`Error::Encode`] before any
    /// I/O. The request goes out in origin-form with `Host`, the default `User-Agent`
    /// (unless it has one) and HTTP/1.1. An idle pooled connection is tried first; if it
    /// turns out closed before the request was written, the next one (or a new connection)
    /// is used: that is not a retry, the server never saw the request.
    pub async fn send(&self, request: Request<Vec<u8>>) -> Result<Response<Vec<u8>>, Error> {
        let origin = self.origins.of(request.uri())?;
        let mut request = self.prepare(request, &origin);
        while let Some(mut sender) = self.pool.checkout(&origin) {
            if !self.wait_ready(&mut sender).await {
                continue;
            }
            match sender.try_send_request(request).await {
                Ok(response) => return self.finish(&origin, sender, response).await,
                Err(error) => match unsent(error) {
                    Ok(back) => {
                        tracing::debug!(origin = %origin, "pooled connection closed before the request was written");
                        request = back;
                    }
                    Err(error) => return Err(error),
                },
            }
        }
        let mut sender = self.open(&origin).await?;
        match sender.try_send_request(request).await {
            Ok(response) => self.finish(&origin, sender, response).await,
            Err(error) => match unsent(error) {
                Ok(_) => Err(Error::NeverSent(SendError::new(
                    format!("connection to {origin} closed before the request was written"),
                    None,
                ))),
                Err(error) => Err(error),
            },
        }
    }

    /// A new connection to `origin` within the connect timeout (DNS, TCP, TLS and the HTTP
    /// handshake together).
    async fn open(&self, origin: &Origin) -> Result<Sender, Error> {
        let limit = self.connect_timeout;
        // Boxed: the TLS and HTTP handshake state is large and only needed on a pool miss,
        // so it should not inflate every call's future.
        match self
            .runtime
            .within(limit, Box::pin(self.runtime.open(origin)))
            .await
        {
            Some(opened) => opened,
            None => Err(Error::NeverSent(SendError::new(
                format!(
                    "connecting to {origin} took longer than {limit:?} \
                     (DNS, TCP, TLS and HTTP handshake together)"
                ),
                None,
            ))),
        }
    }

    /// Origin-form target, `Host`, default `User-Agent`, HTTP/1.1, body as `Full`.
    fn prepare(&self, request: Request<Vec<u8>>, origin: &Origin) -> Request<Full<Bytes>> {
        let (mut parts, body) = request.into_parts();
        parts.uri = origin_form(&parts.uri);
        parts.version = Version::HTTP_11;
        if !parts.headers.contains_key(HOST)
            && let Some(host) = &origin.host_header
        {
            parts.headers.insert(HOST, host.clone());
        }
        if !parts.headers.contains_key(USER_AGENT) {
            parts.headers.insert(USER_AGENT, self.user_agent.clone());
        }
        Request::from_parts(parts, Full::new(Bytes::from(body)))
    }

    /// Waits (at most the connect timeout) for a pooled connection to finish its previous
    /// exchange; `false` when it closed instead.
    async fn wait_ready(&self, sender: &mut Sender) -> bool {
        if sender.is_ready() {
            return true;
        }
        matches!(
            self.runtime
                .within(self.connect_timeout, sender.ready())
                .await,
            Some(Ok(()))
        )
    }

    /// Reads the body; on success the connection goes back to the pool.
    async fn finish(
        &self,
        origin: &Arc<Origin>,
        sender: Sender,
        response: Response<hyper::body::Incoming>,
    ) -> Result<Response<Vec<u8>>, Error> {
        let (parts, incoming) = response.into_parts();
        let bytes = body::collect(&parts.headers, incoming, self.max_body_bytes).await?;
        let closing = parts
            .headers
            .get_all(CONNECTION)
            .iter()
            .any(|v| v.to_str().is_ok_and(|v| v.eq_ignore_ascii_case("close")));
        if !closing {
            self.pool.checkin(origin, sender);
        }
        Ok(Response::from_parts(parts, bytes))
    }
}

/// The request back if it was never written, else the failure as [`Error::MaybeSent`].
fn unsent(mut error: TrySendError<Request<Full<Bytes>>>) -> Result<Request<Full<Bytes>>, Error> {
    match error.take_message() {
        Some(request) => Ok(request),
        None => {
            let error = error.into_error();
            Err(Error::MaybeSent(SendError::new(
                in_flight_message(&error),
                Some(Box::new(error)),
            )))
        }
    }
}

/// What went wrong once the request was (maybe) on the wire, from hyper's error kind.
/// Built from the kind only, never from the request, so it holds no secret.
fn in_flight_message(error: &hyper::Error) -> &'static str {
    if error.is_incomplete_message() {
        "the server closed the connection before the response was complete"
    } else if error.is_parse() {
        "the response is not valid HTTP/1.1"
    } else if error.is_canceled() {
        "the connection was closed while the request was in flight"
    } else {
        "the connection failed while the request was in flight"
    }
}

#[cfg(test)]
mod tests {
    use captcha_proto::Credential;

    use super::*;
    use crate::testing::NeverOpens;

    #[tokio::test]
    async fn opening_is_bounded_by_the_connect_timeout() {
        let mut settings = ClientSettings::new(Credential::new("AKIDx", "k").unwrap());
        settings.connect_timeout = Duration::from_millis(50);
        let transmitter = Transmitter::new(&settings, NeverOpens).unwrap();
        let request = Request::get("http://127.0.0.1:9/v2/index.php?ticket=t03secret")
            .body(Vec::new())
            .unwrap();
        let error = transmitter.send(request).await.unwrap_err();
        assert!(matches!(error, Error::NeverSent(_)), "{error:?}");
        let shown = error.to_string();
        assert!(
            shown.contains("longer than 50ms") && shown.contains("http://127.0.0.1:9"),
            "{shown}"
        );
        assert!(!shown.contains("t03secret"), "{shown}");
    }
}
