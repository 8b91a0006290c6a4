//! End-to-end cost per call: each client against captcha-emulator on 127.0.0.1, in one process.
//!
//! ```text
//! cargo run --release -p captcha-tests --example e2e -- --seconds 5 --concurrency 32
//! ```
//!
//! For each client the example mints tickets up front, then `--concurrency` workers check
//! them over keep-alive connections until `--seconds` pass or the tickets run out
//! (`--requests` per client, default 100,000 per second), and prints one JSON line:
//!
//! `{"client", "requests", "errors", "rps", "p50_us", "p99_us", "error_kinds",
//! "emulator_verified_per_s", "emulator_cpu_us_per_check"}`
//!
//! - `raw-hyper`: the baseline. A hyper-util legacy client sends `Config::encode` requests
//!   (signed with `Stamp::now()`) and reads the body, nothing else; a failure, a non-2xx
//!   status or a body other than the emulator's pass reply (a byte comparison, not a
//!   decode) is an error.
//! - `captcha-hyper`, `captcha-async-std`: the SDK clients' `check`; anything but
//!   `CheckVerdict::Pass` is an error. `error_kinds` counts errors by kind (`api 4500`, …).
//!
//! Each client gets a fresh emulator (empty nonce and ticket tables) on its own two-thread
//! runtime, sharing the machine's cores with the client. `emulator_verified_per_s` is the
//! emulator's count of `CaptchaCheck` requests during the run, less the errors, per second;
//! `emulator_cpu_us_per_check` is the CPU its threads used per check (Linux), which other
//! load on the machine does not distort.
//! Options: `--clients raw-hyper,captcha-hyper,captcha-async-std` (default: all three),
//! `--client-threads N` (tokio worker threads of the two hyper clients, default 2).

use std::collections::BTreeMap;
use std::future::Future;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use captcha_emulator::{BackgroundEmulator, Emulator};
use captcha_proto::{CaptchaCheck, CaptchaType, CheckVerdict, Config, Stamp};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client as LegacyClient;
use hyper_util::rt::TokioExecutor;
use serde_json::json;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The user every ticket is minted for.
const USER_IP: &str = "203.0.113.7";
/// Name prefix of the emulator's threads (Linux cuts thread names to 15 bytes).
const EMULATOR_THREADS: &str = "captcha-emul";
/// The emulator's reply to a check that passed.
const PASS_BODY: &[u8] = br#"{"code":0,"message":"No Error","codeDesc":"Success"}"#;
/// A single call that takes longer than this counts as an error (and ends the worker's wait).
const CALL_TIMEOUT: Duration = Duration::from_secs(10);
/// Every client measured, in order.
const CLIENTS: [&str; 3] = ["raw-hyper", "captcha-hyper", "captcha-async-std"];

/// Command-line options.
struct Options {
    seconds: f64,
    concurrency: usize,
    requests: usize,
    client_threads: usize,
    clients: Vec<String>,
}

fn options() -> Result<Options, String> {
    let mut options = Options {
        seconds: 5.0,
        concurrency: 32,
        requests: 0,
        client_threads: 2,
        clients: CLIENTS.iter().map(|c| (*c).to_owned()).collect(),
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or(format!("{arg} needs a value"));
        let number = |v: String| v.parse::<f64>().map_err(|_| format!("bad number {v:?}"));
        match arg.as_str() {
            "--seconds" => options.seconds = number(value()?)?.max(0.1),
            "--concurrency" => options.concurrency = number(value()?)?.max(1.0) as usize,
            "--requests" => options.requests = number(value()?)?.max(1.0) as usize,
            "--client-threads" => options.client_threads = number(value()?)?.max(1.0) as usize,
            "--clients" => {
                options.clients = value()?.split(',').map(str::to_owned).collect();
                if let Some(bad) = options
                    .clients
                    .iter()
                    .find(|c| !CLIENTS.contains(&c.as_str()))
                {
                    return Err(format!(
                        "unknown client {bad:?}; known: {}",
                        CLIENTS.join(",")
                    ));
                }
            }
            "--help" | "-h" => {
                return Err("usage: e2e [--seconds S] [--concurrency C] [--requests N] \
                     [--client-threads N] [--clients a,b,c]"
                    .to_owned());
            }
            other => return Err(format!("unknown argument {other:?} (try --help)")),
        }
    }
    if options.requests == 0 {
        options.requests = (options.seconds * 100_000.0) as usize;
    }
    Ok(options)
}

/// What one worker saw.
#[derive(Default)]
struct Tally {
    requests: u64,
    errors: BTreeMap<String, u64>,
    latencies_us: Vec<u32>,
}

