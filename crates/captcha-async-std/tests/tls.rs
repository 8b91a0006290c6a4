//! https against an async-std test server: rustls (ring) with a custom root, untrusted and
//! mismatched certificates, pooling over TLS. Root settings refused at build time are in
//! `tests/tests/tls_settings.rs` (captcha-tests, both transports).

mod support;

use captcha_async_std::{CaptchaCheck, CaptchaType, Error, Phase};
use support::{Identity, TestServer, ok, user_ip};

fn check(n: usize) -> CaptchaCheck {
    CaptchaCheck::new(format!("t03tls{n}"), user_ip(), CaptchaType::Slider)
}

#[async_std::test]
async fn custom_root_is_trusted_and_connections_are_pooled() {
    let identity = Identity::for_names(&["localhost", "127.0.0.1"]);
    let server = TestServer::start_tls(&identity, |_, _| support::Act::Reply(ok())).await;
    let client = server
        .builder()
        .add_root_certificate_der(identity.cert_der.clone())
        .build()
        .unwrap();
    assert!(client.api2_config().endpoint().is_https());
    for n in 0..10 {
        assert!(client.captcha_check(&check(n)).await.unwrap().is_pass());
    }
    assert_eq!(server.requests().len(), 10);
    assert_eq!(server.connections(), 1);
}

#[async_std::test]
async fn only_the_custom_root_is_enough() {
    let identity = Identity::for_names(&["127.0.0.1"]);
    let server = TestServer::start_tls(&identity, |_, _| support::Act::Reply(ok())).await;
    let client = server
        .builder()
        .webpki_roots(false)
        .add_root_certificate_der(identity.cert_der.clone())
        .build()
        .unwrap();
    assert!(client.captcha_check(&check(1)).await.unwrap().is_pass());
}

#[async_std::test]
async fn untrusted_certificate_is_never_sent() {
    let identity = Identity::for_names(&["localhost", "127.0.0.1"]);
    let server = TestServer::start_tls(&identity, |_, _| support::Act::Reply(ok())).await;
    let client = server.builder().build().unwrap();
    let error = client.captcha_check(&check(1)).await.unwrap_err();
    assert_eq!(error.phase(), Phase::NeverSent, "{error}");
    assert!(error.to_string().contains("TLS"), "{error}");
    assert!(server.requests().is_empty());
}

#[async_std::test]
async fn certificate_for_another_name_is_never_sent() {
    let identity = Identity::for_names(&["other.example"]);
    let server = TestServer::start_tls(&identity, |_, _| support::Act::Reply(ok())).await;
    let client = server
        .builder()
        .add_root_certificate_der(identity.cert_der.clone())
        .build()
        .unwrap();
    let error = client.captcha_check(&check(1)).await.unwrap_err();
    assert!(matches!(error, Error::NeverSent(_)), "{error}");
    assert!(server.requests().is_empty());
}
