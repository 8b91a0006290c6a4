//! # captcha-proto
//!
//! The sans-IO core of the Tencent Cloud captcha (天御) SDK. It turns a captcha call into a
//! signed [`http::Request`] and an [`http::Response`] back into a typed result, and does no
//! I/O: no sockets, no runtime, no clock (time and nonce come in as a [`Stamp`]). Any HTTP
//! client on any runtime can carry the bytes; `captcha-hyper` and `captcha-async-std` are
//! two ready-made ones.
//!
//! ```
//! use captcha_proto::{Action, CaptchaCheck, CaptchaType, CheckVerdict, Config, Credential, Endpoint, Stamp};
//!
//! let credential = Credential::new("AKIDz8krbsJ5yKBZQpn74WFkmLPx3gnPhESA", "Gu5t9xGARNpq86cd98joQYCN3Cozk1qA")?;
//! let config = Config::new(credential).with_endpoint("http://127.0.0.1:8080/v2/index.php".parse::<Endpoint>()?);
//! let check = CaptchaCheck::new("t03ticket", "203.0.113.7".parse()?, CaptchaType::Slider);
//! let request: http::Request<Vec<u8>> = config.encode(&check, Stamp::new(1465185768, 11886)?)?;
//! // … any HTTP client sends `request` and collects the response body …
//! let response = http::Response::new(br#"{"code":5100,"message":"ticket expired"}"#.to_vec());
//! let verdict = check.decode_response(&response)?;
//! assert_eq!(verdict, CheckVerdict::Fail { message: "ticket expired".into() });
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! - [`v1`]: the API 2.0 HMAC-SHA1/SHA256 signer, reusable for any 2.0 action, with `verify`.
//! - [`v3`]: the API 3.0 TC3-HMAC-SHA256 signer and verifier (any 3.0 call) and
//!   `DescribeCaptchaResult`, the captcha check Tencent serves today.
//! - [`Config::encode`] / [`Action::decode`]: the captcha actions and [`RawAction`].
//! - Errors say whose fault they are: [`EncodeError`] (input), [`DecodeError`] (bytes),
//!   [`ApiError`] (refusal). Verdicts ([`CheckVerdict`], [`VerifyVerdict`]) are not errors.
//! - Secrets ([`SecretKey`], [`Token`], [`Ticket`], [`CaptchaSig`], [`AppSecretKey`],
//!   [`v1::Signature`]) are redacted in `Debug`; [`redact::Redacted`] shows a request safely.

pub mod action;
pub mod actions;
pub mod config;
pub mod credential;
pub mod endpoint;
pub mod enums;
pub mod error;
#[cfg(feature = "fuzzing")]
pub mod fuzzing;
pub mod params;
pub mod redact;
mod reply;
pub mod secret;
pub mod stamp;
mod template;
pub mod transport;
pub mod v1;
pub mod v3;
mod wire;

pub use action::Action;
pub use actions::{
    CaptchaCheck, CaptchaGetUrl, CaptchaIframeQuery, CaptchaImage, CaptchaQuery, CaptchaScript,
    CaptchaUrl, CaptchaVerify, CheckVerdict, RawAction, ScriptFormat, UserInfo, VerifyVerdict,
};
pub use config::{Config, HttpMethod};
pub use credential::{Credential, CredentialError, SecretId};
pub use endpoint::Endpoint;
pub use enums::{AccountType, CaptchaType, ClientType, DisturbLevel, IsHttps};
pub use error::{ApiError, DecodeError, DecodeErrorKind, EncodeError, ResponseError, ServiceError};
pub use params::Params;
pub use secret::{AppSecretKey, CaptchaSig, SecretKey, Ticket, Token};
pub use stamp::Stamp;
pub use v1::SignatureMethod;
pub use v3::{CaptchaResult, DescribeCaptchaResult, RejectReason, V3Config, Verdict};
