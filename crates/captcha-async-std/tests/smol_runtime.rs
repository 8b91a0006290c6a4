//! The same client on smol's executor (and on a bare `block_on`), with no async-std
//! runtime entry point in sight.

mod support;

use std::time::Duration;

use captcha_async_std::{CaptchaCheck, CaptchaType, Error, Phase};
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
            assert!(client.check(&check(n)).await.unwrap().is_pass());
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
                smol::spawn(async move { client.check(&check(n)).await.unwrap().is_pass() })
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
        let (result, took) = timed(client.check(&check(1))).await;
        assert!(matches!(result, Err(Error::Timeout { .. })));
        assert!(took <= limit + limit / 10, "took {took:?}");

        let identity = Identity::for_names(&["127.0.0.1"]);
        let server = TestServer::start_tls(&identity, |_, _| Act::Reply(ok())).await;
        let trusted = server
            .builder()
            .add_root_certificate_der(identity.cert_der.clone())
            .build()
            .unwrap();
        assert!(trusted.check(&check(2)).await.unwrap().is_pass());
        let untrusted = server.builder().build().unwrap();
        let error = untrusted.check(&check(3)).await.unwrap_err();
        assert_eq!(error.phase(), Phase::NeverSent);
    });
}

#[test]
fn works_under_a_bare_block_on() {
    futures_lite::future::block_on(async {
        let server = TestServer::always(ok()).await;
        let client = server.builder().build().unwrap();
        assert!(client.check(&check(1)).await.unwrap().is_pass());
        assert!(client.check(&check(2)).await.unwrap().is_pass());
        assert_eq!(server.connections(), 1);
    });
}
