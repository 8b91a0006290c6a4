//! Each fault switch, observed by a raw TCP client that sees exactly what goes on the wire.

mod support;

use std::time::{Duration, Instant};

use captcha_emulator::Fault;
use captcha_proto::{CaptchaCheck, CaptchaGetUrl, CaptchaType};
use support::{Harness, exchange};

fn get_url(h: &Harness, nonce: u64) -> http::Request<Vec<u8>> {
    h.config()
        .encode(&CaptchaGetUrl::new(), h.stamp(nonce))
        .unwrap()
}

fn check(h: &Harness, ticket: &str, nonce: u64) -> http::Request<Vec<u8>> {
    let check = CaptchaCheck::new(ticket, "127.0.0.1".parse().unwrap(), CaptchaType::Slider);
    h.config().encode(&check, h.stamp(nonce)).unwrap()
}

fn json(bytes: &[u8]) -> serde_json::Value {
    serde_json::from_slice(bytes).expect("JSON")
}

#[tokio::test]
async fn without_faults_the_answer_is_whole() {
    let h = support::start().await;
    let raw = exchange(h.addr(), get_url(&h, 1)).await;
    assert_eq!(raw.status(), 200);
    assert_eq!(raw.body.len(), raw.content_length());
    assert_eq!(json(&raw.body)["code"], 0);
}

#[tokio::test]
async fn latency_delays_the_answer() {
    let h = support::start().await;
    h.emulator
        .set_fault(Fault::Latency(Duration::from_millis(300)));
    let started = Instant::now();
    let raw = exchange(h.addr(), get_url(&h, 1)).await;
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert_eq!(json(&raw.body)["code"], 0);
}

#[tokio::test]
async fn a_code_fault_answers_without_processing() {
    let h = support::start().await;
    let ticket = h.emulator.mint_ticket("127.0.0.1".parse().unwrap(), 9);
    h.emulator.set_fault(Fault::Code(6000));
    let raw = exchange(h.addr(), check(&h, &ticket, 1)).await;
    assert_eq!(raw.status(), 200);
    let body = json(&raw.body);
    assert_eq!(
        (body["code"].as_i64(), body["codeDesc"].as_str()),
        (Some(6000), Some("InternalError"))
    );
    // The fault spares the test endpoints, and the ticket was not spent.
    let request = http::Request::post("/emulator/tickets")
        .body(b"captchaType=9".to_vec())
        .unwrap();
    assert_eq!(exchange(h.addr(), request).await.status(), 200);
    h.emulator.clear_faults();
    let raw = exchange(h.addr(), check(&h, &ticket, 2)).await;
    assert_eq!(json(&raw.body)["code"], 0);
    assert_eq!(h.emulator.stats().requests("CaptchaCheck"), 2);
}

#[tokio::test]
async fn an_http_status_fault_answers_like_a_proxy() {
    let h = support::start().await;
    h.emulator.set_fault(Fault::HttpStatus(502));
    let raw = exchange(h.addr(), get_url(&h, 1)).await;
    assert_eq!(raw.status(), 502);
    assert!(
        raw.header("content-type")
            .unwrap()
            .starts_with("text/plain")
    );
    assert!(serde_json::from_slice::<serde_json::Value>(&raw.body).is_err());
}

#[tokio::test]
async fn a_dropped_connection_gets_no_answer_but_the_request_ran() {
    let h = support::start().await;
    let ticket = h.emulator.mint_ticket("127.0.0.1".parse().unwrap(), 9);
    h.emulator.set_fault(Fault::DropConnection);
    let raw = exchange(h.addr(), check(&h, &ticket, 1)).await;
    assert!(
        raw.head.is_empty() && raw.body.is_empty(),
        "got {:?}",
        raw.head
    );
    h.emulator.clear_faults();
    let raw = exchange(h.addr(), check(&h, &ticket, 2)).await;
    assert_eq!(json(&raw.body)["codeDesc"], "TicketUsed");
}

#[tokio::test]
async fn a_truncated_body_is_shorter_than_its_content_length() {
    let h = support::start().await;
    h.emulator.set_fault(Fault::TruncatedBody);
    let raw = exchange(h.addr(), get_url(&h, 1)).await;
    assert_eq!(raw.status(), 200);
    let declared = raw.content_length();
    assert!(declared > 20);
    assert_eq!(
        raw.body.len(),
        declared / 2,
        "half the body, then the connection closed"
    );
}

#[tokio::test]
async fn an_oversized_body_is_padded_valid_json() {
    let h = support::start().await;
    let total = 3 * 1024 * 1024 + 7;
    h.emulator.set_fault(Fault::OversizedBody(total as u64));
    let raw = exchange(h.addr(), get_url(&h, 1)).await;
    assert_eq!(raw.content_length(), total);
    assert_eq!(raw.body.len(), total);
    assert_eq!(json(&raw.body)["code"], 0, "trailing spaces keep it JSON");
}

#[tokio::test]
async fn faults_combine_and_clear() {
    let h = support::start().await;
    h.emulator
        .set_fault(Fault::Latency(Duration::from_millis(100)));
    h.emulator.set_fault(Fault::Code(4400));
    let started = Instant::now();
    let raw = exchange(h.addr(), get_url(&h, 1)).await;
    assert!(started.elapsed() >= Duration::from_millis(100));
    assert_eq!(json(&raw.body)["code"], 4400);
    h.emulator.clear_faults();
    let raw = exchange(h.addr(), get_url(&h, 2)).await;
    assert_eq!(json(&raw.body)["code"], 0);
}
