//! `DescribeCaptchaRceResult` (Rce融合验证核查验证码票据结果): the web and app ticket
//! check of `DescribeCaptchaResult`, answered with the risk engine's findings as well.

use std::fmt;

use http::StatusCode;
use serde::{Deserialize, Serialize};

use super::action::Api3Action;
use super::answer::{RiskValues, TicketAnswer};
use super::describe::{CAPTCHA_SERVICE, CAPTCHA_VERSION, DescribeCaptchaResult};
use super::envelope::{Reply, read_response};
use super::lenient;
use super::result::CaptchaResult;
use crate::error::{EncodeError, ResponseError};

/// Checks a web or app ticket like [`DescribeCaptchaResult`] (same fields, same
/// single use, same local answer to disaster-recovery tickets) and asks for the risk
/// engine's view of the user ([`RceResult`]). Build the check, then convert it.
///
/// ```
/// use captcha_proto::api3::{Api3Action, DescribeCaptchaRceResult, DescribeCaptchaResult};
/// let check = DescribeCaptchaRceResult::from(
///     DescribeCaptchaResult::new("t03ticket", "@Vki", "203.0.113.7".parse()?, 199999164, "app-secret-key"),
/// );
/// assert_eq!(check.name(), "DescribeCaptchaRceResult");
/// let answer = br#"{"Response":{"CaptchaCode":1,"RceResult":{"RiskLevel":"pass","RiskType":[]},"RequestId":"r"}}"#;
/// let result = check.decode(http::StatusCode::OK, answer)?;
/// assert!(result.result.is_pass());
/// assert_eq!(result.rce_result.unwrap().risk_level.as_deref(), Some("pass"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct DescribeCaptchaRceResult {
    check: DescribeCaptchaResult,
}

impl DescribeCaptchaRceResult {
    /// The action's name, `X-TC-Action`.
    pub const ACTION: &'static str = "DescribeCaptchaRceResult";

    /// The check this call sends.
    pub fn check(&self) -> &DescribeCaptchaResult {
        &self.check
    }
}

impl From<DescribeCaptchaResult> for DescribeCaptchaRceResult {
    fn from(check: DescribeCaptchaResult) -> Self {
        Self { check }
    }
}

impl fmt::Debug for DescribeCaptchaRceResult {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("DescribeCaptchaRceResult")
            .field(&self.check)
            .finish()
    }
}

/// The answer to [`DescribeCaptchaRceResult`]: the verdict, and the risk engine's
/// findings when it sent them.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RceCaptchaResult {
    /// The verdict and the fields `DescribeCaptchaResult` answers too.
    pub result: CaptchaResult,
    /// `RceResult`.
    pub rce_result: Option<RceResult>,
}

/// The key of [`RceResult`] in the answer.
const RCE_RESULT: &str = "RceResult";

/// The risk engine's findings (`RceResult`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RceResult {
    /// `UserId`.
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
    /// `RiskType`: the risk types found.
    #[serde(default, deserialize_with = "lenient::number")]
    pub risk_type: Option<Vec<i64>>,
    /// `ConstId`: the device's unique id.
    #[serde(default)]
    pub const_id: Option<String>,
    /// `RiskInformation`: more about the risk.
    #[serde(default)]
    pub risk_information: Option<String>,
}

impl From<RiskValues> for RceResult {
    fn from(values: RiskValues) -> Self {
        Self {
            user_id: values.user_id,
            post_time: values.post_time,
            associate_account: values.associate_account,
            user_ip: values.user_ip,
            risk_level: values.risk_level,
            risk_type: values.risk_type,
            const_id: values.const_id,
            risk_information: values.risk_information,
        }
    }
}

impl Api3Action for DescribeCaptchaRceResult {
    type Output = RceCaptchaResult;

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
        self.check.payload()
    }

    fn decode(&self, status: StatusCode, body: &[u8]) -> Result<RceCaptchaResult, ResponseError> {
        let mut answer = TicketAnswer::new(Some(RCE_RESULT));
        read_response(status, body, &mut answer)?;
        let reply = Reply { status, body };
        let disaster = self.check.is_disaster_recovery_ticket();
        Ok(RceCaptchaResult {
            result: answer.verdict.into_result(reply, disaster)?,
            rce_result: answer
                .risk
                .check(RCE_RESULT, true, reply)?
                .map(RceResult::from),
        })
    }

    fn single_use(&self) -> bool {
        true
    }

    fn answer_locally(&self) -> Option<RceCaptchaResult> {
        self.check.local_answer().map(|result| RceCaptchaResult {
            result,
            rce_result: None,
        })
    }
}
