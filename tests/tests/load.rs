//! Load on loopback, through each transport against the emulator: 10,000 distinct tickets
//! checked concurrently pass exactly once each, and 1,000 concurrent checks of one ticket
//! let exactly one through. Concurrency is bounded (`IN_FLIGHT` calls at a time) and
//! timeouts are generous: this proves correctness under load, not speed.

use std::net::{IpAddr, Ipv4Addr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use captcha_client::Error;
use captcha_emulator::{BackgroundEmulator, Emulator};
use captcha_proto::{Api2Exchange, Exchange};
use captcha_proto::{
    CaptchaCheck, CaptchaType, CheckVerdict, Credential, EncodeError, ResponseError, Stamp,
};
use captcha_tests::secrets::random_secret;
use captcha_tests::transport::settings;
use captcha_tests::{TestClient, Transport};
use futures_util::StreamExt;
use futures_util::stream;

/// Distinct tickets per transport.
const TICKETS: usize = 10_000;
/// Concurrent checks of a single ticket.
const SAME_TICKET_CHECKS: usize = 1_000;
/// Calls in flight at once.
const IN_FLIGHT: usize = 128;
/// The user the tickets were minted for.
const USER_IP: IpAddr = IpAddr::V4(Ipv4Addr::new(203, 0, 113, 7));

/// Nonces unique across this test binary.
static NEXT_NONCE: AtomicU64 = AtomicU64::new(1);

/// An exchange whose every attempt carries a nonce never used before in this process.
///
/// Why: the SDK draws nonces at random (63 bits since the fix; 31 bits before), and the emulator (like a strict
/// reading of Tencent's replay rule) refuses a nonce it saw from the same SecretId within
/// the 5-minute window. By the birthday bound, 20,000 random nonces collide with
/// probability ≈ 20,000² / 2³² ≈ 9%, which would show up here as a spurious 4500 and make
/// "0 errors" flaky. Distinct nonces keep the count exact; everything else (signing,
/// sending, pooling, decoding) is the transport's own `exchange`, which `check` calls too.
struct DistinctNonce<'a>(Api2Exchange<'a, CaptchaCheck>);

impl Exchange for DistinctNonce<'_> {
    type Output = CheckVerdict;

    fn action_name(&self) -> &str {
        self.0.action_name()
    }

    fn encode(&self, stamp: Stamp) -> Result<http::Request<Vec<u8>>, EncodeError> {
        let nonce = NEXT_NONCE.fetch_add(1, Ordering::Relaxed);
        self.0.encode(Stamp::new(stamp.timestamp(), nonce)?)
    }

    fn decode(&self, response: &http::Response<Vec<u8>>) -> Result<CheckVerdict, ResponseError> {
        self.0.decode(response)
    }

    fn single_use(&self) -> bool {
        self.0.single_use()
    }
}

/// What a batch of checks came to.
#[derive(Debug, Default)]
struct Tally {
    pass: usize,
    fail: usize,
    errors: usize,
    first_errors: Vec<String>,
    took: Duration,
}

impl Tally {
    fn add(mut self, result: Result<CheckVerdict, Error>) -> Self {
        match result {
            Ok(CheckVerdict::Pass) => self.pass += 1,
            Ok(CheckVerdict::Fail { .. }) => self.fail += 1,
            Err(error) => {
                self.errors += 1;
                if self.first_errors.len() < 5 {
                    self.first_errors.push(error.to_string());
                }
            }
        }
        self
    }
}

/// An emulator on 127.0.0.1 and a client of `transport` with generous limits and a pool
/// as large as the concurrency (so connections are reused, not churned).
fn setup(transport: Transport) -> (BackgroundEmulator, TestClient) {
    let secret_id = random_secret("AKIDload");
    let secret_key = random_secret("load-key-");
    let emulator = BackgroundEmulator::start(
        Emulator::builder().credential(&secret_id, &secret_key),
        ([127, 0, 0, 1], 0).into(),
    )
    .expect("emulator starts");
    let mut settings = settings(
        emulator.endpoint(),
        Credential::new(secret_id, secret_key).expect("valid credential"),
    );
    settings.timeout = Duration::from_secs(60);
    settings.connect_timeout = Duration::from_secs(10);
    settings.max_idle_per_host = IN_FLIGHT * 2;
    (emulator, transport.client(settings))
}

