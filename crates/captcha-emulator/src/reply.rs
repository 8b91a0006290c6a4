//! [`Reply`]: what a handler answers, before fault injection turns it into a response.

use bytes::Bytes;
use http::header::{
    ACCESS_CONTROL_ALLOW_ORIGIN, CACHE_CONTROL, CONTENT_TYPE, HeaderValue, SET_COOKIE,
};
use http::{Response, StatusCode};

use crate::body::ReplyBody;
use crate::json::JsonObject;

/// The `message` of every successful API 2.0 answer.
pub(crate) const NO_ERROR: &str = "No Error";
/// The `codeDesc` of every successful answer.
pub(crate) const SUCCESS: &str = "Success";

pub(crate) const JSON: &str = "application/json; charset=utf-8";
/// The `Content-Type` of every API 3.0 answer: exactly `application/json`, as Tencent sends
/// it. Tencent's Python SDK reads `Response.Error` only under this exact value (or
/// `text/plain`); with parameters it takes a refusal for an empty success.
pub(crate) const API3_JSON: &str = "application/json";
pub(crate) const JAVASCRIPT: &str = "application/javascript; charset=utf-8";
pub(crate) const PNG: &str = "image/png";
pub(crate) const TEXT: &str = "text/plain; charset=utf-8";

/// A handler's answer.
#[derive(Debug)]
pub(crate) struct Reply {
    pub(crate) status: StatusCode,
    pub(crate) content_type: &'static str,
    pub(crate) body: Bytes,
    /// The API `code` (API 3.0: `CaptchaCode`), for the log (none for images, scripts and
    /// test endpoints).
    pub(crate) code: Option<i64>,
    /// The API 3.0 `Response.Error.Code` of a refusal, for the log.
    pub(crate) error_code: Option<&'static str>,
    /// Boxed: only images set a cookie, and a small `Reply` keeps `Result<_, Reply>` cheap.
    pub(crate) set_cookie: Option<Box<HeaderValue>>,
    /// Lets pages on other origins call the test endpoints (the demo's captcha script).
    pub(crate) cors: bool,
}

impl Reply {
    fn new(status: StatusCode, content_type: &'static str, body: Bytes) -> Self {
        Self {
            status,
            content_type,
            body,
            code: None,
            error_code: None,
            set_cookie: None,
            cors: false,
        }
    }

    /// An API answer whose JSON body is already written.
    pub(crate) fn api(code: i64, body: Bytes) -> Self {
        Self {
            code: Some(code),
            ..Self::new(StatusCode::OK, JSON, body)
        }
    }

    /// An API refusal `{"code","message","codeDesc"}` with the usual `codeDesc` of `code`.
    pub(crate) fn api_error(code: i64, message: &str) -> Self {
        Self::api_error_with_desc(code, message, code_desc(code))
    }

    /// An API refusal with a specific `codeDesc`.
    pub(crate) fn api_error_with_desc(code: i64, message: &str, code_desc: &str) -> Self {
        let body = JsonObject::new()
            .int("code", code)
            .str("message", message)
            .str("codeDesc", code_desc)
            .finish();
        Self::api(code, body)
    }

    /// Some JSON that is not an API envelope (test endpoints).
    pub(crate) fn json(status: StatusCode, body: Bytes) -> Self {
        Self::new(status, JSON, body)
    }

    /// An API 3.0 envelope (answer or refusal): HTTP 200, `Content-Type: application/json`.
    pub(crate) fn api3(body: Bytes) -> Self {
        Self::new(StatusCode::OK, API3_JSON, body)
    }

    /// A JavaScript body.
    pub(crate) fn javascript(code: Option<i64>, source: String) -> Self {
        Self {
            code,
            ..Self::new(StatusCode::OK, JAVASCRIPT, Bytes::from(source))
        }
    }

    /// A PNG body.
    pub(crate) fn png(png: Vec<u8>) -> Self {
        Self::new(StatusCode::OK, PNG, Bytes::from(png))
    }

    /// A plain-text answer (not found, method not allowed, …).
    pub(crate) fn text(status: StatusCode, text: &'static str) -> Self {
        Self::new(status, TEXT, Bytes::from_static(text.as_bytes()))
    }

    /// A plain-text answer built at run time (the metadata role name).
    pub(crate) fn text_owned(status: StatusCode, text: String) -> Self {
        Self::new(status, TEXT, Bytes::from(text))
    }

    /// The same reply, logged with this API 3.0 `CaptchaCode`.
    pub(crate) fn with_code(mut self, code: i64) -> Self {
        self.code = Some(code);
        self
    }

    /// The same reply, logged with this API 3.0 error code.
    pub(crate) fn with_error_code(mut self, code: &'static str) -> Self {
        self.error_code = Some(code);
        self
    }

    /// The same reply with another HTTP status.
    pub(crate) fn with_status(mut self, status: StatusCode) -> Self {
        self.status = status;
        self
    }

    /// The same reply with a `Set-Cookie` header.
    pub(crate) fn with_cookie(mut self, cookie: HeaderValue) -> Self {
        self.set_cookie = Some(Box::new(cookie));
        self
    }

    /// The same reply, callable from any origin.
    pub(crate) fn with_cors(mut self) -> Self {
        self.cors = true;
        self
    }

    /// The HTTP response; `wrap` turns the reply's bytes into the body actually sent
    /// (whole, or misbehaving for a fault switch).
    pub(crate) fn into_response(
        self,
        wrap: impl FnOnce(Bytes) -> ReplyBody,
    ) -> Response<ReplyBody> {
        let mut response = Response::new(wrap(self.body));
        *response.status_mut() = self.status;
        let headers = response.headers_mut();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static(self.content_type));
        headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
        if let Some(cookie) = self.set_cookie {
            headers.insert(SET_COOKIE, *cookie);
        }
        if self.cors {
            headers.insert(ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
        }
        response
    }
}

/// The usual `codeDesc` of an API 2.0 code (docs/protocol.md, "Error codes").
pub(crate) fn code_desc(code: i64) -> &'static str {
    match code {
        0 => SUCCESS,
        4000 => "InvalidParameter",
        4100 => "AuthFailure",
        4101..=4103 => "UnauthorizedOperation",
        4104 => "AuthFailure.SecretIdNotFound",
        4105 => "AuthFailure.TokenFailure",
        4106 => "AuthFailure.MFAFailure",
        4110 => "AuthFailure",
        4200 => "RequestExpired",
        4300 => "AccessDenied",
        4400 => "RequestLimitExceeded",
        4500 => "ReplayAttack",
        4600 => "UnsupportedProtocol",
        5000 => "ResourceNotFound",
        5100 => "ResourceOperationFailed",
        5200..=5500 => "FailedOperation",
        6000 => "InternalError",
        6100 => "UnsupportedVersion",
        6200 => "ServiceUnavailable",
        _ => "Failure",
    }
}
