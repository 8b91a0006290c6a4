//! The user-operation actions of captcha 2019-07-22 (`DescribeCaptchaOperData`, and
//! `DescribeCaptchaMiniOperData` for the mini-program plugin): load times (`Type` 1),
//! interceptions (2), average attempts per pass over a week (3), and the distribution of
//! attempts (4).

use serde::{Deserialize, Serialize};

use super::lenient;
use super::typed::captcha_action;

/// The query of [`DescribeCaptchaOperData`] and [`DescribeCaptchaMiniOperData`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct OperDataQuery {
    /// `CaptchaAppId` (required).
    #[serde(deserialize_with = "lenient::number")]
    pub captcha_app_id: u64,
    /// `Start` (required): the first time.
    #[serde(deserialize_with = "lenient::number")]
    pub start: u64,
    /// `Type` (required): 1 load times, 2 interceptions, 3 attempts per pass, 4 attempts.
    #[serde(deserialize_with = "lenient::number")]
    pub r#type: u64,
    /// `End`: the last time.
    #[serde(
        default,
        deserialize_with = "lenient::number",
        skip_serializing_if = "Option::is_none"
    )]
    pub end: Option<u64>,
}

/// `DescribeCaptchaOperData` (用户操作数据查询): a web app's user-operation data.
///
/// ```
/// use captcha_proto::api3::{Api3Action, DescribeCaptchaOperData, OperDataQuery};
/// let call = DescribeCaptchaOperData(OperDataQuery { captcha_app_id: 199999164, start: 20240101, r#type: 1, end: None });
/// assert_eq!(call.payload()?, br#"{"CaptchaAppId":199999164,"Start":20240101,"Type":1}"#);
/// # Ok::<(), captcha_proto::EncodeError>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct DescribeCaptchaOperData(pub OperDataQuery);

/// `DescribeCaptchaMiniOperData` (小程序插件用户操作数据查询): the mini-program plugin's
/// user-operation data.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct DescribeCaptchaMiniOperData(pub OperDataQuery);

/// The answer to [`DescribeCaptchaOperData`] and [`DescribeCaptchaMiniOperData`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct OperData {
    /// `CaptchaCode`: 0 on success.
    #[serde(default, deserialize_with = "lenient::number")]
    pub captcha_code: Option<i64>,
    /// `CaptchaMsg`.
    #[serde(default)]
    pub captcha_msg: Option<String>,
    /// `Data`.
    #[serde(default)]
    pub data: Option<CaptchaOperDataRes>,
    /// `RequestId`.
    pub request_id: String,
}

/// The series of an [`OperData`] (`CaptchaOperDataRes`); each may be `null`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CaptchaOperDataRes {
    /// `OperDataLoadTimeUnitArray`: load times.
    #[serde(default)]
    pub oper_data_load_time_unit_array: Option<Vec<CaptchaOperDataLoadTimeUnit>>,
    /// `OperDataInterceptUnitArray`: interceptions.
    #[serde(default)]
    pub oper_data_intercept_unit_array: Option<Vec<CaptchaOperDataInterceptUnit>>,
    /// `OperDataTryTimesUnitArray`: attempts per pass.
    #[serde(default)]
    pub oper_data_try_times_unit_array: Option<Vec<CaptchaOperDataTryTimesUnit>>,
    /// `OperDataTryTimesDistributeUnitArray`: the distribution of attempts.
    #[serde(default)]
    pub oper_data_try_times_distribute_unit_array:
        Option<Vec<CaptchaOperDataTryTimesDistributeUnit>>,
}

/// Load times at one time (`CaptchaOperDataLoadTimeUnit`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CaptchaOperDataLoadTimeUnit {
    /// `DateKey`.
    #[serde(default)]
    pub date_key: Option<String>,
    /// `MarketLoadTime`: the market's load time.
    #[serde(default, deserialize_with = "lenient::number")]
    pub market_load_time: Option<f64>,
    /// `AppIdLoadTime`: this app's load time.
    #[serde(default, deserialize_with = "lenient::number")]
    pub app_id_load_time: Option<f64>,
}

/// Interceptions at one time (`CaptchaOperDataInterceptUnit`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CaptchaOperDataInterceptUnit {
    /// `DateKey`.
    #[serde(default)]
    pub date_key: Option<String>,
    /// `AllStopCnt`: verifications stopped.
    #[serde(default, deserialize_with = "lenient::number")]
    pub all_stop_cnt: Option<f64>,
    /// `PicStopCnt`: images that stopped loading.
    #[serde(default, deserialize_with = "lenient::number")]
    pub pic_stop_cnt: Option<f64>,
    /// `StrategyStopCnt`: interceptions by strategy.
    #[serde(default, deserialize_with = "lenient::number")]
    pub strategy_stop_cnt: Option<f64>,
}

/// Attempts per pass at one time (`CaptchaOperDataTryTimesUnit`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CaptchaOperDataTryTimesUnit {
    /// `DateKey`.
    #[serde(default)]
    pub date_key: Option<String>,
    /// `CntPerPass`: average attempts per pass.
    #[serde(default, deserialize_with = "lenient::number")]
    pub cnt_per_pass: Option<Vec<f64>>,
    /// `MarketCntPerPass`: the market's average.
    #[serde(default, deserialize_with = "lenient::number")]
    pub market_cnt_per_pass: Option<f64>,
}

/// Users by number of attempts (`CaptchaOperDataTryTimesDistributeUnit`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CaptchaOperDataTryTimesDistributeUnit {
    /// `TryCount`: attempts.
    #[serde(default, deserialize_with = "lenient::number")]
    pub try_count: Option<i64>,
    /// `UserCount`: users who needed that many.
    #[serde(default, deserialize_with = "lenient::number")]
    pub user_count: Option<i64>,
}

captcha_action! {
    DescribeCaptchaOperData ["CaptchaAppId", "Start", "Type"] => OperData,
    DescribeCaptchaMiniOperData ["CaptchaAppId", "Start", "Type"] => OperData,
}
