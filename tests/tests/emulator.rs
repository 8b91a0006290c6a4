//! API 2.0 end to end against the captcha emulator on 127.0.0.1, each scenario run through
//! both transports: every action (get_url, fetch_image, verify, check, iframe_query, query,
//! raw calls), GET and POST, SHA1 and SHA256, a wrong key, connection reuse, https with a
//! private root (and refused without it), and the emulator's faults (dropped or truncated
//! answers, oversized bodies, latency, refusals, proxy pages).
//!
//! The timing of a deadline is asserted by `tests/faults.rs`; here only its typed error.

use std::time::{Duration, Instant};

use captcha_client::{Error, Phase, RetryPolicy};
use captcha_emulator::{BackgroundEmulator, Emulator, Fault};
use captcha_proto::{
    Api2RawAction, CaptchaCheck, CaptchaGetUrl, CaptchaIframeQuery, CaptchaQuery, CaptchaType,
    CaptchaVerify, CheckVerdict, ClientType, Credential, DisturbLevel, HttpMethod, IsHttps,
    ScriptFormat, SignatureMethod, VerifyVerdict,
};
use captcha_tests::emulator::{USER_IP, builder_for, client, start, user_ip};
use captcha_tests::{TestClient, Transport};

/// How long to wait for the emulator to count a failed TLS handshake (it notices on its
/// own schedule). A bound on waiting, not an assertion on time.
const HANDSHAKE_NOTICE: Duration = Duration::from_secs(5);

/// get_url → fetch_image (vsig cookie, a real PNG) → verify → Right, then Wrong (single
/// use); a wrong answer is Wrong; a minted ticket passes check once, then fails.
async fn full_flow(client: &TestClient, emulator: &BackgroundEmulator) {
    let name = client.transport().name();
    let url = client
        .get_url(&CaptchaGetUrl::new().user_ip(user_ip()))
        .await
        .unwrap();
    let image = client.fetch_image(&url).await.unwrap();
    assert!(image.bytes.starts_with(b"\x89PNG"), "{name}: not a PNG");
    let answer = emulator
        .answer_for(image.captcha_sig.expose_secret())
        .expect("the emulator knows its image");
    let verify = CaptchaVerify::new(image.captcha_sig.clone(), answer).user_ip(user_ip());
    let verdicts = (
        client.verify(&verify).await.unwrap(),
        client.verify(&verify).await.unwrap(),
    );
    assert_eq!(
        verdicts,
        (VerifyVerdict::Right, VerifyVerdict::Wrong),
        "{name}: right once, then spent"
    );

    let url = client.get_url(&CaptchaGetUrl::new()).await.unwrap();
    let image = client.fetch_image(&url).await.unwrap();
    let wrong = CaptchaVerify::new(image.captcha_sig.clone(), "not-the-answer");
    let verdict = client.verify(&wrong).await.unwrap();
    assert_eq!(verdict, VerifyVerdict::Wrong, "{name}: a wrong answer");

    let ticket = emulator.mint_ticket(user_ip(), 9);
    let check = CaptchaCheck::new(ticket, user_ip(), CaptchaType::Slider);
    let first = client.check(&check).await.unwrap();
    assert_eq!(first, CheckVerdict::Pass, "{name}: a fresh ticket");
    let again = client.check(&check).await.unwrap();
    assert!(
        matches!(again, CheckVerdict::Fail { .. }),
        "{name}: {again:?}"
    );
}

#[test]
fn full_flow_get_post_sha1_sha256() {
    for transport in Transport::ALL {
        let name = transport.name();
        let emulator = start(Emulator::builder());
        transport.block_on_one_thread(async {
            for method in [HttpMethod::Get, HttpMethod::Post] {
                for signature in [SignatureMethod::HmacSha1, SignatureMethod::HmacSha256] {
                    let builder = builder_for(&emulator)
                        .api2_http_method(method)
                        .api2_signature_method(signature);
                    full_flow(&client(transport, builder), &emulator).await;
                }
            }
        });
        let stats = emulator.stats();
        assert_eq!(stats.requests("CaptchaCheck"), 8, "{name}");
        assert_eq!(stats.requests("CaptchaVerify"), 12, "{name}");
        assert_eq!(stats.image_fetches, 8, "{name}");
        emulator.shutdown();
    }
}

