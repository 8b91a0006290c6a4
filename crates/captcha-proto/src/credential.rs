//! Tencent Cloud API credentials: SecretId, SecretKey and an optional session Token.

use std::fmt;
use std::sync::Arc;

use crate::secret::{SecretKey, Token};

/// Environment variable holding the SecretId (the same name every official SDK reads).
pub(crate) const ENV_SECRET_ID: &str = "TENCENTCLOUD_SECRET_ID";
/// Environment variable holding the SecretKey.
pub(crate) const ENV_SECRET_KEY: &str = "TENCENTCLOUD_SECRET_KEY";
/// Environment variable holding the optional STS session token.
pub(crate) const ENV_SESSION_TOKEN: &str = "TENCENTCLOUD_SESSION_TOKEN";

/// The public half of an API key pair (`AKID…`). Not a secret, but `Debug` still shows
/// only its ends so logs can tell keys apart without publishing them whole.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct SecretId(String);

impl SecretId {
    /// The id as sent on the wire.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SecretId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let id = &self.0;
        match (id.get(..4), id.get(id.len().saturating_sub(3)..)) {
            (Some(head), Some(tail)) if id.len() > 10 => write!(f, "SecretId({head}…{tail})"),
            _ => f.write_str("SecretId(…)"),
        }
    }
}

/// A validated API credential. Cheap to clone (shared), safe to print (`Debug` is redacted).
///
/// ```
/// use captcha_proto::Credential;
/// let cred = Credential::new("AKIDz8krbsJ5yKBZQpn74WFkmLPx3gnPhESA", "Gu5t9xGARNpq86cd98joQYCN3Cozk1qA")?;
/// assert!(!format!("{cred:?}").contains("Gu5t9x"));
/// # Ok::<(), captcha_proto::CredentialError>(())
/// ```
#[derive(Clone)]
pub struct Credential(Arc<Inner>);

struct Inner {
    secret_id: SecretId,
    secret_key: SecretKey,
    token: Option<Token>,
}

impl Credential {
    /// A long-term key pair. Both values must be non-empty and carry no surrounding whitespace
    /// (a pasted newline is the classic cause of "4100 authentication failed").
    pub fn new(
        secret_id: impl Into<String>,
        secret_key: impl Into<String>,
    ) -> Result<Self, CredentialError> {
        let secret_id = secret_id.into();
        check_value("SecretId", &secret_id)?;
        let secret_key = SecretKey::new(secret_key);
        check_value("SecretKey", secret_key.expose_secret())?;
        Ok(Self(Arc::new(Inner {
            secret_id: SecretId(secret_id),
            secret_key,
            token: None,
        })))
    }

    /// Adds an STS session token (temporary credentials), sent as the signed `Token` parameter.
    pub fn with_token(self, token: impl Into<String>) -> Result<Self, CredentialError> {
        let token = Token::new(token);
        check_value("Token", token.expose_secret())?;
        let inner = &self.0;
        Ok(Self(Arc::new(Inner {
            secret_id: inner.secret_id.clone(),
            secret_key: inner.secret_key.clone(),
            token: Some(token),
        })))
    }

    /// Reads `TENCENTCLOUD_SECRET_ID`, `TENCENTCLOUD_SECRET_KEY` and, when set,
    /// `TENCENTCLOUD_SESSION_TOKEN`. A missing, empty, whitespace-padded or non-UTF-8 value
    /// is an error that names the variable.
    pub fn from_env() -> Result<Self, CredentialError> {
        // A lossy conversion would turn a mangled key into one that fails only at the server.
        for name in [ENV_SECRET_ID, ENV_SECRET_KEY, ENV_SESSION_TOKEN] {
            if std::env::var_os(name).is_some_and(|value| value.to_str().is_none()) {
                return Err(CredentialError::NotUnicode { name });
            }
        }
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Like [`Credential::from_env`], but reads variables through `lookup` (tests, config files).
    pub(crate) fn from_lookup(
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, CredentialError> {
        let required = |name: &'static str| {
            let value = lookup(name).ok_or(CredentialError::Missing { name })?;
            check_value(name, &value)?;
            Ok::<_, CredentialError>(value)
        };
        let credential = Self::new(required(ENV_SECRET_ID)?, required(ENV_SECRET_KEY)?)
            .map_err(|e| e.renamed(ENV_SECRET_ID, ENV_SECRET_KEY))?;
        match lookup(ENV_SESSION_TOKEN) {
            None => Ok(credential),
            Some(token) => {
                check_value(ENV_SESSION_TOKEN, &token)?;
                credential.with_token(token)
            }
        }
    }

    /// The SecretId.
    pub fn secret_id(&self) -> &SecretId {
        &self.0.secret_id
    }

    /// The SecretKey (redacted in `Debug`; read it with `expose_secret()`).
    pub fn secret_key(&self) -> &SecretKey {
        &self.0.secret_key
    }

    /// The session token, when the credential is temporary.
    pub fn token(&self) -> Option<&Token> {
        self.0.token.as_ref()
    }
}

impl fmt::Debug for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credential")
            .field("secret_id", &self.0.secret_id)
            .field("secret_key", &self.0.secret_key)
            .field("token", &self.0.token)
            .finish()
    }
}

