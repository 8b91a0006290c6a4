//! Soak of captcha-emulator: a bounded run of valid, hostile and malformed requests against
//! one emulator in a child process, every answer checked, its memory sampled throughout.
//!
//! ```text
//! cargo run --release -p captcha-tests --example soak -- --requests 1000000
//! ```
//!
//! The emulator runs in a child process (this program again, `--serve-emulator`), so that its
//! resident size (`VmRSS` of `/proc/<pid>/status`) is its own: the clients, their runtimes
//! and the checks live in this process. The child is the demo emulator (demo credential and
//! captcha app) without its API 3.0 rate limit, with a ticket lifetime of `--ticket-ttl`
//! seconds (default 3) and a timestamp window of `--max-skew` seconds (default 3). Those
//! short windows are deliberate: tickets are remembered for two lifetimes and nonces for the
//! window, so with the defaults (300 s) a run shorter than ten minutes would only ever see
//! its tables fill; with a few seconds they turn over many times and reach their steady size
//! early, and any growth after that is a leak. A valid ticket is checked right after it is
//! minted, and its request signed right before it is sent, so these windows still leave
//! each call seconds to arrive.
//!
//! Options: `--requests N` (default 1,000,000: every request sent to the emulator counts,
//! minting ones included; the run stops starting new work at N, so it ends a few requests
//! past it), `--concurrency C` (workers, default 32, each with one request in flight),
//! `--slow S` (slow clients at once, default 4, on top of the workers), `--client-threads T`
//! (tokio worker threads of this process, default 2), `--ticket-ttl` and `--max-skew`.
//!
//! The mix, per 100 units of work taken in a fixed interleaved order (a unit is one to three
//! requests):
//!
//! - 30 `DescribeCaptchaResult` (API 3.0, TC3) through captcha-hyper and 30 through
//!   captcha-async-std, each on a ticket minted just before (`POST /emulator/v3/tickets`):
//!   `CaptchaCode` 1. One in five is then presented again through the same client:
//!   `CaptchaCode` 9 (ticket reused).
//! - 8 API 2.0 `CaptchaCheck` through either SDK client on a ticket minted just before
//!   (`POST /emulator/tickets`): pass. Half are then replayed with a freshly signed request:
//!   code 5100, `codeDesc` `TicketUsed`.
//! - 4 wrong `AppSecretKey` through an SDK client: `CaptchaCode` 100, after which the ticket,
//!   unspent, passes with the right key (1).
//! - 4 tampered signatures: a TC3 signature or a body changed after signing
//!   (`AuthFailure.SignatureFailure`), a v1 signature of API 2.0 (4100) or of API 3.0
//!   (`AuthFailure.SignatureFailure`).
//! - 4 timestamps an hour in the past or the future, correctly signed: TC3
//!   `AuthFailure.SignatureExpire`, API 2.0 4500.
//! - 4 oversized requests, over the emulator's limits (`MAX_API3_BODY_BYTES`,
//!   `MAX_BODY_BYTES`, `MAX_QUERY_BYTES`): an API 3.0 body announced larger than 10 MiB or a
//!   query longer than 32 KiB (`RequestSizeLimitExceeded`, HTTP 200), an API 2.0 body
//!   announced larger than 1 MiB (413) or a query longer than 32 KiB (414), and now and then
//!   an API 2.0 chunked body actually sent past 1 MiB (413).
//! - 16 malformed requests, most over raw TCP sockets: garbage bytes, headers or a body cut
//!   short by a half-close, invalid JSON, non-UTF-8 JSON, JSON nested past any parser's
//!   depth, non-UTF-8 in a header or in the request line, bad `Authorization` headers
//!   (empty, another scheme, no fields, a non-hex signature, an unknown SecretId, another
//!   service's scope), a 64 KiB header (answered as usual), headers past the server's limits
//!   (431 or a closed connection), duplicate parameters and headers, an unknown method, an
//!   invalid `Content-Length`, and three pipelined requests on one connection. Each has its
//!   one expected answer (the emulator's refusal; for what the HTTP layer refuses first, 400 or
//!   431, or a close without an answer).
//!
//! Besides the workers, `--slow` clients at a time send the emulator slow requests: a request
//! written one byte every 5 ms (answered as usual), headers that stop halfway (the emulator
//! must close the connection: 30 s header timeout), a body that stops halfway (answered 400
//! when its 30 s body timeout passes), and 4,000 pipelined requests whose answers are never
//! read (the emulator must cut the connection once its writes have waited 30 s; seen in the
//! kernel's `/proc/net/tcp`, without reading). While each stalled request waits, the workers'
//! requests must keep completing. The first slow clients each start with a different stall,
//! so that every kind runs even in a short run, which therefore lasts at least about 30 s.
//!
//! Linux only: the memory and the slow reader's connection are read from `/proc`.
//!
//! Every answer is checked against what it must be. Output, on stdout: 21 JSON lines of the
//! RSS curve, `{"requests": done, "rss_kib": …}` at 0, 1/20, …, 20/20 of `--requests`, then
//! one summary line: `requests` (total), `requests_by_kind`, `wrong_answers`,
//! `wrong_by_kind`, `transport_errors` (of requests that must pass: valid checks and mints),
//! `transport_errors_by_kind`, `emulator_alive`, `emulator_exit_ok`, `emulator_panics`,
//! `rss_start_kib`, `rss_peak_kib`, `rss_end_kib` (after the last slow client),
//! `rss_first_half_peak_kib`, `rss_last_half_peak_kib`, `rss_bound_kib`, `memory_bounded`,
//! `stalls_checked` (stalled and unread requests that ran to their end), the settings, `requests_per_s` (over `load_seconds`, while the workers ran)
//! and `seconds` (the whole run, the last stalls included). Progress and the first wrong answers (kind and codes, never a
//! secret: no key, signature or ticket is ever printed) go to stderr, as does anything the
//! emulator writes there.
//!
//! Exit status 1 when an invariant fails: a wrong answer, a transport error on a request that
//! must pass, a panic of the emulator (`panicked` on its stderr), the emulator not alive at
//! the end, or memory not bounded. Bounded means: the peak RSS over the samples of the last
//! half of the run is at most 1.25 × the peak over the first half (the start included) plus
//! 8 MiB. The first half holds the start-up and the filling of every table to its steady size
//! (a few seconds, see above), so the last half may only add allocator noise: the 25 % and
//! 8 MiB absorb that, while a leak of a few dozen bytes per request, over the last 500,000
//! requests of the long run, exceeds them. Nothing is timed: the run asserts on answers and
//! memory, never on speed.

