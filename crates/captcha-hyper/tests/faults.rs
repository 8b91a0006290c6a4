//! Failures land in the right phase, within the deadline, and are retried only when the
//! request was never written.

mod common;

use std::time::{Duration, Instant};

use captcha_hyper::{
    Api2RawAction, CaptchaCheck, CaptchaGetUrl, CaptchaType, Error, Phase, RetryPolicy,
};
use common::{Reply, TestServer, builder, self_signed, url_reply};

fn check() -> CaptchaCheck {
    CaptchaCheck::new(
        "t03SecretTicket",
        "203.0.113.7".parse().unwrap(),
        CaptchaType::Slider,
    )
}

#[tokio::test]
async fn silent_server_times_out_within_deadline() {
    let server = TestServer::start(|_| Reply::Silent).await;
    let limit = Duration::from_secs(2);
    let client = builder(server.endpoint()).timeout(limit).build().unwrap();
    let started = Instant::now();
    let error = client
        .captcha_get_url(&CaptchaGetUrl::new())
        .await
        .unwrap_err();
    let elapsed = started.elapsed();
    assert!(
        matches!(error, Error::Timeout { after } if after == limit),
        "{error:?}"
    );
    assert_eq!(error.phase(), Phase::Timeout);
    assert!(!error.is_retryable());
    assert!(elapsed >= limit, "returned early: {elapsed:?}");
    assert!(
        elapsed <= limit.mul_f64(1.1),
        "deadline overrun: {elapsed:?}"
    );
}

#[tokio::test]
async fn per_call_timeout_overrides_and_shares_the_pool() {
    let server = TestServer::start(|seen| {
        if seen.param("Action").as_deref() == Some("Slow") {
            Reply::Silent
        } else {
            url_reply()
        }
    })
    .await;
    let client = builder(server.endpoint()).build().unwrap();
    client.captcha_get_url(&CaptchaGetUrl::new()).await.unwrap();
    let short = client.with_timeout(Duration::from_secs(1));
    assert_eq!(short.timeout(), Duration::from_secs(1));
    assert_eq!(client.timeout(), Duration::from_secs(10));
    short.captcha_get_url(&CaptchaGetUrl::new()).await.unwrap();
    assert_eq!(server.accepts(), 1, "with_timeout must reuse the pool");
    let started = Instant::now();
    let error = short
        .call_api2(&Api2RawAction::new("Slow"))
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Timeout { .. }), "{error:?}");
    assert!(started.elapsed() <= Duration::from_millis(1100));
}

#[tokio::test]
async fn closed_port_is_never_sent() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let endpoint = format!("http://127.0.0.1:{port}/v2/index.php")
        .parse()
        .unwrap();
    let client = builder(endpoint).build().unwrap();
    let error = client
        .captcha_get_url(&CaptchaGetUrl::new())
        .await
        .unwrap_err();
    assert!(matches!(error, Error::NeverSent(_)), "{error:?}");
    assert!(error.is_retryable());
    assert!(error.to_string().contains("connection refused"), "{error}");
}

#[tokio::test]
async fn oversized_body_is_refused_by_content_length() {
    let server = TestServer::start(|_| Reply::Full {
        status: 200,
        headers: vec![],
        body: vec![b' '; 5 * 1024 * 1024],
    })
    .await;
    let client = builder(server.endpoint()).build().unwrap();
    let error = client
        .captcha_get_url(&CaptchaGetUrl::new())
        .await
        .unwrap_err();
    assert!(
        matches!(error, Error::BodyTooLarge { limit: 1_048_576 }),
        "{error:?}"
    );
    assert_eq!(error.phase(), Phase::Response);
}

#[tokio::test]
async fn endless_body_stops_at_the_limit() {
    // No Content-Length and no end: only a bounded read can return at all.
    let server = TestServer::start(|_| Reply::Endless).await;
    let client = builder(server.endpoint())
        .max_body_bytes(256 * 1024)
        .build()
        .unwrap();
    let error = client
        .captcha_get_url(&CaptchaGetUrl::new())
        .await
        .unwrap_err();
    assert!(
        matches!(error, Error::BodyTooLarge { limit: 262_144 }),
        "{error:?}"
    );
}

#[tokio::test]
async fn close_mid_body_is_maybe_sent_and_check_is_not_retried() {
    let server = TestServer::start(|_| Reply::CloseMidBody).await;
    let client = builder(server.endpoint())
        .retry(RetryPolicy::with_retries(3))
        .build()
        .unwrap();
    let error = client.captcha_check(&check()).await.unwrap_err();
    assert!(matches!(error, Error::MaybeSent(_)), "{error:?}");
    assert!(!error.is_retryable());
    assert!(!error.to_string().contains("t03SecretTicket"));
    assert_eq!(server.seen().len(), 1, "a ticket must be sent once");

    // Not single use either: maybe-sent is still never retried.
    let error = client
        .captcha_get_url(&CaptchaGetUrl::new())
        .await
        .unwrap_err();
    assert!(matches!(error, Error::MaybeSent(_)), "{error:?}");
    assert_eq!(server.seen().len(), 2);
}

