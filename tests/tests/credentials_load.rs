//! 10,000 ticket checks through each transport, signed with a CVM-role credential that
//! lives 4 s, so it is refreshed twice or more during the run (at half its lifetime): every
//! check passes, the emulator sees exactly one credential fetch per refresh (the callers
//! that find the credential due wait for the one refresh under way), and no request ever
//! pairs a key with another credential's token.

use std::time::{Duration, Instant};

use captcha_client::credentials::{CredentialEndpoints, CredentialSource};
use captcha_emulator::Emulator;
use captcha_hyper::ClientBuilder;
use captcha_tests::Transport;
use captcha_tests::emulator::{api3_check, mint_api3, start};
use futures_util::future::join_all;

const CHECKS: usize = 10_000;
/// Checks in flight at once (below the emulator's 1,024 connections).
const WAVE: usize = 500;
const LIFETIME: Duration = Duration::from_secs(4);

#[test]
fn checks_across_refreshes_all_pass_with_one_fetch_per_refresh() {
    for transport in Transport::ALL {
        let emulator = start(
            Emulator::builder()
                .cvm_role("CaptchaRole", LIFETIME)
                .without_api3_rate_limit(),
        );
        let endpoints = CredentialEndpoints {
            metadata: emulator.metadata_endpoint(),
            ..CredentialEndpoints::default()
        };
        let settings = ClientBuilder::new()
            .credential_source(CredentialSource::cvm_role(endpoints))
            .api3_endpoint(emulator.api3_endpoint())
            .settings()
            .expect("valid client settings");
        let client = transport.client(settings);
        let started = Instant::now();
        let mut failures = Vec::new();
        for _ in 0..CHECKS / WAVE {
            let checks: Vec<_> = (0..WAVE)
                .map(|_| api3_check(&mint_api3(&emulator)))
                .collect();
            let results = transport.block_on_one_thread(join_all(
                checks.iter().map(|check| client.describe_result(check)),
            ));
            failures.extend(
                results
                    .into_iter()
                    .filter(|r| !r.as_ref().is_ok_and(|result| result.is_pass()))
                    .map(|r| format!("{r:?}")),
            );
            // Spread the run over more than one lifetime.
            std::thread::sleep(Duration::from_millis(250));
        }
        let took = started.elapsed();
        let stats = emulator.stats();
        let name = transport.name();
        assert!(
            failures.is_empty(),
            "{name}: {} failures, first {:?}",
            failures.len(),
            failures.first()
        );
        assert_eq!(stats.token_mismatches, 0, "{name}");
        assert_eq!(stats.expired_credentials, 0, "{name}");
        let fetches = client.credential_fetches();
        assert_eq!(
            stats.metadata_credential_fetches, fetches,
            "{name}: one request per fetch"
        );
        // A refresh is due every half lifetime (2 s): the first fetch plus one per period.
        let periods = took.as_secs_f64() / (LIFETIME.as_secs_f64() / 2.0);
        assert!(
            fetches >= 2,
            "{name}: refreshed during the run ({fetches} fetches in {took:?})"
        );
        assert!(
            fetches as f64 <= 1.0 + periods.ceil(),
            "{name}: {fetches} fetches in {took:?}: more than one per refresh"
        );
        eprintln!("{name}: {CHECKS} checks in {took:?}, {fetches} credential fetches, 0 failures");
        emulator.shutdown();
    }
}
