//! `CaptchaIframeQuery`: a one-time captcha script URL for the iframe/JS flow (docs/protocol.md, "CaptchaIframeQuery").

use http::StatusCode;

use super::action::Api2Action;
use super::enums::{AccountType, CaptchaType, ClientType, DisturbLevel, IsHttps};
use super::keys;
use super::url::{CaptchaUrl, decode_url};
use super::user::{UserInfo, user_info_setters};
use crate::error::{EncodeError, ResponseError};
use crate::params::Params;

/// Asks for the URL of the captcha JavaScript (valid for one use). The five documented
/// required inputs are constructor arguments; `accountType` starts as
/// [`AccountType::OtherAccount`].
///
/// ```
/// use captcha_proto::{CaptchaIframeQuery, CaptchaType, ClientType, DisturbLevel, IsHttps, UserInfo};
/// let query = CaptchaIframeQuery::new(CaptchaType::Slider, DisturbLevel::Low, IsHttps::Https, ClientType::PcWeb)
///     .with_user_info(UserInfo { business_id: Some(1), ..UserInfo::default() });
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaptchaIframeQuery {
    captcha_type: CaptchaType,
    disturb_level: DisturbLevel,
    is_https: IsHttps,
    client_type: ClientType,
    user: UserInfo,
}

impl CaptchaIframeQuery {
    /// A query with the required inputs.
    pub fn new(
        captcha_type: CaptchaType,
        disturb_level: DisturbLevel,
        is_https: IsHttps,
        client_type: ClientType,
    ) -> Self {
        Self {
            captcha_type,
            disturb_level,
            is_https,
            client_type,
            user: UserInfo {
                account_type: Some(AccountType::OtherAccount),
                ..UserInfo::default()
            },
        }
    }

    /// Sets `userIp`.
    pub fn user_ip(mut self, value: std::net::IpAddr) -> Self {
        self.user.user_ip = Some(value);
        self
    }
}

user_info_setters!(CaptchaIframeQuery);

impl Api2Action for CaptchaIframeQuery {
    type Output = CaptchaUrl;

    fn name(&self) -> &str {
        "CaptchaIframeQuery"
    }

    /// Checked, in signing order.
    fn write_params(&self, params: &mut Params) -> Result<(), EncodeError> {
        self.user.write(
            params,
            [
                (&keys::CAPTCHA_TYPE, Some(self.captcha_type.into())),
                (&keys::CLIENT_TYPE, Some(self.client_type.into())),
                (&keys::DISTURB_LEVEL, Some(self.disturb_level.into())),
                (&keys::IS_HTTPS, Some(self.is_https.into())),
            ],
        )
    }

    fn decode(&self, status: StatusCode, body: &[u8]) -> Result<CaptchaUrl, ResponseError> {
        decode_url(status, body)
    }
}
