//! API 3.0 `RequestLimitExceeded` end to end, through both transports: the emulator limits
//! `DescribeCaptchaResult` to a few checks per second (system clock); a burst of checks
//! with `retry_rate_limited(true)` all pass eventually, each ticket spent exactly once,
//! while without the opt-in the excess ones fail with `Error::Api3` `RequestLimitExceeded`
//! and are sent exactly once.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use captcha_client::{Error, RetryPolicy};
use captcha_emulator::{BackgroundEmulator, DEMO_APP_SECRET_KEY, DEMO_CAPTCHA_APP_ID, Emulator};
use captcha_proto::api3::{DescribeCaptchaResult, Verdict};
use captcha_tests::Transport;
use captcha_tests::emulator::{api3_check, builder_for, client, mint_api3, start};
use futures_util::future::join_all;

const ACTION: &str = "DescribeCaptchaResult";
/// Checks per second the emulator lets through.
const LIMIT: u32 = 3;
/// Checks in the burst: more than one second's worth, at most two seconds' worth.
const BURST: usize = 5;

fn limited_emulator() -> BackgroundEmulator {
    start(
        Emulator::builder()
            .captcha_app(DEMO_CAPTCHA_APP_ID, DEMO_APP_SECRET_KEY)
            .api3_rate_limit(LIMIT),
    )
}

/// Retries that fit a burst spread over two seconds of the emulator clock.
fn policy() -> RetryPolicy {
    RetryPolicy {
        base_delay: Duration::from_millis(100),
        max_delay: Duration::from_millis(250),
        deadline: Duration::from_millis(2800),
        ..RetryPolicy::with_retries(40)
    }
}

/// Sleeps until just after the system clock enters a new second, so that a burst started
/// now falls within one second of the emulator clock.
fn align_to_a_second() {
    let into = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    let left = Duration::from_nanos(1_000_000_000 - u64::from(into));
    std::thread::sleep(left + Duration::from_millis(20));
}

#[test]
fn with_the_opt_in_a_rate_limited_burst_passes_each_ticket_once() {
    for transport in Transport::ALL {
        let name = transport.name();
        let emulator = limited_emulator();
        let client = client(
            transport,
            builder_for(&emulator)
                .timeout(Duration::from_secs(3))
                .retry(policy())
                .retry_rate_limited(true),
        );
        let checks: Vec<DescribeCaptchaResult> = (0..BURST)
            .map(|_| api3_check(&mint_api3(&emulator)))
            .collect();
        align_to_a_second();
        // Each call is bounded by the client's 3 s timeout: a retry that did not fit would
        // end the call with an error.
        let results = transport.block_on(join_all(
            checks.iter().map(|action| client.describe_result(action)),
        ));
        for result in &results {
            let result = result.as_ref().unwrap_or_else(|e| panic!("{name}: {e:?}"));
            assert_eq!(result.verdict, Verdict::Pass, "{name}: {result:?}");
            assert_eq!(result.code, 1, "{name}");
        }
        let stats = emulator.stats();
        assert!(stats.api3_rate_limited >= 1, "{name}: {stats:?}");
        // Each ticket passed once; every other request was a refusal the limit answered.
        assert_eq!(
            stats.requests(ACTION),
            BURST as u64 + stats.api3_rate_limited,
            "{name}: {stats:?}"
        );
    }
}

#[test]
fn without_the_opt_in_the_excess_checks_fail_and_are_sent_once() {
    for transport in Transport::ALL {
        let name = transport.name();
        let emulator = limited_emulator();
        // Retries on for never-sent requests, but not for rate-limited ones.
        let client = client(transport, builder_for(&emulator).retry(policy()));
        let checks: Vec<DescribeCaptchaResult> = (0..BURST)
            .map(|_| api3_check(&mint_api3(&emulator)))
            .collect();
        align_to_a_second();
        let results = transport.block_on(join_all(
            checks.iter().map(|action| client.describe_result(action)),
        ));
        let mut passed = 0;
        let mut refused = 0_u64;
        for result in &results {
            match result {
                Ok(result) => {
                    assert_eq!(result.verdict, Verdict::Pass, "{name}: {result:?}");
                    passed += 1;
                }
                Err(Error::Api3(error)) => {
                    assert_eq!(error.code(), "RequestLimitExceeded", "{name}");
                    assert!(error.is_rate_limited(), "{name}");
                    refused += 1;
                }
                Err(other) => panic!("{name}: {other:?}"),
            }
        }
        // The burst fits in one second of the emulator clock: the limit passes, the rest is refused.
        assert_eq!(passed, LIMIT as usize, "{name}: {passed} passed");
        assert_eq!(
            refused,
            BURST as u64 - u64::from(LIMIT),
            "{name}: {refused} refused"
        );
        let stats = emulator.stats();
        assert_eq!(
            stats.requests(ACTION),
            BURST as u64,
            "{name}: sent once each"
        );
        assert_eq!(stats.api3_rate_limited, refused, "{name}");
    }
}