#[test]
fn iframe_query_query_and_raw_actions() {
    for transport in Transport::ALL {
        let name = transport.name();
        let emulator = start(Emulator::builder());
        let client = client(transport, builder_for(&emulator));
        transport.block_on_one_thread(async {
            let iframe = CaptchaIframeQuery::new(
                CaptchaType::Slider,
                DisturbLevel::Low,
                IsHttps::Https,
                ClientType::PcWeb,
            )
            .user_ip(user_ip());
            let url = client.iframe_query(&iframe).await.unwrap();
            assert!(url.uri().host().is_some(), "{name}: {url:?}");

            for format in [ScriptFormat::Json, ScriptFormat::JavaScript] {
                let query =
                    CaptchaQuery::new(user_ip(), CaptchaType::Slider, 1, 1_600_000_000, format);
                let script = client.query(&query).await.unwrap();
                assert!(!script.as_str().trim().is_empty(), "{name}: {format:?}");
            }

            let raw = Api2RawAction::new("CaptchaGetUrl").param("captchaType", "1");
            let reply = client.call(&raw).await.unwrap();
            let url = reply.get("url").and_then(|u| u.as_str());
            assert!(url.is_some(), "{name}: {reply:?}");

            let ticket = emulator.mint_ticket(user_ip(), 9);
            let raw_check = Api2RawAction::new("CaptchaCheck")
                .param("ticket", ticket)
                .param("userIp", USER_IP)
                .param("captchaType", "9")
                .param("accountType", "0")
                .mark_single_use();
            let reply = client.call(&raw_check).await.unwrap();
            let code = reply.get("code").and_then(|c| c.as_i64());
            assert_eq!(code, Some(0), "{name}: {reply:?}");

            let unknown = Api2RawAction::new("NoSuchAction");
            let error = client.call(&unknown).await.unwrap_err();
            assert_eq!(error.phase(), Phase::Api, "{name}: {error:?}");
        });
        emulator.shutdown();
    }
}

#[test]
fn wrong_key_is_an_auth_failure() {
    for transport in Transport::ALL {
        let name = transport.name();
        let emulator = start(Emulator::builder());
        let id = emulator.credential().secret_id().as_str().to_owned();
        let wrong_key = Credential::new(id, "not-the-key").unwrap();
        let client = client(transport, builder_for(&emulator).credential(wrong_key));
        let error = transport
            .block_on_one_thread(client.get_url(&CaptchaGetUrl::new()))
            .unwrap_err();
        let auth_failure = error.api2().is_some_and(|e| e.is_auth_failure());
        assert!(auth_failure, "{name}: {error:?}");
        assert!(!error.is_retryable(), "{name}: {error:?}");
        emulator.shutdown();
    }
}

#[test]
fn hundred_calls_one_connection() {
    for transport in Transport::ALL {
        let name = transport.name();
        let emulator = start(Emulator::builder());
        let client = client(transport, builder_for(&emulator));
        transport.block_on_one_thread(async {
            for _ in 0..100 {
                client.get_url(&CaptchaGetUrl::new()).await.unwrap();
            }
        });
        let stats = emulator.stats();
        assert_eq!(stats.requests("CaptchaGetUrl"), 100, "{name}");
        assert_eq!(stats.connections_accepted, 1, "{name}: pooled");
        emulator.shutdown();
    }
}

#[test]
fn https_with_a_private_root_and_untrusted_is_never_sent() {
    for transport in Transport::ALL {
        let name = transport.name();
        let certified = rcgen::generate_simple_self_signed(vec![
            "localhost".to_owned(),
            "127.0.0.1".to_owned(),
        ])
        .unwrap();
        let cert = certified.cert.der().to_vec();
        let key = certified.signing_key.serialize_der();
        let emulator = start(Emulator::builder().tls(cert.clone(), key));
        assert!(emulator.endpoint().is_https(), "{name}");

        let builder = builder_for(&emulator)
            .webpki_roots(false)
            .add_root_certificate_der(cert);
        let trusted = client(transport, builder);
        let untrusted = client(transport, builder_for(&emulator));
        let error = transport.block_on_one_thread(async {
            full_flow(&trusted, &emulator).await;
            untrusted.get_url(&CaptchaGetUrl::new()).await.unwrap_err()
        });
        assert!(matches!(error, Error::NeverSent(_)), "{name}: {error:?}");
        assert!(error.to_string().contains("TLS"), "{name}: {error}");
        let waited = Instant::now();
        while emulator.stats().tls_handshake_failures == 0 && waited.elapsed() < HANDSHAKE_NOTICE {
            std::thread::sleep(Duration::from_millis(10));
        }
        let stats = emulator.stats();
        assert!(stats.tls_handshake_failures >= 1, "{name}: {stats:?}");
        assert_eq!(
            stats.requests("CaptchaGetUrl"),
            2,
            "{name}: only the trusted client's calls arrive"
        );
        emulator.shutdown();
    }
}

