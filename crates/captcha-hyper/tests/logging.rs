//! One span per call with its result fields; no secret reaches the logs.

mod common;

use captcha_hyper::{Api2RawAction, CaptchaCheck, CaptchaType, HttpMethod};
use common::{LogCapture, Reply, SECRET_KEY, TestServer, builder};

const TICKET: &str = "t03VerySecretTicketValue";

fn assert_no_secret(text: &str, signature: &str) {
    assert!(!text.contains(TICKET), "ticket leaked:\n{text}");
    assert!(!text.contains(SECRET_KEY), "key leaked:\n{text}");
    assert!(!text.contains(signature), "signature leaked:\n{text}");
    // As sent: a SHA-1 signature ends in `=`, which a request carries as `%3D`.
    let sent = signature
        .replace('+', "%2B")
        .replace('/', "%2F")
        .replace('=', "%3D");
    assert!(!text.contains(&sent), "signature leaked as sent:\n{text}");
    assert!(
        !text.contains("raw-app-secret"),
        "AppSecretKey leaked:\n{text}"
    );
}

#[tokio::test(flavor = "current_thread")]
async fn span_has_fields_and_logs_are_redacted() {
    let server = TestServer::start(|_| Reply::json(r#"{"code":0,"message":"OK"}"#)).await;
    for method in [HttpMethod::Get, HttpMethod::Post] {
        let client = builder(server.endpoint())
            .api2_http_method(method)
            .build()
            .unwrap();
        let logs = LogCapture::start();
        let check = CaptchaCheck::new(TICKET, "203.0.113.7".parse().unwrap(), CaptchaType::Slider);
        assert!(client.captcha_check(&check).await.unwrap().is_pass());
        let raw = Api2RawAction::new("CaptchaIframeQuery").param("AppSecretKey", "raw-app-secret");
        client.call_api2(&raw).await.unwrap();
        let text = logs.text();
        let seen = server.seen();
        let signature = seen.last().unwrap().param("Signature").unwrap();
        if std::env::var_os("SHOW_LOGS").is_some() {
            eprintln!("{text}");
        }
        assert_no_secret(&text, &signature);
        assert!(text.contains("captcha_call"), "{text}");
        assert!(
            text.contains("action=\"CaptchaCheck\"") || text.contains("action=CaptchaCheck"),
            "{text}"
        );
        assert!(text.contains("attempt=1"), "{text}");
        assert!(text.contains("latency_ms="), "{text}");
        assert!(
            text.contains("outcome=\"ok\"") || text.contains("outcome=ok"),
            "{text}"
        );
        assert!(text.contains("status=200"), "{text}");
        assert!(text.contains("ticket=[redacted]"), "{text}");
    }
}

#[tokio::test(flavor = "current_thread")]
async fn api_code_is_recorded_and_failures_are_redacted() {
    let server = TestServer::start(|_| {
        Reply::json(r#"{"code":4100,"message":"auth failed","codeDesc":"AuthFailure"}"#)
    })
    .await;
    let client = builder(server.endpoint()).build().unwrap();
    let logs = LogCapture::start();
    let check = CaptchaCheck::new(TICKET, "203.0.113.7".parse().unwrap(), CaptchaType::Slider);
    let error = client.captcha_check(&check).await.unwrap_err();
    assert!(!format!("{error:?} {error}").contains(TICKET));
    let text = logs.text();
    let signature = server.seen()[0].param("Signature").unwrap();
    assert_no_secret(&text, &signature);
    assert!(text.contains("code=4100"), "{text}");
    assert!(text.contains("api_error"), "{text}");
}
