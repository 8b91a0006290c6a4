//! Fixtures shared by the integration tests of `captcha-proto`.
#![allow(dead_code)] // each test crate uses a different subset

use captcha_proto::{Credential, SecretKey};
use proptest::prelude::*;
use proptest::test_runner::{Config as ProptestConfig, FileFailurePersistence};

/// SecretId of the published vectors (docs/protocol.md, "Known-answer vectors": V1 and the derived csec vectors).
pub const SECRET_ID: &str = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3gnPhESA";
/// SecretKey of the published vectors.
pub const SECRET_KEY: &str = "Gu5t9xGARNpq86cd98joQYCN3Cozk1qA";
/// Timestamp and nonce of the published vectors.
pub const TIMESTAMP: u64 = 1465185768;
pub const NONCE: u64 = 11886;

pub fn credential() -> Credential {
    Credential::new(SECRET_ID, SECRET_KEY).expect("the vector credential is valid")
}

pub fn secret_key() -> SecretKey {
    SecretKey::new(SECRET_KEY)
}

/// Proptest settings: 1,000 cases unless `PROPTEST_CASES` asks for another number.
/// Failing seeds are saved to `regressions` (a path under `proptest-regressions/`, relative
/// to the package: `cargo test` runs there) and replayed first on every run. proptest's
/// default location needs a `lib.rs` beside the test file, which `tests/` does not have.
pub fn proptest_config(regressions: &'static str) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    ProptestConfig {
        cases,
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(regressions))),
        ..ProptestConfig::default()
    }
}

/// Strings of `len` characters drawn from `set`. Much cheaper than a regex strategy in a
/// debug build, which keeps the suite fast.
pub fn text(set: &'static [char], len: std::ops::Range<usize>) -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(set), len).prop_map(String::from_iter)
}

/// Strings of any Unicode scalar values (controls, NUL, astral planes included).
pub fn unicode(len: std::ops::Range<usize>) -> impl Strategy<Value = String> {
    prop::collection::vec(any::<char>(), len).prop_map(String::from_iter)
}

/// `a–z A–Z 0–9`.
pub const ALNUM: &[char] = &[
    'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o', 'p', 'q', 'r', 's',
    't', 'u', 'v', 'w', 'x', 'y', 'z', 'A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J', 'K', 'L',
    'M', 'N', 'O', 'P', 'Q', 'R', 'S', 'T', 'U', 'V', 'W', 'X', 'Y', 'Z', '0', '1', '2', '3', '4',
    '5', '6', '7', '8', '9',
];

/// Characters that stress the wire encoding: reserved, percent, plus, space, controls,
/// non-ASCII and emoji.
pub const AWKWARD: &[char] = &[
    ' ',
    '+',
    '%',
    '&',
    '=',
    '?',
    '#',
    '/',
    '\\',
    ':',
    ';',
    ',',
    '@',
    '!',
    '*',
    '\'',
    '(',
    ')',
    '[',
    ']',
    '{',
    '}',
    '"',
    '<',
    '>',
    '~',
    '-',
    '_',
    '.',
    '^',
    '`',
    '|',
    '$',
    '\t',
    '\n',
    '\r',
    '\0',
    '\u{7f}',
    'é',
    '用',
    '户',
    '😀',
    '🎫',
    '\u{200b}',
    '\u{feff}',
    '\u{10ffff}',
    'a',
    'Z',
    '0',
    '9',
    '2',
    'B',
    'F',
];

/// Any parameter value: arbitrary Unicode, or a dense mix of awkward characters.
pub fn value() -> impl Strategy<Value = String> {
    prop_oneof![unicode(0..12), text(AWKWARD, 0..20)]
}

/// Decoded `(key, value)` pairs of a query string or form body, as a server parses them.
pub fn parse_form(text: &str) -> Vec<(String, String)> {
    serde_urlencoded::from_str(text).expect("the SDK's wire form parses as a form")
}

/// Borrowed view of decoded pairs, for `v1::verify`.
pub fn as_pairs(pairs: &[(String, String)]) -> Vec<(&str, &str)> {
    pairs
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect()
}

/// The wire parameters of an encoded request: the query for GET, the body for POST.
pub fn wire_params(request: &http::Request<Vec<u8>>) -> Vec<(String, String)> {
    if request.method() == http::Method::POST {
        parse_form(std::str::from_utf8(request.body()).expect("the form body is ASCII"))
    } else {
        parse_form(
            request
                .uri()
                .query()
                .expect("a GET request carries a query"),
        )
    }
}
