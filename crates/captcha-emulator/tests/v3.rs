//! API 3.0 `DescribeCaptchaResult`: every documented `CaptchaCode` from requests encoded by
//! the core's `Api3Config`, one pass per ticket under 200 concurrent checks, the mint
//! endpoint, counters, faults, and logs without secrets.

mod support;

use std::sync::Arc;
use std::time::Duration;

use captcha_emulator::{
    API3_TICKETS_PATH, CaptchaApp, DEMO_APP_SECRET_KEY, DEMO_CAPTCHA_APP_ID, Emulator, Fault,
    NO_ACTION, UNKNOWN_ACTION,
};
use captcha_proto::ResponseError;
use captcha_proto::api3::{
    Api3Action, Api3RawAction, DescribeCaptchaResult, RejectReason, Verdict, parse_response,
};
use http::StatusCode;
use http::header::CONTENT_TYPE;
use support::{Answer, NOW, USER, api3_check, exchange, is_uuid_like, mint_api3, user};
use tokio::sync::Barrier;

const OTHER_APP: u64 = 2_000_000_001;
const OTHER_APP_KEY: &str = "other-app-secret-key";

/// Asserts the code and message, and that the core decodes them to `verdict`.
fn assert_verdict(
    answer: &Answer,
    action: &DescribeCaptchaResult,
    code: i64,
    message: &str,
    verdict: Verdict,
) {
    let response = answer.response();
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(
        (
            response["CaptchaCode"].as_i64(),
            response["CaptchaMsg"].as_str()
        ),
        (Some(code), Some(message)),
        "{}",
        answer.text()
    );
    assert!(is_uuid_like(response["RequestId"].as_str().unwrap()));
    let decoded = action.decode_response(&answer.to_response()).unwrap();
    assert_eq!(decoded.verdict, verdict);
}

#[tokio::test]
async fn a_minted_ticket_passes_once_with_its_times() {
    let h = support::start().await;
    let minted = mint_api3(&h);
    h.clock.advance(Duration::from_secs(3));
    let action = api3_check(&minted).need_get_captcha_time(true);
    let answer = h.describe(&action).await;
    assert_verdict(&answer, &action, 1, "OK", Verdict::Pass);
    assert_eq!(answer.headers[CONTENT_TYPE], "application/json");
    let response = answer.response();
    assert_eq!(response["EvilLevel"], 0);
    assert_eq!(response["GetCaptchaTime"].as_u64(), Some(NOW));
    assert_eq!(response["SubmitCaptchaTime"].as_u64(), Some(NOW));
    let result = action.decode_response(&answer.to_response()).unwrap();
    assert_eq!(result.evil_level, Some(0));
    assert_eq!(result.get_captcha_time, Some(NOW as i64));
    assert!(!answer.text().contains(minted.ticket.expose_secret()));
    assert!(!answer.text().contains(DEMO_APP_SECRET_KEY));

    let again = h.describe(&action).await;
    assert_verdict(
        &again,
        &action,
        9,
        "ticket reused",
        Verdict::Reject(RejectReason::TicketReused),
    );
    assert_ne!(again.response()["RequestId"], response["RequestId"]);
}

#[tokio::test]
async fn get_captcha_time_is_sent_only_when_asked() {
    let h = support::start().await;
    for action in [
        api3_check(&mint_api3(&h)),
        api3_check(&mint_api3(&h)).need_get_captcha_time(false),
    ] {
        let response = h.describe(&action).await.response();
        assert_eq!(response["CaptchaCode"], 1);
        assert!(response.get("GetCaptchaTime").is_none(), "{response}");
        assert_eq!(response["SubmitCaptchaTime"].as_u64(), Some(NOW));
    }
}

#[tokio::test]
async fn a_wrong_randstr_is_7_and_spends_the_ticket() {
    let h = support::start().await;
    let minted = mint_api3(&h);
    let wrong = DescribeCaptchaResult::new(
        minted.ticket.clone(),
        "@zz9",
        user(),
        DEMO_CAPTCHA_APP_ID,
        DEMO_APP_SECRET_KEY,
    );
    assert_verdict(
        &h.describe(&wrong).await,
        &wrong,
        7,
        "captcha no match",
        Verdict::Reject(RejectReason::RandstrMismatch),
    );
    assert_eq!(h.describe(&api3_check(&minted)).await.captcha_code(), 9);
}

