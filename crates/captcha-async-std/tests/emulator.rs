//! Against the captcha emulator on 127.0.0.1 (its own tokio runtime on a background thread,
//! so these tests stay on async-std): every action end to end, GET and POST, SHA1 and
//! SHA256, https with a private root, connection reuse, and the emulator's faults.

use std::net::IpAddr;
use std::time::{Duration, Instant};

use captcha_async_std::{
    CaptchaCheck, CaptchaGetUrl, CaptchaIframeQuery, CaptchaQuery, CaptchaType, CaptchaVerify,
    CheckVerdict, Client, ClientBuilder, ClientType, Credential, DisturbLevel, Error, HttpMethod,
    IsHttps, Phase, RawAction, RetryPolicy, ScriptFormat, SignatureMethod, VerifyVerdict,
};
use captcha_emulator::{BackgroundEmulator, Emulator, EmulatorBuilder, Fault};

const USER_IP: &str = "203.0.113.7";

fn user_ip() -> IpAddr {
    USER_IP.parse().unwrap()
}

fn start(builder: EmulatorBuilder) -> BackgroundEmulator {
    BackgroundEmulator::start(builder, "127.0.0.1:0".parse().unwrap()).unwrap()
}

fn emulator() -> BackgroundEmulator {
    start(Emulator::builder())
}

fn client_for(emulator: &BackgroundEmulator) -> ClientBuilder<Client> {
    Client::builder()
        .credential(emulator.credential())
        .endpoint(emulator.endpoint())
}

/// get_url → fetch_image (vsig cookie) → verify → Right (then Wrong: single use); a wrong
/// answer is Wrong; a minted ticket passes check once, then fails.
async fn full_flow(client: &Client, emulator: &BackgroundEmulator) {
    let url = client
        .get_url(&CaptchaGetUrl::new().user_ip(user_ip()))
        .await
        .unwrap();
    let image = client.fetch_image(&url).await.unwrap();
    assert!(image.bytes.starts_with(b"\x89PNG"), "a real PNG");
    let answer = emulator
        .answer_for(image.captcha_sig.expose_secret())
        .expect("the emulator knows its image");
    let verify = CaptchaVerify::new(image.captcha_sig.clone(), answer).user_ip(user_ip());
    assert_eq!(client.verify(&verify).await.unwrap(), VerifyVerdict::Right);
    assert_eq!(client.verify(&verify).await.unwrap(), VerifyVerdict::Wrong);

    let url = client.get_url(&CaptchaGetUrl::new()).await.unwrap();
    let image = client.fetch_image(&url).await.unwrap();
    let wrong = CaptchaVerify::new(image.captcha_sig.clone(), "not-the-answer");
    assert_eq!(client.verify(&wrong).await.unwrap(), VerifyVerdict::Wrong);

    let ticket = emulator.mint_ticket(user_ip(), 9);
    let check = CaptchaCheck::new(ticket, user_ip(), CaptchaType::Slider);
    assert_eq!(client.check(&check).await.unwrap(), CheckVerdict::Pass);
    assert!(matches!(
        client.check(&check).await.unwrap(),
        CheckVerdict::Fail { .. }
    ));
}

#[async_std::test]
async fn full_flow_get_post_sha1_sha256() {
    let emulator = emulator();
    for method in [HttpMethod::Get, HttpMethod::Post] {
        for signature in [SignatureMethod::HmacSha1, SignatureMethod::HmacSha256] {
            let client = client_for(&emulator)
                .http_method(method)
                .signature_method(signature)
                .build()
                .unwrap();
            full_flow(&client, &emulator).await;
        }
    }
    let stats = emulator.stats();
    assert_eq!(stats.requests("CaptchaCheck"), 8);
    assert_eq!(stats.requests("CaptchaVerify"), 12);
    assert_eq!(stats.image_fetches, 8);
}

#[test]
fn full_flow_under_smol() {
    let emulator = emulator();
    smol::block_on(async {
        let client = client_for(&emulator).build().unwrap();
        full_flow(&client, &emulator).await;
    });
    assert_eq!(emulator.stats().connections_accepted, 1);
}

#[async_std::test]
async fn iframe_query_query_and_raw_actions() {
    let emulator = emulator();
    let client = client_for(&emulator).build().unwrap();
    let iframe = CaptchaIframeQuery::new(
        CaptchaType::Slider,
        DisturbLevel::Low,
        IsHttps::Https,
        ClientType::PcWeb,
    )
    .user_ip(user_ip());
    let url = client.iframe_query(&iframe).await.unwrap();
    assert!(url.uri().host().is_some());

    for format in [ScriptFormat::Json, ScriptFormat::JavaScript] {
        let query = CaptchaQuery::new(user_ip(), CaptchaType::Slider, 1, 1_600_000_000, format);
        let script = client.query(&query).await.unwrap();
        assert!(!script.as_str().trim().is_empty(), "{format:?}");
    }

    let reply = client
        .call(&RawAction::new("CaptchaGetUrl").param("captchaType", "1"))
        .await
        .unwrap();
    assert!(
        reply.get("url").and_then(|u| u.as_str()).is_some(),
        "{reply:?}"
    );

    let ticket = emulator.mint_ticket(user_ip(), 9);
    let raw_check = RawAction::new("CaptchaCheck")
        .param("ticket", ticket)
        .param("userIp", USER_IP)
        .param("captchaType", "9")
        .param("accountType", "0")
        .single_use();
    let reply = client.call(&raw_check).await.unwrap();
    assert_eq!(
        reply.get("code").and_then(|c| c.as_i64()),
        Some(0),
        "{reply:?}"
    );

    let error = client
        .call(&RawAction::new("NoSuchAction"))
        .await
        .unwrap_err();
    assert_eq!(error.phase(), Phase::Api, "{error:?}");
}

