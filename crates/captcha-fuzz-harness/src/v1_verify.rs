//! The `v1_verify` target: the API 2.0 query/form parser and the signature v1 check on
//! arbitrary query strings and form bodies.

use std::borrow::Cow;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use captcha_proto::SecretKey;
use captcha_proto::v1::{self, SignatureMethod, VerifyError};

use crate::Checks;
use crate::common::signing_key_bytes;
use crate::{FUZZ_HOST, FUZZ_PATH, FUZZ_SECRET_KEY};

/// Treats `data` as a query string or form body, parsed into pairs as the emulator does
/// (`form_urlencoded`), and runs [`v1::verify`] against [`FUZZ_SECRET_KEY`], [`FUZZ_HOST`]
/// and [`FUZZ_PATH`]. Each refusal must be the right one and an accepted `Signature` must be
/// exactly what re-signing gives. [`Checks::Quick`] verifies once, for GET when `data` has
/// an even length and POST otherwise. [`Checks::Full`] verifies for both methods, in both
/// orders of the pairs (the verdict must not depend on it), re-signs to check every
/// mismatch, and checks that signing the pairs (minus `Signature`) always verifies.
/// Returns whether the `Signature` was accepted.
pub fn v1_verify(data: &[u8], checks: Checks) -> bool {
    let pairs: Vec<(Cow<'_, str>, Cow<'_, str>)> = form_urlencoded::parse(data).collect();
    let key = SecretKey::new(FUZZ_SECRET_KEY);
    let borrowed = || pairs.iter().map(|(k, v)| (k.as_ref(), v.as_ref()));
    let method_param = borrowed()
        .find(|(k, _)| *k == v1::SIGNATURE_METHOD)
        .map(|(_, v)| v);
    let hmac = SignatureMethod::from_parameter(method_param);
    // Sorting every name is the costliest part of a check: only the full check does it.
    let duplicated = || has_duplicate_signing_keys(borrowed().map(|(k, _)| k));
    let full = checks == Checks::Full;
    let methods: &[&str] = match (full, data.len() % 2) {
        (true, _) => &["GET", "POST"],
        (false, 0) => &["GET"],
        (false, _) => &["POST"],
    };
    let mut accepted = false;

    for &method in methods {
        let verdict = v1::verify(&key, method, FUZZ_HOST, FUZZ_PATH, borrowed());
        if full {
            let reversed = v1::verify(&key, method, FUZZ_HOST, FUZZ_PATH, borrowed().rev());
            match (&verdict, &reversed) {
                (
                    Err(VerifyError::DuplicateParameter { .. }),
                    Err(VerifyError::DuplicateParameter { .. }),
                ) => {}
                _ => assert_eq!(verdict, reversed, "the verdict depends on the order"),
            }
        }
        let resigned = || {
            let text = v1::string_to_sign(method, FUZZ_HOST, FUZZ_PATH, borrowed());
            v1::sign(&key, hmac, &text)
        };
        let claimed = borrowed()
            .find(|(k, _)| *k == v1::SIGNATURE)
            .map(|(_, v)| v);
        match &verdict {
            Ok(()) => {
                accepted = true;
                assert!(!(full && duplicated()), "accepted duplicate parameters");
                assert_eq!(
                    Some(resigned().expose_secret()),
                    claimed,
                    "accepted a signature that re-signing does not give"
                );
                let other = SecretKey::new("another key");
                assert_eq!(
                    v1::verify(&other, method, FUZZ_HOST, FUZZ_PATH, borrowed()),
                    Err(VerifyError::Mismatch),
                    "accepted under another key"
                );
            }
            Err(VerifyError::DuplicateParameter { name }) => {
                // The count below proves the report right; the full check also sorts every name.
                assert!(
                    !full || duplicated(),
                    "no duplicate, yet {name} is reported"
                );
                let wanted: Vec<u8> = signing_key_bytes(name).collect();
                let count = borrowed()
                    .filter(|(k, _)| signing_key_bytes(k).eq(wanted.iter().copied()))
                    .count();
                assert!(count >= 2, "{name} is not duplicated");
            }
            Err(VerifyError::MissingSignature) => {
                assert!(claimed.is_none(), "a Signature is there");
                assert!(
                    !(full && duplicated()),
                    "duplicates reported as no Signature"
                );
            }
            Err(VerifyError::MalformedSignature) => {
                let claimed = claimed.expect("malformed implies present");
                let decoded = BASE64.decode(claimed);
                assert!(
                    decoded.is_err() || decoded.is_ok_and(|d| d.len() > 33),
                    "well-formed signature {claimed:?} called malformed"
                );
            }
            Err(VerifyError::Mismatch) => {
                assert!(
                    !(full && duplicated()),
                    "mismatch reported before duplicates"
                );
                if !full {
                    continue;
                }
                assert_ne!(
                    Some(resigned().expose_secret()),
                    claimed,
                    "refused the signature re-signing gives"
                );
            }
            // `VerifyError` is non-exhaustive: a refusal this harness cannot check is a failure.
            Err(other) => panic!("{other:?}: a refusal the harness does not know"),
        }
    }

    if !full {
        return accepted;
    }
    // Signing any parameter set (without Signature) must verify, unless names repeat.
    let unsigned: Vec<(&str, &str)> = borrowed().filter(|(k, _)| *k != v1::SIGNATURE).collect();
    if !has_duplicate_signing_keys(unsigned.iter().map(|(k, _)| *k)) {
        let text = v1::string_to_sign("POST", FUZZ_HOST, FUZZ_PATH, unsigned.iter().copied());
        let signature = v1::sign(&key, hmac, &text);
        let mut signed = unsigned;
        signed.push((v1::SIGNATURE, signature.expose_secret()));
        assert_eq!(
            v1::verify(&key, "post", FUZZ_HOST, FUZZ_PATH, signed.iter().copied()),
            Ok(()),
            "a fresh signature does not verify"
        );
    }
    accepted
}

/// True when two names are equal once `_` is read as `.` (the server cannot tell them apart).
fn has_duplicate_signing_keys<'a>(keys: impl Iterator<Item = &'a str>) -> bool {
    let mut forms: Vec<Vec<u8>> = keys.map(|k| signing_key_bytes(k).collect()).collect();
    forms.sort_unstable();
    forms.windows(2).any(|w| w[0] == w[1])
}