mod emulator;
mod expect;
mod hostile;
mod malformed;
mod mix;
mod options;
mod raw;
mod report;
mod requests;
mod sdk;
mod slow;
mod state;

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use captcha_emulator::{DEMO_SECRET_ID, DEMO_SECRET_KEY};
use captcha_proto::api3::{Api3Config, Api3Signature};
use captcha_proto::{Api2Config, Credential, Endpoint};
use hyper_util::client::legacy::Client as LegacyClient;
use hyper_util::rt::TokioExecutor;

use crate::emulator::{Child, rss_kib, serve_emulator};
use crate::mix::{schedule, worker};
use crate::options::{Options, options};
use crate::report::report;
use crate::requests::USER_IP;
use crate::sdk::sdk_client;
use crate::slow::slow_client;
use crate::state::{SAMPLES, Soak, Tally};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--serve-emulator") && args.len() == 3 {
        let parse = |s: &str| s.parse::<u64>().unwrap_or(3);
        if let Err(e) = serve_emulator(parse(&args[1]), parse(&args[2])) {
            eprintln!("emulator: {e}");
            std::process::exit(1);
        }
        return;
    }
    let options = match options() {
        Ok(options) => options,
        Err(message) => {
            eprintln!("{message}");
            std::process::exit(2);
        }
    };
    match soak(&options) {
        Ok(true) => {}
        Ok(false) => std::process::exit(1),
        Err(e) => {
            eprintln!("soak: {e}");
            std::process::exit(1);
        }
    }
}

/// Runs the soak; `Ok(false)` when an invariant failed.
fn soak(options: &Options) -> Result<bool, BoxError> {
    let child = Child::spawn(options)?;
    let addr = child.addr;

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(options.client_threads)
        .thread_name("soak-client")
        .enable_all()
        .build()?;
    let credential = Credential::new(DEMO_SECRET_ID, DEMO_SECRET_KEY)?;
    let api2_endpoint: Endpoint = format!("http://{addr}/v2/index.php").parse()?;
    let api3_endpoint: Endpoint = format!("http://{addr}/").parse()?;
    let api2 = Api2Config::new(credential.clone()).with_endpoint(api2_endpoint.clone());
    let api3 = Api3Config::new(credential.clone()).with_endpoint(api3_endpoint.clone());
    let api3_v1 = api3.clone().with_signature(Api3Signature::HmacSha256);
    let hyper: captcha_hyper::Client = runtime
        .block_on(async { sdk_client(options, &credential, &api2_endpoint, &api3_endpoint) })?;
    let async_std: captcha_async_std::Client =
        sdk_client(options, &credential, &api2_endpoint, &api3_endpoint)?;
    let http = runtime.block_on(async {
        LegacyClient::builder(TokioExecutor::new())
            .pool_max_idle_per_host(options.concurrency)
            .build_http()
    });
    let child_pid = child.id();
    let soak = Arc::new(Soak {
        addr,
        host: addr.to_string(),
        hyper,
        async_std,
        http,
        credential,
        api2,
        api3,
        api3_v1,
        user: USER_IP.parse()?,
        budget: options.requests,
        sent: AtomicU64::new(0),
        completed: AtomicU64::new(0),
        step: (options.requests / SAMPLES).max(1),
        child: child_pid,
        samples: Mutex::new(vec![(0, rss_kib(child_pid))]),
        tally: Mutex::new(Tally::default()),
        workers_done: AtomicBool::new(false),
        stalls: AtomicU64::new(0),
    });

    let started = Instant::now();
    let mut load_seconds = 0.0;
    runtime.block_on(async {
        let next = Arc::new(AtomicU64::new(0));
        let schedule = Arc::new(schedule());
        let workers: Vec<_> = (0..options.concurrency)
            .map(|_| {
                tokio::spawn(worker(
                    Arc::clone(&soak),
                    Arc::clone(&next),
                    Arc::clone(&schedule),
                ))
            })
            .collect();
        let slow: Vec<_> = (0..options.slow as u64)
            .map(|i| tokio::spawn(slow_client(Arc::clone(&soak), i)))
            .collect();
        for task in workers {
            task.await?;
        }
        soak.workers_done.store(true, Ordering::Relaxed);
        load_seconds = started.elapsed().as_secs_f64();
        for task in slow {
            task.await?;
        }
        Ok::<_, BoxError>(())
    })?;
    let seconds = started.elapsed().as_secs_f64();
    let rss_end = rss_kib(child_pid);

    // The emulator must still be running; then it is asked to stop.
    let exit = child.stop()?;
    Ok(report(options, &soak, exit, rss_end, load_seconds, seconds))
}
