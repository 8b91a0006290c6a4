//! API 3.0 `describe_captcha_result` (TC3-HMAC-SHA256) against the captcha emulator on 127.0.0.1,
//! each scenario run through both transports: a minted ticket passes once over one pooled
//! connection, a wrong Randstr or AppSecretKey is a rejected verdict, refusals are typed
//! service errors never re-sent, and a connection cut mid-answer is `MaybeSent` and never
//! re-sent, even with retries on.

use captcha_client::{Error, Phase, RetryPolicy};
use captcha_emulator::{
    Api3Ticket, BackgroundEmulator, DEMO_APP_SECRET_KEY, DEMO_CAPTCHA_APP_ID, Emulator, Fault,
};
use captcha_proto::Credential;
use captcha_proto::api3::{
    CaptchaResult, DescribeCaptchaResult, DisasterRecoveryPolicy, DisasterRecoveryTicket,
    RejectReason, Verdict,
};
use captcha_tests::Transport;
use captcha_tests::emulator::{api3_check, builder_for, client, mint_api3, start, user_ip};

const ACTION: &str = "DescribeCaptchaResult";

#[test]
fn a_minted_ticket_passes_once() {
    for transport in Transport::ALL {
        let name = transport.name();
        let emulator = start(Emulator::demo());
        assert_eq!(
            emulator.api3_endpoint().to_string(),
            format!("http://127.0.0.1:{}/", emulator.local_addr().port())
        );
        let client = client(transport, builder_for(&emulator));
        let minted = mint_api3(&emulator);
        let action = api3_check(&minted).need_get_captcha_time(true);

        let (result, again) = transport.block_on_one_thread(async {
            let first = client.describe_result(&action).await.unwrap();
            (first, client.describe_result(&action).await.unwrap())
        });
        assert_eq!(result.verdict, Verdict::Pass, "{name}: {result:?}");
        let code = (result.code, result.message.as_deref());
        assert_eq!(code, (1, Some("OK")), "{name}");
        assert_eq!(result.evil_level, Some(0), "{name}");
        let times = result.get_captcha_time.is_some() && result.submit_captcha_time.is_some();
        assert!(times, "{name}: {result:?}");
        assert_eq!(result.request_id.len(), 36, "{name}: {}", result.request_id);

        let reused = Verdict::Reject(RejectReason::TicketReused);
        assert_eq!(again.verdict, reused, "{name}");
        assert_ne!(again.request_id, result.request_id, "{name}");
        let stats = emulator.stats();
        assert_eq!(stats.requests(ACTION), 2, "{name}");
        assert_eq!(stats.connections_accepted, 1, "{name}: pooled");
        emulator.shutdown();
    }
}

/// A disaster-recovery ticket is answered without a request (the emulator sees none) as its
/// own verdict, which passes only under the caller's policy; asked to, the client sends it
/// and gets Tencent's verdict, code 21.
#[test]
fn a_disaster_recovery_ticket_is_not_sent_unless_asked() {
    for transport in Transport::ALL {
        let name = transport.name();
        let emulator = start(Emulator::demo());
        let client = client(transport, builder_for(&emulator));
        let ticket = format!("trerror_1001_{DEMO_CAPTCHA_APP_ID}_1700000000");
        let action = DescribeCaptchaResult::new(
            ticket.as_str(),
            "@abc",
            user_ip(),
            DEMO_CAPTCHA_APP_ID,
            DEMO_APP_SECRET_KEY,
        );
        let (local, sent) = transport.block_on_one_thread(async {
            let local = client.describe_result(&action).await.unwrap();
            let asked = action.clone().send_disaster_recovery();
            (local, client.describe_result(&asked).await.unwrap())
        });
        let recognised = DisasterRecoveryTicket::recognise(&ticket).unwrap();
        assert_eq!(
            local.verdict,
            Verdict::DisasterRecovery(recognised),
            "{name}"
        );
        assert!(!local.is_pass(), "{name}: rejected by default");
        assert!(local.passes(DisasterRecoveryPolicy::Accept), "{name}");
        assert_eq!(
            sent.verdict,
            Verdict::Reject(RejectReason::DisasterRecoveryTicket),
            "{name}"
        );
        assert_eq!(sent.code, 21, "{name}");
        assert_eq!(
            emulator.stats().requests(ACTION),
            1,
            "{name}: only the one asked for"
        );
        emulator.shutdown();
    }
}

/// Through `transport`, checks a freshly minted ticket first as `tamper` rewrites the
/// check, then as minted; returns both results.
fn tampered_then_genuine(
    transport: Transport,
    emulator: &BackgroundEmulator,
    tamper: impl FnOnce(&Api3Ticket) -> DescribeCaptchaResult,
) -> (CaptchaResult, CaptchaResult) {
    let client = client(transport, builder_for(emulator));
    let minted = mint_api3(emulator);
    let tampered = tamper(&minted);
    transport.block_on_one_thread(async {
        let first = client.describe_result(&tampered).await.unwrap();
        let genuine = client.describe_result(&api3_check(&minted)).await.unwrap();
        (first, genuine)
    })
}

