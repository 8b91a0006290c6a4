//! Errors, split by whose fault they are: [`EncodeError`] (the caller's input),
//! [`DecodeError`] (the peer's bytes) and [`ApiError`] (the server refused).
//! A captcha verdict is never an error.

use std::fmt;

use http::StatusCode;

use crate::redact;

/// The caller's input cannot be encoded into a request. Names the field at fault and
/// never contains the value (it may be a secret).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum EncodeError {
    /// A required value is empty.
    EmptyField {
        /// The wire name of the field, e.g. `ticket`.
        field: &'static str,
    },
    /// A value is present but not acceptable.
    InvalidValue {
        /// The wire name of the field.
        field: &'static str,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A parameter name is empty.
    EmptyParameterName,
    /// A parameter name occurs twice (for raw actions: also a clash with a common parameter).
    DuplicateParameter {
        /// The repeated name.
        name: String,
    },
    /// A parameter name that only the encoder may set (`Signature`, `Action`, `Nonce`, …).
    ReservedParameter {
        /// The name.
        name: String,
    },
    /// A parameter's value could not be written: its `Display` implementation failed.
    UnrenderableValue {
        /// The parameter's name.
        name: String,
    },
    /// The endpoint URL cannot be used.
    InvalidEndpoint {
        /// The URL as given (endpoints hold no secrets; cut to 200 characters).
        url: String,
        /// Why.
        reason: &'static str,
    },
}

impl fmt::Display for EncodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::EmptyField { field } => write!(f, "{field} must not be empty"),
            Self::InvalidValue { field, reason } => write!(f, "{field} is invalid: {reason}"),
            Self::EmptyParameterName => f.write_str("a parameter name is empty"),
            Self::DuplicateParameter { name } => write!(f, "parameter {name} is given twice"),
            Self::ReservedParameter { name } => {
                write!(f, "parameter {name} is set by the SDK and cannot be given")
            }
            Self::UnrenderableValue { name } => {
                write!(f, "parameter {name}: its value failed to render as text")
            }
            Self::InvalidEndpoint { url, reason } => write!(f, "endpoint {url:?}: {reason}"),
        }
    }
}

impl std::error::Error for EncodeError {}

/// What kind of protocol violation a [`DecodeError`] is.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DecodeErrorKind {
    /// The HTTP status is not a success and the body holds no API error.
    Status,
    /// The body is not the JSON the protocol promises.
    NotJson {
        /// The parser's message (positions only; it never quotes the body).
        reason: String,
    },
    /// The body is not UTF-8 where text was expected.
    NotUtf8,
    /// A field the protocol promises is missing.
    MissingField {
        /// Its wire name.
        field: &'static str,
    },
    /// A field has a value outside the protocol.
    InvalidField {
        /// Its wire name.
        field: &'static str,
        /// What is wrong.
        reason: &'static str,
    },
}

/// The response is not what the protocol promises. Keeps the HTTP status and a short,
/// redacted snippet of the body for diagnosis.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    kind: DecodeErrorKind,
    status: StatusCode,
    snippet: String,
}

impl DecodeError {
    /// A decode error for `body` received with `status`.
    pub fn new(kind: DecodeErrorKind, status: StatusCode, body: &[u8]) -> Self {
        Self {
            kind,
            status,
            snippet: redact::snippet(body),
        }
    }

    /// What went wrong.
    pub fn kind(&self) -> &DecodeErrorKind {
        &self.kind
    }

    /// The HTTP status of the response.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The start of the body (at most 256 bytes), with secret-looking values masked.
    pub fn snippet(&self) -> &str {
        &self.snippet
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            DecodeErrorKind::Status => write!(f, "unexpected HTTP status {}", self.status),
            DecodeErrorKind::NotJson { reason } => {
                write!(
                    f,
                    "response is not the JSON the protocol promises ({reason}); HTTP {}",
                    self.status
                )
            }
            DecodeErrorKind::NotUtf8 => write!(f, "response is not UTF-8; HTTP {}", self.status),
            DecodeErrorKind::MissingField { field } => {
                write!(f, "response lacks field `{field}`; HTTP {}", self.status)
            }
            DecodeErrorKind::InvalidField { field, reason } => {
                write!(f, "response field `{field}` {reason}; HTTP {}", self.status)
            }
        }?;
        if !self.snippet.is_empty() {
            write!(f, "; body starts: {:?}", self.snippet)?;
        }
        Ok(())
    }
}

impl std::error::Error for DecodeError {}

/// The server answered and refused: a non-zero API 2.0 `code`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    code: i64,
    message: String,
    code_desc: Option<String>,
}

impl ApiError {
    /// An API error as found in a response envelope.
    pub fn new(code: i64, message: impl Into<String>, code_desc: Option<String>) -> Self {
        // Upstreams may quote the request in their message: mask secret values in it.
        Self {
            code,
            message: redact::mask_values(&message.into()),
            code_desc: code_desc.map(|d| redact::mask_values(&d)),
        }
    }

    /// The numeric `code`.
    pub fn code(&self) -> i64 {
        self.code
    }

    /// The server's `message` (often with a module code in parentheses).
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The `codeDesc`, when the server sent one (e.g. `AuthFailure`).
    pub fn code_desc(&self) -> Option<&str> {
        self.code_desc.as_deref()
    }

