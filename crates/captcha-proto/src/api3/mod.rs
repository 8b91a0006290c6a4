//! API 3.0, the captcha API Tencent serves today (`captcha.tencentcloudapi.com`, version
//! `2019-07-22`), signed with [`tc3`](crate::tc3): [`DescribeCaptchaResult`] checks the ticket
//! and randstr a user's browser got from `TCaptcha.js`; [`Api3RawAction`] sends any other
//! API 3.0 action of any service.
//!
//! Every one of the 18 actions of the service is typed ([`CAPTCHA_ACTIONS`]):
//!
//! - ticket checks, each with a verdict and single use: [`DescribeCaptchaResult`],
//!   [`DescribeCaptchaRceResult`] (adds the risk engine's [`RceResult`]),
//!   [`DescribeCaptchaMiniResult`] (mini-program plugin tickets) and
//!   [`DescribeCaptchaMiniRiskResult`] (discontinued upstream);
//! - console: [`DescribeCaptchaAppIdInfo`], [`UpdateCaptchaAppIdInfo`],
//!   [`DescribeCaptchaUserAllAppId`];
//! - data: [`DescribeCaptchaData`], [`DescribeCaptchaMiniData`], [`DescribeCaptchaDataSum`],
//!   [`DescribeCaptchaMiniDataSum`], [`DescribeCaptchaTicketData`],
//!   [`DescribeCaptchaOperData`], [`DescribeCaptchaMiniOperData`];
//! - statistics: [`GetRequestStatistics`], [`GetTicketStatistics`],
//!   [`GetTotalRequestStatistics`], [`GetTotalTicketStatistics`].
//!
//! The console, data and statistics requests are plain structs with public fields (their
//! `REQUIRED` fields are checked when encoding, naming the field); their answers ignore keys
//! they do not know and accept numbers sent as numeric strings.
//!
//! - [`Api3Config`] encodes any [`Api3Action`] into a signed `http::Request`.
//!   [`Api3Config::with_signature`] ([`Api3Signature`]) and
//!   [`Api3Config::with_http_method`] pick the other modes of the official SDKs: TC3 over GET
//!   and signature v1 (`HmacSHA1`, `HmacSHA256`) over POST or GET.
//! - A rejected ticket is an `Ok` [`CaptchaResult`] whose [`Verdict`] says why;
//!   `Response.Error` is [`ResponseError::Api3`](crate::ResponseError::Api3).
//! - [`Api3Exchange`] is the form in which a client's call loop drives a call.
//!
//! ```
//! use captcha_proto::{Credential, Stamp};
//! use captcha_proto::api3::{Api3Action, Api3Config, DescribeCaptchaResult, RejectReason, Verdict};
//!
//! let config = Api3Config::new(Credential::new("AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE", "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE")?);
//! let check = DescribeCaptchaResult::new("t03ticket", "@Vki", "203.0.113.7".parse()?, 199999164, "app-secret-key");
//! let request = config.encode(&check, Stamp::new(1_700_000_000, 1)?)?;
//! assert_eq!(request.method(), http::Method::POST);
//! // … any HTTP client sends `request` …
//! let body = br#"{"Response":{"CaptchaCode":9,"CaptchaMsg":"ticket reused","RequestId":"3c1"}}"#;
//! let result = check.decode(http::StatusCode::OK, body)?;
//! assert_eq!(result.verdict, Verdict::Reject(RejectReason::TicketReused));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod action;
mod aid_encrypted;
mod answer;
mod catalog;
mod config;
mod console;
mod data;
mod describe;
mod disaster;
mod envelope;
mod error;
mod flatten;
mod json;
mod lenient;
mod mini;
mod oper_data;
mod raw;
mod rce;
mod result;
mod signature;
mod statistics;
mod ticket_fields;
pub(crate) mod typed;
#[cfg(test)]
mod value_reference;

pub(crate) use lenient::number as lenient_number;

pub use action::{Api3Action, Api3Exchange};
#[cfg(feature = "clock")]
pub use aid_encrypted::aid_encrypted_random_iv;
pub use aid_encrypted::{
    AidEncryption, AidOpenError, AidPlaintext, aid_encrypted, open_aid_encrypted,
};
pub use catalog::CAPTCHA_ACTIONS;
pub use config::{ACTION_HEADER, Api3Config, Language, VERSION_HEADER, international_endpoint};
pub use console::{
    AppIdInfo, CaptchaOutcome, CaptchaUserAllAppId, DescribeCaptchaAppIdInfo,
    DescribeCaptchaUserAllAppId, UpdateCaptchaAppIdInfo, UserAllAppIds,
};
pub use data::{
    CaptchaQueryData, CaptchaTicketDataRes, DataQuery, DataSeries, DataSumQuery, DataSummary,
    DescribeCaptchaData, DescribeCaptchaDataSum, DescribeCaptchaMiniData,
    DescribeCaptchaMiniDataSum, DescribeCaptchaTicketData, TicketAmountUnit, TicketData,
    TicketInterceptUnit, TicketThroughUnit,
};
pub use describe::{
    CAPTCHA_SERVICE, CAPTCHA_VERSION, DESCRIBE_CAPTCHA_RESULT, DescribeCaptchaResult,
};
pub use disaster::{DisasterRecoveryPolicy, DisasterRecoveryTicket};
pub use envelope::{ResponseObject, parse_response};
pub use error::Api3Error;
pub use mini::{
    DescribeCaptchaMiniResult, DescribeCaptchaMiniRiskResult, MiniRiskResult,
    OutputManageMarketingRiskValue,
};
pub use oper_data::{
    CaptchaOperDataInterceptUnit, CaptchaOperDataLoadTimeUnit, CaptchaOperDataRes,
    CaptchaOperDataTryTimesDistributeUnit, CaptchaOperDataTryTimesUnit,
    DescribeCaptchaMiniOperData, DescribeCaptchaOperData, OperData, OperDataQuery,
};
pub use raw::Api3RawAction;
pub use rce::{DescribeCaptchaRceResult, RceCaptchaResult, RceResult};
pub use result::{
    CaptchaResult, DISASTER_RECOVERY_PREFIX, PASS_CODE, RejectReason, Verdict,
    decode_captcha_result,
};
pub use signature::Api3Signature;
pub use statistics::{
    AppStatisticsQuery, CaptchaStatisticObj, GetRequestStatistics, GetTicketStatistics,
    GetTotalRequestStatistics, GetTotalTicketStatistics, InterceptPerTrendObj, RequestTrendObj,
    Statistics, TicketCheckTrendObj, TotalStatisticsQuery,
};
