//! https through rustls (ring) against a tokio test server: a private root trusted
//! explicitly, refused otherwise; plain http when the endpoint says so; building needs no
//! runtime. Root settings refused at build time are in `tests/tests/tls_settings.rs`
//! (captcha-tests, both transports).

mod common;

use captcha_hyper::{CaptchaGetUrl, Error};
use common::{Reply, TestServer, builder, self_signed, url_reply};

fn https_endpoint(server: &TestServer, host: &str) -> captcha_hyper::Endpoint {
    format!("https://{host}:{}/v2/index.php", server.addr.port())
        .parse()
        .unwrap()
}

#[tokio::test]
async fn custom_root_is_trusted_without_webpki_roots() {
    let (cert, acceptor) = self_signed();
    let server = TestServer::start_with(Some(acceptor), 0, |_| url_reply()).await;
    for host in ["localhost", "127.0.0.1"] {
        let client = builder(https_endpoint(&server, host))
            .webpki_roots(false)
            .add_root_certificate_der(cert.clone())
            .build()
            .unwrap();
        let url = client.captcha_get_url(&CaptchaGetUrl::new()).await.unwrap();
        assert!(url.is_https());
    }
    assert_eq!(server.seen().len(), 2);
    // The Host header carries the authority the request was signed for.
    assert!(
        server.seen()[0]
            .header("host")
            .unwrap()
            .starts_with("localhost:")
    );
}

#[tokio::test]
async fn untrusted_certificate_is_a_never_sent_tls_error() {
    let (_, acceptor) = self_signed();
    let server = TestServer::start_with(Some(acceptor), 0, |_| url_reply()).await;
    // Default roots (webpki) do not include the self-signed certificate.
    let client = builder(https_endpoint(&server, "localhost"))
        .build()
        .unwrap();
    let error = client
        .captcha_get_url(&CaptchaGetUrl::new())
        .await
        .unwrap_err();
    assert!(matches!(error, Error::NeverSent(_)), "{error:?}");
    assert!(error.is_retryable());
    assert!(error.to_string().contains("TLS"), "{error}");
    assert!(server.seen().is_empty());
}

#[tokio::test]
async fn another_certificate_does_not_vouch_for_the_server() {
    let (_, acceptor) = self_signed();
    let (other_cert, _) = self_signed();
    let server = TestServer::start_with(Some(acceptor), 0, |_| url_reply()).await;
    let client = builder(https_endpoint(&server, "localhost"))
        .webpki_roots(false)
        .add_root_certificate_der(other_cert)
        .build()
        .unwrap();
    let error = client
        .captcha_get_url(&CaptchaGetUrl::new())
        .await
        .unwrap_err();
    assert!(matches!(error, Error::NeverSent(_)), "{error:?}");
    assert!(server.seen().is_empty());
}

#[tokio::test]
async fn plain_http_endpoint_needs_no_tls() {
    let server = TestServer::start(|_| url_reply()).await;
    let client = builder(server.endpoint())
        .webpki_roots(false)
        .build()
        .unwrap();
    client.captcha_get_url(&CaptchaGetUrl::new()).await.unwrap();
    assert_eq!(server.seen().len(), 1);
}

#[test]
fn building_needs_no_runtime() {
    let server_less = "http://127.0.0.1:1/v2/index.php".parse().unwrap();
    let client = builder(server_less).build().unwrap();
    let shown = format!("{client:?}");
    assert!(shown.contains("127.0.0.1") && !shown.contains(common::SECRET_KEY));
    let _ = Reply::Silent;
}