#[tokio::test]
async fn a_ticket_older_than_five_minutes_is_8() {
    let h = support::start().await;
    let fresh = mint_api3(&h);
    let stale = mint_api3(&h);
    h.clock.advance(Duration::from_secs(299));
    assert_eq!(h.describe(&api3_check(&fresh)).await.captcha_code(), 1);
    h.clock.advance(Duration::from_secs(1));
    let action = api3_check(&stale);
    assert_verdict(
        &h.describe(&action).await,
        &action,
        8,
        "ticket expired",
        Verdict::Reject(RejectReason::TicketExpired),
    );
}

#[tokio::test]
async fn unknown_or_malformed_tickets_are_15() {
    let h = support::start().await;
    for ticket in ["tr03NeverMintedHere*", "%%%", "t03"] {
        let action = DescribeCaptchaResult::new(
            ticket,
            "@Vki",
            user(),
            DEMO_CAPTCHA_APP_ID,
            DEMO_APP_SECRET_KEY,
        );
        assert_verdict(
            &h.describe(&action).await,
            &action,
            15,
            "decrypt fail",
            Verdict::Reject(RejectReason::DecryptFailed),
        );
    }
}

#[tokio::test]
async fn another_apps_ticket_is_16_and_stays_good_for_its_app() {
    let h = support::start_with(
        Emulator::builder()
            .credential(support::ID, support::KEY)
            .captcha_app(DEMO_CAPTCHA_APP_ID, DEMO_APP_SECRET_KEY)
            .captcha_app(OTHER_APP, OTHER_APP_KEY),
    )
    .await;
    let minted = mint_api3(&h);
    let elsewhere = DescribeCaptchaResult::new(
        minted.ticket.clone(),
        minted.randstr.clone(),
        user(),
        OTHER_APP,
        OTHER_APP_KEY,
    );
    assert_verdict(
        &h.describe(&elsewhere).await,
        &elsewhere,
        16,
        "appid-ticket mismatch",
        Verdict::Reject(RejectReason::AppIdMismatch),
    );
    assert_eq!(h.describe(&api3_check(&minted)).await.captcha_code(), 1);

    let other = h.emulator.mint_api3_ticket(OTHER_APP, user()).unwrap();
    let own = DescribeCaptchaResult::new(
        other.ticket.clone(),
        other.randstr.clone(),
        user(),
        OTHER_APP,
        OTHER_APP_KEY,
    );
    assert_eq!(h.describe(&own).await.captcha_code(), 1);
    let apps: Vec<u64> = h.emulator.captcha_apps().iter().map(|a| a.app_id).collect();
    assert_eq!(apps, [DEMO_CAPTCHA_APP_ID, OTHER_APP]);
}

#[tokio::test]
async fn a_wrong_app_secret_key_is_100_and_does_not_spend_the_ticket() {
    let h = support::start().await;
    let minted = mint_api3(&h);
    for key in [
        "emulator-app-secret-kez",
        "x",
        "emulator-app-secret-key-and-more",
    ] {
        let wrong = DescribeCaptchaResult::new(
            minted.ticket.clone(),
            minted.randstr.clone(),
            user(),
            DEMO_CAPTCHA_APP_ID,
            key,
        );
        let answer = h.describe(&wrong).await;
        assert_verdict(
            &answer,
            &wrong,
            100,
            "appid-secretkey-ticket mismatch",
            Verdict::Reject(RejectReason::AppSecretMismatch),
        );
        assert!(!answer.text().contains(key));
    }
    assert_eq!(h.describe(&api3_check(&minted)).await.captcha_code(), 1);
}

#[tokio::test]
async fn a_disaster_recovery_ticket_is_21() {
    let h = support::start().await;
    let action = DescribeCaptchaResult::new(
        "trerror_1001_190000000_1700000000",
        "@abc",
        user(),
        DEMO_CAPTCHA_APP_ID,
        DEMO_APP_SECRET_KEY,
    );
    let answer = h.describe(&action).await;
    assert_verdict(
        &answer,
        &action,
        21,
        "diff",
        Verdict::Reject(RejectReason::DisasterRecoveryTicket),
    );
    assert!(
        action
            .decode_response(&answer.to_response())
            .unwrap()
            .is_disaster_recovery()
    );
}

