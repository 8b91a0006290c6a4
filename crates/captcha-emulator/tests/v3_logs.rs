//! The emulator's API 3.0 logs name the action and the outcome, never a secret. Alone in
//! its test binary: `tracing`'s per-thread subscribers can miss an event while other tests
//! register the same call sites on other threads.

mod support;

use captcha_emulator::DEMO_APP_SECRET_KEY;
use support::{LogCapture, api3_check, mint_api3};

#[tokio::test]
async fn logs_name_the_action_and_code_but_never_a_secret() {
    let logs = LogCapture::start();
    let h = support::start().await;
    let minted = mint_api3(&h);
    let request = h.api3_request(&api3_check(&minted));
    let authorization = request.headers()["authorization"]
        .to_str()
        .unwrap()
        .to_owned();
    let signature = authorization.rsplit('=').next().unwrap().to_owned();
    assert_eq!(h.send(request.clone()).await.captcha_code(), 1);
    let mut tampered = request;
    tampered.body_mut().push(b' ');
    assert_eq!(
        h.send(tampered).await.error_code(),
        "AuthFailure.SignatureFailure"
    );
    let text = logs.text();
    assert!(text.contains("DescribeCaptchaResult"), "{text}");
    assert!(text.contains("AuthFailure.SignatureFailure"), "{text}");
    for secret in [
        minted.ticket.expose_secret(),
        DEMO_APP_SECRET_KEY,
        support::KEY,
        signature.as_str(),
    ] {
        assert!(!text.contains(secret), "{secret:?} leaked into the logs");
    }
}
