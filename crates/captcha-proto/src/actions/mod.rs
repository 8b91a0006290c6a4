//! The API 2.0 captcha actions (protocol.md §1) and [`RawAction`] for any other action.

mod check;
mod get_url;
mod iframe_query;
mod image;
mod keys;
mod query;
mod raw;
mod url;
mod user;
mod verify;

pub use check::{CaptchaCheck, CheckVerdict};
pub use get_url::CaptchaGetUrl;
pub use iframe_query::CaptchaIframeQuery;
pub use image::{CaptchaImage, VSIG_COOKIE};
pub use query::{CaptchaQuery, CaptchaScript, ScriptFormat};
pub use raw::RawAction;
pub use url::CaptchaUrl;
pub use user::UserInfo;
pub use verify::{CaptchaVerify, VerifyVerdict};
