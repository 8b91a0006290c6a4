//! The API 2.0 common-parameter checks (docs/protocol.md, "API 2.0 common parameters" to "API 2.0 answers"), explicit and in the order the
//! emulator applies them. Each refusal carries the documented code and says what to fix,
//! never echoing a secret.

use captcha_proto::SignatureMethod;
use captcha_proto::v1::{self, VerifyError};

use crate::nonces::NonceOutcome;
use crate::params::WireParams;
use crate::reply::Reply;
use crate::state::{State, TokenRefusal};

/// The common parameters every request must carry, non-empty (docs/protocol.md, "Parameters every request carries").
pub(crate) const REQUIRED: [&str; 6] = [
    "Action",
    "Region",
    "Timestamp",
    "Nonce",
    "SecretId",
    "Signature",
];

/// What the signature covers besides the parameters.
pub(crate) struct SignedParts<'a> {
    /// `GET` or `POST`.
    pub(crate) method: &'a str,
    /// The `Host` header without its port.
    pub(crate) host: &'a str,
    /// The request path.
    pub(crate) path: &'a str,
}

/// A request that passed every common check.
#[derive(Debug)]
pub(crate) struct Caller<'p> {
    /// The `Action` to run (not yet known to exist).
    pub(crate) action: &'p str,
}

/// Runs the checks in order: presence and format (4000), SecretId (4104), signature (4100),
/// token (4105), timestamp skew (4500), nonce replay (4500; 4400 when the replay guard is
/// full). The caller then looks up the action (4000 when unknown).
pub(crate) fn authorize<'p>(
    state: &State,
    parts: &SignedParts<'_>,
    params: &'p WireParams<'_>,
) -> Result<Caller<'p>, Reply> {
    let mut values = [""; REQUIRED.len()];
    for (slot, name) in values.iter_mut().zip(REQUIRED) {
        *slot = match params.get(name) {
            None => return Err(invalid(&format!("missing required parameter {name}"))),
            Some("") => return Err(invalid(&format!("required parameter {name} is empty"))),
            Some(value) => value,
        };
    }
    let [action, _region, timestamp, nonce, secret_id, _signature] = values;
    let timestamp: u64 = timestamp
        .parse()
        .map_err(|_| invalid("Timestamp must be a UNIX time in whole seconds (digits only)"))?;
    let nonce: u64 = nonce
        .parse()
        .map_err(|_| invalid("Nonce must be a positive integer (digits only)"))?;

    let Some(key) = state.key(secret_id) else {
        return Err(Reply::api_error(
            4104,
            "SecretId not found: the key does not exist or is disabled",
        ));
    };

    let method = SignatureMethod::from_parameter(params.get(v1::SIGNATURE_METHOD));
    match v1::verify(
        &key.secret_key,
        parts.method,
        parts.host,
        parts.path,
        params.iter(),
    ) {
        Ok(()) => {}
        Err(VerifyError::DuplicateParameter { name }) => {
            return Err(invalid(&format!(
                "parameter {} is given twice (names are compared with '_' read as '.')",
                shorten(&name)
            )));
        }
        Err(VerifyError::MalformedSignature) => {
            return Err(Reply::api_error(
                4100,
                &format!(
                    "authentication failed: Signature is not the base64 of an {method} digest (URL-encode it exactly once)"
                ),
            ));
        }
        Err(_) => {
            return Err(Reply::api_error(
                4100,
                &format!(
                    "authentication failed: the {method} signature over {} {}{} does not match \
                     (sign the upper-case method, the Host without port, the path and the raw, \
                     sorted parameter values)",
                    parts.method,
                    shorten(parts.host),
                    shorten(parts.path)
                ),
            ));
        }
    }

    let now = state.now();
    match state.check_token(&key, params.get("Token").map(str::as_bytes), now) {
        Ok(()) => {}
        Err(TokenRefusal::Mismatch) => {
            return Err(Reply::api_error(
                4105,
                "the Token of this temporary credential is missing or wrong",
            ));
        }
        Err(TokenRefusal::Expired) => {
            return Err(Reply::api_error(
                4105,
                "this temporary credential has expired",
            ));
        }
    }

    let skew = now.abs_diff(timestamp);
    if skew > state.max_skew {
        return Err(Reply::api_error(
            4500,
            &format!(
                "Timestamp {timestamp} is {skew} s away from the server time {now}; at most {} s is allowed",
                state.max_skew
            ),
        ));
    }

    match record_nonce(state, key.index, timestamp, nonce, now) {
        NonceOutcome::Fresh => Ok(Caller { action }),
        NonceOutcome::Replayed => Err(Reply::api_error(
            4500,
            &format!(
                "Nonce {nonce} was already used with this SecretId (replay attack); use a fresh Nonce"
            ),
        )),
        NonceOutcome::Full => Err(Reply::api_error(
            4400,
            "too many requests inside the replay window; retry later",
        )),
    }
}

/// Records the `nonce` of a v1 request signed at `timestamp` with the credential at
/// `key_index` (API 2.0 and API 3.0 share the store: a nonce is spent for both). It is
/// remembered until no request with this timestamp could pass the skew check any more.
pub(crate) fn record_nonce(
    state: &State,
    key_index: u32,
    timestamp: u64,
    nonce: u64,
    now: u64,
) -> NonceOutcome {
    let forget_at = timestamp.saturating_add(state.max_skew).saturating_add(1);
    state.nonces.record(key_index, nonce, forget_at, now)
}

/// A 4000 refusal.
pub(crate) fn invalid(message: &str) -> Reply {
    Reply::api_error(4000, message)
}

/// Client-chosen text cut to a length fit for a message.
pub(crate) fn shorten(text: &str) -> String {
    const MAX: usize = 64;
    match text.char_indices().nth(MAX) {
        None => text.to_owned(),
        Some((cut, _)) => format!("{}…", &text[..cut]),
    }
}
