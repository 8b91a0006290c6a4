//! A retried never-sent call is re-signed: checked through the logs, so it runs in its own
//! test binary (tracing's per-callsite interest cache is shared by every test thread of a
//! process, and a concurrent test can leave a callsite disabled for this one's subscriber).

mod common;

use captcha_hyper::{CaptchaGetUrl, RetryPolicy};
use common::{LogCapture, TestServer, builder, self_signed, url_reply};

#[tokio::test(flavor = "current_thread")]
async fn never_sent_is_retried_and_re_signed() {
    let (cert, acceptor) = self_signed();
    // The first connection dies in the TLS handshake (never sent); the second answers.
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
    let logs = LogCapture::start();
    client.captcha_get_url(&CaptchaGetUrl::new()).await.unwrap();
    assert_eq!(server.accepts(), 2);
    assert_eq!(server.seen().len(), 1);

    // Both attempts were logged (redacted) with their own nonce; the server got the second.
    let text = logs.text();
    let nonces: Vec<&str> = text
        .match_indices("Nonce=")
        .map(|(at, _)| text[at + 6..].split(['&', ' ', '\n']).next().unwrap())
        .collect();
    assert_eq!(nonces.len(), 2, "{text}");
    assert_ne!(nonces[0], nonces[1]);
    assert_eq!(server.seen()[0].param("Nonce").as_deref(), Some(nonces[1]));
    assert!(text.contains("retrying"), "{text}");
}