impl Tally {
    fn merge(mut self, other: Tally) -> Tally {
        self.requests += other.requests;
        for (kind, n) in other.errors {
            *self.errors.entry(kind).or_default() += n;
        }
        self.latencies_us.extend(other.latencies_us);
        self
    }

    fn error_count(&self) -> u64 {
        self.errors.values().sum()
    }
}

/// The outcome of one check: `Ok(())` when it passed, else what went wrong.
type Outcome = Result<(), String>;

/// Sorts an SDK client's answer into pass or a kind of error.
fn outcome(result: Result<CheckVerdict, captcha_proto::transport::Error>) -> Outcome {
    match result {
        Ok(CheckVerdict::Pass) => Ok(()),
        Ok(CheckVerdict::Fail { .. }) => Err("verdict fail".to_owned()),
        Err(e) => Err(match e.api() {
            Some(api) => format!("api {}", api.code()),
            None => format!("{:?}", e.phase()),
        }),
    }
}

/// Checks `tickets` one after another with `call` until `deadline`.
async fn worker<F, Fut>(tickets: Vec<String>, deadline: Instant, call: F) -> Tally
where
    F: Fn(String) -> Fut,
    Fut: Future<Output = Outcome>,
{
    let mut tally = Tally {
        latencies_us: Vec::with_capacity(tickets.len()),
        ..Tally::default()
    };
    for ticket in tickets {
        if Instant::now() >= deadline {
            break;
        }
        let started = Instant::now();
        let outcome = call(ticket).await;
        let micros = started.elapsed().as_micros();
        tally
            .latencies_us
            .push(u32::try_from(micros).unwrap_or(u32::MAX));
        tally.requests += 1;
        if let Err(kind) = outcome {
            *tally.errors.entry(kind).or_default() += 1;
        }
    }
    tally
}

/// The check of one ticket for [`USER_IP`].
fn check_of(ticket: String) -> CaptchaCheck {
    let ip: IpAddr = USER_IP.parse().expect("valid IP");
    CaptchaCheck::new(ticket, ip, CaptchaType::Slider)
}

/// Runs `make_call`'s calls on `concurrency` tokio tasks.
fn run_tokio<F, Fut>(
    threads: usize,
    queues: Vec<Vec<String>>,
    deadline: Instant,
    make_call: impl Fn() -> F,
) -> Result<Tally, BoxError>
where
    F: Fn(String) -> Fut + Send + 'static,
    Fut: Future<Output = Outcome> + Send + 'static,
{
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(threads)
        .thread_name("e2e-client")
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let tasks: Vec<_> = queues
            .into_iter()
            .map(|tickets| tokio::spawn(worker(tickets, deadline, make_call())))
            .collect();
        let mut total = Tally::default();
        for task in tasks {
            total = total.merge(task.await?);
        }
        Ok(total)
    })
}

/// The baseline: hyper-util's pooled client sending encoded requests, reading the body.
fn raw_hyper(
    options: &Options,
    config: Arc<Config>,
    queues: Vec<Vec<String>>,
    deadline: Instant,
) -> Result<Tally, BoxError> {
    run_tokio(options.client_threads, queues, deadline, || {
        let client = LegacyClient::builder(TokioExecutor::new())
            .pool_max_idle_per_host(usize::MAX)
            .build_http::<Full<Bytes>>();
        let config = Arc::clone(&config);
        move |ticket| {
            let client = client.clone();
            let config = Arc::clone(&config);
            async move {
                let request = config
                    .encode(&check_of(ticket), Stamp::now())
                    .map_err(|_| "encode".to_owned())?;
                let (parts, body) = request.into_parts();
                let request = http::Request::from_parts(parts, Full::new(Bytes::from(body)));
                let call = async {
                    let response = client.request(request).await.map_err(|_| "send")?;
                    let status = response.status();
                    let body = response.into_body().collect().await.map_err(|_| "body")?;
                    match (status.is_success(), body.to_bytes().as_ref() == PASS_BODY) {
                        (true, true) => Ok(()),
                        (true, false) => Err("not the pass reply"),
                        (false, _) => Err("status"),
                    }
                };
                match tokio::time::timeout(CALL_TIMEOUT, call).await {
                    Ok(result) => result.map_err(str::to_owned),
                    Err(_) => Err("timeout".to_owned()),
                }
            }
        }
    })
}

fn captcha_hyper(
    options: &Options,
    config: &Config,
    queues: Vec<Vec<String>>,
    deadline: Instant,
) -> Result<Tally, BoxError> {
    let client = captcha_hyper::Client::builder()
        .credential(config.credential().clone())
        .endpoint(config.endpoint().clone())
        .max_idle_per_host(options.concurrency)
        .timeout(CALL_TIMEOUT)
        .build()?;
    run_tokio(options.client_threads, queues, deadline, || {
        let client = client.clone();
        move |ticket| {
            let client = client.clone();
            async move { outcome(client.check(&check_of(ticket)).await) }
        }
    })
}

