//! `CaptchaCheck`: minted tickets pass exactly once, even under 1,000 concurrent checks.

mod support;

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use captcha_emulator::Emulator;
use captcha_proto::{Api2Action, CaptchaCheck, CaptchaType, CheckVerdict, HttpMethod};
use http::StatusCode;
use support::{Connection, ID, KEY, common, post};
use tokio::sync::Barrier;

const USER: &str = "203.0.113.7";

fn user() -> IpAddr {
    USER.parse().unwrap()
}

#[tokio::test]
async fn a_minted_ticket_passes_once() {
    let h = support::start().await;
    let ticket = h.emulator.mint_ticket(user(), 9);
    let check = CaptchaCheck::new(ticket.as_str(), user(), CaptchaType::Slider);
    let answer = h.send(h.config().encode(&check, h.stamp(1)).unwrap()).await;
    assert_eq!(
        answer.text(),
        r#"{"code":0,"message":"No Error","codeDesc":"Success"}"#
    );
    assert_eq!(
        check.decode_response(&answer.to_response()).unwrap(),
        CheckVerdict::Pass
    );

    let again = h.send(h.config().encode(&check, h.stamp(2)).unwrap()).await;
    assert_eq!(again.code(), 5100);
    assert_eq!(again.json()["codeDesc"], "TicketUsed");
    assert!(
        !check
            .decode_response(&again.to_response())
            .unwrap()
            .is_pass()
    );
    assert!(
        !again.text().contains(&ticket),
        "the ticket is never echoed"
    );
}

#[tokio::test]
async fn wrong_unknown_and_expired_tickets_fail_with_5100() {
    let h = support::start().await;
    let config = h.config().with_http_method(HttpMethod::Post);
    let cases: [(String, IpAddr, CaptchaType, &str); 3] = [
        (
            "t03unknown".to_owned(),
            user(),
            CaptchaType::Slider,
            "TicketInvalid",
        ),
        (
            h.emulator.mint_ticket(user(), 9),
            "198.51.100.9".parse().unwrap(),
            CaptchaType::Slider,
            "TicketMismatch",
        ),
        (
            h.emulator.mint_ticket(user(), 9),
            user(),
            CaptchaType::Standard,
            "TicketMismatch",
        ),
    ];
    for (nonce, (ticket, ip, kind, desc)) in (1..).zip(cases) {
        let check = CaptchaCheck::new(ticket, ip, kind);
        let answer = h.send(config.encode(&check, h.stamp(nonce)).unwrap()).await;
        assert_eq!(
            (answer.code(), answer.json()["codeDesc"].as_str()),
            (5100, Some(desc)),
            "{}",
            answer.text()
        );
    }
    let ticket = h.emulator.mint_ticket(user(), 9);
    h.clock.advance(Duration::from_secs(300));
    let check = CaptchaCheck::new(ticket, user(), CaptchaType::Slider);
    let answer = h.send(config.encode(&check, h.stamp(10)).unwrap()).await;
    assert_eq!(answer.json()["codeDesc"], "TicketExpired");
    assert_eq!(answer.code(), 5100);
}

#[tokio::test]
async fn the_ticket_lifetime_is_configurable() {
    let h = support::start_with(
        Emulator::builder()
            .credential(ID, KEY)
            .ticket_ttl(Duration::from_secs(5)),
    )
    .await;
    let ticket = h.emulator.mint_ticket(user(), 9);
    h.clock.advance(Duration::from_secs(5));
    let check = CaptchaCheck::new(ticket, user(), CaptchaType::Slider);
    let answer = h.send(h.config().encode(&check, h.stamp(1)).unwrap()).await;
    assert_eq!(answer.json()["codeDesc"], "TicketExpired");
}

