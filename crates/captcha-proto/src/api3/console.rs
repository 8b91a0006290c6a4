//! The console actions of captcha 2019-07-22: an app's settings
//! (`DescribeCaptchaAppIdInfo`, `UpdateCaptchaAppIdInfo`) and the list of apps
//! (`DescribeCaptchaUserAllAppId`). Requests are plain structs (build them with
//! `..Default::default()`); answers decode with unknown keys ignored and numbers accepted
//! as numeric strings.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::lenient;
use super::typed::captcha_action;
use crate::secret::AppSecretKey;

/// `DescribeCaptchaAppIdInfo` (查询安全验证码应用APPId信息): the settings of one app.
///
/// ```
/// use captcha_proto::api3::{Api3Action, DescribeCaptchaAppIdInfo};
/// let call = DescribeCaptchaAppIdInfo { captcha_app_id: 199999164 };
/// assert_eq!(call.payload()?, br#"{"CaptchaAppId":199999164}"#);
/// let answer = br#"{"Response":{"AppName":"shop","EncryptKey":"k3y","CaptchaCode":0,"RequestId":"r"}}"#;
/// let info = call.decode(http::StatusCode::OK, answer)?;
/// assert_eq!(info.app_name.as_deref(), Some("shop"));
/// assert!(!format!("{info:?}").contains("k3y"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct DescribeCaptchaAppIdInfo {
    /// `CaptchaAppId` (required).
    #[serde(deserialize_with = "lenient::number")]
    pub captcha_app_id: u64,
}

/// The answer to [`DescribeCaptchaAppIdInfo`]. `Debug` hides `EncryptKey`.
#[derive(Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AppIdInfo {
    /// `SchemeColor`: the web style.
    #[serde(default)]
    pub scheme_color: Option<String>,
    /// `Language`.
    #[serde(default, deserialize_with = "lenient::number")]
    pub language: Option<i64>,
    /// `SceneType`.
    #[serde(default, deserialize_with = "lenient::number")]
    pub scene_type: Option<i64>,
    /// `EvilInterceptGrade`: the risk level the app intercepts at.
    #[serde(default, deserialize_with = "lenient::number")]
    pub evil_intercept_grade: Option<i64>,
    /// `SmartVerify`.
    #[serde(default, deserialize_with = "lenient::number")]
    pub smart_verify: Option<i64>,
    /// `SmartEngine`.
    #[serde(default, deserialize_with = "lenient::number")]
    pub smart_engine: Option<i64>,
    /// `CapType`: the captcha type.
    #[serde(default, deserialize_with = "lenient::number")]
    pub cap_type: Option<i64>,
    /// `AppName`.
    #[serde(default)]
    pub app_name: Option<String>,
    /// `DomainLimit`.
    #[serde(default)]
    pub domain_limit: Option<String>,
    /// `MailAlarm`: alarm mail addresses (may be `null`).
    #[serde(default)]
    pub mail_alarm: Option<Vec<String>>,
    /// `TrafficThreshold`.
    #[serde(default, deserialize_with = "lenient::number")]
    pub traffic_threshold: Option<i64>,
    /// `EncryptKey`: the app's key (a secret: redacted in `Debug`).
    #[serde(default, with = "optional_secret")]
    pub encrypt_key: Option<AppSecretKey>,
    /// `TopFullScreen`.
    #[serde(default, deserialize_with = "lenient::number")]
    pub top_full_screen: Option<i64>,
    /// `CaptchaCode`: 0 on success.
    #[serde(default, deserialize_with = "lenient::number")]
    pub captcha_code: Option<i64>,
    /// `CaptchaMsg`.
    #[serde(default)]
    pub captcha_msg: Option<String>,
    /// `RequestId`.
    pub request_id: String,
}

impl fmt::Debug for AppIdInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AppIdInfo")
            .field("app_name", &self.app_name)
            .field("scheme_color", &self.scheme_color)
            .field("language", &self.language)
            .field("scene_type", &self.scene_type)
            .field("evil_intercept_grade", &self.evil_intercept_grade)
            .field("smart_verify", &self.smart_verify)
            .field("smart_engine", &self.smart_engine)
            .field("cap_type", &self.cap_type)
            .field("domain_limit", &self.domain_limit)
            .field("mail_alarm", &self.mail_alarm)
            .field("traffic_threshold", &self.traffic_threshold)
            .field("encrypt_key", &self.encrypt_key)
            .field("top_full_screen", &self.top_full_screen)
            .field("captcha_code", &self.captcha_code)
            .field("captcha_msg", &self.captcha_msg)
            .field("request_id", &self.request_id)
            .finish()
    }
}

/// `EncryptKey` on the wire: the secret's text, kept in its redacting box in memory.
mod optional_secret {
    use super::*;