/// Checks every ticket of `checks`, `IN_FLIGHT` at a time, on the transport's executor.
fn check_all(client: &TestClient, checks: &[CaptchaCheck]) -> Tally {
    let started = Instant::now();
    let config = &client.settings().api2;
    let mut tally = client.transport().block_on(
        stream::iter(checks)
            .map(|action| async move {
                let exchange = DistinctNonce(Api2Exchange { config, action });
                client.exchange(&exchange).await
            })
            .buffer_unordered(IN_FLIGHT)
            .fold(Tally::default(), |tally, result| async move {
                tally.add(result)
            }),
    );
    tally.took = started.elapsed();
    tally
}

fn distinct_tickets_pass_once(transport: Transport) {
    let (emulator, client) = setup(transport);
    let checks: Vec<CaptchaCheck> = (0..TICKETS)
        .map(|_| {
            let ticket = emulator.mint_ticket(USER_IP, CaptchaType::Slider.value());
            CaptchaCheck::new(ticket, USER_IP, CaptchaType::Slider)
        })
        .collect();

    let first = check_all(&client, &checks);
    assert_eq!(
        (first.pass, first.fail, first.errors),
        (TICKETS, 0, 0),
        "{}: first round: {first:?}",
        transport.name()
    );
    let second = check_all(&client, &checks);
    assert_eq!(
        (second.pass, second.fail, second.errors),
        (0, TICKETS, 0),
        "{}: second round: {second:?}",
        transport.name()
    );

    let stats = emulator.stats();
    assert_eq!(
        stats.requests("CaptchaCheck"),
        2 * TICKETS as u64,
        "{}: a check was sent twice or lost",
        transport.name()
    );
    // Pooled keep-alive: connections are reused across the 20,000 calls. Racing connects
    // may open a few more than IN_FLIGHT, never one per call.
    assert!(
        stats.connections_accepted <= (TICKETS / 10) as u64,
        "{}: {} connections for {} calls",
        transport.name(),
        stats.connections_accepted,
        2 * TICKETS
    );
    eprintln!(
        "{}: {TICKETS} checks in {:?} (pass) and {:?} (fail), {IN_FLIGHT} in flight, {} connections",
        transport.name(),
        first.took,
        second.took,
        stats.connections_accepted
    );
}

fn one_ticket_passes_once(transport: Transport) {
    let (emulator, client) = setup(transport);
    let ticket = emulator.mint_ticket(USER_IP, CaptchaType::Slider.value());
    let check = CaptchaCheck::new(ticket, USER_IP, CaptchaType::Slider);
    let checks = vec![check; SAME_TICKET_CHECKS];

    let tally = check_all(&client, &checks);
    assert_eq!(
        (tally.pass, tally.fail, tally.errors),
        (1, SAME_TICKET_CHECKS - 1, 0),
        "{}: {tally:?}",
        transport.name()
    );
    assert_eq!(
        emulator.stats().requests("CaptchaCheck"),
        SAME_TICKET_CHECKS as u64
    );
    eprintln!(
        "{}: {SAME_TICKET_CHECKS} concurrent checks of one ticket in {:?}",
        transport.name(),
        tally.took
    );
}

#[test]
fn hyper_10k_distinct_tickets_pass_exactly_once() {
    distinct_tickets_pass_once(Transport::Hyper);
}

#[test]
fn async_std_10k_distinct_tickets_pass_exactly_once() {
    distinct_tickets_pass_once(Transport::AsyncStd);
}

#[test]
fn hyper_1k_concurrent_checks_of_one_ticket_pass_once() {
    one_ticket_passes_once(Transport::Hyper);
}

#[test]
fn async_std_1k_concurrent_checks_of_one_ticket_pass_once() {
    one_ticket_passes_once(Transport::AsyncStd);
}