#[tokio::test]
async fn close_without_answer_is_maybe_sent() {
    let server = TestServer::start(|_| Reply::Close).await;
    let client = builder(server.endpoint())
        .retry(RetryPolicy::with_retries(3))
        .build()
        .unwrap();
    let error = client
        .captcha_verify(&captcha_hyper::CaptchaVerify::new("sig", "ABCD"))
        .await
        .unwrap_err();
    assert!(matches!(error, Error::MaybeSent(_)), "{error:?}");
    assert_eq!(server.seen().len(), 1);
}

#[tokio::test]
async fn never_sent_check_is_not_retried() {
    let (cert, acceptor) = self_signed();
    let server = TestServer::start_with(Some(acceptor), 1, |_| url_reply()).await;
    let endpoint = format!("https://localhost:{}/v2/index.php", server.addr.port())
        .parse()
        .unwrap();
    let client = builder(endpoint)
        .webpki_roots(false)
        .add_root_certificate_der(cert)
        .retry(RetryPolicy::with_retries(3))
        .build()
        .unwrap();
    let error = client.captcha_check(&check()).await.unwrap_err();
    assert!(matches!(error, Error::NeverSent(_)), "{error:?}");
    assert_eq!(server.accepts(), 1);
    assert!(server.seen().is_empty());
}

#[tokio::test]
async fn retries_give_up_after_the_policy_count() {
    let (cert, acceptor) = self_signed();
    let server = TestServer::start_with(Some(acceptor), usize::MAX, |_| url_reply()).await;
    let endpoint = format!("https://localhost:{}/v2/index.php", server.addr.port())
        .parse()
        .unwrap();
    let client = builder(endpoint)
        .webpki_roots(false)
        .add_root_certificate_der(cert)
        .retry(RetryPolicy::with_retries(2))
        .build()
        .unwrap();
    let error = client
        .captcha_get_url(&CaptchaGetUrl::new())
        .await
        .unwrap_err();
    assert!(matches!(error, Error::NeverSent(_)), "{error:?}");
    assert_eq!(server.accepts(), 3, "one attempt plus two retries");
}

#[tokio::test]
async fn api_refusal_and_bad_bodies_are_typed() {
    let server = TestServer::start(|seen| match seen.param("Action").as_deref() {
        Some("CaptchaGetUrl") => {
            Reply::json(r#"{"code":4100,"message":"auth failed","codeDesc":"AuthFailure"}"#)
        }
        Some("CaptchaCheck") => Reply::json("<html>not json</html>"),
        _ => Reply::Full {
            status: 302,
            headers: vec![("Location", "http://127.0.0.1:1/elsewhere".to_owned())],
            body: Vec::new(),
        },
    })
    .await;
    let client = builder(server.endpoint()).build().unwrap();
    let error = client
        .captcha_get_url(&CaptchaGetUrl::new())
        .await
        .unwrap_err();
    assert_eq!(error.phase(), Phase::Api);
    assert_eq!(error.api2().map(|e| e.code()), Some(4100));

    let error = client.captcha_check(&check()).await.unwrap_err();
    assert!(matches!(error, Error::Response(_)), "{error:?}");

    // Redirects are not followed: the 302 reaches the decoder.
    let error = client
        .call_api2(&Api2RawAction::new("Moved"))
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Response(_)), "{error:?}");
    assert_eq!(server.seen().len(), 3);
}

#[tokio::test]
async fn stalled_tls_handshake_hits_the_connect_timeout() {
    // A plain server never answers a ClientHello: the handshake stalls after TCP connect.
    let server = TestServer::start(|_| Reply::Silent).await;
    let endpoint = format!("https://127.0.0.1:{}/v2/index.php", server.addr.port())
        .parse()
        .unwrap();
    let connect_limit = Duration::from_millis(1500);
    let client = builder(endpoint)
        .connect_timeout(connect_limit)
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let started = Instant::now();
    let error = client
        .captcha_get_url(&CaptchaGetUrl::new())
        .await
        .unwrap_err();
    let elapsed = started.elapsed();
    assert!(matches!(error, Error::NeverSent(_)), "{error:?}");
    assert!(error.to_string().contains("longer than"), "{error}");
    assert!(elapsed <= connect_limit.mul_f64(1.1), "{elapsed:?}");
}
