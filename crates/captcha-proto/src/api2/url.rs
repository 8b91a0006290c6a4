//! [`CaptchaUrl`]: a one-time URL returned by the server, checked to be http(s).

use std::fmt;

use http::StatusCode;
use http::uri::{Scheme, Uri};

use crate::error::{DecodeError, DecodeErrorKind, ResponseError};

/// A one-time URL handed out by the server (a captcha image or a captcha script).
/// Guaranteed absolute, http or https, with a host.
#[derive(Clone, PartialEq, Eq)]
pub struct CaptchaUrl(Uri);

impl CaptchaUrl {
    /// Checks `text` is an absolute http(s) URL with a host.
    pub(crate) fn parse(
        text: &str,
        status: StatusCode,
        body: &[u8],
    ) -> Result<Self, ResponseError> {
        let invalid = |reason| {
            DecodeError::new(
                DecodeErrorKind::InvalidField {
                    field: "url",
                    reason,
                },
                status,
                body,
            )
        };
        let uri: Uri = text.parse().map_err(|_| invalid("is not a valid URL"))?;
        let scheme_ok = uri
            .scheme()
            .is_some_and(|s| *s == Scheme::HTTP || *s == Scheme::HTTPS);
        if !scheme_ok {
            return Err(invalid("is not an http or https URL").into());
        }
        if uri.host().is_none_or(str::is_empty) {
            return Err(invalid("has no host").into());
        }
        Ok(Self(uri))
    }

    /// The URL as a parsed `http::Uri`.
    pub fn uri(&self) -> &Uri {
        &self.0
    }

    /// True for https URLs.
    pub fn is_https(&self) -> bool {
        self.0.scheme() == Some(&Scheme::HTTPS)
    }
}

impl fmt::Display for CaptchaUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl fmt::Debug for CaptchaUrl {
    /// Shows scheme, host and path only: the query carries a one-time signature.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let scheme = self.0.scheme_str().unwrap_or_default();
        let authority = self.0.authority().map(|a| a.as_str()).unwrap_or_default();
        write!(f, "CaptchaUrl({scheme}://{authority}{}?…)", self.0.path())
    }
}

/// Decodes the `url` of a successful reply.
pub(crate) fn decode_url(status: StatusCode, body: &[u8]) -> Result<CaptchaUrl, ResponseError> {
    let reply = super::reply::parse_success(status, body)?;
    let url = reply.url.ok_or_else(|| {
        DecodeError::new(DecodeErrorKind::MissingField { field: "url" }, status, body)
    })?;
    CaptchaUrl::parse(&url, status, body)
}
