//! [`StartError`]: why an emulator could not start.

use std::fmt;
use std::net::SocketAddr;

use captcha_proto::CredentialError;

/// The emulator could not start. Never contains a secret key or AppSecretKey.
#[derive(Debug)]
#[non_exhaustive]
pub enum StartError {
    /// A configured credential is unusable (empty or whitespace-padded).
    Credential {
        /// The 0-based position of the credential in the builder.
        index: usize,
        /// What is wrong with it.
        source: CredentialError,
    },
    /// Two credentials share a SecretId.
    DuplicateSecretId {
        /// The 0-based position of the second one.
        index: usize,
    },
    /// A configured captcha app is unusable (id 0, empty or whitespace-padded key).
    CaptchaApp {
        /// The 0-based position of the app in the builder.
        index: usize,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// Two captcha apps share a `CaptchaAppId`.
    DuplicateCaptchaAppId {
        /// The 0-based position of the second one.
        index: usize,
    },
    /// The CVM role ([`EmulatorBuilder::cvm_role`](crate::EmulatorBuilder::cvm_role)) is
    /// unusable (a name CAM would refuse, a lifetime under one second).
    CvmRole {
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A web-identity token is unusable (empty or whitespace-padded). Never shows the token.
    WebIdentityToken {
        /// The 0-based position of the token in the builder.
        index: usize,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The TLS certificate chain or private key cannot be used.
    Tls {
        /// Why.
        reason: String,
    },
    /// The listening socket could not be bound.
    Bind {
        /// The address asked for.
        addr: SocketAddr,
        /// The operating system's error.
        source: std::io::Error,
    },
    /// The background runtime or thread could not be created.
    Runtime(std::io::Error),
}

impl fmt::Display for StartError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Credential { index, source } => write!(f, "credential #{index}: {source}"),
            Self::DuplicateSecretId { index } => {
                write!(f, "credential #{index}: its SecretId is configured twice")
            }
            Self::CaptchaApp { index, reason } => write!(f, "captcha app #{index}: {reason}"),
            Self::DuplicateCaptchaAppId { index } => {
                write!(
                    f,
                    "captcha app #{index}: its CaptchaAppId is configured twice"
                )
            }
            Self::CvmRole { reason } => write!(f, "CVM role: {reason}"),
            Self::WebIdentityToken { index, reason } => {
                write!(f, "web-identity token #{index}: {reason}")
            }
            Self::Tls { reason } => write!(f, "TLS configuration: {reason}"),
            Self::Bind { addr, source } => write!(f, "cannot listen on {addr}: {source}"),
            Self::Runtime(e) => write!(f, "cannot start the emulator's runtime: {e}"),
        }
    }
}

impl std::error::Error for StartError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Credential { source, .. } => Some(source),
            Self::Bind { source, .. } | Self::Runtime(source) => Some(source),
            _ => None,
        }
    }
}
