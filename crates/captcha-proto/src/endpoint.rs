//! [`Endpoint`]: where API 2.0 requests go, and which host they are signed for.

use std::fmt;

use bytes::Bytes;
use http::uri::{Parts, PathAndQuery, Scheme, Uri};

use crate::error::EncodeError;

/// Tencent's API 2.0 captcha endpoint.
pub const DEFAULT_ENDPOINT: &str = "https://csec.api.qcloud.com/v2/index.php";

/// The URL of an API 2.0 server: scheme, host, optional port and path.
///
/// The signature covers the bare host (no scheme, no port) and the path, so an endpoint
/// pointed at a local emulator (`http://127.0.0.1:8080/v2/index.php`) signs for `127.0.0.1`.
///
/// ```
/// use captcha_proto::Endpoint;
/// let local: Endpoint = "http://127.0.0.1:8080/v2/index.php".parse()?;
/// assert_eq!((local.host(), local.port(), local.path()), ("127.0.0.1", Some(8080), "/v2/index.php"));
/// assert_eq!(Endpoint::default().to_string(), "https://csec.api.qcloud.com/v2/index.php");
/// # Ok::<(), captcha_proto::EncodeError>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Endpoint {
    https: bool,
    host: String,
    port: Option<u16>,
    path: String,
    /// `scheme://host[:port]path`, precomputed for the request URI.
    base: String,
    /// `base` parsed once: POST requests reuse it, GET requests its scheme and authority.
    uri: Uri,
}

impl Endpoint {
    /// An endpoint from its parts. `host` must be a bare host name or IP (IPv6 in brackets),
    /// `path` must start with `/`; anything else is refused rather than read as part of
    /// another component (`"v2/index.php"` would otherwise extend the host).
    ///
    /// ```
    /// use captcha_proto::Endpoint;
    /// let local = Endpoint::new(false, "127.0.0.1", Some(8080), "/v2/index.php")?;
    /// assert_eq!(local.as_str(), "http://127.0.0.1:8080/v2/index.php");
    /// assert!(Endpoint::new(true, "csec.api.qcloud.com", None, "v2/index.php").is_err());
    /// assert!(Endpoint::new(true, "127.0.0.1/evil", None, "/v2/index.php").is_err());
    /// # Ok::<(), captcha_proto::EncodeError>(())
    /// ```
    pub fn new(
        https: bool,
        host: &str,
        port: Option<u16>,
        path: &str,
    ) -> Result<Self, EncodeError> {
        let scheme = if https { "https" } else { "http" };
        let text = match port {
            Some(port) => format!("{scheme}://{host}:{port}{path}"),
            None => format!("{scheme}://{host}{path}"),
        };
        let invalid = |reason| EncodeError::InvalidEndpoint {
            url: shown_in_errors(&text),
            reason,
        };
        if !path.starts_with('/') {
            return Err(invalid("the path must start with /"));
        }
        let endpoint: Self = text.parse()?;
        // The parts must come back as given: a host with `/`, `:` or `?` in it, or a path
        // with a query, would have been split differently.
        if endpoint.host != host || endpoint.port != port {
            return Err(invalid(
                "the host must be a bare host name or IP address (IPv6 in brackets)",
            ));
        }
        if endpoint.path != path {
            return Err(invalid("the path must not carry a query or fragment"));
        }
        Ok(endpoint)
    }

    /// `true` for https.
    pub fn is_https(&self) -> bool {
        self.https
    }

    /// The host that is connected to and signed (no port; IPv6 keeps its brackets).
    pub fn host(&self) -> &str {
        &self.host
    }

    /// The explicit port, if the URL names one.
    pub fn port(&self) -> Option<u16> {
        self.port
    }

    /// The port connected to: the explicit one, else 443 or 80.
    pub fn port_or_default(&self) -> u16 {
        self.port.unwrap_or(if self.https { 443 } else { 80 })
    }

    /// The path, e.g. `/v2/index.php`.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The same endpoint with another host (the signed host changes with it).
    pub fn with_host(&self, host: &str) -> Result<Self, EncodeError> {
        Self::new(self.https, host, self.port, &self.path)
    }

    /// The same endpoint with another port (`None`: the scheme's default).
    pub fn with_port(&self, port: Option<u16>) -> Result<Self, EncodeError> {
        Self::new(self.https, &self.host, port, &self.path)
    }

    /// `scheme://host[:port]path`, without a query.
    pub fn as_str(&self) -> &str {
        &self.base
    }

    /// The endpoint as a request URI (a cheap copy of one parsed once).
    pub fn uri(&self) -> Uri {
        self.uri.clone()
    }

    /// This endpoint's scheme and authority with `path_and_query` (which starts with the
    /// path). Only `path_and_query` is parsed: the rest was checked when the endpoint was.
    pub(crate) fn uri_with(&self, path_and_query: Vec<u8>) -> Result<Uri, EncodeError> {
        let invalid = || EncodeError::InvalidEndpoint {
            url: self.base.clone(),
            reason: "cannot form a request URI",
        };
        let mut parts = Parts::default();
        parts.scheme = self.uri.scheme().cloned();
        parts.authority = self.uri.authority().cloned();
        parts.path_and_query = Some(
            PathAndQuery::from_maybe_shared(Bytes::from(path_and_query)).map_err(|_| invalid())?,
        );
        Uri::from_parts(parts).map_err(|_| invalid())
    }
}

