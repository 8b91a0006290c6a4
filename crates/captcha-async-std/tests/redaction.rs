//! Secrets never reach tracing output or errors, even at TRACE level and on failures.

mod support;

use std::io::Write;
use std::sync::{Arc, Mutex};

use captcha_async_std::{
    Api2RawAction, CaptchaCheck, CaptchaType, CaptchaVerify, Client, Credential,
};
use support::{Act, SECRET_ID, SECRET_KEY, TestServer, json, ok, user_ip};

const TICKET: &str = "t03TicketThatMustNotLeak";
const TOKEN: &str = "session-token-that-must-not-leak";
const SIG: &str = "captchaSigThatMustNotLeak";
const APP_SECRET: &str = "app-secret-that-must-not-leak";

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[async_std::test]
async fn no_secret_in_logs_or_errors() {
    let captured = Captured::default();
    let writer = captured.clone();
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .init();

    let server = TestServer::start(|n, _| match n {
        1 => Act::Reply(ok()),
        2 => Act::Reply(json(&format!(
            r#"{{"code":4100,"message":"bad","ticket":"{TICKET}"}}"#
        ))),
        3 => Act::Reply(json(&format!(r#"not json "ticket":"{TICKET}""#))),
        _ => Act::Close,
    })
    .await;
    let credential = Credential::new(SECRET_ID, SECRET_KEY)
        .unwrap()
        .with_token(TOKEN)
        .unwrap();
    let client: Client = Client::builder()
        .credential(credential)
        .api2_endpoint(server.endpoint())
        .build()
        .unwrap();

    let check = CaptchaCheck::new(TICKET, user_ip(), CaptchaType::Slider);
    assert!(client.captcha_check(&check).await.unwrap().is_pass());
    let mut errors = Vec::new();
    errors.push(client.captcha_check(&check).await.unwrap_err());
    errors.push(client.captcha_check(&check).await.unwrap_err());
    errors.push(
        client
            .captcha_verify(&CaptchaVerify::new(SIG, "abcd"))
            .await
            .unwrap_err(),
    );
    errors.push(
        client
            .call_api2(&Api2RawAction::new("Other").param("AppSecretKey", APP_SECRET))
            .await
            .unwrap_err(),
    );
    async_std::task::sleep(std::time::Duration::from_millis(50)).await;

    let mut shown = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    for error in &errors {
        shown.push_str(&format!("\n{error}\n{error:?}"));
    }
    shown.push_str(&format!("\n{client:?}"));
    assert!(shown.contains("captcha_call"), "no span in:\n{shown}");
    assert!(shown.contains("Signature=[redacted]"), "{shown}");
    for secret in [SECRET_KEY, TICKET, TOKEN, SIG, APP_SECRET] {
        assert!(!shown.contains(secret), "{secret} leaked:\n{shown}");
    }
}
