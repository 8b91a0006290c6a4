//! The keep-alive pool: reuse, idle timeout, idle cap, stale connections, concurrency.

mod support;

use std::time::Duration;

use captcha_async_std::{Api2RawAction, CaptchaCheck, CaptchaType, Phase};
use support::{Act, TestServer, ok, user_ip};

fn check(n: usize) -> CaptchaCheck {
    CaptchaCheck::new(format!("t03pool{n}"), user_ip(), CaptchaType::Slider)
}

#[async_std::test]
async fn hundred_sequential_calls_use_one_connection() {
    let server = TestServer::always(ok()).await;
    let client = server.builder().build().unwrap();
    for n in 0..100 {
        assert!(client.captcha_check(&check(n)).await.unwrap().is_pass());
    }
    assert_eq!(server.requests().len(), 100);
    assert_eq!(server.connections(), 1);
}

#[async_std::test]
async fn clones_and_timeout_handles_share_the_pool() {
    let server = TestServer::always(ok()).await;
    let client = server.builder().build().unwrap();
    let clone = client.clone();
    let short = client.with_timeout(Duration::from_secs(3));
    assert!(client.captcha_check(&check(1)).await.unwrap().is_pass());
    assert!(clone.captcha_check(&check(2)).await.unwrap().is_pass());
    assert!(short.captcha_check(&check(3)).await.unwrap().is_pass());
    assert_eq!(server.connections(), 1);
}

#[async_std::test]
async fn idle_connections_expire() {
    let server = TestServer::always(ok()).await;
    let client = server
        .builder()
        .pool_idle_timeout(Duration::from_millis(100))
        .build()
        .unwrap();
    assert!(client.captcha_check(&check(1)).await.unwrap().is_pass());
    async_std::task::sleep(Duration::from_millis(300)).await;
    assert!(client.captcha_check(&check(2)).await.unwrap().is_pass());
    assert_eq!(server.connections(), 2);
}

#[async_std::test]
async fn no_idle_connections_kept_when_the_cap_is_zero() {
    let server = TestServer::always(ok()).await;
    let client = server.builder().max_idle_per_host(0).build().unwrap();
    for n in 0..3 {
        assert!(client.captcha_check(&check(n)).await.unwrap().is_pass());
    }
    assert_eq!(server.connections(), 3);
}

#[async_std::test]
async fn connection_closed_by_the_server_is_replaced_without_an_error() {
    // Every answer says `Connection: close` on the first connection and the server hangs
    // up: the next call must open a new connection, not fail.
    let server = TestServer::start(|n, _| {
        if n % 2 == 1 {
            Act::ReplyAndClose(ok())
        } else {
            Act::Reply(ok())
        }
    })
    .await;
    let client = server.builder().build().unwrap();
    for n in 0..6 {
        assert!(
            client.captcha_check(&check(n)).await.unwrap().is_pass(),
            "call {n}"
        );
        // Let the close reach the client so the pool sees a dead connection.
        async_std::task::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(server.requests().len(), 6);
    // Calls 1 | 2, 3 | 4, 5 | 6: the server closed after calls 1, 3 and 5.
    assert_eq!(server.connections(), 4);
}

#[async_std::test]
async fn connection_close_header_is_honoured() {
    let body = r#"{"code":0,"message":"No Error"}"#;
    let response = format!(
        "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes();
    let server = TestServer::start(move |_, _| Act::ReplyAndClose(response.clone())).await;
    let client = server.builder().build().unwrap();
    for n in 0..3 {
        assert!(client.captcha_check(&check(n)).await.unwrap().is_pass());
    }
    assert_eq!(server.connections(), 3);
}

#[async_std::test]
async fn concurrent_calls_each_get_a_connection_then_reuse_them() {
    let server = TestServer::start(|_, _| Act::After(Duration::from_millis(30), ok())).await;
    let client = server.builder().build().unwrap();
    for round in 0..3 {
        let tasks: Vec<_> = (0..4)
            .map(|n| {
                let client = client.clone();
                async_std::task::spawn(
                    async move { client.captcha_check(&check(round * 10 + n)).await },
                )
            })
            .collect();
        for task in tasks {
            assert!(task.await.unwrap().is_pass());
        }
    }
    assert_eq!(server.requests().len(), 12);
    assert!(
        server.connections() <= 4,
        "{} connections",
        server.connections()
    );
}

#[async_std::test]
async fn failed_calls_do_not_poison_the_pool() {
    let server = TestServer::start(|n, _| if n == 2 { Act::Close } else { Act::Reply(ok()) }).await;
    let client = server.builder().build().unwrap();
    assert!(client.captcha_check(&check(1)).await.unwrap().is_pass());
    let error = client
        .call_api2(&Api2RawAction::new("Anything"))
        .await
        .unwrap_err();
    assert_eq!(error.phase(), Phase::MaybeSent, "{error}");
    assert!(client.captcha_check(&check(3)).await.unwrap().is_pass());
    assert_eq!(server.connections(), 2);
}
