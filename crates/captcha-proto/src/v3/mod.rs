//! API 3.0: the TC3-HMAC-SHA256 signer and `DescribeCaptchaResult`, the live captcha API
//! (`captcha.tencentcloudapi.com`, version `2019-07-22`; protocol.md §5).
//!
//! - The signer is reusable for any Tencent API 3.0 call: [`sign_request`] signs an
//!   `http::Request` in place, [`debug_steps`] returns every intermediate value
//!   ([`hashed_payload`], [`canonical_request`], [`credential_scope`], [`string_to_sign`],
//!   [`signing_key`], [`signature`], [`authorization`]), and [`verify_request`] checks a
//!   signature on the server side. The scope date is the UTC date of the timestamp,
//!   computed here ([`utc_date`]): callers never pass a date.
//! - [`V3Config`] encodes any [`V3Action`]: [`DescribeCaptchaResult`] or [`RawV3Action`].
//! - A rejected ticket is an `Ok` [`CaptchaResult`] whose [`Verdict`] says why;
//!   `Response.Error` is [`ResponseError::Service`](crate::ResponseError::Service).
//! - [`V3Exchange`] lets both transports send a 3.0 call with their generic path.
//!
//! ```
//! use captcha_proto::{Credential, Stamp};
//! use captcha_proto::v3::{DescribeCaptchaResult, RejectReason, V3Action, V3Config, Verdict};
//!
//! let config = V3Config::new(Credential::new("AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE", "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE")?);
//! let check = DescribeCaptchaResult::new("t03ticket", "@Vki", "203.0.113.7".parse()?, 199999164, "app-secret-key");
//! let request = config.encode(&check, Stamp::new(1_700_000_000, 1)?)?;
//! assert_eq!(request.method(), http::Method::POST);
//! // … any HTTP client sends `request` …
//! let body = br#"{"Response":{"CaptchaCode":9,"CaptchaMsg":"ticket reused","RequestId":"3c1"}}"#;
//! let result = check.decode(http::StatusCode::OK, body)?;
//! assert_eq!(result.verdict, Verdict::Reject(RejectReason::TicketReused));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod action;
mod config;
mod date;
mod describe;
mod envelope;
mod raw;
mod result;
mod sign;
mod verify;

pub use action::{V3Action, V3Exchange};
pub use config::{
    ACTION_HEADER, CHINA_ENDPOINT, INTERNATIONAL_ENDPOINT, JSON_CONTENT_TYPE, LANGUAGE_HEADER,
    Language, REGION_HEADER, REQUEST_CLIENT_HEADER, V3Config, VERSION_HEADER, china_endpoint,
    international_endpoint,
};
pub use date::{UtcDate, utc_date};
pub use describe::{
    CAPTCHA_SERVICE, CAPTCHA_VERSION, DEFAULT_CAPTCHA_TYPE, DESCRIBE_CAPTCHA_RESULT,
    DescribeCaptchaResult,
};
pub use envelope::{ResponseObject, parse_response};
pub use raw::RawV3Action;
pub use result::{
    CaptchaResult, DISASTER_RECOVERY_PREFIX, PASS_CODE, RejectReason, Verdict,
    decode_captcha_result,
};
pub use sign::{
    ALGORITHM, CONTENT_SHA256_HEADER, SCOPE_TERMINATOR, SIGNED_HEADERS, Signature, SigningKey,
    TIMESTAMP_HEADER, TOKEN_HEADER, Tc3Steps, UNSIGNED_PAYLOAD, authorization, canonical_request,
    credential_scope, debug_steps, hashed_payload, sign_request, signature, signing_key,
    string_to_sign,
};
pub use verify::{
    ParsedAuthorization, Verified, VerifyError, parse_authorization, verify_request,
    verify_request_with,
};
