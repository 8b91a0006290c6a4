//! API 2.0 (`csec.api.qcloud.com/v2/index.php`), signed with [`v1`](crate::v1): the captcha
//! actions `CaptchaCheck`, `CaptchaGetUrl`, `CaptchaVerify`, `CaptchaIframeQuery` and
//! `CaptchaQuery` (docs/protocol.md, "API 2.0 actions"), and [`Api2RawAction`] for any
//! other API 2.0 action. Tencent has switched API 2.0 off for captcha; it is kept complete
//! and byte-exact for legacy deployments, private gateways and tests. New code checks
//! tickets with [`DescribeCaptchaResult`](crate::DescribeCaptchaResult) (API 3.0).
//!
//! ```
//! use captcha_proto::{Api2Action, Api2Config, CaptchaCheck, CaptchaType, CheckVerdict, Credential, Stamp};
//! let config = Api2Config::new(Credential::new("AKIDz8krbsJ5yKBZQpn74WFkmLPx3gnPhESA", "Gu5t9xGARNpq86cd98joQYCN3Cozk1qA")?);
//! let check = CaptchaCheck::new("t03ticket", "127.0.0.1".parse()?, CaptchaType::Slider);
//! let request = config.encode(&check, Stamp::new(1465185768, 11886)?)?;
//! assert!(request.uri().to_string().starts_with("https://csec.api.qcloud.com/v2/index.php?"));
//! let response = http::Response::new(br#"{"code":0,"message":"No Error"}"#.to_vec());
//! assert_eq!(check.decode_response(&response)?, CheckVerdict::Pass);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod action;
mod check;
mod config;
mod enums;
mod error;
mod get_url;
mod iframe_query;
mod image;
mod image_exchange;
mod keys;
mod query;
mod raw;
pub(crate) mod reply;
mod template;
mod url;
mod user;
mod verify;

pub use crate::params::{ParamKey, Params};
pub use action::{Api2Action, Api2Exchange};
pub use check::{CaptchaCheck, CheckVerdict};
pub use config::{
    Api2Config, DEFAULT_REGION, FORM_CONTENT_TYPE, HttpMethod, REQUEST_CLIENT, RESERVED_PARAMETERS,
};
pub use enums::{AccountType, CaptchaType, ClientType, DisturbLevel, IsHttps};
pub use error::Api2Error;
pub use get_url::CaptchaGetUrl;
pub use iframe_query::CaptchaIframeQuery;
pub use image::CaptchaImage;
pub use image_exchange::ImageExchange;
pub use query::{CaptchaQuery, CaptchaScript, ScriptFormat};
pub use raw::Api2RawAction;
pub use url::CaptchaUrl;
pub use user::UserInfo;
pub use verify::{CaptchaVerify, VerifyVerdict};

#[cfg(test)]
mod tests {
    use super::Api2Action;
    use super::*;

    use crate::params::{Params, compare_signing_keys};

    /// Every user field set, so each must land in its place among the action's own.
    fn everyone() -> UserInfo {
        UserInfo {
            account_type: Some(AccountType::Phone),
            app_id: Some("wx123".into()),
            uid: Some("u1".into()),
            associate_account: Some("acc".into()),
            register_time: Some(1_700_000_000),
            user_ip: Some("203.0.113.7".parse().unwrap()),
            x_forwarded_for: Some("198.51.100.1".into()),
            mac_address: Some("00-11".into()),
            imei: Some("3569".into()),
            business_id: Some(1),
            scene_id: Some(2),
        }
    }

    /// The keys `action` writes, in the order it writes them.
    fn written_keys(action: &dyn Api2Action<Output = impl Sized>) -> Vec<String> {
        let mut params = Params::new();
        action.write_params(&mut params).unwrap();
        params.iter().map(|(key, _)| key.to_owned()).collect()
    }

    #[test]
    fn typed_actions_write_in_signing_order() {
        let user = everyone;
        let written = [
            written_keys(
                &CaptchaCheck::new("t03", "203.0.113.7".parse().unwrap(), CaptchaType::Slider)
                    .disturb_level(DisturbLevel::Low)
                    .with_user_info(user()),
            ),
            written_keys(
                &CaptchaGetUrl::new()
                    .captcha_type(CaptchaType::Standard)
                    .disturb_level(DisturbLevel::Low)
                    .is_https(IsHttps::Https)
                    .with_user_info(user()),
            ),
            written_keys(
                &CaptchaVerify::new("sig", "abcd")
                    .captcha_type(CaptchaType::Standard)
                    .with_user_info(user()),
            ),
            written_keys(
                &CaptchaIframeQuery::new(
                    CaptchaType::Slider,
                    DisturbLevel::Low,
                    IsHttps::Https,
                    ClientType::PcWeb,
                )
                .with_user_info(user()),
            ),
            written_keys(
                &CaptchaQuery::new(
                    "203.0.113.7".parse().unwrap(),
                    CaptchaType::Standard,
                    1,
                    1_700_000_000,
                    ScriptFormat::Json,
                )
                .call_back("cb")
                .with_user_info(user()),
            ),
        ];
        for keys in written {
            // 11 user fields and at least 3 of the action's own.
            assert!(keys.len() >= 14, "{keys:?}");
            let in_order = keys
                .windows(2)
                .all(|pair| compare_signing_keys(&pair[0], &pair[1]).is_lt());
            assert!(in_order, "written out of signing order: {keys:?}");
        }
    }
}
