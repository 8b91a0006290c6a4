//! The fuzz harnesses of the Tencent Cloud captcha SDK, shared by the cargo-fuzz targets in
//! `fuzz/` and by the stable test that replays the committed corpus
//! (`tests/tests/corpus_replay.rs`). Not published and not an API: for the SDK itself see
//! `captcha-proto` (the sans-IO core these harnesses exercise) and its transports.
//!
//! Each harness asserts invariants, not only "no panic":
//! - [`decode_v1_responses`]: every API 2.0 decoder on arbitrary bytes and statuses. A
//!   result is only ever a success for a 2xx status and code 0; error snippets stay within
//!   [`SNIPPET_BYTES`] and never show the value of a `"ticket"`-like field of the body.
//! - [`verify_query`]: [`v1::verify`] on a query string or form body parsed the way the
//!   emulator parses it; accepting means re-signing gives the very same `Signature`.
//! - [`decode_v3_response`]: the API 3.0 `DescribeCaptchaResult` decoder and envelope on
//!   arbitrary bytes: only `CaptchaCode` 1 passes; refusals carry `Response.Error.Code`.
//! - [`roundtrip`]: [`Api2Config::encode`] of a [`Api2RawAction`] built from a
//!   [`RoundtripInput`], parsed back as a server would, must verify; refusals must be typed
//!   and name a field.
//!
//! A harness panics (with a message saying which invariant broke) on a violation.
//!
//! [`SNIPPET_BYTES`]: captcha_proto::redact::SNIPPET_BYTES
//! [`v1::verify`]: captcha_proto::v1::verify
//! [`Api2Config::encode`]: captcha_proto::Api2Config::encode
//! [`Api2RawAction`]: captcha_proto::Api2RawAction

mod api2;
mod api3;
mod common;
mod roundtrip;
mod v1_query;

pub use api2::decode_v1_responses;
pub use api3::decode_v3_response;
pub use roundtrip::{Rejection, RequestClientChoice, RoundtripInput, roundtrip, roundtrip_bytes};
pub use v1_query::verify_query;

/// The SecretKey [`verify_query`] checks against: the one of the published vectors
/// (docs/protocol.md, "Known-answer vectors" and "Derived csec vectors"), so the signed
/// seeds of the corpus verify.
pub const FUZZ_SECRET_KEY: &str = "Gu5t9xGARNpq86cd98joQYCN3Cozk1qA";
/// The host [`verify_query`] checks against.
pub const FUZZ_HOST: &str = "csec.api.qcloud.com";
/// The path [`verify_query`] checks against.
pub const FUZZ_PATH: &str = "/v2/index.php";
