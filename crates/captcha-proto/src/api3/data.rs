//! The data actions of captcha 2019-07-22: counts of requests, verifications, passes and
//! interceptions over a time range, for web apps and for the mini-program plugin
//! (`DescribeCaptchaData`, `DescribeCaptchaMiniData`, `DescribeCaptchaDataSum`,
//! `DescribeCaptchaMiniDataSum`) and ticket-check counts (`DescribeCaptchaTicketData`).
//! The web and mini-program actions take the same query and give the same answer.

use serde::{Deserialize, Serialize};

use super::lenient;
use super::typed::captcha_action;

/// The query of [`DescribeCaptchaData`] and [`DescribeCaptchaMiniData`]: one series over a
/// time range. Every field is required.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct DataQuery {
    /// `CaptchaAppId`.
    #[serde(deserialize_with = "lenient::number")]
    pub captcha_app_id: i64,
    /// `Start`: the first time, e.g. `2019112900` (hours) for the mini-program plugin.
    #[serde(deserialize_with = "lenient::number")]
    pub start: i64,
    /// `End`: the last time.
    #[serde(deserialize_with = "lenient::number")]
    pub end: i64,
    /// `Type`: 0 requests, 1 passes, 2 verifications, 3 interceptions.
    #[serde(deserialize_with = "lenient::number")]
    pub r#type: i64,
}

/// `DescribeCaptchaData` (分类查询数据): one series of a web app, by minute.
///
/// ```
/// use captcha_proto::api3::{Api3Action, DataQuery, DescribeCaptchaData};
/// let call = DescribeCaptchaData(DataQuery { captcha_app_id: 199999164, start: 1, end: 2, r#type: 0 });
/// assert_eq!(call.payload()?, br#"{"CaptchaAppId":199999164,"Start":1,"End":2,"Type":0}"#);
/// let answer = br#"{"Response":{"CaptchaCode":0,"Data":[{"Cnt":"12","Date":"2019-11-29 00:00"}],"RequestId":"r"}}"#;
/// assert_eq!(call.decode(http::StatusCode::OK, answer)?.data.unwrap()[0].cnt, 12);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct DescribeCaptchaData(pub DataQuery);

/// `DescribeCaptchaMiniData` (小程序插件分类查询数据): one series of the mini-program
/// plugin, by hour (about five hours behind).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct DescribeCaptchaMiniData(pub DataQuery);

/// The answer to [`DescribeCaptchaData`] and [`DescribeCaptchaMiniData`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DataSeries {
    /// `CaptchaCode`: 0 on success.
    #[serde(default, deserialize_with = "lenient::number")]
    pub captcha_code: Option<i64>,
    /// `Data`: the points.
    #[serde(default)]
    pub data: Option<Vec<CaptchaQueryData>>,
    /// `CaptchaMsg`.
    #[serde(default)]
    pub captcha_msg: Option<String>,
    /// `RequestId`.
    pub request_id: String,
}

/// One point of a [`DataSeries`] (`CaptchaQueryData`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CaptchaQueryData {
    /// `Cnt`: the count.
    #[serde(deserialize_with = "lenient::number")]
    pub cnt: i64,
    /// `Date`: the time.
    pub date: String,
}

/// The query of [`DescribeCaptchaDataSum`] and [`DescribeCaptchaMiniDataSum`]: totals
/// over a time range. Every field is required.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct DataSumQuery {
    /// `CaptchaAppId`.
    #[serde(deserialize_with = "lenient::number")]
    pub captcha_app_id: i64,
    /// `Start`: the first time.
    #[serde(deserialize_with = "lenient::number")]
    pub start: i64,
    /// `End`: the last time.
    #[serde(deserialize_with = "lenient::number")]
    pub end: i64,
}

/// `DescribeCaptchaDataSum` (查询请求数据概况): a web app's totals.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct DescribeCaptchaDataSum(pub DataSumQuery);

/// `DescribeCaptchaMiniDataSum` (小程序插件查询请求数据概况): the mini-program
/// plugin's totals.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct DescribeCaptchaMiniDataSum(pub DataSumQuery);

