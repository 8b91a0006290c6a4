//! The ticket checks of the mini-program plugin: `DescribeCaptchaMiniResult`
//! (核查验证码票据结果(小程序插件)) and `DescribeCaptchaMiniRiskResult`, which Tencent
//! has discontinued (已停用) and keeps only for old integrations.

use std::fmt;
use std::net::IpAddr;

use http::StatusCode;
use serde::{Deserialize, Serialize};

use super::action::Api3Action;
use super::answer::{RiskValues, TicketAnswer};
use super::describe::{CAPTCHA_SERVICE, CAPTCHA_VERSION};
use super::envelope::{Reply, read_response};
use super::lenient;
use super::result::{CaptchaResult, decode_captcha_result};
use super::ticket_fields::{Extra, TicketFields, ticket_setters};
use crate::error::{EncodeError, ResponseError};
use crate::secret::{AppSecretKey, Ticket};

/// Checks a ticket the mini-program plugin gave the user (there is no Randstr). A
/// ticket passes once: transports never send this call twice.
///
/// ```
/// use captcha_proto::api3::{Api3Action, DescribeCaptchaMiniResult};
/// let check = DescribeCaptchaMiniResult::new("t03mini", "203.0.113.7".parse()?, 199999164, "app-secret-key");
/// let body = String::from_utf8(check.payload()?)?;
/// assert_eq!(body, r#"{"CaptchaType":9,"Ticket":"t03mini","UserIp":"203.0.113.7","CaptchaAppId":199999164,"AppSecretKey":"app-secret-key"}"#);
/// let answer = br#"{"Response":{"CaptchaCode":1,"CaptchaMsg":"OK","RequestId":"r"}}"#;
/// assert!(check.decode(http::StatusCode::OK, answer)?.is_pass());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct DescribeCaptchaMiniResult {
    fields: TicketFields,
}

impl DescribeCaptchaMiniResult {
    /// The action's name, `X-TC-Action`.
    pub const ACTION: &'static str = "DescribeCaptchaMiniResult";

    /// A check of the plugin's `ticket` for the user at `user_ip`, with the app's id and
    /// secret key. `CaptchaType` is 9.
    pub fn new(
        ticket: impl Into<Ticket>,
        user_ip: IpAddr,
        captcha_app_id: u64,
        app_secret_key: impl Into<AppSecretKey>,
    ) -> Self {
        Self {
            fields: TicketFields::new(
                ticket.into(),
                user_ip,
                captcha_app_id,
                app_secret_key.into(),
            ),
        }
    }

    ticket_setters!();
}

impl fmt::Debug for DescribeCaptchaMiniResult {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = f.debug_struct("DescribeCaptchaMiniResult");
        self.fields.debug_into(&mut out);
        out.finish()
    }
}

impl Api3Action for DescribeCaptchaMiniResult {
    type Output = CaptchaResult;

    fn service(&self) -> &str {
        CAPTCHA_SERVICE
    }

    fn version(&self) -> &str {
        CAPTCHA_VERSION
    }

    fn name(&self) -> &str {
        Self::ACTION
    }

    fn payload(&self) -> Result<Vec<u8>, EncodeError> {
        self.fields.check(None)?;
        self.fields.payload(Extra::default())
    }

    fn decode(&self, status: StatusCode, body: &[u8]) -> Result<CaptchaResult, ResponseError> {
        decode_captcha_result(status, body, false)
    }

    fn single_use(&self) -> bool {
        true
    }
}

/// **Discontinued by Tencent** (已停用): checks a mini-program plugin ticket and asks the
/// marketing-risk engine about the user. Kept for old integrations; new ones use
/// [`DescribeCaptchaMiniResult`]. Build the plain check, then convert it and add the
/// fields of this action.
///
/// ```
/// use captcha_proto::api3::{Api3Action, DescribeCaptchaMiniResult, DescribeCaptchaMiniRiskResult};
/// let check = DescribeCaptchaMiniRiskResult::from(
///     DescribeCaptchaMiniResult::new("t03mini", "203.0.113.7".parse()?, 199999164, "app-secret-key"),
/// )
/// .scene_code(2);
/// assert!(String::from_utf8(check.payload()?)?.ends_with(r#""SceneCode":2}"#));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct DescribeCaptchaMiniRiskResult {
    check: DescribeCaptchaMiniResult,
    scene_code: Option<i64>,
    we_chat_open_id: Option<String>,
}

impl DescribeCaptchaMiniRiskResult {
    /// The action's name, `X-TC-Action`.
    pub const ACTION: &'static str = "DescribeCaptchaMiniRiskResult";

