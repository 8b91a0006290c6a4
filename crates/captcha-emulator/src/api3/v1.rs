//! Signature v1 on API 3.0 (`ClientProfile(signMethod="HmacSHA1")` or `"HmacSHA256"` in
//! Tencent's SDKs): the common parameters travel with the action's own, in the query of a
//! GET or the form body of a POST, and the signature is API 2.0's
//! (`captcha_proto::v1::verify`) over the path `/`.
//!
//! The checks, in order, each refused in the 3.0 envelope: the parameter set (at most
//! 1000, no name twice: `InvalidParameter`), the common parameters `Action`, `Version`,
//! `Timestamp`, `Nonce`, `SecretId` and `Signature` (`MissingParameter`; `InvalidParameter`
//! for a `Timestamp` or `Nonce` that is not digits, or a `SignatureMethod` other than
//! `HmacSHA1`/`HmacSHA256`), the SecretId (`AuthFailure.SecretIdNotFound`), the signature
//! over the host as sent, then over its other form with or without the port, as for TC3
//! (`AuthFailure.SignatureFailure`), the token of a temporary credential
//! (`AuthFailure.TokenFailure`), the timestamp skew (`AuthFailure.SignatureExpire`), the
//! nonce (a replay is `AuthFailure.SignatureExpire`, as API 2.0 answers both with 4500;
//! `RequestLimitExceeded` when the replay guard is full), then the action and version.

use captcha_proto::v1::{self, SIGNATURE, SIGNATURE_METHOD, SignatureMethod, VerifyError};
use http::request::Parts;

use super::envelope::{
    INVALID_PARAMETER, MISSING_PARAMETER, REQUEST_LIMIT_EXCEEDED, SECRET_ID_NOT_FOUND,
    SIGNATURE_EXPIRE, SIGNATURE_FAILURE, TOKEN_FAILURE,
};
use super::{Refusal, check_action, check_skew, other_host};
use crate::common::{record_nonce, shorten};
use crate::incoming;
use crate::nonces::NonceOutcome;
use crate::params::WireParams;
use crate::state::State;

/// The common parameters of a v1 request: not the action's fields.
pub(crate) const COMMON: [&str; 11] = [
    "Action",
    "Version",
    "Timestamp",
    "Nonce",
    "SecretId",
    SIGNATURE,
    SIGNATURE_METHOD,
    "Region",
    "Token",
    "Language",
    "RequestClient",
];

/// The common parameters every v1 request carries, non-empty.
const REQUIRED: [&str; 6] = [
    "Action",
    "Version",
    "Timestamp",
    "Nonce",
    "SecretId",
    SIGNATURE,
];

/// Every check of a v1 request with the (decoded) `params`, up to and including the action
/// and version. `local_port` is the port this server listens on (for the host's other
/// form).
pub(crate) fn authorize(
    state: &State,
    parts: &Parts,
    params: &WireParams<'_>,
    local_port: u16,
    now: u64,
) -> Result<&'static str, Refusal> {
    super::query::check_shape(params)?;
    let mut values = [""; REQUIRED.len()];
    for (slot, name) in values.iter_mut().zip(REQUIRED) {
        *slot = match params.get(name) {
            None => {
                return Err((
                    MISSING_PARAMETER,
                    format!("the request is missing the required parameter `{name}`"),
                ));
            }
            Some("") => {
                return Err((
                    MISSING_PARAMETER,
                    format!("the required parameter `{name}` is empty"),
                ));
            }
            Some(value) => value,
        };
    }
    let [action, version, timestamp, nonce, secret_id, _signature] = values;
    let timestamp = digits(timestamp, "Timestamp", "a UNIX time in whole seconds")?;
    let nonce = digits(nonce, "Nonce", "a positive integer")?;
    let method = match params.get(SIGNATURE_METHOD) {
        None => SignatureMethod::HmacSha1,
        Some(name) => name.parse::<SignatureMethod>().map_err(|_| {
            (
                INVALID_PARAMETER,
                format!(
                    "SignatureMethod {:?} is not HmacSHA1 or HmacSHA256",
                    shorten(name)
                ),
            )
        })?,
    };
    let Some(key) = state.keys.get(secret_id) else {
        return Err((
            SECRET_ID_NOT_FOUND,
            "the SecretId does not exist or is disabled".to_owned(),
        ));
    };

    let sent = incoming::host_with_port(parts).trim();
    let path = parts.uri.path();
    let verify = |host: &str| {
        v1::verify(
            &key.secret_key,
            parts.method.as_str(),
            host,
            path,
            params.iter(),
        )
    };
    let mut verified = verify(sent);
    if verified == Err(VerifyError::Mismatch)
        && let Some(other) = other_host(sent, parts.uri.port_u16(), local_port)
    {
        verified = verify(&other);
    }
    match verified {
        Ok(()) => {}
        Err(VerifyError::DuplicateParameter { name }) => {
            return Err((
                INVALID_PARAMETER,
                format!(
                    "the parameter `{}` is given twice (names are compared with '_' read as '.')",
                    shorten(&name)
                ),
            ));
        }
        Err(VerifyError::MalformedSignature) => {
            return Err((
                SIGNATURE_FAILURE,
                format!(
                    "Signature is not the base64 of an {method} digest (URL-encode it exactly once)"
                ),
            ));
        }
        Err(_) => {
            return Err((
                SIGNATURE_FAILURE,
                format!(
                    "the {method} signature over {} {}{} does not match (sign the upper-case \
                     method, the host, the path and the raw, sorted parameter values)",
                    parts.method,
                    shorten(sent),
                    shorten(path)
                ),
            ));
        }
    }

    if let Some(expected) = &key.token
        && params.get("Token") != Some(expected.expose_secret())
    {
        return Err((
            TOKEN_FAILURE,
            "the Token of this temporary credential is missing or wrong".to_owned(),
        ));
    }
    check_skew(state, "Timestamp", timestamp, now)?;
    match record_nonce(state, key.index, timestamp, nonce, now) {
        NonceOutcome::Fresh => {}
        NonceOutcome::Replayed => {
            return Err((
                SIGNATURE_EXPIRE,
                format!(
                    "Nonce {nonce} was already used with this SecretId (a replayed request); use a fresh Nonce"
                ),
            ));
        }
        NonceOutcome::Full => {
            return Err((
                REQUEST_LIMIT_EXCEEDED,
                "too many requests inside the replay window; retry later".to_owned(),
            ));
        }
    }
    check_action(action, version)
}

/// The value of the parameter `name`, which must be digits.
fn digits(value: &str, name: &str, what: &str) -> Result<u64, Refusal> {
    value
        .bytes()
        .all(|b| b.is_ascii_digit())
        .then(|| value.parse::<u64>().ok())
        .flatten()
        .ok_or_else(|| {
            (
                INVALID_PARAMETER,
                format!("{name} must be {what} (digits only)"),
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_only() {
        assert_eq!(digits("1700000000", "Timestamp", "t"), Ok(1_700_000_000));
        for bad in ["", "+1", "-1", "1.5", "99999999999999999999"] {
            let (code, message) = digits(bad, "Nonce", "n").unwrap_err();
            assert_eq!(code, INVALID_PARAMETER, "{bad}");
            assert!(message.starts_with("Nonce"), "{message}");
        }
    }
}
