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
//! - `raw-hyper`, `raw-async-std`: the baselines, one per runtime (`raw.rs`). `raw-hyper`
//!   is one hyper-util legacy client on tokio, shared by the workers as the SDK clients
//!   are; `raw-async-std` is hyper's connection API over async-std's `TcpStream`, one
//!   keep-alive connection per worker driven by a task on async-std's executor. Both send
//!   `captcha-proto`'s encoded requests (signed with `Stamp::now()`) and read the body,
//!   nothing else; a failure, a non-2xx status or a body other than the emulator's pass
//!   reply (a byte comparison, not a decode) is an error. Ratios compare each SDK client
//!   with `raw-hyper`, and captcha-async-std also with `raw-async-std`: what the runtime
//!   itself costs next to tokio.
//! - `captcha-hyper`, `captcha-async-std`: the SDK clients' `check`; anything but
//!   `CheckVerdict::Pass` is an error. `error_kinds` counts errors by kind (`api 4500`, …).
//!
//! Each emulator (empty nonce and ticket tables to begin with) runs on its own two-thread
//! runtime, sharing the machine's cores with the client. `emulator_verified_per_s` is the
//! emulator's count of the action's requests during the run, less the errors, per second;
//! `emulator_cpu_us_per_check` is the CPU its threads used per check (Linux), which other
//! load on the machine does not distort; `emulator_connections` counts the TCP connections
//! it accepted (one per worker when the pool keeps them all: each client and its runtime
//! are built once and kept across its slices). `client_cpu_us_per_request` is the CPU the rest of the process (the
//! client, its runtime and the workers) used per request: the client's own cost, which
//! wall-clock rates on a shared machine blur.
//! Options: `--action check|describe` (default `check`: API 2.0 `CaptchaCheck`;
//! `describe`: API 3.0 `DescribeCaptchaResult`, signed with TC3, the emulator minting API 3.0
//! tickets and the SDK clients calling `describe_captcha_result`, the raw client sending
//! `Api3Config::encode` requests and looking for `"CaptchaCode":1,` in the body),
//! `--clients raw-hyper,raw-async-std,captcha-hyper,captcha-async-std` (default: all four),
//! `--client-threads N` (tokio worker threads of the two tokio clients, default 2; async-std's
//! executor threads are set by `ASYNC_STD_THREAD_COUNT`, default the number of cores),
//! `--rounds N` (slices per client), `--peers python,node` (see below).
//!
//! Peers: `--peers python,node` then runs Tencent's official SDKs doing the same API 3.0
//! `DescribeCaptchaResult` (TC3 over POST) against an emulator of their own in this process,
//! one after the other once the clients are done, each for `--seconds` at `--concurrency`:
//! `tests/python/peer_bench.py` (`python3`, the SDK pip-installed) and
//! `tests/node/peer_bench.js` (`node`, after `npm ci` in `tests/node`). Tickets are minted
//! before their clock starts and handed over on stdin; each prints its `requests`, `errors`,
//! `rps`, `p50_us`, `p99_us` and `client_cpu_us_per_request` (its own process's CPU per
//! call), to which this adds the emulator's figures. Their calls are not interleaved with
//! the clients' slices: compare their CPU per call, which the machine's load does not
//! distort, more than their rates.
//!
//! Memory: `--memory N` measures instead the resident size (`VmRSS`) of this process holding
//! one SDK client of each transport, idle (built, then after one call, its connection kept),
//! and its growth while N `DescribeCaptchaResult` calls are in flight (held by an emulator
//! in a child process that answers each after 2 s, so that only the client's memory is
//! counted), per 1,000 calls. One JSON line per client.

mod raw;

