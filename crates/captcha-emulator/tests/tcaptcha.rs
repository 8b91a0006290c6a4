//! The API 3.0 browser side: the stand-in `TCaptcha.js` is served under both names, and the
//! test keys hand out tickets that end the way their names say.

mod support;

use captcha_emulator::{
    API3_TICKETS_PATH, TCAPTCHA_PATH, TEST_APP_SECRET_KEY, TEST_CAPTCHA_APP_ID_DISASTER_RECOVERY,
    TEST_CAPTCHA_APP_ID_FAIL, TEST_CAPTCHA_APP_ID_PASS, TEST_CAPTCHA_APP_ID_SPENT, TJCAPTCHA_PATH,
};
use captcha_proto::DescribeCaptchaResult;
use http::StatusCode;
use http::header::CONTENT_TYPE;
use support::Harness;

const USER: &str = "203.0.113.7";

async fn mint(h: &Harness, app_id: u64) -> serde_json::Value {
    let request = http::Request::post(API3_TICKETS_PATH)
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(format!("CaptchaAppId={app_id}&UserIp={USER}").into_bytes())
        .unwrap();
    let answer = h.send(request).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
    answer.json()
}

async fn check(h: &Harness, json: &serde_json::Value, key: &str) -> i64 {
    let action = DescribeCaptchaResult::new(
        json["ticket"].as_str().unwrap(),
        json["randstr"].as_str().unwrap(),
        USER.parse().unwrap(),
        json["appid"].as_str().unwrap().parse().unwrap(),
        key,
    );
    h.describe(&action).await.captcha_code()
}

#[tokio::test]
async fn the_script_is_served_under_both_names() {
    let h = support::start().await;
    for path in [TCAPTCHA_PATH, TJCAPTCHA_PATH] {
        let answer = h
            .send(http::Request::get(path).body(Vec::new()).unwrap())
            .await;
        assert_eq!(answer.status, StatusCode::OK, "{path}");
        assert!(
            answer.headers[CONTENT_TYPE]
                .to_str()
                .unwrap()
                .starts_with("application/javascript")
        );
        let text = answer.text();
        assert!(text.contains("w.TencentCaptcha = TencentCaptcha"), "{path}");
        assert!(text.contains("data-outcome"));
    }
    let post = http::Request::post(TCAPTCHA_PATH).body(Vec::new()).unwrap();
    assert_eq!(h.send(post).await.status, StatusCode::METHOD_NOT_ALLOWED);
}

#[tokio::test]
async fn the_pass_and_spent_keys_answer_the_same_every_time() {
    let h = support::start().await;
    let json = mint(&h, TEST_CAPTCHA_APP_ID_PASS).await;
    assert_eq!(check(&h, &json, "not-the-test-key").await, 100);
    assert_eq!(check(&h, &json, TEST_APP_SECRET_KEY).await, 1);
    assert_eq!(
        check(&h, &json, TEST_APP_SECRET_KEY).await,
        1,
        "always pass"
    );
    let spent = mint(&h, TEST_CAPTCHA_APP_ID_SPENT).await;
    assert_eq!(check(&h, &spent, TEST_APP_SECRET_KEY).await, 9);
    assert_eq!(check(&h, &spent, TEST_APP_SECRET_KEY).await, 9);
    assert!(
        h.emulator.captcha_apps().len() == 1,
        "test keys are not listed among the configured apps"
    );
}

#[tokio::test]
async fn the_fail_key_mints_tickets_that_never_pass() {
    let h = support::start().await;
    let json = mint(&h, TEST_CAPTCHA_APP_ID_FAIL).await;
    assert!(json["ticket"].as_str().unwrap().starts_with("tr03"));
    assert_eq!(check(&h, &json, TEST_APP_SECRET_KEY).await, 15);
    assert_eq!(check(&h, &json, TEST_APP_SECRET_KEY).await, 15);
    let minted = h
        .emulator
        .mint_api3_ticket(TEST_CAPTCHA_APP_ID_FAIL, USER.parse().unwrap())
        .unwrap();
    let action = DescribeCaptchaResult::new(
        minted.ticket,
        minted.randstr,
        USER.parse().unwrap(),
        TEST_CAPTCHA_APP_ID_FAIL,
        TEST_APP_SECRET_KEY,
    );
    assert_eq!(h.describe(&action).await.captcha_code(), 15);
}

#[tokio::test]
async fn the_disaster_recovery_key_mints_trerror_tickets() {
    let h = support::start().await;
    let json = mint(&h, TEST_CAPTCHA_APP_ID_DISASTER_RECOVERY).await;
    assert_eq!(
        json["ticket"].as_str().unwrap(),
        format!(
            "trerror_1001_{TEST_CAPTCHA_APP_ID_DISASTER_RECOVERY}_{}",
            support::NOW
        )
    );
    assert!(json["randstr"].as_str().unwrap().starts_with('@'));
    assert_eq!(json["errorCode"], 1001);
    assert_eq!(json["errorMessage"], "jsload_error");
    assert_eq!(check(&h, &json, TEST_APP_SECRET_KEY).await, 21);
}
