//! The wire names of the typed actions' parameters, as `const` keys: their signing facts
//! are worked out at compile time (see [`ParamKey`]).

use crate::params::ParamKey;

/// `accountType`.
pub(crate) const ACCOUNT_TYPE: ParamKey = ParamKey::new("accountType");
/// `businessId`.
pub(crate) const BUSINESS_ID: ParamKey = ParamKey::new("businessId");
/// `captchaSig`.
pub(crate) const CAPTCHA_SIG: ParamKey = ParamKey::new("captchaSig");
/// `captchaType`.
pub(crate) const CAPTCHA_TYPE: ParamKey = ParamKey::new("captchaType");
/// `clientType`.
pub(crate) const CLIENT_TYPE: ParamKey = ParamKey::new("clientType");
/// `disturbLevel`.
pub(crate) const DISTURB_LEVEL: ParamKey = ParamKey::new("disturbLevel");
/// `isHttps`.
pub(crate) const IS_HTTPS: ParamKey = ParamKey::new("isHttps");
/// `registerTime`.
pub(crate) const REGISTER_TIME: ParamKey = ParamKey::new("registerTime");
/// `sceneId`.
pub(crate) const SCENE_ID: ParamKey = ParamKey::new("sceneId");
/// `script`.
pub(crate) const SCRIPT: ParamKey = ParamKey::new("script");
/// `ticket`.
pub(crate) const TICKET: ParamKey = ParamKey::new("ticket");
/// `userIp`.
pub(crate) const USER_IP: ParamKey = ParamKey::new("userIp");
/// `verifyCode`.
pub(crate) const VERIFY_CODE: ParamKey = ParamKey::new("verifyCode");
