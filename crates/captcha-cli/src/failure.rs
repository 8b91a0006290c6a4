//! [`Failure`]: why a command did not succeed, and the exit code that says so.

use std::fmt;
use std::process::ExitCode;

use captcha_client::{BuildError, Error, Phase};

/// A failed command. The message is one line, safe to print (no secrets).
#[derive(Debug)]
pub enum Failure {
    /// Bad usage or input: exit 2.
    Usage(String),
    /// The server refused (non-zero code): exit 3.
    Api(String),
    /// Connect, timeout or bad response: exit 4.
    Transport(String),
}

impl Failure {
    /// The process exit code.
    pub fn exit_code(&self) -> ExitCode {
        ExitCode::from(match self {
            Self::Usage(_) => 2,
            Self::Api(_) => 3,
            Self::Transport(_) => 4,
        })
    }

    /// A usage error naming the option at fault.
    pub fn usage(option: &str, problem: impl fmt::Display) -> Self {
        Self::Usage(format!("{option}: {problem}"))
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Usage(m) => write!(f, "error: {m}"),
            Self::Api(m) => write!(f, "refused: {m}"),
            Self::Transport(m) => write!(f, "transport failure: {m}"),
        }
    }
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        let message = error.to_string();
        match error.phase() {
            Phase::Encode => Self::Usage(message),
            Phase::Api => Self::Api(message),
            _ => Self::Transport(message),
        }
    }
}

impl From<BuildError> for Failure {
    fn from(error: BuildError) -> Self {
        Self::Usage(error.to_string())
    }
}

impl From<captcha_proto::EncodeError> for Failure {
    fn from(error: captcha_proto::EncodeError) -> Self {
        Self::Usage(error.to_string())
    }
}

impl From<captcha_proto::CredentialError> for Failure {
    fn from(error: captcha_proto::CredentialError) -> Self {
        Self::Usage(format!(
            "{error} (use --secret-id/--secret-key or the environment)"
        ))
    }
}