#[tokio::test]
async fn another_user_ip_is_13_and_spends_the_ticket() {
    let h = support::start().await;
    let minted = mint_api3(&h);
    let proxy = DescribeCaptchaResult::new(
        minted.ticket.clone(),
        minted.randstr.clone(),
        "10.0.0.1".parse().unwrap(),
        DEMO_CAPTCHA_APP_ID,
        DEMO_APP_SECRET_KEY,
    );
    assert_verdict(
        &h.describe(&proxy).await,
        &proxy,
        13,
        "verify ip no match",
        Verdict::Reject(RejectReason::IpMismatch),
    );
    assert_eq!(h.describe(&api3_check(&minted)).await.captcha_code(), 9);
}

#[tokio::test]
async fn two_hundred_concurrent_checks_pass_exactly_once() {
    const CHECKS: usize = 200;
    let h = support::start().await;
    let minted = mint_api3(&h);
    let request = h.api3_request(&api3_check(&minted));
    let barrier = Arc::new(Barrier::new(CHECKS));
    let mut tasks = Vec::with_capacity(CHECKS);
    for _ in 0..CHECKS {
        let (request, barrier, addr) = (request.clone(), barrier.clone(), h.addr());
        tasks.push(tokio::spawn(async move {
            let mut connection = support::Connection::open(addr).await;
            barrier.wait().await;
            connection.send(request).await.captcha_code()
        }));
    }
    let mut codes = Vec::with_capacity(CHECKS);
    for task in tasks {
        codes.push(task.await.unwrap());
    }
    assert_eq!(codes.iter().filter(|c| **c == 1).count(), 1, "{codes:?}");
    assert_eq!(codes.iter().filter(|c| **c == 9).count(), CHECKS - 1);
    assert_eq!(
        h.emulator.stats().requests("DescribeCaptchaResult"),
        CHECKS as u64
    );
}

fn mint_request(form: &str) -> http::Request<Vec<u8>> {
    http::Request::post(API3_TICKETS_PATH)
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(form.as_bytes().to_vec())
        .unwrap()
}

#[tokio::test]
async fn the_mint_endpoint_hands_out_what_the_front_end_callback_would() {
    let h = support::start().await;
    let answer = h
        .send(mint_request(&format!(
            "CaptchaAppId={DEMO_CAPTCHA_APP_ID}&UserIp={USER}"
        )))
        .await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.headers["access-control-allow-origin"], "*");
    let json = answer.json();
    assert_eq!(json["ret"], 0);
    assert_eq!(json["appid"], DEMO_CAPTCHA_APP_ID.to_string());
    let (ticket, randstr) = (
        json["ticket"].as_str().unwrap(),
        json["randstr"].as_str().unwrap(),
    );
    assert!(ticket.starts_with("tr03") && randstr.starts_with('@'));
    let action = DescribeCaptchaResult::new(
        ticket,
        randstr,
        user(),
        DEMO_CAPTCHA_APP_ID,
        DEMO_APP_SECRET_KEY,
    );
    assert_eq!(h.describe(&action).await.captcha_code(), 1);

    // Defaults: the first app, the caller's address.
    let json = h.send(mint_request("")).await.json();
    let action = DescribeCaptchaResult::new(
        json["ticket"].as_str().unwrap(),
        json["randstr"].as_str().unwrap(),
        "127.0.0.1".parse().unwrap(),
        DEMO_CAPTCHA_APP_ID,
        DEMO_APP_SECRET_KEY,
    );
    assert_eq!(h.describe(&action).await.captcha_code(), 1);

    for (form, status) in [
        ("CaptchaAppId=42", StatusCode::NOT_FOUND),
        ("CaptchaAppId=app", StatusCode::BAD_REQUEST),
        ("UserIp=somewhere", StatusCode::BAD_REQUEST),
    ] {
        let answer = h.send(mint_request(form)).await;
        assert_eq!(answer.status, status, "{form}");
        assert!(answer.json()["error"].is_string());
    }
    let get = http::Request::get(API3_TICKETS_PATH)
        .body(Vec::new())
        .unwrap();
    assert_eq!(h.send(get).await.status, StatusCode::METHOD_NOT_ALLOWED);
    // Five mint requests; the refused GET is not a test-endpoint request.
    assert_eq!(h.emulator.stats().control_requests, 5);
}

#[tokio::test]
async fn minting_for_an_unknown_app_is_an_error() {
    let h = support::start().await;
    let error = h.emulator.mint_api3_ticket(42, user()).unwrap_err();
    assert_eq!(error.captcha_app_id, 42);
    assert!(error.to_string().contains("42"), "{error}");
    let app: CaptchaApp = h.emulator.captcha_app();
    assert_eq!(app.app_id, DEMO_CAPTCHA_APP_ID);
    assert_eq!(app.app_secret_key.expose_secret(), DEMO_APP_SECRET_KEY);
    assert!(!format!("{app:?}").contains(DEMO_APP_SECRET_KEY));
}

