//! [`Origin`]: scheme, host and port of a request: the pool key and what is connected to.

use std::fmt;

use captcha_proto::EncodeError;
use captcha_proto::transport::Error;
use http::Uri;
use http::uri::Scheme;

/// Where a request goes. Two requests with the same origin may share a connection.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Origin {
    /// `true` for https.
    pub(crate) https: bool,
    /// Host name or IP address; IPv6 without brackets (as sockets and TLS want it).
    pub(crate) host: String,
    /// The port connected to (explicit, else 443 or 80).
    pub(crate) port: u16,
    /// The `Host` header: `host[:port]` as written in the URL (IPv6 in brackets).
    pub(crate) authority: String,
}

impl Origin {
    /// The origin of an absolute http(s) URI; anything else is refused before any I/O
    /// (as an [`Error::Encode`] showing the URI without its query, which may hold secrets).
    pub(crate) fn of(uri: &Uri) -> Result<Self, Error> {
        let refuse = || {
            let shown = match (uri.scheme_str(), uri.authority()) {
                (Some(scheme), Some(authority)) => format!("{scheme}://{authority}{}", uri.path()),
                _ => uri.path().to_owned(),
            };
            Error::Encode(EncodeError::InvalidEndpoint {
                url: shown,
                reason: "a request URI must be absolute http or https",
            })
        };
        let https = match uri.scheme() {
            Some(s) if *s == Scheme::HTTPS => true,
            Some(s) if *s == Scheme::HTTP => false,
            _ => return Err(refuse()),
        };
        let host = uri.host().filter(|h| !h.is_empty()).ok_or_else(refuse)?;
        let port = uri.port_u16().unwrap_or(if https { 443 } else { 80 });
        let authority = match uri.port_u16() {
            Some(port) => format!("{host}:{port}"),
            None => host.to_owned(),
        };
        let bare = host.trim_start_matches('[').trim_end_matches(']');
        Ok(Self {
            https,
            host: bare.to_owned(),
            port,
            authority,
        })
    }
}

impl fmt::Display for Origin {
    /// `https://host:port` (no path or query: those may carry secrets).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let scheme = if self.https { "https" } else { "http" };
        write!(f, "{scheme}://{}", self.authority)
    }
}

/// The request target sent on the wire: path and query only (origin-form).
pub(crate) fn origin_form(uri: &Uri) -> Uri {
    let path_and_query = uri.path_and_query().map_or("/", |pq| pq.as_str());
    let path_and_query = if path_and_query.is_empty() {
        "/"
    } else {
        path_and_query
    };
    path_and_query
        .parse()
        .unwrap_or_else(|_| Uri::from_static("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origin_of_urls() {
        let o = Origin::of(&"https://example.com/v2/index.php?a=1".parse().unwrap()).unwrap();
        assert_eq!(
            (o.https, o.host.as_str(), o.port),
            (true, "example.com", 443)
        );
        assert_eq!(o.authority, "example.com");
        let o = Origin::of(&"http://[::1]:8080/x".parse().unwrap()).unwrap();
        assert_eq!((o.https, o.host.as_str(), o.port), (false, "::1", 8080));
        assert_eq!(o.authority, "[::1]:8080");
        assert_eq!(o.to_string(), "http://[::1]:8080");
        let err = Origin::of(&"/relative?ticket=t".parse().unwrap()).unwrap_err();
        assert!(matches!(err, Error::Encode(_)) && !err.to_string().contains("ticket"));
        let err = Origin::of(&"ftp://host/x?Signature=s".parse().unwrap()).unwrap_err();
        assert!(matches!(err, Error::Encode(_)) && !err.to_string().contains("Signature"));
    }

    #[test]
    fn origin_form_keeps_path_and_query() {
        let uri: Uri = "http://h:1/v2/index.php?Action=X&ticket=t".parse().unwrap();
        assert_eq!(origin_form(&uri), "/v2/index.php?Action=X&ticket=t");
        let uri: Uri = "http://h".parse().unwrap();
        assert_eq!(origin_form(&uri), "/");
    }
}