use std::collections::BTreeMap;
use std::future::Future;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use captcha_client::{Client, Runtime};
use captcha_emulator::{
    BackgroundEmulator, DEMO_APP_SECRET_KEY, DEMO_CAPTCHA_APP_ID, DEMO_SECRET_ID, DEMO_SECRET_KEY,
    Emulator,
};
use captcha_proto::api3::{Api3Config, CaptchaResult, DescribeCaptchaResult};
use captcha_proto::{Api2Config, CaptchaCheck, CaptchaType, CheckVerdict};
use hyper_util::client::legacy::Client as LegacyClient;
use hyper_util::rt::TokioExecutor;
use serde_json::json;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The user every ticket is minted for.
const USER_IP: &str = "203.0.113.7";
/// Name prefix of the emulator's threads (Linux cuts thread names to 15 bytes).
const EMULATOR_THREADS: &str = "captcha-emul";
/// A single call that takes longer than this counts as an error (and ends the worker's wait).
const CALL_TIMEOUT: Duration = Duration::from_secs(10);
/// Every client measured, in order.
const CLIENTS: [&str; 4] = [
    "raw-hyper",
    "raw-async-std",
    "captcha-hyper",
    "captcha-async-std",
];
/// The official SDKs `--peers` can run.
const PEERS: [&str; 2] = ["python", "node"];
/// Tickets minted for a peer per second of `--seconds` (more than either calls).
const PEER_TICKETS_PER_SECOND: f64 = 20_000.0;

/// The call every worker makes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Action {
    /// API 2.0 `CaptchaCheck`, signature v1.
    Check,
    /// API 3.0 `DescribeCaptchaResult`, TC3-HMAC-SHA256.
    Describe,
}

impl Action {
    /// The action's name in the emulator's statistics.
    fn name(self) -> &'static str {
        match self {
            Self::Check => "CaptchaCheck",
            Self::Describe => "DescribeCaptchaResult",
        }
    }
}

/// One ticket to check: the ticket and, for API 3.0, its Randstr.
#[derive(Clone)]
struct Job {
    ticket: String,
    randstr: String,
}

/// Both configs of the emulator, shared by the raw client's calls.
struct Configs {
    api2: Api2Config,
    api3: Api3Config,
}
/// Command-line options.
struct Options {
    action: Action,
    seconds: f64,
    concurrency: usize,
    requests: usize,
    client_threads: usize,
    clients: Vec<String>,
    /// Slices per client: the clients take turns, each running `seconds / rounds` at a time.
    rounds: usize,
    /// Official SDKs to run after the clients (`python`, `node`).
    peers: Vec<String>,
    /// Calls in flight for the memory measurement (`--memory N`), instead of the rest.
    memory: Option<usize>,
}