#[test]
fn dropped_or_truncated_answer_is_maybe_sent_and_never_resent() {
    for transport in Transport::ALL {
        let name = transport.name();
        let emulator = start(Emulator::builder());
        let builder = builder_for(&emulator).retry(RetryPolicy::with_retries(3));
        let client = client(transport, builder);
        transport.block_on_one_thread(async {
            for fault in [Fault::DropConnection, Fault::TruncatedBody] {
                emulator.reset_stats();
                emulator.set_fault(fault);
                let ticket = emulator.mint_ticket(user_ip(), 9);
                let check = CaptchaCheck::new(ticket, user_ip(), CaptchaType::Slider);
                let error = client.check(&check).await.unwrap_err();
                let maybe_sent = matches!(error, Error::MaybeSent(_));
                assert!(maybe_sent, "{name}: {fault:?}: {error:?}");
                let checks = emulator.stats().requests("CaptchaCheck");
                assert_eq!(checks, 1, "{name}: {fault:?}");

                // Not single use, but maybe sent: no retry either.
                let error = client.get_url(&CaptchaGetUrl::new()).await.unwrap_err();
                let maybe_sent = matches!(error, Error::MaybeSent(_));
                assert!(maybe_sent, "{name}: {fault:?}: {error:?}");
                let urls = emulator.stats().requests("CaptchaGetUrl");
                assert_eq!(urls, 1, "{name}: {fault:?}");
                emulator.clear_faults();
            }
            // The pool recovers.
            let recovered = client.get_url(&CaptchaGetUrl::new()).await;
            assert!(recovered.is_ok(), "{name}: {recovered:?}");
        });
        emulator.shutdown();
    }
}

#[test]
fn oversized_answer_is_body_too_large() {
    for transport in Transport::ALL {
        let name = transport.name();
        let emulator = start(Emulator::builder());
        let client = client(transport, builder_for(&emulator));
        transport.block_on_one_thread(async {
            emulator.set_fault(Fault::OversizedBody(5 * 1024 * 1024));
            let error = client.get_url(&CaptchaGetUrl::new()).await.unwrap_err();
            let too_large = matches!(error, Error::BodyTooLarge { limit: 1_048_576 });
            assert!(too_large, "{name}: {error:?}");
            emulator.clear_faults();
            // The pool recovers: the next call works.
            let recovered = client.get_url(&CaptchaGetUrl::new()).await;
            assert!(recovered.is_ok(), "{name}: {recovered:?}");
        });
        emulator.shutdown();
    }
}

#[test]
fn slow_server_times_out_at_the_deadline() {
    let limit = Duration::from_millis(1500);
    for transport in Transport::ALL {
        let name = transport.name();
        let emulator = start(Emulator::builder());
        let client = client(transport, builder_for(&emulator)).with_timeout(limit);
        emulator.set_fault(Fault::Latency(Duration::from_secs(30)));
        let error = transport
            .block_on_one_thread(client.get_url(&CaptchaGetUrl::new()))
            .unwrap_err();
        let timed_out = matches!(error, Error::Timeout { after } if after == limit);
        assert!(timed_out, "{name}: {error:?}");
        emulator.shutdown();
    }
}

#[test]
fn refusals_and_proxy_pages_are_typed() {
    for transport in Transport::ALL {
        let name = transport.name();
        let emulator = start(Emulator::builder());
        let client = client(transport, builder_for(&emulator));
        transport.block_on_one_thread(async {
            emulator.set_fault(Fault::Code(4500));
            let error = client.get_url(&CaptchaGetUrl::new()).await.unwrap_err();
            let replay = error.api2().is_some_and(|e| e.is_replay_or_skew());
            assert!(replay, "{name}: {error:?}");
            emulator.set_fault(Fault::HttpStatus(502));
            let error = client.get_url(&CaptchaGetUrl::new()).await.unwrap_err();
            assert!(matches!(error, Error::Response(_)), "{name}: {error:?}");
        });
        emulator.shutdown();
    }
}
