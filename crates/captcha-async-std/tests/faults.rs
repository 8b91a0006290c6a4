//! Faults against scripted servers on 127.0.0.1: each failure lands in the phase that says
//! whether the request may have reached the server, and single-use calls are never re-sent.

mod support;

use std::time::Duration;

use captcha_async_std::{
    Api2RawAction, CaptchaCheck, CaptchaGetUrl, CaptchaType, Endpoint, Error, Phase, RetryPolicy,
};
use support::{Act, TestServer, closed_port, json, timed, user_ip};

fn check() -> CaptchaCheck {
    CaptchaCheck::new("t03faultticket", user_ip(), CaptchaType::Slider)
}

#[async_std::test]
async fn closed_port_is_never_sent() {
    let endpoint: Endpoint = format!("http://127.0.0.1:{}/v2/index.php", closed_port())
        .parse()
        .unwrap();
    let client = support::builder_for(endpoint).build().unwrap();
    let error = client.captcha_check(&check()).await.unwrap_err();
    assert_eq!(error.phase(), Phase::NeverSent, "{error}");
    assert!(error.is_retryable());
    assert!(error.to_string().contains("127.0.0.1"), "{error}");
}

#[async_std::test]
async fn silent_server_times_out_within_the_deadline() {
    let server = TestServer::start(|_, _| Act::Hang).await;
    let limit = Duration::from_millis(1200);
    let client = server.builder().build().unwrap().with_timeout(limit);
    let (result, took) = timed(client.captcha_check(&check())).await;
    let error = result.unwrap_err();
    assert!(
        matches!(error, Error::Timeout { after } if after == limit),
        "{error}"
    );
    assert_eq!(error.phase(), Phase::Timeout);
    assert!(!error.is_retryable());
    assert!(took >= limit, "gave up early: {took:?}");
    assert!(
        took <= limit + limit / 10,
        "took {took:?} for a {limit:?} deadline"
    );
    assert_eq!(server.requests().len(), 1);
}

#[async_std::test]
async fn builder_timeout_applies_to_every_call() {
    let server = TestServer::start(|_, _| Act::Hang).await;
    let limit = Duration::from_millis(1000);
    let client = server.builder().timeout(limit).build().unwrap();
    assert_eq!(client.timeout(), limit);
    let (result, took) = timed(client.captcha_get_url(&CaptchaGetUrl::new())).await;
    assert_eq!(result.unwrap_err().phase(), Phase::Timeout);
    assert!(took <= limit + limit / 10, "took {took:?}");
}

