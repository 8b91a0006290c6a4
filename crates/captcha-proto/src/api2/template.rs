//! [`CallTemplate`]: the part of every request a [`Api2Config`](crate::Api2Config) fixes, checked
//! and rendered once when the config is built rather than on every call.

use super::config::HttpMethod;
use crate::credential::Credential;
use crate::endpoint::Endpoint;
use crate::error::EncodeError;
use crate::params::Params;
use crate::v1::{SignatureMethod, Signer};

/// The keyed signer, the common parameters that do not change between calls (`Region`,
/// `SecretId`, `SignatureMethod`, `Token`, `RequestClient`), the start of the string to sign
/// (`METHOD host path ?`) and what the request puts before its parameters.
#[derive(Clone)]
pub(crate) struct CallTemplate {
    pub(crate) signer: Signer,
    /// The fixed common parameters that sign before `Timestamp`, in signing order: a call
    /// writes `Action`, `Nonce`, these, `Timestamp`, then `common_after_timestamp`, and so
    /// needs no sorting to put them in order.
    pub(crate) common_before_timestamp: Params,
    /// `Token`, when there is one.
    pub(crate) common_after_timestamp: Params,
    pub(crate) signed_prefix: String,
    /// `path?` for GET (the parameters form the query), nothing for POST (they form the body).
    pub(crate) lead: String,
}

/// The inputs of a template: the settings of a config.
pub(crate) struct Settings<'a> {
    pub(crate) credential: &'a Credential,
    pub(crate) endpoint: &'a Endpoint,
    pub(crate) region: &'a str,
    pub(crate) signature_method: SignatureMethod,
    pub(crate) http_method: HttpMethod,
    pub(crate) request_client: Option<&'a str>,
}

impl CallTemplate {
    /// Checks the settings (the error names the field) and renders what they fix.
    pub(crate) fn new(settings: &Settings<'_>) -> Result<Self, EncodeError> {
        check_word("Region", settings.region)?;
        let mut before = Params::with_capacity(4, 128);
        before.push_str("Region", settings.region)?;
        if let Some(client) = settings.request_client {
            check_request_client(client)?;
            before.push_str("RequestClient", client)?;
        }
        before.push_str("SecretId", settings.credential.secret_id().as_str())?;
        if settings.signature_method == SignatureMethod::HmacSha256 {
            before.push_str("SignatureMethod", settings.signature_method.as_str())?;
        }
        let mut after = Params::new();
        if let Some(token) = settings.credential.token() {
            after.push_str("Token", token.expose_secret())?;
        }
        let endpoint = settings.endpoint;
        Ok(Self {
            signer: Signer::new(settings.credential.secret_key(), settings.signature_method),
            common_before_timestamp: before,
            common_after_timestamp: after,
            signed_prefix: format!(
                "{}{}{}?",
                settings.http_method.as_str(),
                endpoint.host(),
                endpoint.path()
            ),
            lead: match settings.http_method {
                HttpMethod::Get => format!("{}?", endpoint.path()),
                HttpMethod::Post => String::new(),
            },
        })
    }
}

/// Region and similar identifiers: non-empty, no whitespace or control characters.
fn check_word(field: &'static str, value: &str) -> Result<(), EncodeError> {
    if value.is_empty() {
        return Err(EncodeError::EmptyField { field });
    }
    if value.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(EncodeError::InvalidValue {
            field,
            reason: "must not contain whitespace or control characters",
        });
    }
    Ok(())
}

/// A custom `RequestClient`: what Tencent's servers accept.
fn check_request_client(value: &str) -> Result<(), EncodeError> {
    let allowed =
        |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b',' | b';' | b'.');
    if value.is_empty() {
        Err(EncodeError::EmptyField {
            field: "RequestClient",
        })
    } else if value.len() > 128 || !value.bytes().all(allowed) {
        Err(EncodeError::InvalidValue {
            field: "RequestClient",
            reason: "use at most 128 of 0-9 a-z A-Z - _ , ; .",
        })
    } else {
        Ok(())
    }
}
