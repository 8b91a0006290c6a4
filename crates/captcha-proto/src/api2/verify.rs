//! `CaptchaVerify`: checks the characters the user typed in the image flow (docs/protocol.md, "CaptchaVerify").

use http::StatusCode;

use super::action::Api2Action;
use super::enums::CaptchaType;
use super::keys;
use super::reply;
use super::user::{UserInfo, user_info_setters};
use crate::error::{DecodeError, DecodeErrorKind, EncodeError, ResponseError};
use crate::params::{Params, Value};
use crate::secret::CaptchaSig;

/// Checks what the user typed against the image fetched from a
/// [`CaptchaGetUrl`](crate::CaptchaGetUrl) URL. `captcha_sig` is that fetch's `vsig` cookie.
/// Do not limit or filter what the user typed: answers may be longer or in Chinese.
///
/// ```
/// use captcha_proto::{CaptchaVerify, UserInfo};
/// let verify = CaptchaVerify::new("vsig-cookie-value", "uazm")
///     .with_user_info(UserInfo { business_id: Some(1), ..UserInfo::default() });
/// ```
#[derive(Debug, Clone)]
pub struct CaptchaVerify {
    captcha_sig: CaptchaSig,
    verify_code: String,
    captcha_type: Option<CaptchaType>,
    user: UserInfo,
}

impl CaptchaVerify {
    /// A check of `verify_code` against the image signed by `captcha_sig`.
    pub fn new(captcha_sig: impl Into<CaptchaSig>, verify_code: impl Into<String>) -> Self {
        Self {
            captcha_sig: captcha_sig.into(),
            verify_code: verify_code.into(),
            captcha_type: None,
            user: UserInfo::default(),
        }
    }

    /// Sets `captchaType`.
    pub fn captcha_type(mut self, value: CaptchaType) -> Self {
        self.captcha_type = Some(value);
        self
    }

    /// Sets `userIp`.
    pub fn user_ip(mut self, value: std::net::IpAddr) -> Self {
        self.user.user_ip = Some(value);
        self
    }
}

user_info_setters!(CaptchaVerify);

/// The answer to a [`CaptchaVerify`]: a verdict, not an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VerifyVerdict {
    /// `is_right` 1: the user typed the characters shown.
    Right,
    /// `is_right` 0: the input is wrong.
    Wrong,
}

impl VerifyVerdict {
    /// True for [`VerifyVerdict::Right`].
    pub fn is_right(self) -> bool {
        self == Self::Right
    }
}

impl Api2Action for CaptchaVerify {
    type Output = VerifyVerdict;

    fn name(&self) -> &str {
        "CaptchaVerify"
    }

    /// Checked, in signing order.
    fn write_params(&self, params: &mut Params) -> Result<(), EncodeError> {
        let sig = self.captcha_sig.expose_secret();
        if sig.is_empty() {
            return Err(EncodeError::EmptyField {
                field: "captchaSig",
            });
        }
        if self.verify_code.is_empty() {
            return Err(EncodeError::EmptyField {
                field: "verifyCode",
            });
        }
        self.user.write(
            params,
            [
                (&keys::CAPTCHA_SIG, Some(Value::Text(sig))),
                (&keys::CAPTCHA_TYPE, self.captcha_type.map(Value::from)),
                (&keys::VERIFY_CODE, Some(Value::Text(&self.verify_code))),
            ],
        )
    }

    fn decode(&self, status: StatusCode, body: &[u8]) -> Result<VerifyVerdict, ResponseError> {
        let reply = reply::parse_success(status, body)?;
        let invalid = |kind| DecodeError::new(kind, status, body);
        match reply.is_right {
            Some(1) => Ok(VerifyVerdict::Right),
            Some(0) => Ok(VerifyVerdict::Wrong),
            Some(_) => Err(invalid(DecodeErrorKind::InvalidField {
                field: "is_right",
                reason: "is neither 0 nor 1",
            })
            .into()),
            None => Err(invalid(DecodeErrorKind::MissingField { field: "is_right" }).into()),
        }
    }

    fn single_use(&self) -> bool {
        true
    }
}