#[tokio::test]
async fn requests_are_counted_by_action() {
    let h = support::start().await;
    h.describe(&api3_check(&mint_api3(&h))).await;
    h.describe(&Api3RawAction::new(
        "captcha",
        "2019-07-22",
        "DescribeCaptchaResult",
    ))
    .await;
    h.describe(&Api3RawAction::new("captcha", "2019-07-22", "Nope"))
        .await;
    let mut no_action = h.api3_request(&api3_check(&mint_api3(&h)));
    no_action.headers_mut().remove("x-tc-action");
    assert_eq!(h.send(no_action).await.error_code(), "MissingParameter");
    let stats = h.emulator.stats();
    assert_eq!(stats.requests("DescribeCaptchaResult"), 2);
    assert_eq!(stats.requests(UNKNOWN_ACTION), 1);
    assert_eq!(stats.requests(NO_ACTION), 1);
    assert_eq!(stats.requests_total, 4);
}

#[tokio::test]
async fn answer_faults_replace_the_check_without_spending_the_ticket() {
    let h = support::start().await;
    let minted = mint_api3(&h);
    let action = api3_check(&minted);

    h.emulator.set_fault(Fault::Code(21));
    let answer = h.describe(&action).await;
    assert_eq!(
        action
            .decode_response(&answer.to_response())
            .unwrap()
            .verdict,
        Verdict::Reject(RejectReason::RiskDetected)
    );

    h.emulator.set_fault(Fault::Code(4400));
    let answer = h.describe(&action).await;
    match action.decode_response(&answer.to_response()) {
        Err(ResponseError::Api3(e)) => {
            assert!(e.is_rate_limited() && e.is_retryable(), "{e}");
            assert!(is_uuid_like(e.request_id().unwrap()));
        }
        other => panic!("{other:?}"),
    }

    h.emulator.set_fault(Fault::HttpStatus(502));
    let answer = h.describe(&action).await;
    assert_eq!(answer.status, StatusCode::BAD_GATEWAY);
    assert!(matches!(
        action.decode_response(&answer.to_response()),
        Err(ResponseError::Decode(_))
    ));

    h.emulator.clear_faults();
    assert_eq!(h.describe(&action).await.captcha_code(), 1);
    assert_eq!(h.emulator.stats().requests("DescribeCaptchaResult"), 4);
}

#[tokio::test]
async fn delivery_faults_apply_after_the_ticket_is_spent() {
    let h = support::start().await;
    let minted = mint_api3(&h);
    let request = h.api3_request(&api3_check(&minted));

    h.emulator.set_fault(Fault::DropConnection);
    let raw = exchange(h.addr(), request.clone()).await;
    assert!(raw.head.is_empty() && raw.body.is_empty(), "{:?}", raw.head);

    h.emulator.set_fault(Fault::TruncatedBody);
    let raw = exchange(h.addr(), request.clone()).await;
    assert_eq!(raw.status(), 200);
    assert_eq!(raw.body.len(), raw.content_length() / 2);

    h.emulator.set_fault(Fault::OversizedBody(64 * 1024));
    let raw = exchange(h.addr(), request.clone()).await;
    assert_eq!(raw.body.len(), 64 * 1024);
    let response = parse_response(StatusCode::OK, &raw.body).unwrap();
    assert_eq!(response["CaptchaCode"], 9, "spent by the dropped request");

    h.emulator.clear_faults();
    h.emulator
        .set_fault(Fault::Latency(Duration::from_millis(200)));
    let started = std::time::Instant::now();
    assert_eq!(h.send(request).await.captcha_code(), 9);
    assert!(started.elapsed() >= Duration::from_millis(200));
}

/// The core's decoder agrees with every refusal the emulator sends (a smoke test of the
/// envelope; the refusals themselves are in `v3_auth.rs`).
#[tokio::test]
async fn refusals_decode_as_service_errors() {
    let h = support::start().await;
    let action = Api3RawAction::new("captcha", "2019-07-22", "Nope");
    let answer = h.describe(&action).await;
    match action.decode_response(&answer.to_response()) {
        Err(ResponseError::Api3(e)) => {
            assert_eq!(e.code(), "InvalidAction");
            assert!(e.message().contains("Nope"), "{}", e.message());
            assert!(is_uuid_like(e.request_id().unwrap()));
        }
        other => panic!("{other:?}"),
    }
}
