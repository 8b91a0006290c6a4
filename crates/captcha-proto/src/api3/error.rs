//! [`Api3Error`]: an API 3.0 refusal (`Response.Error`).

use std::fmt;

use crate::redact;

/// An API 3.0 refusal: `{"Response": {"Error": {"Code", "Message"}, "RequestId"}}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Api3Error {
    code: String,
    message: String,
    request_id: Option<String>,
}

impl Api3Error {
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

impl fmt::Display for Api3Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "API error {}: {}", self.code, self.message)?;
        if let Some(id) = &self.request_id {
            write!(f, " (RequestId {id})")?;
        }
        Ok(())
    }
}

impl std::error::Error for Api3Error {}