fn captcha_async_std(
    options: &Options,
    config: &Config,
    queues: Vec<Vec<String>>,
    deadline: Instant,
) -> Result<Tally, BoxError> {
    let client = captcha_async_std::Client::builder()
        .credential(config.credential().clone())
        .endpoint(config.endpoint().clone())
        .max_idle_per_host(options.concurrency)
        .timeout(CALL_TIMEOUT)
        .build()?;
    let tasks: Vec<_> = queues
        .into_iter()
        .map(|tickets| {
            let client = client.clone();
            async_std::task::spawn(worker(tickets, deadline, move |ticket| {
                let client = client.clone();
                async move { outcome(client.check(&check_of(ticket)).await) }
            }))
        })
        .collect();
    Ok(async_std::task::block_on(async {
        let mut total = Tally::default();
        for task in tasks {
            total = total.merge(task.await);
        }
        total
    }))
}

/// CPU seconds (user + system) of this process's threads whose name starts with `prefix`
/// (Linux; `None` elsewhere).
fn thread_cpu_seconds(prefix: &str) -> Option<f64> {
    let mut ticks = 0u64;
    for task in std::fs::read_dir("/proc/self/task").ok()? {
        let path = task.ok()?.path();
        let name = std::fs::read_to_string(path.join("comm")).unwrap_or_default();
        if !name.starts_with(prefix) {
            continue;
        }
        let stat = std::fs::read_to_string(path.join("stat")).ok()?;
        // After the parenthesised name, utime and stime are the 12th and 13th fields.
        let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
        ticks += fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    }
    Some(ticks as f64 / 100.0) // USER_HZ is 100 on Linux
}

/// The `q`-th percentile of sorted latencies.
fn percentile(sorted: &[u32], q: usize) -> u32 {
    match sorted.len() {
        0 => 0,
        n => sorted[(n * q / 100).min(n - 1)],
    }
}

fn main() -> Result<(), BoxError> {
    let options = match options() {
        Ok(options) => options,
        Err(message) => {
            eprintln!("{message}");
            std::process::exit(2);
        }
    };
    let user: IpAddr = USER_IP.parse()?;
    let mut failed = false;

    for client in &options.clients {
        let emulator = BackgroundEmulator::start(Emulator::demo(), "127.0.0.1:0".parse()?)?;
        let config =
            Arc::new(Config::new(emulator.credential()).with_endpoint(emulator.endpoint()));
        let minted = Instant::now();
        let mut queues: Vec<Vec<String>> = vec![Vec::new(); options.concurrency];
        for i in 0..options.requests {
            queues[i % options.concurrency].push(emulator.mint_ticket(user, 9));
        }
        eprintln!(
            "{client}: minted {} tickets in {:.2?}",
            options.requests,
            minted.elapsed()
        );

        let checks_before = emulator.stats().requests("CaptchaCheck");
        let cpu_before = thread_cpu_seconds(EMULATOR_THREADS);
        let started = Instant::now();
        let deadline = started + Duration::from_secs_f64(options.seconds);
        let tally = match client.as_str() {
            "raw-hyper" => raw_hyper(&options, Arc::clone(&config), queues, deadline)?,
            "captcha-hyper" => captcha_hyper(&options, &config, queues, deadline)?,
            _ => captcha_async_std(&options, &config, queues, deadline)?,
        };
        let elapsed = started.elapsed().as_secs_f64();
        let checks = emulator.stats().requests("CaptchaCheck") - checks_before;
        let cpu = thread_cpu_seconds(EMULATOR_THREADS)
            .zip(cpu_before)
            .map(|(after, before)| after - before);

        let errors = tally.error_count();
        let mut latencies = tally.latencies_us;
        latencies.sort_unstable();
        let verified = checks.saturating_sub(errors);
        let line = json!({
            "client": client,
            "requests": tally.requests,
            "errors": errors,
            "rps": (tally.requests as f64 / elapsed).round(),
            "p50_us": percentile(&latencies, 50),
            "p99_us": percentile(&latencies, 99),
            "error_kinds": tally.errors,
            "emulator_verified_per_s": (verified as f64 / elapsed).round(),
            "emulator_cpu_us_per_check": cpu.map(|s| (s * 1e6 / checks.max(1) as f64 * 10.0).round() / 10.0),
        });
        println!("{line}");
        failed |= errors > 0;
        emulator.shutdown();
    }
    if failed {
        return Err("some checks did not pass".into());
    }
    Ok(())
}
