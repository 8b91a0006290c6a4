//! The statistics actions of captcha 2019-07-22: requests, verifications and ticket checks
//! of one app (`GetRequestStatistics`, `GetTicketStatistics`, where `CaptchaAppId` is a
//! string) or of the whole account (`GetTotalRequestStatistics`,
//! `GetTotalTicketStatistics`), with trends at a `Dimension` of minutes (`"1"`), hours
//! (`"2"`) or days (`"3"`).

use serde::{Deserialize, Serialize};

use super::lenient;
use super::typed::captcha_action;

/// The query of [`GetRequestStatistics`] and [`GetTicketStatistics`]. Every field is a
/// required string.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct AppStatisticsQuery {
    /// `CaptchaAppId`, as a string.
    pub captcha_app_id: String,
    /// `StartTimeStr`: the start, e.g. `2024-01-01 00:00:00`.
    pub start_time_str: String,
    /// `EndTimeStr`: the end.
    pub end_time_str: String,
    /// `Dimension`: `"1"` minutes, `"2"` hours, `"3"` days.
    pub dimension: String,
}

/// `GetRequestStatistics` (查询单个CaptchaAppID验证的统计数据): one app's requests,
/// verifications, passes and interceptions.
///
/// ```
/// use captcha_proto::api3::{Api3Action, AppStatisticsQuery, GetRequestStatistics};
/// let call = GetRequestStatistics(AppStatisticsQuery {
///     captcha_app_id: "199999164".into(),
///     start_time_str: "2024-01-01 00:00:00".into(),
///     end_time_str: "2024-01-02 00:00:00".into(),
///     dimension: "3".into(),
/// });
/// assert!(call.payload()?.starts_with(br#"{"CaptchaAppId":"199999164","#));
/// # Ok::<(), captcha_proto::EncodeError>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct GetRequestStatistics(pub AppStatisticsQuery);

/// `GetTicketStatistics` (查询单个CaptchaAppID票据校验数据): one app's ticket checks.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct GetTicketStatistics(pub AppStatisticsQuery);

/// The query of [`GetTotalRequestStatistics`] and [`GetTotalTicketStatistics`]. Every
/// field is a required string.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct TotalStatisticsQuery {
    /// `StartTimeStr`: the start.
    pub start_time_str: String,
    /// `EndTimeStr`: the end.
    pub end_time_str: String,
    /// `Dimension`: `"1"` minutes, `"2"` hours, `"3"` days.
    pub dimension: String,
}

/// `GetTotalRequestStatistics` (查询全部验证的统计数据): the account's requests,
/// verifications, passes and interceptions.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct GetTotalRequestStatistics(pub TotalStatisticsQuery);

/// `GetTotalTicketStatistics` (查询全部票据校验的统计数据): the account's ticket checks.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct GetTotalTicketStatistics(pub TotalStatisticsQuery);

/// The answer to every statistics action.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Statistics {
    /// `Data` (may be `null`).
    #[serde(default)]
    pub data: Option<CaptchaStatisticObj>,
    /// `CaptchaCode`.
    #[serde(default, deserialize_with = "lenient::number")]
    pub captcha_code: Option<i64>,
    /// `CaptchaMsg`.
    #[serde(default)]
    pub captcha_msg: Option<String>,
    /// `RequestId`.
    pub request_id: String,
}

/// Totals and trends (`CaptchaStatisticObj`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CaptchaStatisticObj {
    /// `ActionTotal`: requests.
    #[serde(deserialize_with = "lenient::number")]
    pub action_total: i64,
    /// `VerifyTotal`: verifications.
    #[serde(deserialize_with = "lenient::number")]
    pub verify_total: i64,
    /// `VerifyThroughTotal`: verifications passed.
    #[serde(deserialize_with = "lenient::number")]
    pub verify_through_total: i64,
    /// `VerifyInterceptTotal`: verifications intercepted.
    #[serde(deserialize_with = "lenient::number")]
    pub verify_intercept_total: i64,
    /// `TicketTotal`: ticket checks.
    #[serde(deserialize_with = "lenient::number")]
    pub ticket_total: i64,
    /// `TicketThroughTotal`: ticket checks passed.
    #[serde(deserialize_with = "lenient::number")]
    pub ticket_through_total: i64,
    /// `TicketInterceptTotal`: ticket checks intercepted.
    #[serde(deserialize_with = "lenient::number")]
    pub ticket_intercept_total: i64,
    /// `RequestTrend` (may be `null`).
    #[serde(default)]
    pub request_trend: Option<Vec<RequestTrendObj>>,
    /// `InterceptPerTrend` (may be `null`).
    #[serde(default)]
    pub intercept_per_trend: Option<Vec<InterceptPerTrendObj>>,
    /// `TicketCheckTrend` (may be `null`).
    #[serde(default)]
    pub ticket_check_trend: Option<Vec<TicketCheckTrendObj>>,
}

/// Requests at one time (`RequestTrendObj`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RequestTrendObj {
    /// `Ftime`: the time.
    pub ftime: String,
    /// `RequestAction`: requests.
    #[serde(deserialize_with = "lenient::number")]
    pub request_action: i64,
    /// `RequestVerify`: verifications.
    #[serde(deserialize_with = "lenient::number")]
    pub request_verify: i64,
    /// `RequestThroughput`: passes.
    #[serde(deserialize_with = "lenient::number")]
    pub request_throughput: i64,
    /// `RequestIntercept`: interceptions.
    #[serde(deserialize_with = "lenient::number")]
    pub request_intercept: u64,
}

/// Interception rates at one time (`InterceptPerTrendObj`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct InterceptPerTrendObj {
    /// `Ftime`: the time.
    pub ftime: String,
    /// `RequestInterceptPer`: the interception rate.
    #[serde(deserialize_with = "lenient::number")]
    pub request_intercept_per: f64,
    /// `AnswerInterceptPer`: interceptions by answer.
    #[serde(deserialize_with = "lenient::number")]
    pub answer_intercept_per: f64,
    /// `PolicyInterceptPer`: interceptions by policy.
    #[serde(deserialize_with = "lenient::number")]
    pub policy_intercept_per: f64,
}

/// Ticket checks at one time (`TicketCheckTrendObj`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TicketCheckTrendObj {
    /// `Ftime`: the time.
    pub ftime: String,
    /// `TicketCount`: ticket checks.
    #[serde(deserialize_with = "lenient::number")]
    pub ticket_count: i64,
    /// `TicketThroughput`: passed.
    #[serde(deserialize_with = "lenient::number")]
    pub ticket_throughput: i64,
    /// `TicketIntercept`: intercepted.
    #[serde(deserialize_with = "lenient::number")]
    pub ticket_intercept: i64,
}

captcha_action! {
    GetRequestStatistics ["CaptchaAppId", "StartTimeStr", "EndTimeStr", "Dimension"] => Statistics,
    GetTicketStatistics ["CaptchaAppId", "StartTimeStr", "EndTimeStr", "Dimension"] => Statistics,
    GetTotalRequestStatistics ["StartTimeStr", "EndTimeStr", "Dimension"] => Statistics,
    GetTotalTicketStatistics ["StartTimeStr", "EndTimeStr", "Dimension"] => Statistics,
}
