//! API 3.0 `DescribeCaptchaResult` in every mode the official SDKs offer, against the captcha
//! emulator on 127.0.0.1 through both transports: TC3-HMAC-SHA256 over POST (JSON) and GET
//! (flattened query), and signature v1 `HmacSHA1` / `HmacSHA256` over POST (form body) and
//! GET (query). In each, a minted ticket passes (code 1), the same ticket again is reused
//! (9), and a wrong AppSecretKey is refused (100).

use captcha_emulator::{DEMO_APP_SECRET_KEY, Emulator};
use captcha_proto::HttpMethod;
use captcha_proto::api3::{Api3Signature, RejectReason, Verdict};
use captcha_tests::Transport;
use captcha_tests::emulator::{api3_check_with_key, builder_for, client_in_mode, mint_api3, start};

const MODES: [(Api3Signature, HttpMethod); 6] = [
    (Api3Signature::Tc3, HttpMethod::Post),
    (Api3Signature::Tc3, HttpMethod::Get),
    (Api3Signature::HmacSha1, HttpMethod::Post),
    (Api3Signature::HmacSha1, HttpMethod::Get),
    (Api3Signature::HmacSha256, HttpMethod::Post),
    (Api3Signature::HmacSha256, HttpMethod::Get),
];

#[test]
fn every_mode_passes_a_ticket_once_and_refuses_a_wrong_app_secret_key() {
    for transport in Transport::ALL {
        let emulator = start(Emulator::demo());
        for (signature, method) in MODES {
            let name = format!("{} {signature} {}", transport.name(), method.as_str());
            let client = client_in_mode(transport, &emulator, signature, method);
            let action = api3_check_with_key(&mint_api3(&emulator), DEMO_APP_SECRET_KEY);
            let wrong = api3_check_with_key(&mint_api3(&emulator), "not-the-app-secret-key");
            let (first, again, mismatch) = transport.block_on_one_thread(async {
                let first = client.describe_result(&action).await;
                let again = client.describe_result(&action).await;
                (first, again, client.describe_result(&wrong).await)
            });
            let first = first.unwrap_or_else(|e| panic!("{name}: {e:?}"));
            assert_eq!(first.verdict, Verdict::Pass, "{name}: {first:?}");
            assert_eq!(first.code, 1, "{name}");
            let again = again.unwrap_or_else(|e| panic!("{name}: {e:?}"));
            let reused = Verdict::Reject(RejectReason::TicketReused);
            assert_eq!((again.verdict, again.code), (reused, 9), "{name}");
            let mismatch = mismatch.unwrap_or_else(|e| panic!("{name}: {e:?}"));
            let refused = Verdict::Reject(RejectReason::AppSecretMismatch);
            assert_eq!((mismatch.verdict, mismatch.code), (refused, 100), "{name}");
        }
        emulator.shutdown();
    }
}

/// The emulator checks the signature in every mode: signed with another SecretKey, the
/// call is an `AuthFailure.SignatureFailure` and the ticket stays unspent.
#[test]
fn every_mode_is_refused_when_signed_with_a_wrong_key() {
    for transport in Transport::ALL {
        let emulator = start(Emulator::demo());
        let id = emulator.credential().secret_id().as_str().to_owned();
        let wrong_key = captcha_proto::Credential::new(id, "wrong-key").unwrap();
        for (signature, method) in MODES {
            let name = format!("{} {signature} {}", transport.name(), method.as_str());
            let mut settings = builder_for(&emulator)
                .credential(wrong_key.clone())
                .settings()
                .expect("valid client settings");
            settings.api3 = settings
                .api3
                .clone()
                .with_signature(signature)
                .with_http_method(method);
            let client = transport.client(settings);
            let genuine = client_in_mode(transport, &emulator, signature, method);
            let action = api3_check_with_key(&mint_api3(&emulator), DEMO_APP_SECRET_KEY);
            let (refused, after) = transport.block_on_one_thread(async {
                let refused = client.describe_result(&action).await;
                (refused, genuine.describe_result(&action).await)
            });
            match refused {
                Err(captcha_client::Error::Api3(e)) => {
                    assert_eq!(e.code(), "AuthFailure.SignatureFailure", "{name}")
                }
                other => panic!("{name}: {other:?}"),
            }
            let after = after.unwrap_or_else(|e| panic!("{name}: {e:?}"));
            assert!(after.is_pass(), "{name}: {after:?}");
        }
        emulator.shutdown();
    }
}
