//! The API 2.0 captcha actions (protocol.md §1) and [`RawAction`] for any other action.

/// The two ways into a typed action's one parameter writer, `write_to<S: ParamSink>`:
/// `Action::write_params` (into `Params`) and `Action::write_direct` (into the request).
macro_rules! write_through_sink {
    () => {
        fn write_params(&self, params: &mut Params) -> Result<(), EncodeError> {
            self.write_to(params)
        }

        fn writes_direct(&self) -> bool {
            true
        }

        fn write_direct(&self, direct: &mut DirectParams) -> Option<Result<(), EncodeError>> {
            Some(self.write_to(direct))
        }
    };
}

mod check;
mod get_url;
mod iframe_query;
mod image;
mod keys;
mod query;
mod raw;
mod url;
mod user;
mod verify;

pub use check::{CaptchaCheck, CheckVerdict};
pub use get_url::CaptchaGetUrl;
pub use iframe_query::CaptchaIframeQuery;
pub use image::{CaptchaImage, VSIG_COOKIE};
pub use query::{CaptchaQuery, CaptchaScript, ScriptFormat};
pub use raw::RawAction;
pub use url::CaptchaUrl;
pub use user::UserInfo;
pub use verify::{CaptchaVerify, VerifyVerdict};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::action::Action;
    use crate::enums::{AccountType, CaptchaType, ClientType, DisturbLevel, IsHttps};
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
    fn written_keys(action: &dyn Action<Output = impl Sized>) -> Vec<String> {
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