fn options() -> Result<Options, String> {
    let mut options = Options {
        action: Action::Check,
        seconds: 5.0,
        concurrency: 32,
        requests: 0,
        client_threads: 2,
        clients: CLIENTS.iter().map(|c| (*c).to_owned()).collect(),
        rounds: 0,
        peers: Vec::new(),
        memory: None,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or(format!("{arg} needs a value"));
        let number = |v: String| v.parse::<f64>().map_err(|_| format!("bad number {v:?}"));
        match arg.as_str() {
            "--seconds" => options.seconds = number(value()?)?.max(0.1),
            "--action" => {
                options.action = match value()?.as_str() {
                    "check" => Action::Check,
                    "describe" => Action::Describe,
                    other => {
                        return Err(format!("unknown action {other:?}; known: check,describe"));
                    }
                }
            }
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
            "--memory" => options.memory = Some(number(value()?)?.max(1.0) as usize),
            "--peers" => {
                options.peers = value()?.split(',').map(str::to_owned).collect();
                if let Some(bad) = options.peers.iter().find(|p| !PEERS.contains(&p.as_str())) {
                    return Err(format!("unknown peer {bad:?}; known: {}", PEERS.join(",")));
                }
            }
            "--help" | "-h" => {
                return Err(
                    "usage: e2e [--action check|describe] [--seconds S] [--concurrency C] \
                     [--requests N] [--client-threads N] [--clients a,b,c] [--rounds N] \
                     [--peers python,node] [--memory N]"
                        .to_owned(),
                );
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

/// Sorts an SDK client's API 3.0 answer into pass or a kind of error.
fn outcome3(result: Result<CaptchaResult, captcha_client::Error>) -> Outcome {
    match result {
        Ok(result) if result.is_pass() => Ok(()),
        Ok(_) => Err("verdict fail".to_owned()),
        Err(e) => Err(match e.api3() {
            Some(api) => format!("api {}", api.code()),
            None => format!("{:?}", e.phase()),
        }),
    }
}

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
async fn worker<F, Fut>(tickets: Vec<Job>, deadline: Instant, call: F) -> Tally
where
    F: Fn(Job) -> Fut,
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
fn check_of(job: Job) -> CaptchaCheck {
    let ip: IpAddr = USER_IP.parse().expect("valid IP");
    CaptchaCheck::new(job.ticket, ip, CaptchaType::Slider)
}

/// The API 3.0 check of one ticket for [`USER_IP`], with the emulator's demo app.
fn describe_of(job: Job) -> DescribeCaptchaResult {
    let ip: IpAddr = USER_IP.parse().expect("valid IP");
    DescribeCaptchaResult::new(
        job.ticket,
        job.randstr,
        ip,
        DEMO_CAPTCHA_APP_ID,
        DEMO_APP_SECRET_KEY,
    )
}

/// An SDK client's call of `action` for one job.
async fn sdk_call<R: Runtime>(client: Client<R>, action: Action, job: Job) -> Outcome {
    match action {
        Action::Check => outcome(client.captcha_check(&check_of(job)).await),
        Action::Describe => outcome3(client.describe_captcha_result(&describe_of(job)).await),
    }
}

/// A client under test, built once and kept across its slices (with its pool and, for the
/// tokio clients, its runtime), as an application keeps its client.
enum Driver {
    /// The tokio baseline: hyper-util's pooled client sending encoded requests.
    RawHyper {
        runtime: tokio::runtime::Runtime,
        client: raw::TokioRaw,
        configs: Arc<Configs>,
        action: Action,
    },
    /// The async-std baseline: a bare hyper connection per worker, kept across slices.
    RawAsyncStd {
        connections: Vec<raw::AsyncStdRaw>,
        configs: Arc<Configs>,
        action: Action,
    },
    CaptchaHyper {
        runtime: tokio::runtime::Runtime,
        client: captcha_hyper::Client,
        action: Action,
    },
    CaptchaAsyncStd {
        client: captcha_async_std::Client,
        action: Action,
    },
}

impl Driver {
    fn new(name: &str, options: &Options, configs: &Arc<Configs>) -> Result<Self, BoxError> {
        let action = options.action;
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
                configs: Arc::clone(configs),
                action,
            },
            "raw-async-std" => Self::RawAsyncStd {
                // One each (`vec![x; n]` would clone one shared slot).
                connections: (0..options.concurrency)
                    .map(|_| raw::AsyncStdRaw::default())
                    .collect(),
                configs: Arc::clone(configs),
                action,
            },
            "captcha-hyper" => Self::CaptchaHyper {
                runtime: runtime()?,
                client: sdk_client(options, configs)?,
                action,
            },
            _ => Self::CaptchaAsyncStd {
                client: sdk_client(options, configs)?,
                action,
            },
        })
    }

    /// Checks the tickets of each queue on a worker of its own until `deadline`.
    fn run(&self, queues: Vec<Vec<Job>>, deadline: Instant) -> Result<Tally, BoxError> {
        match self {
            Self::RawHyper {
                runtime,
                client,
                configs,
                action,
            } => run_tokio(runtime, queues, deadline, || {
                let (client, configs, action) = (client.clone(), Arc::clone(configs), *action);
                move |job| raw::tokio_check(client.clone(), Arc::clone(&configs), action, job)
            }),
            Self::RawAsyncStd {
                connections,
                configs,
                action,
            } => {
                let mut connections = connections.iter();
                Ok(run_async_std(queues, deadline, || {
                    let connection = connections.next().cloned().unwrap_or_default();
                    let (configs, action) = (Arc::clone(configs), *action);
                    move |job| {
                        raw::async_std_check(connection.clone(), Arc::clone(&configs), action, job)
                    }
                }))
            }
            Self::CaptchaHyper {
                runtime,
                client,
                action,
            } => run_tokio(runtime, queues, deadline, || {
                let (client, action) = (client.clone(), *action);
                move |job| sdk_call(client.clone(), action, job)
            }),
            Self::CaptchaAsyncStd { client, action } => Ok(run_async_std(queues, deadline, || {
                let (client, action) = (client.clone(), *action);
                move |job| sdk_call(client.clone(), action, job)
            })),
        }
    }
}

/// Runs `make_call`'s calls on one async-std task per queue.
fn run_async_std<F, Fut>(
    queues: Vec<Vec<Job>>,
    deadline: Instant,
    mut make_call: impl FnMut() -> F,
) -> Tally
where
    F: Fn(Job) -> Fut + Send + 'static,
    Fut: Future<Output = Outcome> + Send + 'static,
{
    let tasks: Vec<_> = queues
        .into_iter()
        .map(|tickets| async_std::task::spawn(worker(tickets, deadline, make_call())))
        .collect();
    async_std::task::block_on(async {
        let mut total = Tally::default();
        for task in tasks {
            total = total.merge(task.await);
        }
        total
    })
}

/// An SDK client (either transport) set up alike: the emulator's credential and endpoint,
/// a pool that keeps every worker's connection, the call timeout.
fn sdk_client<R: Runtime>(options: &Options, configs: &Configs) -> Result<Client<R>, BoxError> {
    Ok(Client::<R>::builder()
        .credential(configs.api2.credential().clone())
        .api2_endpoint(configs.api2.endpoint().clone())
        .api3_endpoint(configs.api3.endpoint().clone())
        .max_idle_per_host(options.concurrency)
        .timeout(CALL_TIMEOUT)
        .build()?)
}

/// Runs `make_call`'s calls on one tokio task per queue.
fn run_tokio<F, Fut>(
    runtime: &tokio::runtime::Runtime,
    queues: Vec<Vec<Job>>,
    deadline: Instant,
    make_call: impl Fn() -> F,
) -> Result<Tally, BoxError>
where
    F: Fn(Job) -> Fut + Send + 'static,
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
        let emulator = BackgroundEmulator::start(load_emulator(), "127.0.0.1:0".parse()?)?;
        let configs = Arc::new(Configs {
            api2: Api2Config::new(emulator.credential()).with_endpoint(emulator.endpoint()),
            api3: Api3Config::new(emulator.credential()).with_endpoint(emulator.api3_endpoint()),
        });
        Ok(Self {
            name: name.to_owned(),
            driver: Driver::new(name, options, &configs)?,
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
        let mut queues: Vec<Vec<Job>> = vec![Vec::new(); options.concurrency];
        for i in 0..tickets {
            let job = match options.action {
                Action::Check => Job {
                    ticket: self.emulator.mint_ticket(user, 9),
                    randstr: String::new(),
                },
                Action::Describe => {
                    let minted = self.emulator.mint_api3_ticket(DEMO_CAPTCHA_APP_ID, user)?;
                    Job {
                        ticket: minted.ticket.expose_secret().to_owned(),
                        randstr: minted.randstr,
                    }
                }
            };
            queues[i % options.concurrency].push(job);
        }
        let before = self.emulator.stats();
        let cpu_before = thread_cpu_seconds(EMULATOR_THREADS);
        let process_cpu_before = process_cpu_seconds();
        let started = Instant::now();
        let deadline = started + Duration::from_secs_f64(seconds);
        let tally = self.driver.run(queues, deadline)?;
        self.seconds += started.elapsed().as_secs_f64();
        let after = self.emulator.stats();
        let name = options.action.name();
        self.checks += after.requests(name) - before.requests(name);
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

/// The demo emulator without its API 3.0 rate limit (1,000 checks a second, Tencent's),
/// which a load test exceeds.
fn load_emulator() -> Emulator {
    Emulator::builder()
        .credential(DEMO_SECRET_ID, DEMO_SECRET_KEY)
        .captcha_app(DEMO_CAPTCHA_APP_ID, DEMO_APP_SECRET_KEY)
        .without_api3_rate_limit()
        .build()
}

/// Runs one official SDK (`python` or `node`) against an emulator of its own for
/// `--seconds` at `--concurrency`, and returns its JSON line with the emulator's figures.
fn run_peer(peer: &str, options: &Options) -> Result<serde_json::Value, BoxError> {
    use std::io::Write as _;
    use std::process::{Command, Stdio};

    let emulator = BackgroundEmulator::start(load_emulator(), "127.0.0.1:0".parse()?)?;
    let user: IpAddr = USER_IP.parse()?;
    let count = (options.requests as f64).min(options.seconds * PEER_TICKETS_PER_SECOND) as usize;
    let mut tickets = String::new();
    for _ in 0..count.max(options.concurrency + 1) {
        let minted = emulator.mint_api3_ticket(DEMO_CAPTCHA_APP_ID, user)?;
        tickets.push_str(minted.ticket.expose_secret());
        tickets.push(' ');
        tickets.push_str(&minted.randstr);
        tickets.push('\n');
    }
    let here = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let (program, script) = match peer {
        "python" => ("python3", here.join("python/peer_bench.py")),
        _ => ("node", here.join("node/peer_bench.js")),
    };
    let credential = emulator.credential();
    let cpu_before = thread_cpu_seconds(EMULATOR_THREADS);
    let before = emulator.stats();
    let mut child = Command::new(program)
        .arg(script)
        .arg(emulator.local_addr().to_string())
        .arg(credential.secret_id().as_str())
        .arg(credential.secret_key().expose_secret())
        .arg(DEMO_CAPTCHA_APP_ID.to_string())
        .arg(DEMO_APP_SECRET_KEY)
        .arg(USER_IP)
        .arg(options.concurrency.to_string())
        .arg(options.seconds.to_string())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run {program}: {e}"))?;
    child
        .stdin
        .take()
        .ok_or("no stdin")?
        .write_all(tickets.as_bytes())?;
    let output = child.wait_with_output()?;
    if !output.status.success() {
        return Err(format!("{peer} peer failed ({})", output.status).into());
    }
    let mut line: serde_json::Value = serde_json::from_slice(&output.stdout)?;
    let checks = emulator.stats().requests(Action::Describe.name())
        - before.requests(Action::Describe.name());
    let emulator_cpu = minus(thread_cpu_seconds(EMULATOR_THREADS), cpu_before);
    line["client"] = json!(format!("{peer}-sdk"));
    line["emulator_cpu_us_per_check"] = json!(emulator_cpu.map(|s| micros_each(s, checks)));
    line["emulator_connections"] =
        json!(emulator.stats().connections_accepted - before.connections_accepted);
    emulator.shutdown();
    Ok(line)
}

/// How long the memory measurement's emulator holds each call.
const HELD_FOR: Duration = Duration::from_secs(2);

/// This process's resident size in KiB (`VmRSS`, Linux).
fn rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// The child of `--memory`: an emulator that answers every API call with a pass after
/// [`HELD_FOR`]; prints its address, runs until its stdin closes.
fn serve_held() -> Result<(), BoxError> {
    let emulator = BackgroundEmulator::start(load_emulator(), "127.0.0.1:0".parse()?)?;
    emulator.set_fault(captcha_emulator::Fault::Latency(HELD_FOR));
    emulator.set_fault(captcha_emulator::Fault::Code(1));
    println!("{}", emulator.local_addr());
    let mut sink = String::new();
    while std::io::stdin().read_line(&mut sink)? > 0 {}
    emulator.shutdown();
    Ok(())
}

/// Resident sizes of one client of `name` idle and with `in_flight` calls in flight.
fn measure_memory(name: &str, in_flight: usize, addr: &str) -> Result<serde_json::Value, BoxError> {
    let credential = captcha_proto::Credential::new(DEMO_SECRET_ID, DEMO_SECRET_KEY)?;
    let configs = Configs {
        api2: Api2Config::new(credential.clone())
            .with_endpoint(format!("http://{addr}/v2/index.php").parse()?),
        api3: Api3Config::new(credential).with_endpoint(format!("http://{addr}/").parse()?),
    };
    let options = Options {
        concurrency: in_flight,
        ..options_for_memory()
    };
    let job = || Job {
        ticket: "t03held".to_owned(),
        randstr: "@held".to_owned(),
    };
    let before = rss_kib();
    let (built, idle, busy) = match name {
        "captcha-async-std" => {
            let client: captcha_async_std::Client = sdk_client(&options, &configs)?;
            let built = rss_kib();
            async_std::task::block_on(sdk_call(client.clone(), Action::Describe, job()))?;
            let idle = rss_kib();
            let calls: Vec<_> = (0..in_flight)
                .map(|_| async_std::task::spawn(sdk_call(client.clone(), Action::Describe, job())))
                .collect();
            std::thread::sleep(HELD_FOR / 2);
            let busy = rss_kib();
            for call in calls {
                async_std::task::block_on(call)?;
            }
            (built, idle, busy)
        }
        _ => {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()?;
            let client: captcha_hyper::Client =
                runtime.block_on(async { sdk_client(&options, &configs) })?;
            let built = rss_kib();
            runtime.block_on(sdk_call(client.clone(), Action::Describe, job()))?;
            let idle = rss_kib();
            let calls: Vec<_> = (0..in_flight)
                .map(|_| runtime.spawn(sdk_call(client.clone(), Action::Describe, job())))
                .collect();
            std::thread::sleep(HELD_FOR / 2);
            let busy = rss_kib();
            runtime.block_on(async {
                for call in calls {
                    call.await??;
                }
                Ok::<_, BoxError>(())
            })?;
            (built, idle, busy)
        }
    };
    let growth = busy
        .zip(idle)
        .map(|(b, i)| (b as f64 - i as f64) * 1000.0 / in_flight as f64);
    Ok(json!({
        "client": name,
        "rss_before_kib": before,
        "rss_client_built_kib": built,
        "rss_idle_after_one_call_kib": idle,
        "rss_in_flight_kib": busy,
        "in_flight": in_flight,
        "growth_kib_per_1000_in_flight": growth.map(|g| g.round()),
    }))
}

/// Defaults for the memory measurement's client settings.
fn options_for_memory() -> Options {
    Options {
        action: Action::Describe,
        seconds: 1.0,
        concurrency: 1,
        requests: 1,
        client_threads: 2,
        clients: Vec::new(),
        rounds: 1,
        peers: Vec::new(),
        memory: None,
    }
}

/// `--memory N`: one client of each transport in turn, each in a fresh process (this
/// program again), against a held emulator in another.
fn memory(in_flight: usize) -> Result<(), BoxError> {
    use std::io::BufRead as _;
    use std::process::{Command, Stdio};

    let me = std::env::current_exe()?;
    let mut server = Command::new(&me)
        .arg("--serve-held")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()?;
    let mut addr = String::new();
    std::io::BufReader::new(server.stdout.take().ok_or("no stdout")?).read_line(&mut addr)?;
    for name in ["captcha-async-std", "captcha-hyper"] {
        let output = Command::new(&me)
            .args(["--memory-client", name, addr.trim(), &in_flight.to_string()])
            .output()?;
        print!("{}", String::from_utf8_lossy(&output.stdout));
        if !output.status.success() {
            eprint!("{}", String::from_utf8_lossy(&output.stderr));
            return Err(format!("{name}: the memory measurement failed").into());
        }
    }
    drop(server.stdin.take());
    server.wait()?;
    Ok(())
}

fn main() -> Result<(), BoxError> {
    // The memory measurement's own processes.
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("--serve-held") => return serve_held(),
        Some("--memory-client") if args.len() == 4 => {
            let in_flight = args[3].parse()?;
            println!("{}", measure_memory(&args[1], in_flight, &args[2])?);
            return Ok(());
        }
        _ => {}
    }
    let options = match options() {
        Ok(options) => options,
        Err(message) => {
            eprintln!("{message}");
            std::process::exit(2);
        }
    };
    if let Some(in_flight) = options.memory {
        return memory(in_flight);
    }
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
    for peer in &options.peers {
        let line = run_peer(peer, &options)?;
        failed |= line["errors"].as_u64() != Some(0);
        println!("{line}");
    }
    if failed {
        return Err("some checks did not pass".into());
    }
    Ok(())
}
