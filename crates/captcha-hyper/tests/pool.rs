//! One pool per client: sequential calls reuse one keep-alive connection, clones share it,
//! and every call is signed afresh.

mod common;

use std::collections::HashSet;

use captcha_hyper::{CaptchaGetUrl, Client, HttpMethod, SignatureMethod};
use common::{TestServer, builder, url_reply};

fn assert_send_sync_clone<T: Send + Sync + Clone + 'static>() {}

#[test]
fn client_is_send_sync_clone() {
    assert_send_sync_clone::<Client>();
}

#[tokio::test]
async fn hundred_sequential_calls_use_one_connection() {
    let server = TestServer::start(|_| url_reply()).await;
    let client = builder(server.endpoint()).build().unwrap();
    for _ in 0..100 {
        client.captcha_get_url(&CaptchaGetUrl::new()).await.unwrap();
    }
    assert_eq!(server.seen().len(), 100);
    assert_eq!(server.accepts(), 1);
    let nonces: HashSet<String> = server
        .seen()
        .iter()
        .map(|s| s.param("Nonce").unwrap())
        .collect();
    assert!(nonces.len() >= 99, "every call needs its own nonce");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clones_on_other_tasks_share_the_pool() {
    let server = TestServer::start(|_| url_reply()).await;
    let client = builder(server.endpoint())
        .max_idle_per_host(4)
        .build()
        .unwrap();
    for _ in 0..3 {
        let tasks: Vec<_> = (0..4)
            .map(|_| {
                let client = client.clone();
                tokio::spawn(async move {
                    for _ in 0..5 {
                        client.captcha_get_url(&CaptchaGetUrl::new()).await.unwrap();
                    }
                })
            })
            .collect();
        for task in tasks {
            task.await.unwrap();
        }
    }
    assert_eq!(server.seen().len(), 60);
    // A call opens a connection only when every one the pool has is busy, and returns it
    // as soon as its response is read: never more connections than calls in flight.
    assert!(server.accepts() <= 4, "accepts: {}", server.accepts());
}

#[tokio::test]
async fn post_and_sha256_are_what_the_server_sees() {
    let server = TestServer::start(|_| url_reply()).await;
    let client = builder(server.endpoint())
        .api2_http_method(HttpMethod::Post)
        .api2_signature_method(SignatureMethod::HmacSha256)
        .user_agent("my-app/1.0")
        .build()
        .unwrap();
    client.captcha_get_url(&CaptchaGetUrl::new()).await.unwrap();
    let seen = &server.seen()[0];
    assert_eq!(seen.method, "POST");
    assert_eq!(seen.target, "/v2/index.php");
    assert_eq!(
        seen.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(seen.header("user-agent"), Some("my-app/1.0"));
    assert_eq!(seen.param("SignatureMethod").as_deref(), Some("HmacSHA256"));
    assert!(seen.param("Signature").is_some());
}

#[tokio::test]
async fn default_user_agent_and_get() {
    let server = TestServer::start(|_| url_reply()).await;
    let client = builder(server.endpoint()).build().unwrap();
    client.captcha_get_url(&CaptchaGetUrl::new()).await.unwrap();
    let seen = &server.seen()[0];
    assert_eq!(seen.method, "GET");
    assert_eq!(
        seen.header("user-agent"),
        Some(captcha_hyper::DEFAULT_USER_AGENT)
    );
    assert!(seen.target.starts_with("/v2/index.php?"));
    assert_eq!(seen.param("Action").as_deref(), Some("CaptchaGetUrl"));
}

#[tokio::test]
async fn idle_connections_are_closed_after_the_idle_timeout() {
    let server = TestServer::start(|_| url_reply()).await;
    let client = builder(server.endpoint())
        .pool_idle_timeout(std::time::Duration::from_millis(200))
        .build()
        .unwrap();
    client.captcha_get_url(&CaptchaGetUrl::new()).await.unwrap();
    assert_eq!(server.closed(), 0);
    // The client stays alive: only the pool's idle timer can close the connection.
    let started = std::time::Instant::now();
    while server.closed() == 0 && started.elapsed() < std::time::Duration::from_secs(5) {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert_eq!(
        server.closed(),
        1,
        "idle connection not closed by the pool timer"
    );
    client.captcha_get_url(&CaptchaGetUrl::new()).await.unwrap();
    assert_eq!(server.accepts(), 2);
}

#[test]
fn call_futures_are_send() {
    fn is_send<T: Send>(_: &T) {}
    let client = builder("http://127.0.0.1:1/v2/index.php".parse().unwrap())
        .build()
        .unwrap();
    let ip = "127.0.0.1".parse().unwrap();
    let check = captcha_hyper::CaptchaCheck::new("t", ip, captcha_hyper::CaptchaType::Slider);
    let raw = captcha_hyper::Api2RawAction::new("X");
    let url_action = CaptchaGetUrl::new();
    is_send(&client.captcha_check(&check));
    is_send(&client.call_api2(&raw));
    is_send(&client.captcha_get_url(&url_action));
    is_send(&client.send(http::Request::new(Vec::new())));
}
