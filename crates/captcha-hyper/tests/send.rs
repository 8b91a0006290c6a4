//! `Client::send` for requests encoded by the caller, and the "bring your own client" path
//! (encode with captcha-proto, send with a bare hyper connection, decode) that needs no
//! part of this crate's client.

mod common;

use std::time::Duration;

use captcha_hyper::{Api2Action, Api2Config, CaptchaGetUrl, Credential, Error, Phase, Stamp};
use common::{Reply, SECRET_ID, SECRET_KEY, TestServer, builder, url_reply};
use http_body_util::{BodyExt, Full, Limited};
use hyper_util::rt::TokioIo;

#[tokio::test]
async fn send_carries_a_caller_encoded_request() {
    let server = TestServer::start(|_| url_reply()).await;
    let client = builder(server.endpoint()).build().unwrap();
    let action = CaptchaGetUrl::new();
    let request = client.api2_config().encode(&action, Stamp::now()).unwrap();
    let response = client.send(request).await.unwrap();
    assert!(response.status().is_success());
    let url = action.decode_response(&response).unwrap();
    assert_eq!(url.uri().host(), Some("captcha.guard.qcloud.com"));

    // The caller's own User-Agent wins.
    let mut request = client.api2_config().encode(&action, Stamp::now()).unwrap();
    request
        .headers_mut()
        .insert(http::header::USER_AGENT, "mine/2".parse().unwrap());
    client.send(request).await.unwrap();
    assert_eq!(server.seen()[1].header("user-agent"), Some("mine/2"));
    assert_eq!(server.accepts(), 1);
}

#[tokio::test]
async fn send_keeps_the_limits_and_needs_an_absolute_uri() {
    let server = TestServer::start(|seen| {
        if seen.target.starts_with("/big") {
            Reply::Endless
        } else {
            Reply::Silent
        }
    })
    .await;
    let client = builder(server.endpoint())
        .max_body_bytes(1000)
        .build()
        .unwrap();
    let big = http::Request::get(format!("http://{}/big", server.addr))
        .body(Vec::new())
        .unwrap();
    let error = client.send(big).await.unwrap_err();
    assert!(
        matches!(error, Error::BodyTooLarge { limit: 1000 }),
        "{error:?}"
    );

    let slow = http::Request::get(format!("http://{}/slow", server.addr))
        .body(Vec::new())
        .unwrap();
    let error = client
        .with_timeout(Duration::from_millis(200))
        .send(slow)
        .await
        .unwrap_err();
    assert_eq!(error.phase(), Phase::Timeout);

    let relative = http::Request::get("/v2/index.php?ticket=secret")
        .body(Vec::new())
        .unwrap();
    let error = client.send(relative).await.unwrap_err();
    assert_eq!(error.phase(), Phase::Encode);
    assert!(!error.to_string().contains("secret"), "{error}");
}

/// The crate docs' "bring your own client" example, run for real.
#[tokio::test]
async fn bring_your_own_client() {
    let server = TestServer::start(|_| url_reply()).await;
    let config = Api2Config::new(Credential::new(SECRET_ID, SECRET_KEY).unwrap())
        .with_endpoint(server.endpoint());
    let action = CaptchaGetUrl::new();
    let request = config.encode(&action, Stamp::now()).unwrap();

    let stream = tokio::net::TcpStream::connect(server.addr).await.unwrap();
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .unwrap();
    tokio::spawn(connection);
    let (mut parts, body) = request.into_parts();
    parts
        .headers
        .insert(http::header::HOST, server.addr.to_string().parse().unwrap());
    let request = http::Request::from_parts(parts, Full::new(bytes::Bytes::from(body)));
    let response = sender.send_request(request).await.unwrap();
    let status = response.status();
    let body = Limited::new(response.into_body(), 1 << 20)
        .collect()
        .await
        .unwrap()
        .to_bytes();
    let url = action.decode(status, &body).unwrap();
    assert!(url.is_https());
    let seen = &server.seen()[0];
    assert_eq!(seen.param("Action").as_deref(), Some("CaptchaGetUrl"));
}
