//! The public shape: builder, handles, `Send + Sync`, small futures, redacted `Debug`.

mod support;

use std::time::Duration;

use captcha_async_std::{
    BuildError, CaptchaCheck, CaptchaGetUrl, CaptchaType, Client, ClientBuilder, Credential,
    RetryPolicy,
};
use support::{SECRET_KEY, TestServer, ok, user_ip};

fn assert_send_sync<T: Send + Sync>(_: &T) {}
fn assert_send<T: Send>(_: &T) {}

#[test]
fn client_and_call_futures_are_send_and_small() {
    let client = support::builder_for("http://127.0.0.1:9/v2/index.php".parse().unwrap())
        .build()
        .unwrap();
    assert_send_sync(&client);
    let check = CaptchaCheck::new("t03api", user_ip(), CaptchaType::Slider);
    let future = client.captcha_check(&check);
    assert_send(&future);
    // Connecting and sending are boxed, so a call's future stays small even in debug builds
    // (deeply nested executors copy it several times on the stack).
    assert!(
        std::mem::size_of_val(&future) < 4096,
        "{}",
        std::mem::size_of_val(&future)
    );
    let get_url = CaptchaGetUrl::new();
    let future = client.captcha_get_url(&get_url);
    assert_send(&future);
}

#[test]
fn builder_settings_reach_the_client() {
    let builder: ClientBuilder = Client::builder()
        .credential(Credential::new(support::SECRET_ID, SECRET_KEY).unwrap())
        .api2_region("sh")
        .connect_timeout(Duration::from_secs(2))
        .timeout(Duration::from_secs(4))
        .max_body_bytes(4096)
        .pool_idle_timeout(Duration::from_secs(7))
        .max_idle_per_host(3)
        .retry(RetryPolicy::with_retries(2));
    let client = builder.build().unwrap();
    let settings = client.settings();
    assert_eq!(client.api2_config().region(), "sh");
    assert_eq!(settings.connect_timeout, Duration::from_secs(2));
    assert_eq!(client.timeout(), Duration::from_secs(4));
    assert_eq!(settings.max_body_bytes, 4096);
    assert_eq!(settings.pool_idle_timeout, Duration::from_secs(7));
    assert_eq!(settings.max_idle_per_host, 3);
    assert_eq!(settings.retry, RetryPolicy::with_retries(2));
    let short = client.with_timeout(Duration::from_millis(5));
    assert_eq!(short.timeout(), Duration::from_millis(5));
    assert_eq!(client.timeout(), Duration::from_secs(4));
    let shown = format!("{client:?}");
    assert!(!shown.contains(SECRET_KEY), "{shown}");
    assert!(shown.contains("Client"), "{shown}");
}

#[test]
fn invalid_settings_are_refused_by_name() {
    let base =
        || Client::builder().credential(Credential::new(support::SECRET_ID, SECRET_KEY).unwrap());
    let error = base().timeout(Duration::ZERO).build().unwrap_err();
    assert!(matches!(
        error,
        BuildError::InvalidSetting {
            setting: "timeout",
            ..
        }
    ));
    let error = base().max_body_bytes(0).build().unwrap_err();
    assert!(matches!(
        error,
        BuildError::InvalidSetting {
            setting: "max_body_bytes",
            ..
        }
    ));
    let error = base().user_agent("bad\nagent").build().unwrap_err();
    assert!(matches!(
        error,
        BuildError::InvalidSetting {
            setting: "user_agent",
            ..
        }
    ));
}

#[test]
fn from_settings_builds_the_same_client() {
    let settings = Client::builder()
        .credential(Credential::new(support::SECRET_ID, SECRET_KEY).unwrap())
        .settings()
        .unwrap();
    let client = Client::from_settings(settings).unwrap();
    assert_eq!(client.timeout(), Duration::from_secs(10));
}

#[async_std::test]
async fn zero_timeout_handle_always_times_out() {
    let server = TestServer::always(ok()).await;
    let client = server
        .builder()
        .build()
        .unwrap()
        .with_timeout(Duration::ZERO);
    let check = CaptchaCheck::new("t03zero", user_ip(), CaptchaType::Slider);
    let error = client.captcha_check(&check).await.unwrap_err();
    assert!(
        matches!(error, captcha_async_std::Error::Timeout { .. }),
        "{error}"
    );
}
