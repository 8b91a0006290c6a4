//! API 3.0 request-rate limit on `DescribeCaptchaResult`: over the limit a check is refused
//! with `RequestLimitExceeded` (HTTP 200, JSON) and its ticket stays unspent; the window is
//! one second of the emulator clock, so a `ManualClock` makes it deterministic.

mod support;

use std::time::Duration;

use captcha_emulator::{Api3Ticket, DEFAULT_API3_RATE_LIMIT, Emulator};
use captcha_proto::api3::DescribeCaptchaResult;
use http::StatusCode;
use http::header::CONTENT_TYPE;
use support::{ID, KEY, api3_check, is_uuid_like, mint_api3};

#[tokio::test]
async fn the_fourth_check_in_a_second_is_refused_and_its_ticket_passes_later() {
    let h = support::start_with(Emulator::builder().credential(ID, KEY).api3_rate_limit(3)).await;
    let tickets: Vec<Api3Ticket> = (0..4).map(|_| mint_api3(&h)).collect();
    for minted in &tickets[..3] {
        assert_eq!(h.describe(&api3_check(minted)).await.captcha_code(), 1);
    }
    let refused = h.describe(&api3_check(&tickets[3])).await;
    assert_eq!(refused.status, StatusCode::OK);
    assert_eq!(
        refused.headers.get(CONTENT_TYPE).unwrap(),
        "application/json"
    );
    assert_eq!(refused.error_code(), "RequestLimitExceeded");
    assert!(!refused.error_message().is_empty());
    assert!(is_uuid_like(
        refused.response()["RequestId"].as_str().unwrap()
    ));
    let stats = h.emulator.stats();
    assert_eq!(stats.api3_rate_limited, 1);
    assert_eq!(stats.requests("DescribeCaptchaResult"), 4);

    // Still the same second: still refused, and the ticket is still not spent.
    assert_eq!(
        h.describe(&api3_check(&tickets[3])).await.error_code(),
        "RequestLimitExceeded"
    );
    h.clock.advance(Duration::from_secs(1));
    assert_eq!(h.describe(&api3_check(&tickets[3])).await.captcha_code(), 1);
    assert_eq!(
        h.describe(&api3_check(&tickets[3])).await.captcha_code(),
        9,
        "spent once, by the check that was let through"
    );
    assert_eq!(h.emulator.stats().api3_rate_limited, 2);
}

#[tokio::test]
async fn refusals_before_the_limit_do_not_use_it_up() {
    let h = support::start_with(Emulator::builder().credential(ID, KEY).api3_rate_limit(1)).await;
    let minted = mint_api3(&h);
    assert_eq!(h.describe(&api3_check(&minted)).await.captcha_code(), 1);
    assert_eq!(
        h.describe(&api3_check(&minted)).await.error_code(),
        "RequestLimitExceeded",
        "a spent ticket is refused by the limit before it is looked at"
    );
}

#[tokio::test]
async fn the_default_is_a_thousand_per_second() {
    assert_eq!(DEFAULT_API3_RATE_LIMIT, 1000);
    assert!(format!("{:?}", Emulator::builder()).contains("api3_rate_limit: Some(1000)"));
    let h = support::start().await;
    let checks: Vec<DescribeCaptchaResult> = (0..DEFAULT_API3_RATE_LIMIT)
        .map(|_| api3_check(&mint_api3(&h)))
        .collect();
    let mut connection = support::Connection::open(h.addr()).await;
    for action in &checks {
        let answer = connection.send(h.api3_request(action)).await;
        assert_eq!(answer.captcha_code(), 1, "{}", answer.text());
    }
    let over = mint_api3(&h);
    let answer = connection.send(h.api3_request(&api3_check(&over))).await;
    assert_eq!(answer.error_code(), "RequestLimitExceeded");
    assert_eq!(h.emulator.stats().api3_rate_limited, 1);
}

#[tokio::test]
async fn without_the_limit_everything_goes_through() {
    let h = support::start_with(
        Emulator::builder()
            .credential(ID, KEY)
            .api3_rate_limit(3)
            .without_api3_rate_limit(),
    )
    .await;
    for _ in 0..20 {
        let minted = mint_api3(&h);
        assert_eq!(h.describe(&api3_check(&minted)).await.captcha_code(), 1);
    }
    assert_eq!(h.emulator.stats().api3_rate_limited, 0);
}

#[tokio::test]
async fn a_limit_of_zero_refuses_every_check() {
    let h = support::start_with(Emulator::builder().credential(ID, KEY).api3_rate_limit(0)).await;
    let minted = mint_api3(&h);
    assert_eq!(
        h.describe(&api3_check(&minted)).await.error_code(),
        "RequestLimitExceeded"
    );
}
