//! The same client on smol's executor (and on a bare `block_on`), with no async-std
//! runtime entry point in sight: scripted servers, and the image flow plus a ticket check
//! against the captcha emulator (the cross-transport suite `tests/tests/emulator.rs` runs
//! the same flow on async-std's executor).

mod support;

use std::time::Duration;

use captcha_async_std::{
    CaptchaCheck, CaptchaGetUrl, CaptchaType, CaptchaVerify, CheckVerdict, Client, Error, Phase,
    VerifyVerdict,
};
use captcha_emulator::{BackgroundEmulator, Emulator};
use support::{Act, Identity, TestServer, ok, timed, user_ip};

fn check(n: usize) -> CaptchaCheck {
    CaptchaCheck::new(format!("t03smol{n}"), user_ip(), CaptchaType::Slider)
}

#[test]
fn pooled_calls_under_smol_block_on() {
    smol::block_on(async {
        let server = TestServer::always(ok()).await;
        let client = server.builder().build().unwrap();
        for n in 0..50 {
            assert!(client.captcha_check(&check(n)).await.unwrap().is_pass());
        }
        assert_eq!(server.connections(), 1);
    });
}

#[test]
fn tasks_on_smols_executor_share_the_pool() {
    smol::block_on(async {
        let server = TestServer::always(ok()).await;
        let client = server.builder().build().unwrap();
        let tasks: Vec<smol::Task<bool>> = (0..8)
            .map(|n| {
                let client = client.clone();
                smol::spawn(async move { client.captcha_check(&check(n)).await.unwrap().is_pass() })
            })
            .collect();
        for task in tasks {
            assert!(task.await);
        }
        assert!(server.connections() <= 8);
        assert_eq!(server.requests().len(), 8);
    });
}

#[test]
fn timeout_and_tls_under_smol() {
    smol::block_on(async {
        let silent = TestServer::start(|_, _| Act::Hang).await;
        let limit = Duration::from_millis(1000);
        let client = silent.builder().timeout(limit).build().unwrap();
        let (result, took) = timed(client.captcha_check(&check(1))).await;
        assert!(matches!(result, Err(Error::Timeout { .. })));
        assert!(took <= limit + limit / 10, "took {took:?}");

        let identity = Identity::for_names(&["127.0.0.1"]);
        let server = TestServer::start_tls(&identity, |_, _| Act::Reply(ok())).await;
        let trusted = server
            .builder()
            .add_root_certificate_der(identity.cert_der.clone())
            .build()
            .unwrap();
        assert!(trusted.captcha_check(&check(2)).await.unwrap().is_pass());
        let untrusted = server.builder().build().unwrap();
        let error = untrusted.captcha_check(&check(3)).await.unwrap_err();
        assert_eq!(error.phase(), Phase::NeverSent);
    });
}

#[test]
fn works_under_a_bare_block_on() {
    futures_lite::future::block_on(async {
        let server = TestServer::always(ok()).await;
        let client = server.builder().build().unwrap();
        assert!(client.captcha_check(&check(1)).await.unwrap().is_pass());
        assert!(client.captcha_check(&check(2)).await.unwrap().is_pass());
        assert_eq!(server.connections(), 1);
    });
}

/// Under smol, against the emulator: get_url → fetch_image (a real PNG) → verify is Right
/// once, then Wrong; a wrong answer is Wrong; a minted ticket passes check once, then
/// fails; all over one pooled connection.
#[test]
fn full_flow_under_smol() {
    let emulator = BackgroundEmulator::start(Emulator::builder(), "127.0.0.1:0".parse().unwrap())
        .expect("the emulator starts");
    let client = Client::builder()
        .credential(emulator.credential())
        .api2_endpoint(emulator.endpoint())
        .build()
        .unwrap();
    smol::block_on(async {
        let with_ip = CaptchaGetUrl::new().user_ip(user_ip());
        let image = client
            .fetch_image(&client.captcha_get_url(&with_ip).await.unwrap())
            .await
            .unwrap();
        assert!(image.bytes.starts_with(b"\x89PNG"), "a real PNG");
        let sig = image.captcha_sig;
        let answer = emulator.answer_for(sig.expose_secret()).expect("its image");
        let right = CaptchaVerify::new(sig, answer).user_ip(user_ip());
        assert_eq!(
            client.captcha_verify(&right).await.unwrap(),
            VerifyVerdict::Right
        );
        assert_eq!(
            client.captcha_verify(&right).await.unwrap(),
            VerifyVerdict::Wrong
        );

        let url = client.captcha_get_url(&CaptchaGetUrl::new()).await.unwrap();
        let sig = client.fetch_image(&url).await.unwrap().captcha_sig;
        let wrong = CaptchaVerify::new(sig, "not-the-answer");
        assert_eq!(
            client.captcha_verify(&wrong).await.unwrap(),
            VerifyVerdict::Wrong
        );

        let ticket = emulator.mint_ticket(user_ip(), 9);
        let check = CaptchaCheck::new(ticket, user_ip(), CaptchaType::Slider);
        assert_eq!(
            client.captcha_check(&check).await.unwrap(),
            CheckVerdict::Pass
        );
        let spent = client.captcha_check(&check).await.unwrap();
        assert!(matches!(spent, CheckVerdict::Fail { .. }), "{spent:?}");
    });
    assert_eq!(emulator.stats().connections_accepted, 1);
}
