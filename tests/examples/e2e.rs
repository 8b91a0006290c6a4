//! End-to-end cost per call: each client against captcha-emulator on 127.0.0.1, in one process.
//!
//! ```text
//! cargo run --release -p captcha-tests --example e2e -- --seconds 5 --concurrency 32
//! ```
//!
//! Each client gets its own emulator, and the clients take turns: in each of `--rounds`
//! rounds (default: four per second of `--seconds`) every client checks freshly minted
//! tickets with `--concurrency` workers over keep-alive connections for `seconds / rounds`,
//! the first to go changing from round to round, so that a change in the machine's speed
//! during the run weighs on every client alike and the ratios between them hold. Tickets per
//! client are bounded by `--requests` (default 100,000 per second). Then one JSON line per
//! client, summed over its slices:
//!
//! `{"client", "requests", "errors", "rps", "p50_us", "p99_us", "error_kinds",
//! "emulator_verified_per_s", "emulator_cpu_us_per_check", "emulator_connections",
//! "client_cpu_us_per_request"}`
//!
//! - `raw-hyper`: the baseline. One hyper-util legacy client, shared by the workers as the
//!   SDK clients are, sends `Api2Config::encode` requests
//!   (signed with `Stamp::now()`) and reads the body, nothing else; a failure, a non-2xx
//!   status or a body other than the emulator's pass reply (a byte comparison, not a
//!   decode) is an error.
//! - `captcha-hyper`, `captcha-async-std`: the SDK clients' `check`; anything but
//!   `CheckVerdict::Pass` is an error. `error_kinds` counts errors by kind (`api 4500`, …).
//!
//! Each emulator (empty nonce and ticket tables to begin with) runs on its own two-thread
//! runtime, sharing the machine's cores with the client. `emulator_verified_per_s` is the
//! emulator's count of `CaptchaCheck` requests during the run, less the errors, per second;
//! `emulator_cpu_us_per_check` is the CPU its threads used per check (Linux), which other
//! load on the machine does not distort; `emulator_connections` counts the TCP connections
//! it accepted (one per worker when the pool keeps them all: each client and its runtime
//! are built once and kept across its slices). `client_cpu_us_per_request` is the CPU the rest of the process (the
//! client, its runtime and the workers) used per request: the client's own cost, which
//! wall-clock rates on a shared machine blur.
//! Options: `--clients raw-hyper,captcha-hyper,captcha-async-std` (default: all three),
//! `--client-threads N` (tokio worker threads of the two hyper clients, default 2),
//! `--rounds N` (slices per client).

use std::collections::BTreeMap;
use std::future::Future;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use captcha_client::{Client, Runtime};
use captcha_emulator::{BackgroundEmulator, Emulator};
use captcha_proto::{Api2Config, CaptchaCheck, CaptchaType, CheckVerdict, Stamp};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client as LegacyClient;
use hyper_util::client::legacy::connect::HttpConnector;
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
    /// Slices per client: the clients take turns, each running `seconds / rounds` at a time.
    rounds: usize,
}

