//! Errors, split by whose fault they are: [`EncodeError`] (the caller's input),
//! [`DecodeError`] (the peer's bytes) and [`Api2Error`] (the server refused).
//! A captcha verdict is never an error.

use std::fmt;

use http::StatusCode;

use crate::api2::Api2Error;
use crate::api3::Api3Error;
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
    /// A value inside the answer is missing or has the wrong type.
    InvalidPath {
        /// Where, e.g. `Data.RequestTrend[0].Ftime` (names and indexes only, no values).
        path: String,
        /// What is wrong: `is missing` or `has the wrong type`.
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
    pub(crate) fn new(kind: DecodeErrorKind, status: StatusCode, body: &[u8]) -> Self {
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
            DecodeErrorKind::InvalidPath { path, reason } => {
                write!(f, "response field `{path}` {reason}; HTTP {}", self.status)
            }
        }?;
        if !self.snippet.is_empty() {
            write!(f, "; body starts: {:?}", self.snippet)?;
        }
        Ok(())
    }
}

impl std::error::Error for DecodeError {}

/// A response that does not carry the action's result: either the bytes are wrong
/// ([`DecodeError`]) or the server refused ([`Api2Error`] for API 2.0, [`Api3Error`]
/// for API 3.0).
///
/// Complete by design: whatever an answer is, it is one of the three.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResponseError {
    /// The bytes are not what the protocol promises.
    Decode(DecodeError),
    /// The API 2.0 server refused with a non-zero code.
    Api2(Api2Error),
    /// The API 3.0 server refused with an error code.
    Api3(Api3Error),
}

impl ResponseError {
    /// The API 2.0 refusal, if that is what this is.
    pub fn api2(&self) -> Option<&Api2Error> {
        match self {
            Self::Api2(e) => Some(e),
            Self::Decode(_) | Self::Api3(_) => None,
        }
    }

    /// The API 3.0 refusal, if that is what this is.
    pub fn api3(&self) -> Option<&Api3Error> {
        match self {
            Self::Api3(e) => Some(e),
            Self::Decode(_) | Self::Api2(_) => None,
        }
    }

    /// True when retrying later (re-signed) may succeed: retryable refusals only.
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Decode(_) => false,
            Self::Api2(e) => e.is_retryable(),
            Self::Api3(e) => e.is_retryable(),
        }
    }
}

impl fmt::Display for ResponseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Decode(e) => e.fmt(f),
            Self::Api2(e) => e.fmt(f),
            Self::Api3(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for ResponseError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Decode(e) => Some(e),
            Self::Api2(e) => Some(e),
            Self::Api3(e) => Some(e),
        }
    }
}

impl From<DecodeError> for ResponseError {
    fn from(e: DecodeError) -> Self {
        Self::Decode(e)
    }
}

impl From<Api2Error> for ResponseError {
    fn from(e: Api2Error) -> Self {
        Self::Api2(e)
    }
}

impl From<Api3Error> for ResponseError {
    fn from(e: Api3Error) -> Self {
        Self::Api3(e)
    }
}
