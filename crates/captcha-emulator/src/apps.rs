//! Captcha apps (API 3.0): each `CaptchaAppId` with the `AppSecretKey` the console shows
//! for it. Tickets are minted for one app and checked against its key.

use std::collections::HashMap;
use std::fmt;

use captcha_proto::AppSecretKey;

use crate::builder::AppSpec;
use crate::error::StartError;
use crate::test_keys::TestKey;
use crate::{DEMO_APP_SECRET_KEY, DEMO_CAPTCHA_APP_ID, TEST_APP_SECRET_KEY};

/// A captcha app the emulator knows: its `CaptchaAppId` and `AppSecretKey`.
/// `Debug` hides the key.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct CaptchaApp {
    /// The `CaptchaAppId` (positive).
    pub app_id: u64,
    /// The `AppSecretKey` a back-end sends with `DescribeCaptchaResult`.
    pub app_secret_key: AppSecretKey,
}

/// Minting failed: no captcha app with this id is configured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnknownCaptchaApp {
    /// The id asked for.
    pub captcha_app_id: u64,
}

impl fmt::Display for UnknownCaptchaApp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "no captcha app {} is configured on this emulator",
            self.captcha_app_id
        )
    }
}

impl std::error::Error for UnknownCaptchaApp {}

/// The configured apps, in builder order, with a lookup by id.
pub(crate) struct CaptchaApps {
    list: Vec<CaptchaApp>,
    by_id: HashMap<u64, usize>,
}

impl CaptchaApps {
    /// Checks the builder's apps (the demo app when none is given): ids positive and
    /// distinct, keys non-empty and without surrounding whitespace.
    pub(crate) fn new(specs: &[AppSpec]) -> Result<Self, StartError> {
        let demo = [AppSpec {
            app_id: DEMO_CAPTCHA_APP_ID,
            app_secret_key: DEMO_APP_SECRET_KEY.to_owned(),
        }];
        let specs = if specs.is_empty() { &demo[..] } else { specs };
        let mut list = Vec::with_capacity(specs.len());
        let mut by_id = HashMap::with_capacity(specs.len());
        for (index, spec) in specs.iter().enumerate() {
            let invalid = |reason| StartError::CaptchaApp { index, reason };
            if spec.app_id == 0 {
                return Err(invalid("the CaptchaAppId must be positive"));
            }
            if spec.app_secret_key.is_empty() {
                return Err(invalid("the AppSecretKey is empty"));
            }
            if spec.app_secret_key.trim() != spec.app_secret_key {
                return Err(invalid("the AppSecretKey starts or ends with whitespace"));
            }
            if by_id.insert(spec.app_id, index).is_some() {
                return Err(StartError::DuplicateCaptchaAppId { index });
            }
            list.push(CaptchaApp {
                app_id: spec.app_id,
                app_secret_key: AppSecretKey::new(spec.app_secret_key.clone()),
            });
        }
        Ok(Self { list, by_id })
    }

    /// Every app, in builder order (never empty).
    pub(crate) fn all(&self) -> &[CaptchaApp] {
        &self.list
    }

    /// True when `app_id` is configured or a test key.
    pub(crate) fn contains(&self, app_id: u64) -> bool {
        self.by_id.contains_key(&app_id) || TestKey::of(app_id).is_some()
    }

    /// True when `app_id` is configured and `presented` is its key (compared in constant
    /// time, so the emulator does not teach timing attacks by example).
    pub(crate) fn key_matches(&self, app_id: u64, presented: &str) -> bool {
        if TestKey::of(app_id).is_some() && !self.by_id.contains_key(&app_id) {
            return constant_time_eq(TEST_APP_SECRET_KEY.as_bytes(), presented.as_bytes());
        }
        self.by_id.get(&app_id).is_some_and(|&index| {
            constant_time_eq(
                self.list[index].app_secret_key.expose_secret().as_bytes(),
                presented.as_bytes(),
            )
        })
    }
}

/// Equal bytes, in time that depends only on the lengths.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(app_id: u64, key: &str) -> AppSpec {
        AppSpec {
            app_id,
            app_secret_key: key.to_owned(),
        }
    }

    #[test]
    fn the_demo_app_stands_in_when_none_is_given() {
        let apps = CaptchaApps::new(&[]).unwrap();
        assert_eq!(apps.all().len(), 1);
        assert!(apps.key_matches(DEMO_CAPTCHA_APP_ID, DEMO_APP_SECRET_KEY));
        assert!(!apps.key_matches(DEMO_CAPTCHA_APP_ID, "emulator-app-secret-kez"));
        assert!(!apps.key_matches(DEMO_CAPTCHA_APP_ID, ""));
        assert!(!apps.key_matches(1, DEMO_APP_SECRET_KEY));
    }

    #[test]
    fn bad_apps_are_refused_with_their_position() {
        let cases = [
            (vec![spec(0, "k")], "positive"),
            (vec![spec(1, "k"), spec(2, "")], "empty"),
            (vec![spec(1, " k")], "whitespace"),
        ];
        for (specs, word) in cases {
            let error = CaptchaApps::new(&specs).err().unwrap().to_string();
            assert!(error.contains(word), "{error}");
        }
        assert!(matches!(
            CaptchaApps::new(&[spec(5, "a"), spec(5, "b")]),
            Err(StartError::DuplicateCaptchaAppId { index: 1 })
        ));
    }

    #[test]
    fn debug_hides_the_key() {
        let apps = CaptchaApps::new(&[spec(7, "very-secret-app-key")]).unwrap();
        let shown = format!("{:?}", apps.all());
        assert!(
            shown.contains('7') && !shown.contains("very-secret"),
            "{shown}"
        );
    }
}
