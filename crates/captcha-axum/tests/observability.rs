//! Every check leaves one `tracing` event with its outcome and `CaptchaCode`, and never the
//! ticket.

mod support;

use std::io::Write;
use std::sync::{Arc, Mutex};

use http::StatusCode;
use support::{USER, form_of, form_request, layered, peer, send, user};

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

impl Captured {
    fn lines(&self, needle: &str) -> Vec<String> {
        String::from_utf8_lossy(&self.0.lock().unwrap())
            .lines()
            .filter(|line| line.contains(needle))
            .map(str::to_owned)
            .collect()
    }
}

// A current-thread runtime: the subscriber set for this thread sees every event.
#[tokio::test(flavor = "current_thread")]
async fn one_event_per_check_with_the_code_and_no_secret() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .with_max_level(tracing::Level::TRACE)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let emulator = support::emulator().await;
    let (router, _) = layered(support::guard(&emulator).build(), peer(USER));
    let minted = support::mint(&emulator, user());
    assert_eq!(
        send(&router, form_request(form_of(&minted))).await.0,
        StatusCode::OK
    );
    assert_eq!(
        send(&router, form_request(form_of(&minted))).await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        send(&router, form_request("user=alice")).await.0,
        StatusCode::BAD_REQUEST
    );

    let events = captured.lines("captcha check");
    assert_eq!(events.len(), 3, "{events:#?}");
    assert!(events[0].contains("outcome=\"pass\"") && events[0].contains("code=1"));
    assert!(events[1].contains("outcome=\"rejected\"") && events[1].contains("code=9"));
    assert!(events[2].contains("reason=\"missing_ticket\""));
    let all = captured.lines("");
    let secret = minted.ticket.expose_secret();
    assert!(all.iter().all(|line| !line.contains(secret)));
}
