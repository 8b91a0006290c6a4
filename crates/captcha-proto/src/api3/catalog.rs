//! The names of every action of captcha 2019-07-22, each typed in this module.

use super::describe::DESCRIBE_CAPTCHA_RESULT;
use super::{
    DescribeCaptchaAppIdInfo, DescribeCaptchaData, DescribeCaptchaDataSum, DescribeCaptchaMiniData,
    DescribeCaptchaMiniDataSum, DescribeCaptchaMiniOperData, DescribeCaptchaMiniResult,
    DescribeCaptchaMiniRiskResult, DescribeCaptchaOperData, DescribeCaptchaRceResult,
    DescribeCaptchaTicketData, DescribeCaptchaUserAllAppId, GetRequestStatistics,
    GetTicketStatistics, GetTotalRequestStatistics, GetTotalTicketStatistics,
    UpdateCaptchaAppIdInfo,
};

/// Every action of captcha 2019-07-22, in Tencent's alphabetical order.
///
/// ```
/// use captcha_proto::api3::CAPTCHA_ACTIONS;
/// assert_eq!(CAPTCHA_ACTIONS.len(), 18);
/// assert!(CAPTCHA_ACTIONS.contains(&"DescribeCaptchaResult"));
/// ```
pub const CAPTCHA_ACTIONS: [&str; 18] = [
    DescribeCaptchaAppIdInfo::ACTION,
    DescribeCaptchaData::ACTION,
    DescribeCaptchaDataSum::ACTION,
    DescribeCaptchaMiniData::ACTION,
    DescribeCaptchaMiniDataSum::ACTION,
    DescribeCaptchaMiniOperData::ACTION,
    DescribeCaptchaMiniResult::ACTION,
    DescribeCaptchaMiniRiskResult::ACTION,
    DescribeCaptchaOperData::ACTION,
    DescribeCaptchaRceResult::ACTION,
    DESCRIBE_CAPTCHA_RESULT,
    DescribeCaptchaTicketData::ACTION,
    DescribeCaptchaUserAllAppId::ACTION,
    GetRequestStatistics::ACTION,
    GetTicketStatistics::ACTION,
    GetTotalRequestStatistics::ACTION,
    GetTotalTicketStatistics::ACTION,
    UpdateCaptchaAppIdInfo::ACTION,
];
