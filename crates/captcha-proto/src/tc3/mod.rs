//! Signature TC3-HMAC-SHA256, the signature of every Tencent Cloud API 3.0 call: sign a
//! request ([`sign_request`]), check one on the server side ([`verify_request`]), or see
//! every intermediate value of a signature ([`debug_steps`]). The scope date is the UTC
//! date of the timestamp, computed here: callers never pass a date.
//!
//! The steps (docs/protocol.md, "TC3-HMAC-SHA256"): hash the payload, build the canonical
//! request, hash it into the string to sign under the credential scope
//! (`date/service/tc3_request`), derive the signing key from the secret key by three
//! HMAC-SHA256 steps, sign, and put it all in the `Authorization` header.
//!
//! ```
//! use captcha_proto::{Credential, Stamp, tc3};
//! let credential = Credential::new("AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE", "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE")?;
//! let mut request = http::Request::post("https://cvm.tencentcloudapi.com/")
//!     .header("content-type", "application/json; charset=utf-8")
//!     .body(br#"{"Limit": 1, "Filters": [{"Values": ["\u672a\u547d\u540d"], "Name": "instance-name"}]}"#.to_vec())?;
//! tc3::sign_request(&mut request, &credential, "cvm", Stamp::new(1551113065, 1)?)?;
//! let steps = tc3::debug_steps(&request, &credential, "cvm", 1551113065)?;
//! assert_eq!(steps.signature().expose_secret(), "10b1a37a7301a02ca19a647ad722d5e43b4b3cff309d421d85b46093f6ab6c4f");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod date;
mod sign;
mod verify;

pub use date::{UtcDate, utc_date};
pub use sign::{
    ALGORITHM, CONTENT_SHA256_HEADER, SCOPE_TERMINATOR, SIGNED_HEADERS, Signature, SigningKey,
    TIMESTAMP_HEADER, TOKEN_HEADER, Tc3Steps, UNSIGNED_PAYLOAD, authorization, canonical_request,
    credential_scope, debug_steps, hashed_payload, sign_request, signature, signing_key,
    string_to_sign,
};
pub(crate) use sign::check_service;
pub use verify::{
    ParsedAuthorization, Verified, VerifyError, parse_authorization, verify_request,
    verify_request_with,
};
