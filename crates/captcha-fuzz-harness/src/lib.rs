//! The fuzz harnesses of the Tencent Cloud captcha SDK, shared by the cargo-fuzz targets in
//! `fuzz/` and by the stable test that replays the committed corpus
//! (`tests/tests/corpus_replay.rs`). Not published and not an API: for the SDK itself see
//! `captcha-proto` (the sans-IO core these harnesses exercise) and its transports.
//!
//! One harness per parser of untrusted bytes; each asserts invariants, not only "no panic",
//! and panics with a message naming the invariant that broke:
//! - [`api2_decode`], [`api3_decode`]: the response decoders of every API 2.0 action and
//!   of all 18 API 3.0 actions. A result is a success only for a 2xx status; error
//!   snippets stay within [`SNIPPET_BYTES`] and never show a `"ticket"`-like value.
//! - [`v1_verify`]: the query/form parser and [`v1::verify`]; accepting means re-signing
//!   gives the very same `Signature`.
//! - [`tc3_authorization`], [`tc3_verify`]: the TC3 `Authorization` parser and the whole
//!   TC3 check of a request.
//! - [`api2_roundtrip`](roundtrip): [`Api2Config::encode`] of an arbitrary call, parsed back
//!   as a server would, must verify; refusals must be typed and name a field.
//! - [`credentials_profile`], [`credentials_metadata`]: the profile-file parser and the
//!   metadata/STS decoders, which never show a key or token.
//! - [`api3_disaster_ticket`]: recognising disaster-recovery tickets.
//! - [`axum_fields`]: the axum extractor's ticket and client-address parsing.
//!
//! [`SNIPPET_BYTES`]: captcha_proto::redact::SNIPPET_BYTES
//! [`v1::verify`]: captcha_proto::v1::verify
//! [`Api2Config::encode`]: captcha_proto::Api2Config::encode

mod api2;
mod api3;
mod axum_fields;
mod common;
mod credentials;
mod disaster;
mod roundtrip;
mod tc3;
mod v1_verify;

pub use api2::{API2_DECODERS, api2_decode};
pub use api3::{API3_DECODERS, api3_decode};
pub use axum_fields::{axum_fields, axum_request};
pub use common::Selected;
pub use credentials::{CREDENTIAL_DECODERS, credentials_metadata, credentials_profile};
pub use disaster::api3_disaster_ticket;
pub use roundtrip::{Rejection, RequestClientChoice, RoundtripInput, roundtrip, roundtrip_bytes};
pub use tc3::{
    FUZZ_TC3_SECRET_ID, FUZZ_TC3_SECRET_KEY, FUZZ_TC3_SERVICE, tc3_authorization, tc3_request,
    tc3_request_bytes, tc3_verify,
};
pub use v1_verify::v1_verify;

/// How much a harness checks on one input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Checks {
    /// The invariants of the one parser the input selects, without the oracles that re-sign
    /// or re-encode: what a fuzz target runs on every input, so that it runs tens of
    /// thousands of inputs a second.
    Quick,
    /// Every oracle, on every parser the input can feed: what the corpus replay runs.
    Full,
}

/// The fuzz targets of `fuzz/Cargo.toml`, each with a harness here and a corpus in
/// `fuzz/corpus/<target>/`.
pub const TARGETS: [&str; 10] = [
    "api2_decode",
    "api2_roundtrip",
    "api3_decode",
    "api3_disaster_ticket",
    "axum_fields",
    "credentials_metadata",
    "credentials_profile",
    "tc3_authorization",
    "tc3_verify",
    "v1_verify",
];

/// Runs the harness of `target` on `data`; `None` for a target that does not exist.
pub fn run(target: &str, data: &[u8], checks: Checks) -> Option<()> {
    match target {
        "api2_decode" => api2_decode(data, checks),
        "api2_roundtrip" => drop(roundtrip_bytes(data, checks)),
        "api3_decode" => api3_decode(data, checks),
        "api3_disaster_ticket" => api3_disaster_ticket(data, checks),
        "axum_fields" => axum_fields(data, checks),
        "credentials_metadata" => credentials_metadata(data, checks),
        "credentials_profile" => credentials_profile(data, checks),
        "tc3_authorization" => tc3_authorization(data, checks),
        "tc3_verify" => drop(tc3_verify(data, checks)),
        "v1_verify" => drop(v1_verify(data, checks)),
        _ => return None,
    }
    Some(())
}

/// The SecretKey [`v1_verify`] checks against: the one of the published vectors
/// (docs/protocol.md, "Known-answer vectors" and "Derived csec vectors"), so the signed
/// seeds of the corpus verify.
pub const FUZZ_SECRET_KEY: &str = "Gu5t9xGARNpq86cd98joQYCN3Cozk1qA";
/// The host [`v1_verify`] checks against.
pub const FUZZ_HOST: &str = "csec.api.qcloud.com";
/// The path [`v1_verify`] checks against.
pub const FUZZ_PATH: &str = "/v2/index.php";
