//! [`CredentialSourceError`]: a credential source is configured but cannot give a usable
//! credential, or no source gives one. One line, naming the source; never a key or token.

use std::fmt;

/// Why no credential could be had. `Display` is one line naming the source, e.g.
/// `profile file /home/app/.tencentcloud/credentials: line 3: expected key = value`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialSourceError {
    source: String,
    reason: String,
}

impl CredentialSourceError {
    pub(crate) fn new(source: impl Into<String>, reason: impl fmt::Display) -> Self {
        Self {
            source: source.into(),
            reason: reason.to_string(),
        }
    }

    /// The source at fault (`environment`, `profile file …`, `CVM role`, `AssumeRole`,
    /// `TKE OIDC`, or `credential chain` when none gave a credential).
    pub fn source_name(&self) -> &str {
        &self.source
    }

    /// What is wrong.
    pub fn reason(&self) -> &str {
        &self.reason
    }
}

impl fmt::Display for CredentialSourceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.source, self.reason)
    }
}

impl std::error::Error for CredentialSourceError {}
