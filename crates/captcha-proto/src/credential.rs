//! Tencent Cloud API credentials: SecretId, SecretKey and an optional session Token.

use std::fmt;
use std::sync::Arc;

use crate::secret::{SecretKey, Token};

/// Environment variable holding the SecretId (the same name every official SDK reads).
pub const ENV_SECRET_ID: &str = "TENCENTCLOUD_SECRET_ID";
/// Environment variable holding the SecretKey.
pub const ENV_SECRET_KEY: &str = "TENCENTCLOUD_SECRET_KEY";
/// Environment variable holding the optional STS session token (the Node.js SDK's name).
pub const ENV_SESSION_TOKEN: &str = "TENCENTCLOUD_SESSION_TOKEN";
/// The other name of the session token (tencentcloud-cli's and the Go SDK's documents).
pub const ENV_TOKEN: &str = "TENCENTCLOUD_TOKEN";

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
    /// UNIX seconds after which a temporary credential is refused.
    expires_at: Option<u64>,
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
            expires_at: None,
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
            expires_at: inner.expires_at,
        })))
    }

    /// Marks the credential as valid until `expires_at` (UNIX seconds), as temporary
    /// credentials are: a refreshing source replaces it a few minutes before
    /// ([`credentials::refresh_due`](crate::credentials::refresh_due)).
    pub fn with_expiry(self, expires_at: u64) -> Self {
        let inner = &self.0;
        Self(Arc::new(Inner {
            secret_id: inner.secret_id.clone(),
            secret_key: inner.secret_key.clone(),
            token: inner.token.clone(),
            expires_at: Some(expires_at),
        }))
    }

    /// When the credential stops being valid (UNIX seconds); `None` for a long-term key.
    pub fn expires_at(&self) -> Option<u64> {
        self.0.expires_at
    }

    /// True when `other` is this very credential (the same snapshot), not merely equal.
    pub fn same_snapshot(&self, other: &Credential) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }

    /// Reads `TENCENTCLOUD_SECRET_ID`, `TENCENTCLOUD_SECRET_KEY` and, when set, the session
    /// token from `TENCENTCLOUD_SESSION_TOKEN` or `TENCENTCLOUD_TOKEN` (both set and
    /// different is an error). A missing, empty, whitespace-padded or non-UTF-8 value is an
    /// error that names the variable.
    pub fn from_env() -> Result<Self, CredentialError> {
        // A lossy conversion would turn a mangled key into one that fails only at the server.
        for name in [ENV_SECRET_ID, ENV_SECRET_KEY, ENV_SESSION_TOKEN, ENV_TOKEN] {
            if std::env::var_os(name).is_some_and(|value| value.to_str().is_none()) {
                return Err(CredentialError::NotUnicode { name });
            }
        }
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Like [`Credential::from_env`], but reads the variables through `lookup` (a map in
    /// tests, a sandboxed environment): pure.
    ///
    /// ```
    /// use captcha_proto::{Credential, CredentialError};
    /// let env = |name: &str| match name {
    ///     "TENCENTCLOUD_SECRET_ID" => Some("AKIDexample".to_owned()),
    ///     "TENCENTCLOUD_SECRET_KEY" => Some("key".to_owned()),
    ///     "TENCENTCLOUD_TOKEN" => Some("token".to_owned()),
    ///     _ => None,
    /// };
    /// assert_eq!(Credential::from_lookup(env)?.token().unwrap().expose_secret(), "token");
    /// # Ok::<(), CredentialError>(())
    /// ```
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, CredentialError> {
        let required = |name: &'static str| {
            let value = lookup(name).ok_or(CredentialError::Missing { name })?;
            check_value(name, &value)?;
            Ok::<_, CredentialError>(value)
        };
        let credential = Self::new(required(ENV_SECRET_ID)?, required(ENV_SECRET_KEY)?)
            .map_err(|e| e.renamed(ENV_SECRET_ID, ENV_SECRET_KEY))?;
        let token = match (lookup(ENV_SESSION_TOKEN), lookup(ENV_TOKEN)) {
            (None, None) => return Ok(credential),
            (Some(a), Some(b)) if a != b => {
                return Err(CredentialError::Conflict {
                    name: ENV_SESSION_TOKEN,
                    other: ENV_TOKEN,
                });
            }
            (Some(token), _) => {
                check_value(ENV_SESSION_TOKEN, &token)?;
                token
            }
            (None, Some(token)) => {
                check_value(ENV_TOKEN, &token)?;
                token
            }
        };
        credential.with_token(token)
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
            .field("expires_at", &self.0.expires_at)
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
    /// Two variables that name the same value hold different ones.
    Conflict {
        /// One variable.
        name: &'static str,
        /// The other.
        other: &'static str,
    },
}

impl CredentialError {
    /// The field or variable at fault.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Missing { name }
            | Self::Empty { name }
            | Self::Padded { name }
            | Self::NotUnicode { name }
            | Self::Conflict { name, .. } => name,
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
            conflict @ Self::Conflict { .. } => conflict,
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
            Self::Conflict { name, other } => write!(
                f,
                "credential: {name} and {other} are both set, to different values"
            ),
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
    fn both_token_names_are_read_and_must_agree() {
        let base = [(ENV_SECRET_ID, "AKIDexample123"), (ENV_SECRET_KEY, "key")];
        for name in [ENV_SESSION_TOKEN, ENV_TOKEN] {
            let pairs = [base[0], base[1], (name, "tok")];
            let cred = Credential::from_lookup(env(&pairs)).unwrap();
            assert_eq!(cred.token().unwrap().expose_secret(), "tok", "{name}");
        }
        let same = [base[0], base[1], (ENV_SESSION_TOKEN, "t"), (ENV_TOKEN, "t")];
        assert!(Credential::from_lookup(env(&same)).is_ok());
        let differ = [base[0], base[1], (ENV_SESSION_TOKEN, "a"), (ENV_TOKEN, "b")];
        let err = Credential::from_lookup(env(&differ)).unwrap_err();
        assert!(matches!(err, CredentialError::Conflict { .. }), "{err:?}");
        assert!(err.to_string().contains(ENV_TOKEN), "{err}");
        let empty = [base[0], base[1], (ENV_TOKEN, "")];
        let err = Credential::from_lookup(env(&empty)).unwrap_err();
        assert_eq!(err, CredentialError::Empty { name: ENV_TOKEN });
    }

    #[test]
    fn expiry_travels_with_the_token_and_snapshots_are_identities() {
        let cred = Credential::new("AKIDtemp", "k")
            .unwrap()
            .with_expiry(1_700_000_300);
        let with_token = cred.clone().with_token("t").unwrap();
        assert_eq!(with_token.expires_at(), Some(1_700_000_300));
        assert!(cred.same_snapshot(&cred.clone()));
        assert!(!cred.same_snapshot(&with_token));
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