    /// Sets `SceneCode`: 1 activity anti-abuse, 2 login protection, 3 sign-up protection.
    pub fn scene_code(mut self, value: i64) -> Self {
        self.scene_code = Some(value);
        self
    }

    /// Sets `WeChatOpenId`: the user's WeChat open id.
    pub fn we_chat_open_id(mut self, value: impl Into<String>) -> Self {
        self.we_chat_open_id = Some(value.into());
        self
    }

    /// The check this call sends.
    pub fn check(&self) -> &DescribeCaptchaMiniResult {
        &self.check
    }
}

impl From<DescribeCaptchaMiniResult> for DescribeCaptchaMiniRiskResult {
    fn from(check: DescribeCaptchaMiniResult) -> Self {
        Self {
            check,
            scene_code: None,
            we_chat_open_id: None,
        }
    }
}

impl fmt::Debug for DescribeCaptchaMiniRiskResult {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = f.debug_struct("DescribeCaptchaMiniRiskResult");
        self.check.fields.debug_into(&mut out);
        out.field("scene_code", &self.scene_code)
            .field("we_chat_open_id", &self.we_chat_open_id)
            .finish()
    }
}

/// The answer to [`DescribeCaptchaMiniRiskResult`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct MiniRiskResult {
    /// The verdict (`CaptchaCode`, `CaptchaMsg`, `RequestId`).
    pub result: CaptchaResult,
    /// `ManageMarketingRiskValue`: the interception policy's findings (may be `null`).
    pub manage_marketing_risk_value: Option<OutputManageMarketingRiskValue>,
}

/// The key of [`OutputManageMarketingRiskValue`] in the answer.
const MANAGE_MARKETING_RISK_VALUE: &str = "ManageMarketingRiskValue";

/// The marketing-risk engine's findings (`OutputManageMarketingRiskValue`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct OutputManageMarketingRiskValue {
    /// `UserId`: the account id (a QQ or WeChat OpenID by account type).
    #[serde(default)]
    pub user_id: Option<String>,
    /// `PostTime`: UNIX time of the operation.
    #[serde(default, deserialize_with = "lenient::number")]
    pub post_time: Option<i64>,
    /// `AssociateAccount`.
    #[serde(default)]
    pub associate_account: Option<String>,
    /// `UserIp`.
    #[serde(default)]
    pub user_ip: Option<String>,
    /// `RiskLevel`: `pass`, `review` or `reject`.
    #[serde(default)]
    pub risk_level: Option<String>,
    /// `RiskType`: the risk types found (may be `null`).
    #[serde(default, deserialize_with = "lenient::number")]
    pub risk_type: Option<Vec<i64>>,
}

impl From<RiskValues> for OutputManageMarketingRiskValue {
    fn from(values: RiskValues) -> Self {
        Self {
            user_id: values.user_id,
            post_time: values.post_time,
            associate_account: values.associate_account,
            user_ip: values.user_ip,
            risk_level: values.risk_level,
            risk_type: values.risk_type,
        }
    }
}

impl Api3Action for DescribeCaptchaMiniRiskResult {
    type Output = MiniRiskResult;

    fn service(&self) -> &str {
        CAPTCHA_SERVICE
    }

    fn version(&self) -> &str {
        CAPTCHA_VERSION
    }

    fn name(&self) -> &str {
        Self::ACTION
    }

    fn payload(&self) -> Result<Vec<u8>, EncodeError> {
        let fields = &self.check.fields;
        fields.check(None)?;
        if self
            .we_chat_open_id
            .as_deref()
            .is_some_and(|id| id.trim().is_empty())
        {
            return Err(EncodeError::EmptyField {
                field: "WeChatOpenId",
            });
        }
        fields.payload(Extra {
            scene_code: self.scene_code,
            we_chat_open_id: self.we_chat_open_id.as_deref(),
            ..Extra::default()
        })
    }

    fn decode(&self, status: StatusCode, body: &[u8]) -> Result<MiniRiskResult, ResponseError> {
        let mut answer = TicketAnswer::new(Some(MANAGE_MARKETING_RISK_VALUE));
        read_response(status, body, &mut answer)?;
        let reply = Reply { status, body };
        Ok(MiniRiskResult {
            result: answer.verdict.into_result(reply, false)?,
            manage_marketing_risk_value: answer
                .risk
                .check(MANAGE_MARKETING_RISK_VALUE, false, reply)?
                .map(OutputManageMarketingRiskValue::from),
        })
    }

    fn single_use(&self) -> bool {
        true
    }
}