fn check_value(name: &'static str, value: &str) -> Result<(), CredentialError> {
    if value.is_empty() {
        Err(CredentialError::Empty { name })
    } else if value.trim() != value {
        Err(CredentialError::Padded { name })
    } else {
        Ok(())
    }
}

/// A credential value that cannot be used. Each variant names the field or environment
/// variable; none ever contains the value itself.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CredentialError {
    /// The environment variable is not set.
    Missing {
        /// The variable's name.
        name: &'static str,
    },
    /// The value is empty.
    Empty {
        /// The field or variable.
        name: &'static str,
    },
    /// The value starts or ends with whitespace (often a pasted newline).
    Padded {
        /// The field or variable.
        name: &'static str,
    },
    /// The environment variable is set but not valid UTF-8.
    NotUnicode {
        /// The variable's name.
        name: &'static str,
    },
}

impl CredentialError {
    /// The field or variable at fault.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Missing { name }
            | Self::Empty { name }
            | Self::Padded { name }
            | Self::NotUnicode { name } => name,
        }
    }

    fn renamed(self, id_var: &'static str, key_var: &'static str) -> Self {
        let rename = |name| match name {
            "SecretId" => id_var,
            "SecretKey" => key_var,
            other => other,
        };
        match self {
            Self::Missing { name } => Self::Missing { name: rename(name) },
            Self::Empty { name } => Self::Empty { name: rename(name) },
            Self::Padded { name } => Self::Padded { name: rename(name) },
            Self::NotUnicode { name } => Self::NotUnicode { name: rename(name) },
        }
    }
}

impl fmt::Display for CredentialError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Missing { name } => write!(f, "credential: {name} is not set"),
            Self::Empty { name } => write!(f, "credential: {name} is empty"),
            Self::Padded { name } => write!(
                f,
                "credential: {name} starts or ends with whitespace (check for a pasted newline)"
            ),
            Self::NotUnicode { name } => write!(f, "credential: {name} is not valid UTF-8"),
        }
    }
}

impl std::error::Error for CredentialError {}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |name| map.get(name).cloned()
    }

    #[test]
    fn reads_all_three_variables() {
        let cred = Credential::from_lookup(env(&[
            (ENV_SECRET_ID, "AKIDexample123"),
            (ENV_SECRET_KEY, "key"),
            (ENV_SESSION_TOKEN, "tok"),
        ]))
        .unwrap();
        assert_eq!(cred.secret_id().as_str(), "AKIDexample123");
        assert_eq!(cred.secret_key().expose_secret(), "key");
        assert_eq!(cred.token().unwrap().expose_secret(), "tok");
    }

    #[test]
    fn errors_name_the_variable() {
        let err = Credential::from_lookup(env(&[(ENV_SECRET_KEY, "k")])).unwrap_err();
        assert_eq!(
            err,
            CredentialError::Missing {
                name: ENV_SECRET_ID
            }
        );
        let err = Credential::from_lookup(env(&[(ENV_SECRET_ID, "id"), (ENV_SECRET_KEY, "")]))
            .unwrap_err();
        assert_eq!(
            err,
            CredentialError::Empty {
                name: ENV_SECRET_KEY
            }
        );
        let err = Credential::from_lookup(env(&[(ENV_SECRET_ID, "id\n"), (ENV_SECRET_KEY, "k")]))
            .unwrap_err();
        assert_eq!(
            err,
            CredentialError::Padded {
                name: ENV_SECRET_ID
            }
        );
        assert!(err.to_string().contains(ENV_SECRET_ID));
        let err = Credential::from_lookup(env(&[
            (ENV_SECRET_ID, "id"),
            (ENV_SECRET_KEY, "k"),
            (ENV_SESSION_TOKEN, " "),
        ]))
        .unwrap_err();
        assert_eq!(
            err,
            CredentialError::Padded {
                name: ENV_SESSION_TOKEN
            }
        );
    }

    #[test]
    fn debug_hides_key_and_token_and_shortens_id() {
        let cred = Credential::new("AKIDz8krbsJ5yKBZQpn74WFkmLPx3gnPhESA", "SuperSecretValue")
            .unwrap()
            .with_token("SessionTokenValue")
            .unwrap();
        let shown = format!("{cred:?}");
        assert!(!shown.contains("SuperSecretValue"), "{shown}");
        assert!(!shown.contains("SessionTokenValue"), "{shown}");
        assert!(
            !shown.contains("AKIDz8krbsJ5yKBZQpn74WFkmLPx3gnPhESA"),
            "{shown}"
        );
        assert!(shown.contains("AKID…ESA"), "{shown}");
    }
}