impl Default for Endpoint {
    fn default() -> Self {
        DEFAULT_ENDPOINT
            .parse()
            .expect("the default endpoint is a valid URL")
    }
}

impl std::str::FromStr for Endpoint {
    type Err = EncodeError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let invalid = |reason: &'static str| EncodeError::InvalidEndpoint {
            url: shown_in_errors(text),
            reason,
        };
        let uri: Uri = text.parse().map_err(|_| invalid("not a valid URL"))?;
        let https = match uri.scheme() {
            Some(s) if *s == Scheme::HTTPS => true,
            Some(s) if *s == Scheme::HTTP => false,
            Some(_) => return Err(invalid("the scheme must be http or https")),
            None => return Err(invalid("the URL needs a scheme (https:// or http://)")),
        };
        let authority = uri
            .authority()
            .ok_or_else(|| invalid("the URL needs a host"))?;
        if authority.as_str().contains('@') {
            return Err(invalid("credentials in the URL are not allowed"));
        }
        let host = authority.host();
        if host.is_empty() {
            return Err(invalid("the URL needs a host"));
        }
        if uri.query().is_some() {
            return Err(invalid("the endpoint must not carry a query"));
        }
        // `Uri` drops a fragment without a word; a URL that has one was likely mistyped.
        if text.contains('#') {
            return Err(invalid("the endpoint must not carry a fragment"));
        }
        let path = match uri.path() {
            "" => "/",
            path => path,
        };
        let port = authority.port_u16();
        let scheme = if https { "https" } else { "http" };
        let base = match port {
            Some(port) => format!("{scheme}://{host}:{port}{path}"),
            None => format!("{scheme}://{host}{path}"),
        };
        let uri = Uri::try_from(base.as_str()).map_err(|_| invalid("not a valid URL"))?;
        Ok(Self {
            https,
            host: host.to_owned(),
            port,
            path: path.to_owned(),
            base,
            uri,
        })
    }
}

/// `text` cut to 200 characters, with any `user:password@` of the authority masked: an
/// endpoint holds no secret unless someone pasted credentials into it.
fn shown_in_errors(text: &str) -> String {
    let masked = text.split_once("://").and_then(|(scheme, rest)| {
        let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        let at = rest[..authority_end].rfind('@')?;
        Some(format!("{scheme}://{}{}", crate::redact::MASK, &rest[at..]))
    });
    masked
        .as_deref()
        .unwrap_or(text)
        .chars()
        .take(200)
        .collect()
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.base)
    }
}

impl fmt::Debug for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Endpoint({})", self.base)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_rejects() {
        let e: Endpoint = "https://csec.api.qcloud.com/v2/index.php".parse().unwrap();
        assert!(e.is_https());
        assert_eq!(e.port_or_default(), 443);
        let e: Endpoint = "http://[::1]:9/".parse().unwrap();
        assert_eq!((e.host(), e.port(), e.path()), ("[::1]", Some(9), "/"));
        for bad in [
            "ftp://h/",
            "csec.api.qcloud.com/v2",
            "https://u:p@h/",
            "https://h/?a=1",
            "::",
        ] {
            assert!(bad.parse::<Endpoint>().is_err(), "{bad}");
        }
        let err = "https://id:hunter2@h/".parse::<Endpoint>().unwrap_err();
        assert!(!format!("{err:?}{err}").contains("hunter2"), "{err:?}");
        assert!(format!("{err}").contains("https://[redacted]@h/"), "{err}");
        let moved = Endpoint::default()
            .with_host("127.0.0.1")
            .unwrap()
            .with_port(Some(8080))
            .unwrap();
        assert_eq!(moved.as_str(), "https://127.0.0.1:8080/v2/index.php");
    }

    /// Parts that would be read as part of another component are refused, each with the
    /// reason, instead of sending (and signing) for another host or path.
    #[test]
    fn parts_that_do_not_come_back_as_given_are_refused() {
        let reason = |result: Result<Endpoint, EncodeError>| match result {
            Err(EncodeError::InvalidEndpoint { reason, .. }) => reason,
            other => panic!("{other:?}"),
        };
        let default = Endpoint::default();
        assert_eq!(
            reason(Endpoint::new(
                true,
                "csec.api.qcloud.com",
                None,
                "v2/index.php"
            )),
            "the path must start with /"
        );
        assert_eq!(
            reason(Endpoint::new(true, "h", None, "x.php")),
            "the path must start with /"
        );
        for host in ["127.0.0.1/evil", "h:8080", "h?x", "h#x", "u@h", "", "a b"] {
            assert!(default.with_host(host).is_err(), "{host:?}");
        }
        assert!(reason(default.with_host("127.0.0.1/evil")).contains("bare host"));
        assert!(reason(Endpoint::new(true, "h", None, "/v2/index.php?a=1")).contains("query"));
        assert!(reason(Endpoint::new(true, "h", None, "/v2/index.php#top")).contains("fragment"));
        assert!(reason("https://h/v2/index.php#frag".parse()).contains("fragment"));
        let ipv6 = default
            .with_host("[::1]")
            .unwrap()
            .with_port(Some(9))
            .unwrap();
        assert_eq!(ipv6.as_str(), "https://[::1]:9/v2/index.php");
    }
}
