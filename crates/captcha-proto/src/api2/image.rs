//! [`CaptchaImage`]: the image behind a `CaptchaGetUrl` URL and its `vsig` cookie.

use http::header::{CONTENT_TYPE, HeaderMap, SET_COOKIE, USER_AGENT};
use http::{HeaderValue, Method, Request, StatusCode};

use super::url::CaptchaUrl;
use crate::error::{DecodeError, DecodeErrorKind};
use crate::secret::CaptchaSig;

/// The cookie that carries the captcha signature (docs/protocol.md, "CaptchaGetUrl").
pub(crate) const VSIG_COOKIE: &str = "vsig";

/// A fetched captcha image: show `bytes` to the user, keep `captcha_sig` for
/// [`CaptchaVerify`](crate::CaptchaVerify).
#[derive(Clone)]
#[non_exhaustive]
pub struct CaptchaImage {
    /// The image bytes (JPEG, GIF or PNG; 130×53 at Tencent).
    pub bytes: Vec<u8>,
    /// The `Content-Type` the server sent, if any.
    pub content_type: Option<String>,
    /// The `vsig` cookie value: the signature `CaptchaVerify` needs.
    pub captcha_sig: CaptchaSig,
}

impl std::fmt::Debug for CaptchaImage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CaptchaImage")
            .field("bytes", &self.bytes.len())
            .field("content_type", &self.content_type)
            .field("captcha_sig", &self.captcha_sig)
            .finish()
    }
}

impl CaptchaImage {
    /// The GET request that fetches the image at `url`.
    pub(crate) fn request(url: &CaptchaUrl, user_agent: &str) -> Request<Vec<u8>> {
        let mut request = Request::new(Vec::new());
        *request.method_mut() = Method::GET;
        *request.uri_mut() = url.uri().clone();
        if let Ok(agent) = HeaderValue::from_str(user_agent) {
            request.headers_mut().insert(USER_AGENT, agent);
        }
        request
    }

    /// Reads the image response: a success status, a non-empty body and a `vsig` cookie.
    pub fn decode(
        status: StatusCode,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Result<Self, DecodeError> {
        let error = |kind| DecodeError::new(kind, status, b"");
        if !status.is_success() {
            return Err(DecodeError::new(DecodeErrorKind::Status, status, body));
        }
        let captcha_sig = headers
            .get_all(SET_COOKIE)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .find_map(vsig_of)
            .ok_or_else(|| error(DecodeErrorKind::MissingField { field: "vsig" }))?;
        if body.is_empty() {
            return Err(error(DecodeErrorKind::MissingField { field: "image" }));
        }
        Ok(Self {
            bytes: body.to_vec(),
            content_type: headers
                .get(CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned),
            captcha_sig: CaptchaSig::new(captcha_sig),
        })
    }
}

/// The value of `vsig` in one `Set-Cookie` header (`vsig=…; PATH=/; DOMAIN=…`).
fn vsig_of(set_cookie: &str) -> Option<String> {
    let pair = set_cookie.split(';').next()?;
    let (name, value) = pair.split_once('=')?;
    (name.trim() == VSIG_COOKIE && !value.trim().is_empty()).then(|| value.trim().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_vsig_among_cookies() {
        let mut headers = HeaderMap::new();
        headers.append(SET_COOKIE, HeaderValue::from_static("other=1; PATH=/"));
        headers.append(
            SET_COOKIE,
            HeaderValue::from_static("vsig=abc*def; PATH=/; DOMAIN=guard.qcloud.com;"),
        );
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("image/png"));
        let image = CaptchaImage::decode(StatusCode::OK, &headers, b"\x89PNG").unwrap();
        assert_eq!(image.captcha_sig.expose_secret(), "abc*def");
        assert!(!format!("{image:?}").contains("abc*def"));
    }

    #[test]
    fn missing_cookie_or_bad_status_is_an_error() {
        let headers = HeaderMap::new();
        let err = CaptchaImage::decode(StatusCode::OK, &headers, b"img").unwrap_err();
        assert_eq!(err.kind(), &DecodeErrorKind::MissingField { field: "vsig" });
        let err = CaptchaImage::decode(StatusCode::NOT_FOUND, &headers, b"gone").unwrap_err();
        assert_eq!(err.kind(), &DecodeErrorKind::Status);
    }
}
