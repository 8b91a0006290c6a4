//! The `credentials_profile` and `credentials_metadata` targets: the profile-file parser,
//! and the decoders of the metadata service's and STS's answers (they carry temporary keys).

use captcha_proto::credentials::metadata::{decode_role_credential, decode_role_name};
use captcha_proto::credentials::profile::parse_profile;
use captcha_proto::credentials::sts::{AssumeRole, AssumeRoleWithWebIdentity};
use captcha_proto::{Api3Action, Credential, ResponseError};
use http::StatusCode;

use crate::Checks;
use crate::api3::check_v3_common;
use crate::common::Selected;

/// Shortest value whose absence from errors and `Debug` is checked: a shorter one may
/// spell a word of a message (the longest run of letters in one is 8, `expected`).
const SECRET_MIN_LEN: usize = 9;

/// Parses `data` (invalid UTF-8 replaced, as a file read lossily) with [`parse_profile`].
/// A credential it gives is the `secret_id`, `secret_key` and `token` values of the text,
/// and hides the key and token in `Debug`; a refusal names a line within the text and
/// shows no key or token written in it.
pub fn credentials_profile(data: &[u8], _checks: Checks) {
    let text = String::from_utf8_lossy(data);
    let values = |wanted: &str| -> Vec<&str> {
        text.lines()
            .filter_map(|line| line.split_once('='))
            .filter(|(name, _)| name.trim() == wanted)
            .map(|(_, value)| value.trim())
            .collect()
    };
    let secrets: Vec<&str> = values("secret_key")
        .into_iter()
        .chain(values("token"))
        .collect();
    match parse_profile(&text) {
        Ok(credential) => {
            assert!(values("secret_id").contains(&credential.secret_id().as_str()));
            let key = credential.secret_key().expose_secret();
            assert!(values("secret_key").contains(&key), "a key not in the text");
            if let Some(token) = credential.token() {
                assert!(values("token").contains(&token.expose_secret()));
            }
            check_hidden(&credential);
        }
        Err(e) => {
            let lines = text.lines().count();
            assert!(
                e.line.is_none_or(|line| (1..=lines).contains(&line)),
                "line {:?} of {lines}",
                e.line
            );
            let shown = format!("{e} {e:?}");
            // Letters and digits only: punctuation could spell a message's `[default]`.
            let checked = |s: &&&str| {
                s.len() >= SECRET_MIN_LEN && s.bytes().all(|b| b.is_ascii_alphanumeric())
            };
            for secret in secrets.iter().filter(checked) {
                assert!(!shown.contains(secret), "{shown} shows {secret:?}");
            }
        }
    }
}

/// The metadata and STS decoders [`credentials_metadata`] picks from.
pub const CREDENTIAL_DECODERS: [&str; 4] = [
    "metadata role name",
    "metadata role credential",
    "STS AssumeRole",
    "STS AssumeRoleWithWebIdentity",
];

/// Feeds a response body to the metadata and STS decoders. `data` is a [`Selected`]
/// input: with [`Checks::Quick`] the decoder and status it names run once; with
/// [`Checks::Full`] every decoder of [`CREDENTIAL_DECODERS`] runs under status 200, 502
/// and the named one. A credential is given only for a 2xx answer, complete (key, token,
/// expiry) and hiding its secrets in `Debug`; no refusal shows a key or token of the body.
pub fn credentials_metadata(data: &[u8], checks: Checks) {
    Selected::read(data).decode_with(checks, CREDENTIAL_DECODERS.len(), decode_one);
}

fn decode_one(decoder: usize, status: StatusCode, body: &[u8]) {
    let secrets = body_secrets(body);
    match decoder {
        0 => match decode_role_name(status, body) {
            Ok(None) => assert_eq!(status, StatusCode::NOT_FOUND, "no role without 404"),
            Ok(Some(name)) => {
                assert!(status.is_success(), "a role under HTTP {status}");
                let first = std::str::from_utf8(body)
                    .ok()
                    .and_then(|t| t.lines().next());
                assert_eq!(
                    first.map(str::trim),
                    Some(name.as_str()),
                    "not the first line"
                );
            }
            Err(e) => check_shown(&format!("{e} {e:?}"), &secrets),
        },
        1 => match decode_role_credential(status, body) {
            Ok(credential) => {
                assert!(status.is_success(), "a credential under HTTP {status}");
                check_complete(&credential, &secrets);
            }
            Err(e) => check_shown(&format!("{e} {e:?}"), &secrets),
        },
        2 | 3 => {
            let result = if decoder == 2 {
                AssumeRole::new("qcs::cam::uin/100000000001:roleName/captcha", "fuzz")
                    .decode(status, body)
            } else {
                AssumeRoleWithWebIdentity::new(
                    "OIDC",
                    "fuzz-web-identity-token",
                    "qcs::cam::uin/100000000001:roleName/captcha",
                    "fuzz",
                )
                .decode(status, body)
            };
            check_v3_common(status, body, &result);
            match &result {
                Ok(credential) => check_complete(credential, &secrets),
                Err(ResponseError::Decode(e)) => check_shown(&format!("{e}"), &secrets),
                Err(e) => check_shown(&format!("{e} {e:?}"), &secrets),
            }
        }
        _ => unreachable!("the choice is below the count"),
    }
}

/// A decoded temporary credential has a token and an expiry, and hides its secrets.
fn check_complete(credential: &Credential, secrets: &[String]) {
    assert!(
        credential.token().is_some(),
        "a temporary credential without token"
    );
    assert!(
        credential.expires_at().is_some(),
        "a temporary credential without expiry"
    );
    check_hidden(credential);
    check_shown(&format!("{credential:?}"), secrets);
}

/// `Debug` of a credential shows neither its key nor its token: it reads the same as that
/// of the credential with another key and token. (Looking for the secret in the text would
/// mistake a secret that spells a field name, such as `secret_ke`, for a leak.)
fn check_hidden(credential: &Credential) {
    let id = credential.secret_id().as_str().to_owned();
    let mut other = Credential::new(id, "another-secret-key").expect("a usable SecretId");
    if credential.token().is_some() {
        other = other.with_token("another-token").expect("a usable token");
    }
    if let Some(expiry) = credential.expires_at() {
        other = other.with_expiry(expiry);
    }
    assert_eq!(
        format!("{credential:?}"),
        format!("{other:?}"),
        "Debug depends on the key or token"
    );
}

/// Text of an error must not contain any of `secrets`.
fn check_shown(shown: &str, secrets: &[String]) {
    for secret in secrets {
        assert!(!shown.contains(secret.as_str()), "{shown} shows a secret");
    }
}

/// `TmpSecretKey` and `Token` string values anywhere in a JSON body, long enough and
/// occurring once in the body (so that only a leak could show them).
fn body_secrets(body: &[u8]) -> Vec<String> {
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(body) else {
        return Vec::new();
    };
    let text = String::from_utf8_lossy(body);
    let mut found = Vec::new();
    let mut stack = vec![&value];
    while let Some(node) = stack.pop() {
        match node {
            serde_json::Value::Object(map) => {
                for (name, value) in map {
                    if let ("TmpSecretKey" | "Token", serde_json::Value::String(s)) =
                        (name.as_str(), value)
                        && s.len() >= SECRET_MIN_LEN
                        && s.chars().all(|c| c.is_ascii_alphanumeric())
                        && text.matches(s.as_str()).count() == 1
                    {
                        found.push(s.clone());
                    }
                    stack.push(value);
                }
            }
            serde_json::Value::Array(items) => stack.extend(items),
            _ => {}
        }
    }
    found
}
