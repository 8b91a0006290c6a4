//! [`Origin`]: scheme, host and port of a request: the pool key and what is connected to.

use std::fmt;

use std::hash::{Hash, Hasher};
use std::sync::Arc;

use crate::Error;
use captcha_proto::EncodeError;
use http::uri::{Parts, Scheme};
use http::{HeaderValue, Uri};

/// Where a request goes: what a [`Runtime`](crate::Runtime) connects to. Two requests
/// with the same origin may share a connection.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Origin {
    /// `true` for https.
    pub https: bool,
    /// Host name or IP address; IPv6 without brackets (as sockets and TLS want it).
    pub host: String,
    /// The port connected to (explicit, else 443 or 80).
    pub port: u16,
    /// The `Host` header: `host[:port]` as written in the URL (IPv6 in brackets).
    pub authority: String,
    /// `authority` as a header value, made once (`None` if it is not a valid one).
    pub(crate) host_header: Option<HeaderValue>,
}

/// Equality and hash ignore `host_header`: it is made from `authority`.
impl PartialEq for Origin {
    fn eq(&self, other: &Self) -> bool {
        (self.https, self.port, &self.host, &self.authority)
            == (other.https, other.port, &other.host, &other.authority)
    }
}

impl Eq for Origin {}

impl Hash for Origin {
    fn hash<H: Hasher>(&self, state: &mut H) {
        (self.https, self.port, &self.host, &self.authority).hash(state);
    }
}

impl Origin {
    /// The origin of an absolute http(s) URI; anything else is refused before any I/O
    /// (as an [`Error::Encode`] showing the URI without its query, which may hold secrets).
    pub fn of(uri: &Uri) -> Result<Self, Error> {
        let refuse = || {
            // Host and port only: an authority may carry `user:password@`.
            let shown = match (uri.scheme_str(), uri.host(), uri.port_u16()) {
                (Some(scheme), Some(host), Some(port)) => {
                    format!("{scheme}://{host}:{port}{}", uri.path())
                }
                (Some(scheme), Some(host), None) => format!("{scheme}://{host}{}", uri.path()),
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
            host_header: HeaderValue::from_str(&authority).ok(),
            authority,
        })
    }
}

/// The origins of a client's configured endpoints, worked out once: nearly every request
/// goes to one of them, and [`Origin::of`] allocates.
pub(crate) struct KnownOrigins {
    /// Each with the URI scheme and authority text it was made from.
    known: Vec<(Scheme, String, Arc<Origin>)>,
}

impl KnownOrigins {
    /// The origins of `endpoints` (absolute http(s) URIs; others are left out).
    pub(crate) fn new(endpoints: impl IntoIterator<Item = Uri>) -> Self {
        let mut known = Vec::new();
        for uri in endpoints {
            if let (Some(scheme), Some(authority), Ok(origin)) =
                (uri.scheme(), uri.authority(), Origin::of(&uri))
            {
                known.push((
                    scheme.clone(),
                    authority.as_str().to_owned(),
                    Arc::new(origin),
                ));
            }
        }
        Self { known }
    }

    /// The origin of `uri`: shared when its scheme and authority are those of a known one
    /// (then [`Origin::of`] would give an equal origin, being a function of those two),
    /// else [`Origin::of`].
    pub(crate) fn of(&self, uri: &Uri) -> Result<Arc<Origin>, Error> {
        if let (Some(scheme), Some(authority)) = (uri.scheme(), uri.authority()) {
            for (known_scheme, known_authority, origin) in &self.known {
                if scheme == known_scheme && authority.as_str() == known_authority {
                    return Ok(Arc::clone(origin));
                }
            }
        }
        Origin::of(uri).map(Arc::new)
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
    // The usual case, a path: reuse the parsed (shared) path and query instead of parsing
    // the signed query string again; parsing "/…" would give this same URI.
    if let Some(pq) = uri
        .path_and_query()
        .filter(|pq| pq.as_str().starts_with('/'))
    {
        let mut parts = Parts::default();
        parts.path_and_query = Some(pq.clone());
        if let Ok(uri) = Uri::from_parts(parts) {
            return uri;
        }
    }
    parsed_origin_form(uri)
}

/// The request target parsed again from the path and query text (`/` when there is none):
/// what [`origin_form`] gives in every case, the slow way.
fn parsed_origin_form(uri: &Uri) -> Uri {
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
        let err = Origin::of(&"ftp://user:topsecret@host:21/x".parse().unwrap()).unwrap_err();
        let shown = err.to_string();
        assert!(
            shown.contains("ftp://host:21/x") && !shown.contains("topsecret"),
            "{shown}"
        );
    }

    #[test]
    fn origin_form_keeps_path_and_query() {
        let uri: Uri = "http://h:1/v2/index.php?Action=X&ticket=t".parse().unwrap();
        assert_eq!(origin_form(&uri), "/v2/index.php?Action=X&ticket=t");
        let uri: Uri = "http://h".parse().unwrap();
        assert_eq!(origin_form(&uri), "/");
        for target in ["/", "/x?", "/a/b?c=d%20e&f", "?q=1", ""] {
            let uri: Uri = format!("http://h{target}").parse().unwrap();
            let parsed = parsed_origin_form(&uri);
            let formed = origin_form(&uri);
            assert_eq!(formed, parsed, "{target:?}");
            assert_eq!(
                formed.path_and_query(),
                parsed.path_and_query(),
                "{target:?}"
            );
            assert!(formed.scheme().is_none() && formed.authority().is_none());
        }
    }

    #[test]
    fn known_origins_equal_computed_ones() {
        let known = KnownOrigins::new([
            "https://captcha.tencentcloudapi.com/".parse().unwrap(),
            "http://127.0.0.1:8080/v2/index.php".parse().unwrap(),
            "/not-absolute".parse().unwrap(),
        ]);
        assert_eq!(known.known.len(), 2);
        for url in [
            "https://captcha.tencentcloudapi.com/?Action=X",
            "http://127.0.0.1:8080/v2/index.php?a=1",
            "http://127.0.0.1:8081/v2/index.php",
            "https://127.0.0.1:8080/",
            "http://[::1]/x",
        ] {
            let uri: Uri = url.parse().unwrap();
            let shared = known.of(&uri).unwrap();
            let computed = Origin::of(&uri).unwrap();
            assert_eq!(*shared, computed, "{url}");
            assert_eq!(shared.authority, computed.authority);
            assert_eq!(shared.host_header, computed.host_header);
        }
        let first = known
            .of(&"http://127.0.0.1:8080/a".parse().unwrap())
            .unwrap();
        let again = known
            .of(&"http://127.0.0.1:8080/b".parse().unwrap())
            .unwrap();
        assert!(
            Arc::ptr_eq(&first, &again),
            "a known origin is shared, not rebuilt"
        );
        assert!(known.of(&"/relative".parse().unwrap()).is_err());
    }
}
