//! The wire names of the typed actions' parameters, as keys whose signing facts are
//! worked out at compile time (see [`ParamKey`]).

use crate::params::ParamKey;

/// `accountType`.
pub(crate) static ACCOUNT_TYPE: ParamKey = ParamKey::new("accountType");
/// `appId`.
pub(crate) static APP_ID: ParamKey = ParamKey::new("appId");
/// `associateAccount`.
pub(crate) static ASSOCIATE_ACCOUNT: ParamKey = ParamKey::new("associateAccount");
/// `businessId`.
pub(crate) static BUSINESS_ID: ParamKey = ParamKey::new("businessId");
/// `callBack`.
pub(crate) static CALL_BACK: ParamKey = ParamKey::new("callBack");
/// `captchaSig`.
pub(crate) static CAPTCHA_SIG: ParamKey = ParamKey::new("captchaSig");
/// `captchaType`.
pub(crate) static CAPTCHA_TYPE: ParamKey = ParamKey::new("captchaType");
/// `clientType`.
pub(crate) static CLIENT_TYPE: ParamKey = ParamKey::new("clientType");
/// `disturbLevel`.
pub(crate) static DISTURB_LEVEL: ParamKey = ParamKey::new("disturbLevel");
/// `imei`.
pub(crate) static IMEI: ParamKey = ParamKey::new("imei");
/// `isHttps`.
pub(crate) static IS_HTTPS: ParamKey = ParamKey::new("isHttps");
/// `macAddress`.
pub(crate) static MAC_ADDRESS: ParamKey = ParamKey::new("macAddress");
/// `registerTime`.
pub(crate) static REGISTER_TIME: ParamKey = ParamKey::new("registerTime");
/// `sceneId`.
pub(crate) static SCENE_ID: ParamKey = ParamKey::new("sceneId");
/// `script`.
pub(crate) static SCRIPT: ParamKey = ParamKey::new("script");
/// `ticket`.
pub(crate) static TICKET: ParamKey = ParamKey::new("ticket");
/// `uid`.
pub(crate) static UID: ParamKey = ParamKey::new("uid");
/// `userIp`.
pub(crate) static USER_IP: ParamKey = ParamKey::new("userIp");
/// `verifyCode`.
pub(crate) static VERIFY_CODE: ParamKey = ParamKey::new("verifyCode");
/// `xForwardedFor`.
pub(crate) static X_FORWARDED_FOR: ParamKey = ParamKey::new("xForwardedFor");
