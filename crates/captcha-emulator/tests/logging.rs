//! Request logs name the action, code, latency and peer, and never show a secret. Alone in
//! its own test binary: a scoped tracing subscriber must not race other tests' callsites.

mod support;

use std::io::Write;
use std::sync::{Arc, Mutex};

use captcha_proto::{CaptchaCheck, CaptchaType, CaptchaVerify};
use support::KEY;

/// Collects formatted log lines.
#[derive(Clone, Default)]
struct LogBuffer(Arc<Mutex<Vec<u8>>>);

impl Write for LogBuffer {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Current-thread runtime: the server's tasks log on this thread, under this subscriber.
#[tokio::test]
async fn logs_name_the_action_and_code_but_no_secret() {
    let logs = LogBuffer::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let h = support::start().await;
    let ticket = h.emulator.mint_ticket("127.0.0.1".parse().unwrap(), 9);
    let check = CaptchaCheck::new(
        ticket.as_str(),
        "127.0.0.1".parse().unwrap(),
        CaptchaType::Slider,
    );
    let request = h.config().encode(&check, h.stamp(1)).unwrap();
    let query = request.uri().query().unwrap().to_owned();
    assert_eq!(h.send(request).await.code(), 0);
    let verify = CaptchaVerify::new("b01SecretCaptchaSig", "ABCD");
    assert_eq!(
        h.send(h.config().encode(&verify, h.stamp(2)).unwrap())
            .await
            .code(),
        0
    );
    h.emulator.shutdown().await;

    let text = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    assert!(
        text.contains("action=\"CaptchaCheck\"") && text.contains("code=0"),
        "{text}"
    );
    assert!(
        text.contains("latency_us=") && text.contains("remote=127.0.0.1:"),
        "{text}"
    );
    let signature = query.rsplit("Signature=").next().unwrap();
    for secret in [
        ticket.as_str(),
        signature,
        KEY,
        "b01SecretCaptchaSig",
        "ticket=",
    ] {
        assert!(!text.contains(secret), "{secret} leaked into:\n{text}");
    }
}