#[tokio::test]
async fn missing_check_parameters_are_4000() {
    let h = support::start().await;
    for (nonce, missing) in [("1", "ticket"), ("2", "userIp"), ("3", "captchaType")] {
        let mut params = common("CaptchaCheck", "1700000000", nonce);
        let all = [("ticket", "t03x"), ("userIp", USER), ("captchaType", "9")];
        params.extend(all.into_iter().filter(|(k, _)| *k != missing));
        let answer = h.get_signed(&params).await;
        assert_eq!(answer.code(), 4000, "{missing}");
        assert!(answer.message().contains(missing), "{}", answer.message());
    }
    let mut params = common("CaptchaCheck", "1700000000", "4");
    params.extend([
        ("ticket", "t03x"),
        ("userIp", USER),
        ("captchaType", "nine"),
    ]);
    assert_eq!(h.get_signed(&params).await.code(), 4000);
}

#[tokio::test]
async fn tickets_can_be_minted_over_http() {
    let h = support::start().await;
    let request = http::Request::post(captcha_emulator::TICKETS_PATH)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("userIp={USER}&captchaType=9").into_bytes())
        .unwrap();
    let minted = h.send(request).await;
    assert_eq!(minted.status, StatusCode::OK);
    assert_eq!(minted.headers["access-control-allow-origin"], "*");
    let ticket = minted.json()["ticket"].as_str().unwrap().to_owned();
    assert!(ticket.starts_with("t03"));
    let check = CaptchaCheck::new(ticket, user(), CaptchaType::Slider);
    let answer = h.send(h.config().encode(&check, h.stamp(1)).unwrap()).await;
    assert_eq!(answer.code(), 0);

    // Without userIp the ticket is for the caller's own address.
    let request = http::Request::post(captcha_emulator::TICKETS_PATH)
        .body(b"captchaType=1".to_vec())
        .unwrap();
    let ticket = h.send(request).await.json()["ticket"]
        .as_str()
        .unwrap()
        .to_owned();
    let check = CaptchaCheck::new(ticket, "127.0.0.1".parse().unwrap(), CaptchaType::Standard);
    assert_eq!(
        h.send(h.config().encode(&check, h.stamp(2)).unwrap())
            .await
            .code(),
        0
    );

    for bad in [
        "userIp=1.2.3.4",
        "captchaType=x",
        "captchaType=1&userIp=not-an-ip",
    ] {
        let request = http::Request::post(captcha_emulator::TICKETS_PATH)
            .body(bad.as_bytes().to_vec())
            .unwrap();
        let answer = h.send(request).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{bad}");
        assert!(answer.json()["error"].is_string());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_concurrent_checks_pass_exactly_once() {
    const CHECKS: usize = 1000;
    let h = support::start().await;
    let ticket = h.emulator.mint_ticket(user(), 9);
    let config = h.config().with_http_method(HttpMethod::Post);
    let barrier = Arc::new(Barrier::new(CHECKS));
    let mut tasks = Vec::with_capacity(CHECKS);
    for nonce in 1..=CHECKS as u64 {
        let request = config
            .encode(
                &CaptchaCheck::new(ticket.as_str(), user(), CaptchaType::Slider),
                h.stamp(nonce),
            )
            .unwrap();
        let request = support::with_host(request, &h.host());
        let (addr, barrier) = (h.addr(), barrier.clone());
        tasks.push(tokio::spawn(async move {
            let mut connection = Connection::open(addr).await;
            barrier.wait().await;
            connection.send(request).await.code()
        }));
    }
    let mut codes = Vec::with_capacity(CHECKS);
    for task in tasks {
        codes.push(task.await.unwrap());
    }
    assert_eq!(codes.iter().filter(|c| **c == 0).count(), 1);
    assert_eq!(codes.iter().filter(|c| **c == 5100).count(), CHECKS - 1);
    let stats = h.emulator.stats();
    assert_eq!(stats.requests("CaptchaCheck"), CHECKS as u64);
    assert_eq!(stats.connections_accepted, CHECKS as u64);
}

#[tokio::test]
async fn checks_are_counted_even_when_refused() {
    let h = support::start().await;
    let mut params = common("CaptchaCheck", "1700000000", "1");
    params.push(("ticket", "t03x"));
    let pairs = support::signed("POST", "127.0.0.1", "wrong-key", &params);
    assert_eq!(h.send(post(&support::form(&pairs))).await.code(), 4100);
    assert_eq!(h.emulator.stats().requests("CaptchaCheck"), 1);
}
