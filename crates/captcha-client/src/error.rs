//! The client's [`Error`]: every failure says in which phase it happened, and so whether
//! the server may have seen the request.

use std::fmt;
use std::time::Duration;

use captcha_proto::{
    Api2Error, Api3Error, CredentialError, DecodeError, EncodeError, ResponseError,
};

/// Where a call failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Phase {
    /// The input could not be encoded; nothing was sent.
    Encode,
    /// Connect, DNS or TLS failed: the request was never written. Safe to retry.
    NeverSent,
    /// The connection failed after the request may have been written.
    MaybeSent,
    /// The deadline passed; the server may have seen the request.
    Timeout,
    /// The response arrived but is not what the protocol promises.
    Response,
    /// The server answered and refused.
    Api,
    /// No credential could be had (from the environment, a file, the metadata service or
    /// STS); nothing was sent.
    Credentials,
}

impl Phase {
    /// A stable snake_case name, for logs and metrics (`never_sent`, `maybe_sent`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Encode => "encode_error",
            Self::NeverSent => "never_sent",
            Self::MaybeSent => "maybe_sent",
            Self::Timeout => "timeout",
            Self::Response => "response_error",
            Self::Api => "api_error",
            Self::Credentials => "credentials_error",
        }
    }
}

/// An I/O failure, with a message safe to show and the underlying cause.
#[derive(Debug)]
pub struct SendError {
    message: String,
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl SendError {
    /// A failure described by `message` (no secrets), caused by `source`.
    pub fn new(
        message: impl Into<String>,
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
    ) -> Self {
        Self {
            message: message.into(),
            source,
        }
    }

    /// The description.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for SendError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        if let Some(source) = &self.source {
            write!(f, ": {source}")?;
        }
        Ok(())
    }
}

impl std::error::Error for SendError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

/// A failed call through a [`Client`](crate::Client).
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The input could not be encoded (names the field).
    Encode(EncodeError),
    /// Connect, DNS or TLS failed: the request was never written.
    NeverSent(SendError),
    /// The connection failed after the request may have been written (reset, closed mid-body).
    MaybeSent(SendError),
    /// The call's deadline passed.
    Timeout {
        /// The deadline that passed.
        after: Duration,
    },
    /// The response body exceeded the configured limit (reading stopped there).
    BodyTooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// The response is not what the protocol promises.
    Response(DecodeError),
    /// The API 2.0 server refused.
    Api2(Api2Error),
    /// The API 3.0 server refused.
    Api3(Api3Error),
    /// No credential to sign with: the source named in the error is broken, or none is
    /// configured. Nothing was sent.
    Credentials(crate::credentials::CredentialSourceError),
}

impl Error {
    /// The phase in which the call failed.
    pub fn phase(&self) -> Phase {
        match self {
            Self::Encode(_) => Phase::Encode,
            Self::NeverSent(_) => Phase::NeverSent,
            Self::MaybeSent(_) => Phase::MaybeSent,
            Self::Timeout { .. } => Phase::Timeout,
            Self::BodyTooLarge { .. } | Self::Response(_) => Phase::Response,
            Self::Api2(_) | Self::Api3(_) => Phase::Api,
            Self::Credentials(_) => Phase::Credentials,
        }
    }

    /// True when sending the call again (re-signed) is safe and may succeed: the request was
    /// never written, or the server asked to come back later. Timeouts and failures after
    /// writing are not: the server may have acted (a ticket may be spent).
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::NeverSent(_) => true,
            Self::Api2(e) => e.is_retryable(),
            Self::Api3(e) => e.is_retryable(),
            _ => false,
        }
    }

    /// The API 2.0 refusal, if that is what this is.
    pub fn api2(&self) -> Option<&Api2Error> {
        match self {
            Self::Api2(e) => Some(e),
            _ => None,
        }
    }

    /// The API 3.0 refusal, if that is what this is.
    pub fn api3(&self) -> Option<&Api3Error> {
        match self {
            Self::Api3(e) => Some(e),
            _ => None,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Encode(e) => write!(f, "invalid input: {e}"),
            Self::NeverSent(e) => write!(f, "request not sent: {e}"),
            Self::MaybeSent(e) => write!(
                f,
                "connection failed after the request may have been sent: {e}"
            ),
            Self::Timeout { after } => write!(f, "no complete response within {after:?}"),
            Self::BodyTooLarge { limit } => {
                write!(f, "response body exceeds the {limit}-byte limit")
            }
            Self::Response(e) => write!(f, "bad response: {e}"),
            Self::Api2(e) => e.fmt(f),
            Self::Api3(e) => e.fmt(f),
            Self::Credentials(e) => write!(f, "no credential: {e}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Encode(e) => Some(e),
            Self::NeverSent(e) | Self::MaybeSent(e) => Some(e),
            Self::Response(e) => Some(e),
            Self::Api2(e) => Some(e),
            Self::Api3(e) => Some(e),
            Self::Credentials(e) => Some(e),
            Self::Timeout { .. } | Self::BodyTooLarge { .. } => None,
        }
    }
}

impl From<EncodeError> for Error {
    fn from(e: EncodeError) -> Self {
        Self::Encode(e)
    }
}

impl From<ResponseError> for Error {
    fn from(e: ResponseError) -> Self {
        match e {
            ResponseError::Decode(e) => Self::Response(e),
            ResponseError::Api2(e) => Self::Api2(e),
            ResponseError::Api3(e) => Self::Api3(e),
        }
    }
}

/// A client could not be built.
#[derive(Debug)]
#[non_exhaustive]
pub enum BuildError {
    /// No usable credential (names the field or variable).
    Credential(CredentialError),
    /// A setting is unusable.
    InvalidSetting {
        /// Which one.
        setting: &'static str,
        /// Why.
        reason: String,
    },
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Credential(e) => e.fmt(f),
            Self::InvalidSetting { setting, reason } => write!(f, "{setting}: {reason}"),
        }
    }
}

impl std::error::Error for BuildError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Credential(e) => Some(e),
            Self::InvalidSetting { .. } => None,
        }
    }
}

impl From<CredentialError> for BuildError {
    fn from(e: CredentialError) -> Self {
        Self::Credential(e)
    }
}
