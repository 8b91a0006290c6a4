//! `Client::describe_result` (API 3.0, TC3-HMAC-SHA256) against the captcha emulator on
//! 127.0.0.1: a minted ticket passes once, a wrong Randstr or AppSecretKey is a rejected
//! verdict, refusals are typed, and a connection cut mid-answer is `MaybeSent` and never
//! re-sent, even with retries on.

use std::net::IpAddr;

use captcha_emulator::{
    DEMO_APP_SECRET_KEY, DEMO_CAPTCHA_APP_ID, Emulator, Fault, RunningEmulator, V3Ticket,
};
use captcha_hyper::captcha_proto::v3::{DescribeCaptchaResult, RejectReason, Verdict};
use captcha_hyper::{Client, ClientBuilder, Credential, Error, Phase, RetryPolicy};

const ACTION: &str = "DescribeCaptchaResult";

fn user_ip() -> IpAddr {
    "203.0.113.7".parse().unwrap()
}

async fn emulator() -> RunningEmulator {
    Emulator::demo()
        .start("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap()
}

/// A client of the emulator: its credential, its API 2.0 endpoint and its API 3.0 root
/// `http://127.0.0.1:PORT/`.
fn client_for(emulator: &RunningEmulator) -> ClientBuilder<Client> {
    Client::builder()
        .credential(emulator.credential())
        .endpoint(emulator.endpoint())
        .v3_endpoint(emulator.v3_endpoint())
}

fn mint(emulator: &RunningEmulator) -> V3Ticket {
    emulator
        .mint_v3_ticket(DEMO_CAPTCHA_APP_ID, user_ip())
        .unwrap()
}

/// The check a back-end makes with what the front-end callback gave it.
fn check(minted: &V3Ticket) -> DescribeCaptchaResult {
    DescribeCaptchaResult::new(
        minted.ticket.clone(),
        minted.randstr.clone(),
        user_ip(),
        minted.captcha_app_id,
        DEMO_APP_SECRET_KEY,
    )
}

#[tokio::test]
async fn a_minted_ticket_passes_once() {
    let emulator = emulator().await;
    assert_eq!(
        emulator.v3_endpoint().to_string(),
        format!("http://127.0.0.1:{}/", emulator.local_addr().port())
    );
    let client = client_for(&emulator).build().unwrap();
    let minted = mint(&emulator);
    let action = check(&minted).need_get_captcha_time(true);

    let result = client.describe_result(&action).await.unwrap();
    assert_eq!(result.verdict, Verdict::Pass);
    assert_eq!((result.code, result.message.as_deref()), (1, Some("OK")));
    assert_eq!(result.evil_level, Some(0));
    assert!(result.get_captcha_time.is_some() && result.submit_captcha_time.is_some());
    assert_eq!(result.request_id.len(), 36, "{}", result.request_id);

    let again = client.describe_result(&action).await.unwrap();
    assert_eq!(again.verdict, Verdict::Reject(RejectReason::TicketReused));
    assert_ne!(again.request_id, result.request_id);
    assert_eq!(emulator.stats().requests(ACTION), 2);
    assert_eq!(emulator.stats().connections_accepted, 1, "pooled");
    emulator.shutdown().await;
}

#[tokio::test]
async fn a_wrong_randstr_is_rejected_and_spends_the_ticket() {
    let emulator = emulator().await;
    let client = client_for(&emulator).build().unwrap();
    let minted = mint(&emulator);
    let wrong = DescribeCaptchaResult::new(
        minted.ticket.clone(),
        "@bad",
        user_ip(),
        DEMO_CAPTCHA_APP_ID,
        DEMO_APP_SECRET_KEY,
    );
    let result = client.describe_result(&wrong).await.unwrap();
    assert_eq!(
        result.verdict,
        Verdict::Reject(RejectReason::RandstrMismatch)
    );
    let result = client.describe_result(&check(&minted)).await.unwrap();
    assert_eq!(result.verdict, Verdict::Reject(RejectReason::TicketReused));
    emulator.shutdown().await;
}

#[tokio::test]
async fn a_wrong_app_secret_key_is_rejected() {
    let emulator = emulator().await;
    let client = client_for(&emulator).build().unwrap();
    let minted = mint(&emulator);
    let wrong = DescribeCaptchaResult::new(
        minted.ticket.clone(),
        minted.randstr.clone(),
        user_ip(),
        DEMO_CAPTCHA_APP_ID,
        "not-the-app-secret-key",
    );
    let result = client.describe_result(&wrong).await.unwrap();
    assert_eq!(
        result.verdict,
        Verdict::Reject(RejectReason::AppSecretMismatch)
    );
    assert_eq!(result.code, 100);
    // Someone without the key cannot spend the ticket.
    assert!(
        client
            .describe_result(&check(&minted))
            .await
            .unwrap()
            .is_pass()
    );
    emulator.shutdown().await;
}

#[tokio::test]
async fn refusals_are_typed_service_errors() {
    let emulator = emulator().await;
    let wrong_key =
        Credential::new(emulator.credential().secret_id().as_str(), "wrong-key").unwrap();
    let client = client_for(&emulator).credential(wrong_key).build().unwrap();
    let error = client
        .describe_result(&check(&mint(&emulator)))
        .await
        .unwrap_err();
    match &error {
        Error::Service(e) => {
            assert_eq!(e.code(), "AuthFailure.SignatureFailure");
            assert!(e.is_auth_failure() && e.request_id().is_some());
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(error.phase(), Phase::Api);
    assert!(!error.is_retryable());

    // A rate limit is retryable in general, but a ticket check is never sent twice.
    let client = client_for(&emulator)
        .retry(RetryPolicy::with_retries(3))
        .build()
        .unwrap();
    emulator.reset_stats();
    emulator.set_fault(Fault::Code(4400));
    let error = client
        .describe_result(&check(&mint(&emulator)))
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::Service(e) if e.is_rate_limited()),
        "{error:?}"
    );
    assert_eq!(emulator.stats().requests(ACTION), 1);
    emulator.shutdown().await;
}

#[tokio::test]
async fn a_connection_cut_mid_answer_is_maybe_sent_and_never_resent() {
    let emulator = emulator().await;
    let client = client_for(&emulator)
        .retry(RetryPolicy::with_retries(3))
        .build()
        .unwrap();
    for fault in [Fault::TruncatedBody, Fault::DropConnection] {
        emulator.reset_stats();
        emulator.set_fault(fault);
        let minted = mint(&emulator);
        let error = client.describe_result(&check(&minted)).await.unwrap_err();
        assert!(matches!(error, Error::MaybeSent(_)), "{fault:?}: {error:?}");
        assert_eq!(error.phase(), Phase::MaybeSent);
        assert!(!error.is_retryable());
        assert_eq!(emulator.stats().requests(ACTION), 1, "{fault:?}: re-sent");
        assert!(
            !format!("{error:?}").contains(minted.ticket.expose_secret()),
            "the ticket leaked into the error"
        );
        emulator.clear_faults();
        // The server did act: the ticket is spent, which is why it was not re-sent.
        let result = client.describe_result(&check(&minted)).await.unwrap();
        assert_eq!(result.verdict, Verdict::Reject(RejectReason::TicketReused));
    }
    emulator.shutdown().await;
}
