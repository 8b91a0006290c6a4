//! `CaptchaGetUrl`: the back-end image flow's first step (docs/protocol.md, "CaptchaGetUrl").

use http::StatusCode;

use super::action::Api2Action;
use super::enums::{CaptchaType, DisturbLevel, IsHttps};
use super::keys;
use super::url::{CaptchaUrl, decode_url};
use super::user::{UserInfo, user_info_setters};
use crate::error::{EncodeError, ResponseError};
use crate::params::{Params, Value};

/// Asks for the URL of a captcha image. Fetching that URL returns the image and sets the
/// `vsig` cookie, which goes to [`CaptchaVerify`](crate::CaptchaVerify) as `captchaSig`.
/// Every input is optional.
///
/// ```
/// use captcha_proto::{CaptchaGetUrl, CaptchaType, IsHttps, UserInfo};
/// let get_url = CaptchaGetUrl::new()
///     .captcha_type(CaptchaType::Standard)
///     .is_https(IsHttps::Https)
///     .with_user_info(UserInfo { business_id: Some(1), ..UserInfo::default() });
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CaptchaGetUrl {
    captcha_type: Option<CaptchaType>,
    disturb_level: Option<DisturbLevel>,
    is_https: Option<IsHttps>,
    user: UserInfo,
}

impl CaptchaGetUrl {
    /// A request with no inputs: the server's strategy picks type and difficulty.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets `captchaType`.
    pub fn captcha_type(mut self, value: CaptchaType) -> Self {
        self.captcha_type = Some(value);
        self
    }

    /// Sets `disturbLevel`.
    pub fn disturb_level(mut self, value: DisturbLevel) -> Self {
        self.disturb_level = Some(value);
        self
    }

    /// Sets `isHttps` (whether the returned image URL is https).
    pub fn is_https(mut self, value: IsHttps) -> Self {
        self.is_https = Some(value);
        self
    }

    /// Sets `userIp`.
    pub fn user_ip(mut self, value: std::net::IpAddr) -> Self {
        self.user.user_ip = Some(value);
        self
    }
}

user_info_setters!(CaptchaGetUrl);

impl Api2Action for CaptchaGetUrl {
    type Output = CaptchaUrl;

    fn name(&self) -> &str {
        "CaptchaGetUrl"
    }

    /// Checked, in signing order.
    fn write_params(&self, params: &mut Params) -> Result<(), EncodeError> {
        self.user.write(
            params,
            [
                (&keys::CAPTCHA_TYPE, self.captcha_type.map(Value::from)),
                (&keys::DISTURB_LEVEL, self.disturb_level.map(Value::from)),
                (&keys::IS_HTTPS, self.is_https.map(Value::from)),
            ],
        )
    }

    fn decode(&self, status: StatusCode, body: &[u8]) -> Result<CaptchaUrl, ResponseError> {
        decode_url(status, body)
    }
}
