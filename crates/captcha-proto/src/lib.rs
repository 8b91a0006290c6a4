//! # captcha-proto
//!
//! The sans-IO core of the Tencent Cloud captcha (天御) SDK: it turns a captcha call into a
//! signed [`http::Request`] and an [`http::Response`] back into a typed result, and does no
//! I/O — no sockets, no runtime, no file or environment reads beyond
//! [`Credential::from_env`], and no clock unless you ask ([`Stamp::now`], feature `clock`).
//! Use it to carry the bytes with an HTTP client of your own; for a ready-made client use
//! `captcha-hyper` (tokio) or `captcha-async-std` (async-std and smol).
//!
//! The check Tencent serves today is API 3.0 `DescribeCaptchaResult`:
//!
//! ```
//! use captcha_proto::{Api3Action, Api3Config, Credential, DescribeCaptchaResult, Stamp};
//!
//! let config = Api3Config::new(Credential::new("AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE", "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE")?);
//! let check = DescribeCaptchaResult::new("t03ticket", "@Vki", "203.0.113.7".parse()?, 199999164, "app-secret-key");
//! let request: http::Request<Vec<u8>> = config.encode(&check, Stamp::now())?;
//! // … any HTTP client sends `request` and collects the response …
//! let response = http::Response::new(br#"{"Response":{"CaptchaCode":1,"CaptchaMsg":"OK","EvilLevel":0,"GetCaptchaTime":1700000000,"RequestId":"1"}}"#.to_vec());
//! let result = check.decode_response(&response)?;
//! assert!(result.verdict.is_pass());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! - [`api3`]: API 3.0 — [`Api3Config`], [`DescribeCaptchaResult`], [`Api3RawAction`] for any
//!   other API 3.0 action.
//! - [`api2`]: API 2.0, switched off by Tencent and kept byte-exact — [`Api2Config`],
//!   `CaptchaCheck`, `CaptchaGetUrl`, `CaptchaVerify`, `CaptchaIframeQuery`, `CaptchaQuery`,
//!   [`Api2RawAction`].
//! - The signatures: [`tc3`] (TC3-HMAC-SHA256, API 3.0) and [`v1`] (HmacSHA1/HmacSHA256,
//!   API 2.0), each with a server-side `verify`.
//! - [`Exchange`]: a call as a client's retry loop drives it (encode afresh per attempt,
//!   decode, single use or not).
//! - Errors say whose fault they are: [`EncodeError`] (input, names the field),
//!   [`DecodeError`] (bytes), [`Api2Error`] / [`Api3Error`] (refusals). Verdicts are not
//!   errors.
//! - Secrets ([`SecretKey`], [`Token`], [`Ticket`], [`CaptchaSig`], [`AppSecretKey`],
//!   signatures) are redacted in `Debug`; [`redact::Redacted`] shows a request safely.

pub mod api2;
pub mod api3;
mod credential;
pub mod credentials;
mod endpoint;
mod error;
mod exchange;
mod params;
pub mod redact;
mod secret;
mod stamp;
pub mod tc3;
pub mod v1;
mod wire;

pub use api2::{
    AccountType, Api2Action, Api2Config, Api2Error, Api2Exchange, Api2RawAction, CaptchaCheck,
    CaptchaGetUrl, CaptchaIframeQuery, CaptchaImage, CaptchaQuery, CaptchaScript, CaptchaType,
    CaptchaUrl, CaptchaVerify, CheckVerdict, ClientType, DisturbLevel, HttpMethod, ImageExchange,
    IsHttps, ScriptFormat, UserInfo, VerifyVerdict,
};
pub use api3::{
    Api3Action, Api3Config, Api3Error, Api3Exchange, Api3RawAction, CaptchaResult,
    DescribeCaptchaResult, RejectReason, Verdict,
};
pub use credential::{
    Credential, CredentialError, ENV_SECRET_ID, ENV_SECRET_KEY, ENV_SESSION_TOKEN, ENV_TOKEN,
    SecretId,
};
pub use endpoint::{DEFAULT_ENDPOINT, Endpoint};
pub use error::{DecodeError, DecodeErrorKind, EncodeError, ResponseError};
pub use exchange::Exchange;
pub use secret::{AppSecretKey, CaptchaSig, SecretKey, Ticket, Token};
pub use stamp::Stamp;
pub use v1::SignatureMethod;

/// Compiles the README's examples.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
