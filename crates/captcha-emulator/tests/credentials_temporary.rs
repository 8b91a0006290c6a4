//! Temporary credentials issued by the emulator on the captcha APIs: accepted with their
//! own token (API 3.0 TC3 `X-TC-Token`, API 3.0 v1 and API 2.0 `Token`), refused without
//! it, with another credential's token, and after expiry; each refusal counted.

mod support;

use std::time::Duration;

use captcha_emulator::{DEMO_APP_SECRET_KEY, DEMO_CAPTCHA_APP_ID};
use captcha_proto::api3::{Api3Config, Api3Signature, DescribeCaptchaResult};
use captcha_proto::{Api2Config, CaptchaCheck, CaptchaType, Credential};
use support::{Answer, Harness, NOW};

const USER: &str = "203.0.113.7";

/// A ticket check that reaches the ticket (`CaptchaCode` 15: never minted) once the
/// caller is authenticated.
fn fake_check() -> DescribeCaptchaResult {
    DescribeCaptchaResult::new(
        "tr03NotMintedHere*",
        "@Vki",
        USER.parse().unwrap(),
        DEMO_CAPTCHA_APP_ID,
        DEMO_APP_SECRET_KEY,
    )
}

async fn describe(h: &Harness, credential: &Credential, signature: Api3Signature) -> Answer {
    let config = Api3Config::new(credential.clone())
        .with_endpoint(h.emulator.api3_endpoint())
        .with_signature(signature);
    h.send(config.encode(&fake_check(), h.stamp(nonce())).unwrap())
        .await
}

/// Distinct nonces for v1 requests (TC3 ignores them).
fn nonce() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// `credential`'s id and key without a token.
fn without_token(credential: &Credential) -> Credential {
    Credential::new(
        credential.secret_id().as_str(),
        credential.secret_key().expose_secret(),
    )
    .unwrap()
}

/// `credential`'s id and key with `other`'s token.
fn with_token_of(credential: &Credential, other: &Credential) -> Credential {
    without_token(credential)
        .with_token(other.token().unwrap().expose_secret())
        .unwrap()
}

#[tokio::test]
async fn describe_captcha_result_with_an_issued_credential() {
    let h = support::start().await;
    let a = h
        .emulator
        .issue_temporary_credential(Duration::from_secs(600));
    let b = h
        .emulator
        .issue_temporary_credential(Duration::from_secs(600));
    assert!(a.token().is_some());
    assert_ne!(a.secret_id(), b.secret_id());

    for signature in [
        Api3Signature::Tc3,
        Api3Signature::HmacSha1,
        Api3Signature::HmacSha256,
    ] {
        // With its own token: authenticated, the ticket is checked.
        assert_eq!(describe(&h, &a, signature).await.captcha_code(), 15);

        let none = describe(&h, &without_token(&a), signature).await;
        assert_eq!(
            none.error_code(),
            "AuthFailure.TokenFailure",
            "{signature:?}"
        );

        let other = describe(&h, &with_token_of(&a, &b), signature).await;
        assert_eq!(
            other.error_code(),
            "AuthFailure.TokenFailure",
            "{signature:?}"
        );
        assert!(!other.text().contains(b.token().unwrap().expose_secret()));
    }
    let stats = h.emulator.stats();
    assert_eq!(stats.token_mismatches, 6);
    assert_eq!(stats.expired_credentials, 0);

    // One second before expiry it passes; at expiry it is refused.
    h.clock.set(NOW + 599);
    assert_eq!(
        describe(&h, &a, Api3Signature::Tc3).await.captcha_code(),
        15
    );
    h.clock.set(NOW + 600);
    for signature in [Api3Signature::Tc3, Api3Signature::HmacSha256] {
        let expired = describe(&h, &a, signature).await;
        assert_eq!(expired.error_code(), "AuthFailure.TokenFailure");
        assert!(expired.error_message().contains("expired"));
    }
    let stats = h.emulator.stats();
    assert_eq!(stats.expired_credentials, 2);
    assert_eq!(stats.token_mismatches, 6);
}

#[tokio::test]
async fn a_ticket_passes_when_checked_with_an_issued_credential() {
    let h = support::start().await;
    let temporary = h
        .emulator
        .issue_temporary_credential(Duration::from_secs(60));
    let minted = h
        .emulator
        .mint_api3_ticket(DEMO_CAPTCHA_APP_ID, USER.parse().unwrap())
        .unwrap();
    let check = DescribeCaptchaResult::new(
        minted.ticket,
        minted.randstr,
        USER.parse().unwrap(),
        DEMO_CAPTCHA_APP_ID,
        DEMO_APP_SECRET_KEY,
    );
    let config = Api3Config::new(temporary).with_endpoint(h.emulator.api3_endpoint());
    let answer = h.send(config.encode(&check, h.stamp(1)).unwrap()).await;
    assert_eq!(answer.captcha_code(), 1);
}

#[tokio::test]
async fn api2_checks_the_token_parameter() {
    let h = support::start().await;
    let a = h
        .emulator
        .issue_temporary_credential(Duration::from_secs(300));
    let b = h
        .emulator
        .issue_temporary_credential(Duration::from_secs(300));
    let user = USER.parse().unwrap();
    let check_with = |credential: &Credential, nonce: u64| {
        let ticket = h.emulator.mint_ticket(user, 9);
        let check = CaptchaCheck::new(ticket, user, CaptchaType::Slider);
        Api2Config::new(credential.clone())
            .with_endpoint(h.emulator.endpoint())
            .encode(&check, h.stamp(nonce))
            .unwrap()
    };
    assert_eq!(h.send(check_with(&a, 1)).await.code(), 0);
    assert_eq!(h.send(check_with(&without_token(&a), 2)).await.code(), 4105);
    let other = h.send(check_with(&with_token_of(&a, &b), 3)).await;
    assert_eq!(other.code(), 4105);
    assert_eq!(other.json()["codeDesc"], "AuthFailure.TokenFailure");
    assert_eq!(h.emulator.stats().token_mismatches, 2);

    h.clock.set(NOW + 300);
    let expired = h.send(check_with(&a, 4)).await;
    assert_eq!(expired.code(), 4105);
    assert!(expired.message().contains("expired"));
    assert_eq!(h.emulator.stats().expired_credentials, 1);
}

#[tokio::test]
async fn configured_credentials_are_unaffected() {
    let h = support::start().await;
    let configured = h.emulator.credential();
    assert_eq!(
        describe(&h, &configured, Api3Signature::Tc3)
            .await
            .captcha_code(),
        15
    );
    let stats = h.emulator.stats();
    assert_eq!((stats.token_mismatches, stats.expired_credentials), (0, 0));
}