#[async_std::test]
async fn wrong_key_is_an_auth_failure() {
    let emulator = emulator();
    let id = emulator.credential().secret_id().as_str().to_owned();
    let client = Client::builder()
        .credential(Credential::new(id, "not-the-key").unwrap())
        .endpoint(emulator.endpoint())
        .build()
        .unwrap();
    let error = client.get_url(&CaptchaGetUrl::new()).await.unwrap_err();
    assert!(
        error.api().is_some_and(|e| e.is_auth_failure()),
        "{error:?}"
    );
    assert!(!error.is_retryable());
}

#[async_std::test]
async fn hundred_calls_one_connection() {
    let emulator = emulator();
    let client = client_for(&emulator).build().unwrap();
    for _ in 0..100 {
        client.get_url(&CaptchaGetUrl::new()).await.unwrap();
    }
    let stats = emulator.stats();
    assert_eq!(stats.requests("CaptchaGetUrl"), 100);
    assert_eq!(stats.connections_accepted, 1);
}

#[async_std::test]
async fn https_with_a_private_root_and_untrusted_is_never_sent() {
    let certified =
        rcgen::generate_simple_self_signed(vec!["localhost".to_owned(), "127.0.0.1".to_owned()])
            .unwrap();
    let cert = certified.cert.der().to_vec();
    let emulator =
        start(Emulator::builder().tls(cert.clone(), certified.signing_key.serialize_der()));
    assert!(emulator.endpoint().is_https());

    let trusted = client_for(&emulator)
        .webpki_roots(false)
        .add_root_certificate_der(cert)
        .build()
        .unwrap();
    full_flow(&trusted, &emulator).await;

    let untrusted = client_for(&emulator).build().unwrap();
    let error = untrusted.get_url(&CaptchaGetUrl::new()).await.unwrap_err();
    assert!(matches!(error, Error::NeverSent(_)), "{error:?}");
    assert!(error.to_string().contains("TLS"), "{error}");
    let stats = emulator.stats();
    assert_eq!(
        stats.requests("CaptchaGetUrl"),
        2,
        "only the trusted calls arrive"
    );
}

#[async_std::test]
async fn dropped_or_truncated_answer_is_maybe_sent_and_never_resent() {
    let emulator = emulator();
    let client = client_for(&emulator)
        .retry(RetryPolicy::with_retries(3))
        .build()
        .unwrap();
    for fault in [Fault::DropConnection, Fault::TruncatedBody] {
        emulator.reset_stats();
        emulator.set_fault(fault);
        let ticket = emulator.mint_ticket(user_ip(), 9);
        let check = CaptchaCheck::new(ticket, user_ip(), CaptchaType::Slider);
        let error = client.check(&check).await.unwrap_err();
        assert!(matches!(error, Error::MaybeSent(_)), "{fault:?}: {error:?}");
        assert_eq!(emulator.stats().requests("CaptchaCheck"), 1, "{fault:?}");

        // Not single use, but maybe sent: no retry either.
        let error = client.get_url(&CaptchaGetUrl::new()).await.unwrap_err();
        assert!(matches!(error, Error::MaybeSent(_)), "{fault:?}: {error:?}");
        assert_eq!(emulator.stats().requests("CaptchaGetUrl"), 1, "{fault:?}");
        emulator.clear_faults();
    }
    // The pool recovers.
    client.get_url(&CaptchaGetUrl::new()).await.unwrap();
}

#[async_std::test]
async fn oversized_answer_is_body_too_large() {
    let emulator = emulator();
    let client = client_for(&emulator).build().unwrap();
    emulator.set_fault(Fault::OversizedBody(5 * 1024 * 1024));
    let error = client.get_url(&CaptchaGetUrl::new()).await.unwrap_err();
    assert!(
        matches!(error, Error::BodyTooLarge { limit: 1_048_576 }),
        "{error:?}"
    );
    emulator.clear_faults();
    client.get_url(&CaptchaGetUrl::new()).await.unwrap();
}

#[async_std::test]
async fn slow_server_times_out_within_deadline() {
    let emulator = emulator();
    let client = client_for(&emulator).build().unwrap();
    emulator.set_fault(Fault::Latency(Duration::from_secs(30)));
    let limit = Duration::from_millis(1500);
    let started = Instant::now();
    let error = client
        .with_timeout(limit)
        .get_url(&CaptchaGetUrl::new())
        .await
        .unwrap_err();
    let elapsed = started.elapsed();
    assert!(matches!(error, Error::Timeout { .. }), "{error:?}");
    assert!(
        elapsed >= limit && elapsed <= limit.mul_f64(1.1),
        "{elapsed:?}"
    );
}

#[async_std::test]
async fn refusals_and_proxy_pages_are_typed() {
    let emulator = emulator();
    let client = client_for(&emulator).build().unwrap();
    emulator.set_fault(Fault::Code(4500));
    let error = client.get_url(&CaptchaGetUrl::new()).await.unwrap_err();
    assert!(
        error.api().is_some_and(|e| e.is_replay_or_skew()),
        "{error:?}"
    );
    emulator.set_fault(Fault::HttpStatus(502));
    let error = client.get_url(&CaptchaGetUrl::new()).await.unwrap_err();
    assert!(matches!(error, Error::Response(_)), "{error:?}");
}