    pub(super) fn serialize<S: Serializer>(
        value: &Option<AppSecretKey>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        value
            .as_ref()
            .map(AppSecretKey::expose_secret)
            .serialize(serializer)
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<AppSecretKey>, D::Error> {
        Ok(Option::<String>::deserialize(deserializer)?.map(AppSecretKey::new))
    }
}

/// `UpdateCaptchaAppIdInfo` (更新验证码应用APPId信息): replaces an app's settings. Every
/// field is required; `DomainLimit` and `MailAlarm` may be empty (no limit, no alarm).
///
/// ```
/// use captcha_proto::EncodeError;
/// use captcha_proto::api3::{Api3Action, UpdateCaptchaAppIdInfo};
/// let update = UpdateCaptchaAppIdInfo { captcha_app_id: 199999164, app_name: "shop".into(), ..Default::default() };
/// // An empty DomainLimit or MailAlarm means none; an empty SchemeColor is refused.
/// assert_eq!(update.payload(), Err(EncodeError::EmptyField { field: "SchemeColor" }));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct UpdateCaptchaAppIdInfo {
    /// `CaptchaAppId`.
    #[serde(deserialize_with = "lenient::number")]
    pub captcha_app_id: i64,
    /// `AppName`.
    pub app_name: String,
    /// `DomainLimit`: the domains the app may be used on.
    pub domain_limit: String,
    /// `SceneType`.
    #[serde(deserialize_with = "lenient::number")]
    pub scene_type: i64,
    /// `CapType`: the captcha type.
    #[serde(deserialize_with = "lenient::number")]
    pub cap_type: i64,
    /// `EvilInterceptGrade`: the risk level.
    #[serde(deserialize_with = "lenient::number")]
    pub evil_intercept_grade: i64,
    /// `SmartVerify`.
    #[serde(deserialize_with = "lenient::number")]
    pub smart_verify: i64,
    /// `SmartEngine`.
    #[serde(deserialize_with = "lenient::number")]
    pub smart_engine: i64,
    /// `SchemeColor`: the web style.
    pub scheme_color: String,
    /// `CaptchaLanguage`.
    #[serde(deserialize_with = "lenient::number")]
    pub captcha_language: i64,
    /// `MailAlarm`: the alarm mail address.
    pub mail_alarm: String,
    /// `TopFullScreen`.
    #[serde(deserialize_with = "lenient::number")]
    pub top_full_screen: i64,
    /// `TrafficThreshold`.
    #[serde(deserialize_with = "lenient::number")]
    pub traffic_threshold: i64,
}

/// The answer of actions that only report an outcome (`UpdateCaptchaAppIdInfo`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CaptchaOutcome {
    /// `CaptchaCode`: 0 on success.
    #[serde(default, deserialize_with = "lenient::number")]
    pub captcha_code: Option<i64>,
    /// `CaptchaMsg`.
    #[serde(default)]
    pub captcha_msg: Option<String>,
    /// `RequestId`.
    pub request_id: String,
}

/// `DescribeCaptchaUserAllAppId` (获取用户注册所有APPId和应用名称): every app of the
/// account. Takes no fields.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DescribeCaptchaUserAllAppId {}

/// The answer to [`DescribeCaptchaUserAllAppId`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UserAllAppIds {
    /// `Data`: the apps.
    #[serde(default)]
    pub data: Option<Vec<CaptchaUserAllAppId>>,
    /// `CaptchaCode`: 0 on success.
    #[serde(default, deserialize_with = "lenient::number")]
    pub captcha_code: Option<i64>,
    /// `CaptchaMsg`.
    #[serde(default)]
    pub captcha_msg: Option<String>,
    /// `RequestId`.
    pub request_id: String,
}

/// One app of [`UserAllAppIds`] (`CaptchaUserAllAppId`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CaptchaUserAllAppId {
    /// `CaptchaAppId`.
    #[serde(default, deserialize_with = "lenient::number")]
    pub captcha_app_id: Option<i64>,
    /// `AppName`.
    #[serde(default)]
    pub app_name: Option<String>,
    /// `TcAppId`: the Tencent Cloud account's APPID.
    #[serde(default, deserialize_with = "lenient::number")]
    pub tc_app_id: Option<i64>,
    /// `ChannelInfo`.
    #[serde(default)]
    pub channel_info: Option<String>,
}

captcha_action! {
    DescribeCaptchaAppIdInfo ["CaptchaAppId"] => AppIdInfo,
    UpdateCaptchaAppIdInfo [
        "CaptchaAppId", "AppName", "DomainLimit", "SceneType", "CapType", "EvilInterceptGrade",
        "SmartVerify", "SmartEngine", "SchemeColor", "CaptchaLanguage", "MailAlarm",
        "TopFullScreen", "TrafficThreshold"
    ] => CaptchaOutcome,
    DescribeCaptchaUserAllAppId [] => UserAllAppIds,
}
