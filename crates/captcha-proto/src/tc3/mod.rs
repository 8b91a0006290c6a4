//! Signature TC3-HMAC-SHA256, the signature of every Tencent Cloud API 3.0 call: sign a
//! request ([`sign_request`]), check one on the server side ([`verify_request`]), or see
//! every intermediate value of a signature ([`debug_steps`], the one entry point to the
//! individual steps). The scope date is the UTC
//! date of the timestamp, computed here: callers never pass a date.
//!
//! The steps (docs/protocol.md, "TC3-HMAC-SHA256"): hash the payload, build the canonical
//! request, hash it into the string to sign under the credential scope
//! (`date/service/tc3_request`), derive the signing key from the secret key by three
//! HMAC-SHA256 steps, sign, and put it all in the `Authorization` header.
//!
//! ```
//! use captcha_proto::{Credential, tc3};
//! let credential = Credential::new("AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE", "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE")?;
//! let mut request = http::Request::post("https://cvm.tencentcloudapi.com/")
//!     .header("content-type", "application/json; charset=utf-8")
//!     .body(br#"{"Limit": 1, "Filters": [{"Values": ["\u672a\u547d\u540d"], "Name": "instance-name"}]}"#.to_vec())?;
//! tc3::sign_request(&mut request, &credential, "cvm", 1551113065)?;
//! let steps = tc3::debug_steps(&request, &credential, "cvm", 1551113065)?;
//! assert_eq!(steps.signature().expose_secret(), "72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod date;
mod sign;
mod verify;

pub use date::UtcDate;
pub(crate) use sign::{KeyCache, check_service, sign_request_cached};
pub use sign::{
    Signature, SigningKey, TIMESTAMP_HEADER, TOKEN_HEADER, Tc3Steps, debug_steps, sign_request,
};
pub use verify::{
    ParsedAuthorization, Verified, VerifyError, parse_authorization, verify_request,
    verify_request_with,
};