#[async_std::test]
async fn announced_oversized_body_is_refused() {
    let big = format!(r#"{{"code":0,"message":"{}"}}"#, "x".repeat(4096));
    let server = TestServer::always(json(&big)).await;
    let client = server.builder().max_body_bytes(1024).build().unwrap();
    let error = client.captcha_check(&check()).await.unwrap_err();
    assert!(
        matches!(error, Error::BodyTooLarge { limit: 1024 }),
        "{error}"
    );
}

#[async_std::test]
async fn streamed_oversized_body_is_cut_at_the_limit() {
    // Chunked, so the size is only known while reading: the cap must stop it.
    let server = TestServer::start(|_, _| {
        let mut response =
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                .to_vec();
        for _ in 0..64 {
            response.extend_from_slice(format!("400\r\n{}\r\n", " ".repeat(1024)).as_bytes());
        }
        response.extend_from_slice(b"0\r\n\r\n");
        Act::Reply(response)
    })
    .await;
    let client = server.builder().max_body_bytes(10_000).build().unwrap();
    let error = client
        .call_api2(&Api2RawAction::new("DescribeThings"))
        .await
        .unwrap_err();
    assert!(
        matches!(error, Error::BodyTooLarge { limit: 10_000 }),
        "{error}"
    );
}

#[async_std::test]
async fn body_at_the_limit_is_accepted() {
    let body = r#"{"code":0,"message":"No Error"}"#;
    let server = TestServer::always(json(body)).await;
    let client = server.builder().max_body_bytes(body.len()).build().unwrap();
    assert!(client.captcha_check(&check()).await.unwrap().is_pass());
}

#[async_std::test]
async fn close_mid_body_is_maybe_sent_and_check_is_not_resent() {
    let server = TestServer::start(|_, _| {
        let mut response =
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n"
                .to_vec();
        response.extend_from_slice(br#"{"code":0,"mess"#);
        Act::ReplyAndClose(response)
    })
    .await;
    let client = server
        .builder()
        .retry(RetryPolicy::with_retries(3))
        .build()
        .unwrap();
    let error = client.captcha_check(&check()).await.unwrap_err();
    assert!(matches!(error, Error::MaybeSent(_)), "{error}");
    assert!(!error.is_retryable());
    async_std::task::sleep(Duration::from_millis(100)).await;
    assert_eq!(server.requests().len(), 1, "a ticket check was sent twice");
}

#[async_std::test]
async fn close_without_answer_is_maybe_sent_even_for_retryable_actions() {
    let server = TestServer::start(|_, _| Act::Close).await;
    let client = server
        .builder()
        .retry(RetryPolicy::with_retries(3))
        .build()
        .unwrap();
    let error = client
        .captcha_get_url(&CaptchaGetUrl::new())
        .await
        .unwrap_err();
    assert_eq!(error.phase(), Phase::MaybeSent, "{error}");
    async_std::task::sleep(Duration::from_millis(100)).await;
    assert_eq!(
        server.requests().len(),
        1,
        "a maybe-sent request was retried"
    );
}

#[async_std::test]
async fn never_sent_requests_are_retried_re_signed_but_single_use_ones_are_not() {
    // The endpoint says https and the server hangs up at once: every TLS handshake fails,
    // so nothing is ever sent.
    let server = TestServer::hang_up().await;
    let endpoint: Endpoint = format!("https://127.0.0.1:{}/v2/index.php", server.addr.port())
        .parse()
        .unwrap();
    let policy = RetryPolicy {
        max_retries: 2,
        base_delay: Duration::from_millis(5),
        ..RetryPolicy::with_retries(2)
    };
    let client = support::builder_for(endpoint)
        .retry(policy)
        .build()
        .unwrap();

    let error = client
        .captcha_get_url(&CaptchaGetUrl::new())
        .await
        .unwrap_err();
    assert_eq!(error.phase(), Phase::NeverSent, "{error}");
    assert_eq!(server.connections(), 3, "one attempt and two retries");

    let error = client.captcha_check(&check()).await.unwrap_err();
    assert_eq!(error.phase(), Phase::NeverSent, "{error}");
    assert_eq!(
        server.connections(),
        4,
        "a single-use call is attempted once"
    );
}

#[async_std::test]
async fn retry_does_not_outlive_the_deadline() {
    let endpoint: Endpoint = format!("http://127.0.0.1:{}/v2/index.php", closed_port())
        .parse()
        .unwrap();
    let policy = RetryPolicy {
        max_retries: 1000,
        base_delay: Duration::from_millis(20),
        max_delay: Duration::from_millis(20),
        deadline: Duration::from_secs(60),
    };
    let limit = Duration::from_millis(1000);
    let client = support::builder_for(endpoint)
        .retry(policy)
        .timeout(limit)
        .build()
        .unwrap();
    let (result, took) = timed(client.captcha_get_url(&CaptchaGetUrl::new())).await;
    let error = result.unwrap_err();
    assert!(
        matches!(error.phase(), Phase::NeverSent | Phase::Timeout),
        "{error}"
    );
    assert!(took <= limit + limit / 10, "took {took:?}");
}

#[async_std::test]
async fn api_refusal_and_bad_bodies_are_typed() {
    let server = TestServer::start(|n, _| match n {
        1 => Act::Reply(json(
            r#"{"code":4100,"message":"auth failed","codeDesc":"AuthFailure"}"#,
        )),
        2 => Act::Reply(json("not json at all")),
        _ => Act::Reply(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 3\r\n\r\nbad".to_vec()),
    })
    .await;
    let client = server.builder().build().unwrap();
    let error = client
        .captcha_get_url(&CaptchaGetUrl::new())
        .await
        .unwrap_err();
    assert_eq!(error.phase(), Phase::Api);
    assert!(error.api2().unwrap().is_auth_failure());
    let error = client
        .captcha_get_url(&CaptchaGetUrl::new())
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Response(_)), "{error}");
    let error = client
        .captcha_get_url(&CaptchaGetUrl::new())
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Response(_)), "{error}");
    assert_eq!(
        server.connections(),
        1,
        "errors with complete bodies keep the connection"
    );
}

#[async_std::test]
async fn server_refusal_does_not_spend_a_retry_on_check() {
    let server =
        TestServer::start(|_, _| Act::Reply(json(r#"{"code":6000,"message":"internal error"}"#)))
            .await;
    let client = server
        .builder()
        .retry(RetryPolicy::with_retries(3))
        .build()
        .unwrap();
    let error = client.captcha_check(&check()).await.unwrap_err();
    assert!(error.is_retryable(), "the caller may try later: {error}");
    assert_eq!(
        server.requests().len(),
        1,
        "only never-sent requests are retried automatically"
    );
}