fn options() -> Result<Options, String> {
    let mut options = Options {
        seconds: 5.0,
        concurrency: 32,
        requests: 0,
        client_threads: 2,
        clients: CLIENTS.iter().map(|c| (*c).to_owned()).collect(),
        rounds: 0,
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
            "--rounds" => options.rounds = number(value()?)?.max(1.0) as usize,
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
                     [--client-threads N] [--clients a,b,c] [--rounds N]"
                    .to_owned());
            }
            other => return Err(format!("unknown argument {other:?} (try --help)")),
        }
    }
    if options.requests == 0 {
        options.requests = (options.seconds * 100_000.0) as usize;
    }
    if options.rounds == 0 {
        // Slices of a quarter of a second: short enough that the machine's speed changes
        // little within a round, long enough that connecting is a small part of a slice.
        options.rounds = ((options.seconds * 4.0).round() as usize).max(1);
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
fn outcome(result: Result<CheckVerdict, captcha_client::Error>) -> Outcome {
    match result {
        Ok(CheckVerdict::Pass) => Ok(()),
        Ok(CheckVerdict::Fail { .. }) => Err("verdict fail".to_owned()),
        Err(e) => Err(match e.api2() {
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

/// A client under test, built once and kept across its slices (with its pool and, for the
/// tokio clients, its runtime), as an application keeps its client.
enum Driver {
    /// The baseline: hyper-util's pooled client sending encoded requests, reading the body.
    RawHyper {
        runtime: tokio::runtime::Runtime,
        client: LegacyClient<HttpConnector, Full<Bytes>>,
        config: Arc<Api2Config>,
    },
    CaptchaHyper {
        runtime: tokio::runtime::Runtime,
        client: captcha_hyper::Client,
    },
    CaptchaAsyncStd {
        client: captcha_async_std::Client,
    },
}

impl Driver {
    fn new(name: &str, options: &Options, config: &Arc<Api2Config>) -> Result<Self, BoxError> {
        let runtime = || {
            tokio::runtime::Builder::new_multi_thread()
                .worker_threads(options.client_threads)
                .thread_name("e2e-client")
                .enable_all()
                .build()
        };
        Ok(match name {
            "raw-hyper" => Self::RawHyper {
                runtime: runtime()?,
                // One client shared by every worker, as the SDK clients are: the pool is
                // part of what is compared.
                client: LegacyClient::builder(TokioExecutor::new())
                    .pool_max_idle_per_host(options.concurrency)
                    .build_http(),
                config: Arc::clone(config),
            },
            "captcha-hyper" => Self::CaptchaHyper {
                runtime: runtime()?,
                client: sdk_client(options, config)?,
            },
            _ => Self::CaptchaAsyncStd {
                client: sdk_client(options, config)?,
            },
        })
    }

    /// Checks the tickets of each queue on a worker of its own until `deadline`.
    fn run(&self, queues: Vec<Vec<String>>, deadline: Instant) -> Result<Tally, BoxError> {
        match self {
            Self::RawHyper {
                runtime,
                client,
                config,
            } => run_tokio(runtime, queues, deadline, || {
                let (client, config) = (client.clone(), Arc::clone(config));
                move |ticket| raw_check(client.clone(), Arc::clone(&config), ticket)
            }),
            Self::CaptchaHyper { runtime, client } => run_tokio(runtime, queues, deadline, || {
                let client = client.clone();
                move |ticket| {
                    let client = client.clone();
                    async move { outcome(client.captcha_check(&check_of(ticket)).await) }
                }
            }),
            Self::CaptchaAsyncStd { client } => {
                let tasks: Vec<_> = queues
                    .into_iter()
                    .map(|tickets| {
                        let client = client.clone();
                        async_std::task::spawn(worker(tickets, deadline, move |ticket| {
                            let client = client.clone();
                            async move { outcome(client.captcha_check(&check_of(ticket)).await) }
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
        }
    }
}

/// An SDK client (either transport) set up alike: the emulator's credential and endpoint,
/// a pool that keeps every worker's connection, the call timeout.
fn sdk_client<R: Runtime>(options: &Options, config: &Api2Config) -> Result<Client<R>, BoxError> {
    Ok(Client::<R>::builder()
        .credential(config.credential().clone())
        .api2_endpoint(config.endpoint().clone())
        .max_idle_per_host(options.concurrency)
        .timeout(CALL_TIMEOUT)
        .build()?)
}

/// Runs `make_call`'s calls on one tokio task per queue.
fn run_tokio<F, Fut>(
    runtime: &tokio::runtime::Runtime,
    queues: Vec<Vec<String>>,
    deadline: Instant,
    make_call: impl Fn() -> F,
) -> Result<Tally, BoxError>
where
    F: Fn(String) -> Fut + Send + 'static,
    Fut: Future<Output = Outcome> + Send + 'static,
{
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

/// One baseline check: encode, send, read the body, compare it with the pass reply.
async fn raw_check(
    client: LegacyClient<HttpConnector, Full<Bytes>>,
    config: Arc<Api2Config>,
    ticket: String,
) -> Outcome {
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

/// CPU seconds (user + system) of this process's threads whose name starts with `prefix`
/// (Linux; `None` elsewhere).
fn thread_cpu_seconds(prefix: &str) -> Option<f64> {
    let mut seconds = 0.0;
    for task in std::fs::read_dir("/proc/self/task").ok()? {
        let path = task.ok()?.path();
        let name = std::fs::read_to_string(path.join("comm")).unwrap_or_default();
        if name.starts_with(prefix) {
            seconds += stat_cpu_seconds(&path.join("stat"))?;
        }
    }
    Some(seconds)
}

/// CPU seconds of the whole process, threads that have ended included (Linux).
fn process_cpu_seconds() -> Option<f64> {
    stat_cpu_seconds(std::path::Path::new("/proc/self/stat"))
}

/// utime + stime of a `/proc` `stat` file, in seconds.
fn stat_cpu_seconds(path: &std::path::Path) -> Option<f64> {
    let stat = std::fs::read_to_string(path).ok()?;
    // After the parenthesised name, utime and stime are the 12th and 13th fields.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(ticks as f64 / 100.0) // USER_HZ is 100 on Linux
}

/// `a - b` when both readings exist (CPU times are `None` off Linux).
fn minus(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    a.zip(b).map(|(a, b)| a - b)
}

/// `a + b` when both readings exist.
fn plus(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    a.zip(b).map(|(a, b)| a + b)
}

/// `seconds` spread over `count` events, in microseconds to one decimal.
fn micros_each(seconds: f64, count: u64) -> f64 {
    (seconds * 1e6 / count.max(1) as f64 * 10.0).round() / 10.0
}

/// The `q`-th percentile of sorted latencies.
fn percentile(sorted: &[u32], q: usize) -> u32 {
    match sorted.len() {
        0 => 0,
        n => sorted[(n * q / 100).min(n - 1)],
    }
}

/// One client's measurement, summed over its slices.
struct ClientRun {
    name: String,
    /// Its own emulator: fresh nonce and ticket tables, counters of its own.
    emulator: BackgroundEmulator,
    driver: Driver,
    tally: Tally,
    seconds: f64,
    checks: u64,
    emulator_cpu_seconds: Option<f64>,
    /// The rest of the process: the client, its runtime, the workers.
    client_cpu_seconds: Option<f64>,
    connections: u64,
}

impl ClientRun {
    fn start(name: &str, options: &Options) -> Result<Self, BoxError> {
        let emulator = BackgroundEmulator::start(Emulator::demo(), "127.0.0.1:0".parse()?)?;
        let config =
            Arc::new(Api2Config::new(emulator.credential()).with_endpoint(emulator.endpoint()));
        Ok(Self {
            name: name.to_owned(),
            driver: Driver::new(name, options, &config)?,
            emulator,
            tally: Tally::default(),
            seconds: 0.0,
            checks: 0,
            emulator_cpu_seconds: Some(0.0),
            client_cpu_seconds: Some(0.0),
            connections: 0,
        })
    }

    /// Checks up to `tickets` fresh tickets for `seconds`, adding to the totals.
    fn run_slice(
        &mut self,
        options: &Options,
        tickets: usize,
        seconds: f64,
    ) -> Result<(), BoxError> {
        let user: IpAddr = USER_IP.parse()?;
        let mut queues: Vec<Vec<String>> = vec![Vec::new(); options.concurrency];
        for i in 0..tickets {
            queues[i % options.concurrency].push(self.emulator.mint_ticket(user, 9));
        }
        let before = self.emulator.stats();
        let cpu_before = thread_cpu_seconds(EMULATOR_THREADS);
        let process_cpu_before = process_cpu_seconds();
        let started = Instant::now();
        let deadline = started + Duration::from_secs_f64(seconds);
        let tally = self.driver.run(queues, deadline)?;
        self.seconds += started.elapsed().as_secs_f64();
        let after = self.emulator.stats();
        self.checks += after.requests("CaptchaCheck") - before.requests("CaptchaCheck");
        self.connections += after.connections_accepted - before.connections_accepted;
        // The other clients' emulators are idle meanwhile: their threads add nothing.
        let emulator_cpu = minus(thread_cpu_seconds(EMULATOR_THREADS), cpu_before);
        let process_cpu = minus(process_cpu_seconds(), process_cpu_before);
        let client_cpu = minus(process_cpu, emulator_cpu);
        self.emulator_cpu_seconds = plus(self.emulator_cpu_seconds, emulator_cpu);
        self.client_cpu_seconds = plus(self.client_cpu_seconds, client_cpu);
        self.tally = std::mem::take(&mut self.tally).merge(tally);
        Ok(())
    }

    /// The client's JSON line.
    fn report(&mut self) -> serde_json::Value {
        let errors = self.tally.error_count();
        self.tally.latencies_us.sort_unstable();
        let latencies = &self.tally.latencies_us;
        let verified = self.checks.saturating_sub(errors);
        json!({
            "client": self.name,
            "requests": self.tally.requests,
            "errors": errors,
            "rps": (self.tally.requests as f64 / self.seconds).round(),
            "p50_us": percentile(latencies, 50),
            "p99_us": percentile(latencies, 99),
            "error_kinds": self.tally.errors,
            "emulator_verified_per_s": (verified as f64 / self.seconds).round(),
            "emulator_cpu_us_per_check": self.emulator_cpu_seconds.map(|s| micros_each(s, self.checks)),
            "emulator_connections": self.connections,
            "client_cpu_us_per_request": self.client_cpu_seconds.map(|s| micros_each(s, self.tally.requests)),
        })
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
    let mut runs = options
        .clients
        .iter()
        .map(|name| ClientRun::start(name, &options))
        .collect::<Result<Vec<_>, _>>()?;
    // The clients take turns in short slices, the first to go changing every round, so a
    // change in the machine's speed during the run weighs on every client alike.
    let slice_seconds = options.seconds / options.rounds as f64;
    let slice_tickets = options.requests.div_ceil(options.rounds);
    let count = runs.len();
    for round in 0..options.rounds {
        for turn in 0..count {
            let run = &mut runs[(round + turn) % count];
            run.run_slice(&options, slice_tickets, slice_seconds)?;
        }
        eprintln!("round {} of {} done", round + 1, options.rounds);
    }
    let mut failed = false;
    for mut run in runs {
        println!("{}", run.report());
        failed |= run.tally.error_count() > 0;
        run.emulator.shutdown();
    }
    if failed {
        return Err("some checks did not pass".into());
    }
    Ok(())
}
