//! [`Api2Error`]: an API 2.0 refusal (a non-zero `code`), with the documented meanings of
//! the common codes.

use std::fmt;

use crate::redact;

/// The server answered and refused: a non-zero API 2.0 `code`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Api2Error {
    code: i64,
    message: String,
    code_desc: Option<String>,
}

impl Api2Error {
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

    /// The documented meaning of the code (docs/protocol.md, "Error codes"), if it is a documented one.
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

impl fmt::Display for Api2Error {
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

impl std::error::Error for Api2Error {}

/// The documented meaning of an API 2.0 common error code.
pub(crate) fn code_meaning(code: i64) -> Option<&'static str> {
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