    /// The documented meaning of the code (protocol.md §4.2), if it is a documented one.
    pub fn meaning(&self) -> Option<&'static str> {
        code_meaning(self.code)
    }

    /// 4100–4110: the signature, key, token or permission was refused. Retrying the same
    /// request cannot help; the credential or clock must be fixed.
    pub fn is_auth_failure(&self) -> bool {
        (4100..=4110).contains(&self.code)
    }

    /// 4500 (or the older 4200): a repeated nonce or a timestamp outside the server's window.
    pub fn is_replay_or_skew(&self) -> bool {
        matches!(self.code, 4200 | 4500)
    }

    /// 4400, 6000, 6200: quota or a transient server fault; retrying later (re-signed) may work.
    pub fn is_retryable(&self) -> bool {
        matches!(self.code, 4400 | 6000 | 6200)
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "API error {}", self.code)?;
        if let Some(meaning) = self.meaning() {
            write!(f, " ({meaning})")?;
        }
        if let Some(desc) = &self.code_desc {
            write!(f, " [{desc}]")?;
        }
        if !self.message.is_empty() {
            write!(f, ": {}", self.message)?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

/// The documented meaning of an API 2.0 common error code.
pub fn code_meaning(code: i64) -> Option<&'static str> {
    Some(match code {
        0 => "success",
        4000 => "invalid request parameter",
        4100 => "authentication failed",
        4101 => "not authorised to call the interface",
        4102 => "not authorised to access the resource",
        4103 => "not authorised for the resource the interface operates on",
        4104 => "key does not exist or is disabled",
        4105 => "token error",
        4106 => "MFA check failed",
        4110 => "other authentication failure",
        4200 => "request expired",
        4300 => "access denied",
        4400 => "quota exceeded",
        4500 => "replay attack: nonce repeated or timestamp out of range",
        4600 => "protocol not supported",
        5000 => "resource does not exist",
        5100 => "resource operation failed (for CaptchaCheck: verification failed)",
        5200 => "resource purchase failed",
        5300 => "insufficient balance",
        5400 => "partial success",
        5500 => "user qualification check failed",
        6000 => "internal server error",
        6100 => "version not supported",
        6200 => "interface temporarily unavailable",
        _ => return None,
    })
}

/// An API 3.0 refusal: `{"Response": {"Error": {"Code", "Message"}, "RequestId"}}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceError {
    code: String,
    message: String,
    request_id: Option<String>,
}

impl ServiceError {
    /// A refusal with its dotted code (e.g. `AuthFailure.SignatureExpire`).
    pub fn new(
        code: impl Into<String>,
        message: impl Into<String>,
        request_id: Option<String>,
    ) -> Self {
        Self {
            code: code.into(),
            message: redact::mask_values(&message.into()),
            request_id,
        }
    }

    /// The error code, e.g. `AuthFailure.SignatureFailure`.
    pub fn code(&self) -> &str {
        &self.code
    }

    /// The server's message.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The request id, for Tencent support.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// `AuthFailure.*` or `UnauthorizedOperation.*`: fix the credential or clock; retrying cannot help.
    pub fn is_auth_failure(&self) -> bool {
        self.code.starts_with("AuthFailure") || self.code.starts_with("UnauthorizedOperation")
    }

    /// `AuthFailure.SignatureExpire`: the timestamp is more than 5 minutes off.
    pub fn is_signature_expired(&self) -> bool {
        self.code == "AuthFailure.SignatureExpire"
    }

    /// `RequestLimitExceeded*`: too many requests.
    pub fn is_rate_limited(&self) -> bool {
        self.code.starts_with("RequestLimitExceeded")
    }

    /// Rate limits and internal errors: retrying later (re-signed) may work.
    pub fn is_retryable(&self) -> bool {
        self.is_rate_limited() || self.code.starts_with("InternalError")
    }
}

impl fmt::Display for ServiceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "API error {}: {}", self.code, self.message)?;
        if let Some(id) = &self.request_id {
            write!(f, " (RequestId {id})")?;
        }
        Ok(())
    }
}

impl std::error::Error for ServiceError {}

/// A response that does not carry the action's result: either the bytes are wrong
/// ([`DecodeError`]) or the server refused ([`ApiError`] for API 2.0, [`ServiceError`]
/// for API 3.0).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ResponseError {
    /// The bytes are not what the protocol promises.
    Decode(DecodeError),
    /// The API 2.0 server refused with a non-zero code.
    Api(ApiError),
    /// The API 3.0 server refused with an error code.
    Service(ServiceError),
}

impl ResponseError {
    /// The API error, if the server refused.
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            Self::Api(e) => Some(e),
            Self::Decode(_) | Self::Service(_) => None,
        }
    }

    /// True when retrying later (re-signed) may succeed: retryable refusals only.
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Decode(_) => false,
            Self::Api(e) => e.is_retryable(),
            Self::Service(e) => e.is_retryable(),
        }
    }
}

impl fmt::Display for ResponseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Decode(e) => e.fmt(f),
            Self::Api(e) => e.fmt(f),
            Self::Service(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for ResponseError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Decode(e) => Some(e),
            Self::Api(e) => Some(e),
            Self::Service(e) => Some(e),
        }
    }
}

impl From<DecodeError> for ResponseError {
    fn from(e: DecodeError) -> Self {
        Self::Decode(e)
    }
}

impl From<ApiError> for ResponseError {
    fn from(e: ApiError) -> Self {
        Self::Api(e)
    }
}

impl From<ServiceError> for ResponseError {
    fn from(e: ServiceError) -> Self {
        Self::Service(e)
    }
}