/// The answer to [`DescribeCaptchaDataSum`] and [`DescribeCaptchaMiniDataSum`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DataSummary {
    /// `GetSum`: requests.
    #[serde(default, deserialize_with = "lenient::number")]
    pub get_sum: Option<i64>,
    /// `VfySuccSum`: verifications passed.
    #[serde(default, deserialize_with = "lenient::number")]
    pub vfy_succ_sum: Option<i64>,
    /// `VfySum`: verifications.
    #[serde(default, deserialize_with = "lenient::number")]
    pub vfy_sum: Option<i64>,
    /// `AttackSum`: attacks intercepted.
    #[serde(default, deserialize_with = "lenient::number")]
    pub attack_sum: Option<i64>,
    /// `CaptchaMsg`.
    #[serde(default)]
    pub captcha_msg: Option<String>,
    /// `CaptchaCode`: 0 on success.
    #[serde(default, deserialize_with = "lenient::number")]
    pub captcha_code: Option<i64>,
    /// `CheckTicketSum`: ticket checks.
    #[serde(default, deserialize_with = "lenient::number")]
    pub check_ticket_sum: Option<i64>,
    /// `TicketThroughputSum`: ticket checks passed.
    #[serde(default, deserialize_with = "lenient::number")]
    pub ticket_throughput_sum: Option<i64>,
    /// `TicketInterceptSum`: ticket checks intercepted.
    #[serde(default, deserialize_with = "lenient::number")]
    pub ticket_intercept_sum: Option<i64>,
    /// `RequestId`.
    pub request_id: String,
}

/// `DescribeCaptchaTicketData` (用户操作票据数据查询): ticket checks by day, e.g. from
/// `20200909` to `20220314`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct DescribeCaptchaTicketData {
    /// `CaptchaAppId` (required).
    #[serde(deserialize_with = "lenient::number")]
    pub captcha_app_id: i64,
    /// `Start` (required): the first day.
    #[serde(deserialize_with = "lenient::number")]
    pub start: i64,
    /// `End`: the last day.
    #[serde(
        default,
        deserialize_with = "lenient::number",
        skip_serializing_if = "Option::is_none"
    )]
    pub end: Option<i64>,
}

/// The answer to [`DescribeCaptchaTicketData`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TicketData {
    /// `CaptchaCode`: 0 on success.
    #[serde(default, deserialize_with = "lenient::number")]
    pub captcha_code: Option<i64>,
    /// `CaptchaMsg`.
    #[serde(default)]
    pub captcha_msg: Option<String>,
    /// `Data`.
    #[serde(default)]
    pub data: Option<CaptchaTicketDataRes>,
    /// `RequestId`.
    pub request_id: String,
}

/// The series of a [`TicketData`] (`CaptchaTicketDataRes`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CaptchaTicketDataRes {
    /// `TicketAmountArray`: ticket checks.
    pub ticket_amount_array: Vec<TicketAmountUnit>,
    /// `TicketThroughArray`: ticket checks passed.
    pub ticket_through_array: Vec<TicketThroughUnit>,
    /// `TicketInterceptArray`: ticket checks intercepted.
    pub ticket_intercept_array: Vec<TicketInterceptUnit>,
}

/// A day of ticket checks (`TicketAmountUnit`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TicketAmountUnit {
    /// `DateKey`.
    #[serde(default)]
    pub date_key: Option<String>,
    /// `Amount`.
    #[serde(default, deserialize_with = "lenient::number")]
    pub amount: Option<i64>,
}

/// A day of ticket checks passed (`TicketThroughUnit`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TicketThroughUnit {
    /// `DateKey`.
    #[serde(default)]
    pub date_key: Option<String>,
    /// `Through`.
    #[serde(default, deserialize_with = "lenient::number")]
    pub through: Option<i64>,
}

/// A day of ticket checks intercepted (`TicketInterceptUnit`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TicketInterceptUnit {
    /// `DateKey`.
    #[serde(default)]
    pub date_key: Option<String>,
    /// `Intercept`.
    #[serde(default, deserialize_with = "lenient::number")]
    pub intercept: Option<i64>,
}

captcha_action! {
    DescribeCaptchaData ["CaptchaAppId", "Start", "End", "Type"] => DataSeries,
    DescribeCaptchaMiniData ["CaptchaAppId", "Start", "End", "Type"] => DataSeries,
    DescribeCaptchaDataSum ["CaptchaAppId", "Start", "End"] => DataSummary,
    DescribeCaptchaMiniDataSum ["CaptchaAppId", "Start", "End"] => DataSummary,
    DescribeCaptchaTicketData ["CaptchaAppId", "Start"] => TicketData,
}