#[test]
fn a_wrong_randstr_is_rejected_and_spends_the_ticket() {
    for transport in Transport::ALL {
        let name = transport.name();
        let emulator = start(Emulator::demo());
        let (result, after) = tampered_then_genuine(transport, &emulator, |minted| {
            let key = DEMO_APP_SECRET_KEY;
            let ticket = minted.ticket.clone();
            DescribeCaptchaResult::new(ticket, "@bad", user_ip(), DEMO_CAPTCHA_APP_ID, key)
        });
        let mismatch = Verdict::Reject(RejectReason::RandstrMismatch);
        assert_eq!(result.verdict, mismatch, "{name}");
        let reused = Verdict::Reject(RejectReason::TicketReused);
        assert_eq!(after.verdict, reused, "{name}");
        emulator.shutdown();
    }
}

#[test]
fn a_wrong_app_secret_key_is_rejected() {
    for transport in Transport::ALL {
        let name = transport.name();
        let emulator = start(Emulator::demo());
        let (result, after) = tampered_then_genuine(transport, &emulator, |minted| {
            let (ticket, randstr) = (minted.ticket.clone(), minted.randstr.clone());
            let key = "not-the-app-secret-key";
            DescribeCaptchaResult::new(ticket, randstr, user_ip(), DEMO_CAPTCHA_APP_ID, key)
        });
        let mismatch = Verdict::Reject(RejectReason::AppSecretMismatch);
        assert_eq!(result.verdict, mismatch, "{name}");
        assert_eq!(result.code, 100, "{name}");
        // Someone without the key cannot spend the ticket.
        assert!(after.is_pass(), "{name}: {after:?}");
        emulator.shutdown();
    }
}

#[test]
fn refusals_are_typed_service_errors() {
    for transport in Transport::ALL {
        let name = transport.name();
        let emulator = start(Emulator::demo());
        let id = emulator.credential().secret_id().as_str().to_owned();
        let wrong_key = Credential::new(id, "wrong-key").unwrap();
        let client_with_wrong_key = client(transport, builder_for(&emulator).credential(wrong_key));
        let error = transport
            .block_on_one_thread(
                client_with_wrong_key.describe_result(&api3_check(&mint_api3(&emulator))),
            )
            .unwrap_err();
        match &error {
            Error::Api3(e) => {
                assert_eq!(e.code(), "AuthFailure.SignatureFailure", "{name}");
                let typed = e.is_auth_failure() && e.request_id().is_some();
                assert!(typed, "{name}: {e:?}");
            }
            other => panic!("{name}: {other:?}"),
        }
        assert_eq!(error.phase(), Phase::Api, "{name}");
        assert!(!error.is_retryable(), "{name}");

        // A rate limit is retryable in general, but a ticket check is never sent twice.
        let builder = builder_for(&emulator).retry(RetryPolicy::with_retries(3));
        let retrying = client(transport, builder);
        emulator.reset_stats();
        emulator.set_fault(Fault::Code(4400));
        let error = transport
            .block_on_one_thread(retrying.describe_result(&api3_check(&mint_api3(&emulator))))
            .unwrap_err();
        let rate_limited = matches!(&error, Error::Api3(e) if e.is_rate_limited());
        assert!(rate_limited, "{name}: {error:?}");
        assert_eq!(emulator.stats().requests(ACTION), 1, "{name}: re-sent");
        emulator.shutdown();
    }
}

#[test]
fn a_connection_cut_mid_answer_is_maybe_sent_and_never_resent() {
    for transport in Transport::ALL {
        let name = transport.name();
        let emulator = start(Emulator::demo());
        let builder = builder_for(&emulator).retry(RetryPolicy::with_retries(3));
        let client = client(transport, builder);
        transport.block_on_one_thread(async {
            for fault in [Fault::TruncatedBody, Fault::DropConnection] {
                emulator.reset_stats();
                emulator.set_fault(fault);
                let minted = mint_api3(&emulator);
                let error = client
                    .describe_result(&api3_check(&minted))
                    .await
                    .unwrap_err();
                let maybe_sent = matches!(error, Error::MaybeSent(_));
                assert!(maybe_sent, "{name}: {fault:?}: {error:?}");
                assert_eq!(error.phase(), Phase::MaybeSent, "{name}: {fault:?}");
                assert!(!error.is_retryable(), "{name}: {fault:?}");
                let sent = emulator.stats().requests(ACTION);
                assert_eq!(sent, 1, "{name}: {fault:?}: re-sent");
                let leaked = format!("{error:?}").contains(minted.ticket.expose_secret());
                assert!(!leaked, "{name}: the ticket leaked into the error");
                emulator.clear_faults();
                // The server did act: the ticket is spent, which is why it was not re-sent.
                let result = client.describe_result(&api3_check(&minted)).await.unwrap();
                let reused = Verdict::Reject(RejectReason::TicketReused);
                assert_eq!(result.verdict, reused, "{name}: {fault:?}");
            }
        });
        emulator.shutdown();
    }
}
