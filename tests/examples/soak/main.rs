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

use std::collections::BTreeMap;
use std::io::BufRead as _;
use std::net::{IpAddr, SocketAddr};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use captcha_emulator::{
    BackgroundEmulator, DEMO_APP_SECRET_KEY, DEMO_CAPTCHA_APP_ID, DEMO_SECRET_ID, DEMO_SECRET_KEY,
    Emulator, MAX_API3_BODY_BYTES, MAX_BODY_BYTES, MAX_QUERY_BYTES,
};
use captcha_proto::api3::{Api3Config, Api3Signature, CaptchaResult, DescribeCaptchaResult};
use captcha_proto::{
    Api2Config, CaptchaCheck, CaptchaType, CheckVerdict, Credential, Endpoint, Stamp, tc3,
};
use http::header::{AUTHORIZATION, CONTENT_TYPE, HeaderName, HeaderValue};
use http::{Method, Request};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client as LegacyClient;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The user every ticket is minted for.
const USER_IP: &str = "203.0.113.7";
/// Not the demo app's `AppSecretKey`.
const WRONG_APP_SECRET_KEY: &str = "not-the-app-secret-key";
/// A ticket never minted: `CaptchaCode` 15 when it reaches the ticket check.
const UNKNOWN_TICKET: &str = "tr03neverMintedByThisEmulator000000000000000000*";
/// The TC3 service of the captcha API.
const SERVICE: &str = "captcha";
/// Longest wait for one SDK call: beyond, it is a transport error.
const CALL_TIMEOUT: Duration = Duration::from_secs(60);
/// Longest wait for any other exchange to end (the emulator's own timeouts are 30 s):
/// beyond, the emulator neither answered nor closed, which is a wrong answer.
const LIVENESS: Duration = Duration::from_secs(120);
/// Pause between the bytes of a dribbled request.
const DRIBBLE_PAUSE: Duration = Duration::from_millis(5);
/// Samples of the RSS curve after the start.
const SAMPLES: u64 = 20;
/// Wrong answers described on stderr (the rest are only counted).
const WRONG_SHOWN: usize = 20;
/// A request head past the server's limit. hyper refuses a head once its read buffer holds
/// more than 8 KiB + 100 × 4 KiB without the end of it; a head that a single read completes
/// can be up to about twice that, so the head sent is surely past both.
const HEAD_LIMIT: usize = 1024 * 1024;

/// Command-line options.
struct Options {
    requests: u64,
    concurrency: usize,
    slow: usize,
    client_threads: usize,
    ticket_ttl: u64,
    max_skew: u64,
}

fn options() -> Result<Options, String> {
    let mut options = Options {
        requests: 1_000_000,
        concurrency: 32,
        slow: 4,
        client_threads: 2,
        ticket_ttl: 3,
        max_skew: 3,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or(format!("{arg} needs a value"));
        let number = |v: String| v.parse::<u64>().map_err(|_| format!("bad number {v:?}"));
        match arg.as_str() {
            "--requests" => options.requests = number(value()?)?.max(1),
            "--concurrency" => options.concurrency = number(value()?)?.max(1) as usize,
            "--slow" => options.slow = number(value()?)? as usize,
            "--client-threads" => options.client_threads = number(value()?)?.max(1) as usize,
            "--ticket-ttl" => options.ticket_ttl = number(value()?)?.max(2),
            "--max-skew" => options.max_skew = number(value()?)?.max(2),
            "--help" | "-h" => {
                return Err("usage: soak [--requests N] [--concurrency C] [--slow S] \
                     [--client-threads T] [--ticket-ttl SECONDS] [--max-skew SECONDS]"
                    .to_owned());
            }
            other => return Err(format!("unknown argument {other:?} (try --help)")),
        }
    }
    Ok(options)
}

// ---------------------------------------------------------------------------------------
// The child: the emulator alone in its process.
// ---------------------------------------------------------------------------------------

/// `--serve-emulator TTL SKEW`: runs the emulator, prints its address, serves until stdin
/// closes.
fn serve_emulator(ttl: u64, skew: u64) -> Result<(), BoxError> {
    use std::io::Write as _;
    let emulator = Emulator::builder()
        .credential(DEMO_SECRET_ID, DEMO_SECRET_KEY)
        .captcha_app(DEMO_CAPTCHA_APP_ID, DEMO_APP_SECRET_KEY)
        .without_api3_rate_limit()
        .ticket_ttl(Duration::from_secs(ttl))
        .max_skew(Duration::from_secs(skew))
        .build();
    let emulator = BackgroundEmulator::start(emulator, "127.0.0.1:0".parse()?)?;
    let mut stdout = std::io::stdout();
    writeln!(stdout, "{}", emulator.local_addr())?;
    stdout.flush()?;
    let mut sink = String::new();
    while std::io::stdin().read_line(&mut sink)? > 0 {
        sink.clear();
    }
    emulator.shutdown();
    Ok(())
}

/// The resident size of process `pid` in KiB (`VmRSS`, Linux; 0 elsewhere).
fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

// ---------------------------------------------------------------------------------------
// Counting.
// ---------------------------------------------------------------------------------------

/// How one request went.
enum Verdict {
    /// The answer it must get.
    Right,
    /// Another answer (or none where one was due): what was seen and what was due.
    Wrong(String),
    /// A request that must pass failed in transport.
    Transport(String),
}

#[derive(Default)]
struct Tally {
    requests: BTreeMap<&'static str, u64>,
    wrong: BTreeMap<&'static str, u64>,
    transport: BTreeMap<&'static str, u64>,
    shown: usize,
}

/// Everything the workers share.
struct Soak {
    addr: SocketAddr,
    host: String,
    hyper: captcha_hyper::Client,
    async_std: captcha_async_std::Client,
    http: LegacyClient<HttpConnector, Full<Bytes>>,
    credential: Credential,
    api2: Api2Config,
    api3: Api3Config,
    api3_v1: Api3Config,
    user: IpAddr,
    /// Requests allowed in all.
    budget: u64,
    /// Requests started.
    sent: AtomicU64,
    /// Requests finished (answered or not).
    completed: AtomicU64,
    /// Finished requests between two samples.
    step: u64,
    child: u32,
    samples: Mutex<Vec<(u64, u64)>>,
    tally: Mutex<Tally>,
    /// Set once the workers have stopped.
    workers_done: AtomicBool,
    stalls: AtomicU64,
}

impl Soak {
    /// True while the budget allows starting more work.
    fn open(&self) -> bool {
        self.sent.load(Ordering::Relaxed) < self.budget
    }

    fn start(&self) {
        self.sent.fetch_add(1, Ordering::Relaxed);
    }

    /// Counts one finished request of `kind`.
    fn finish(&self, kind: &'static str, verdict: Verdict) {
        {
            let mut tally = self.tally.lock().unwrap_or_else(|e| e.into_inner());
            *tally.requests.entry(kind).or_default() += 1;
            let (map, label, detail) = match &verdict {
                Verdict::Right => (None, "", ""),
                Verdict::Wrong(detail) => (Some(0), "wrong answer", detail.as_str()),
                Verdict::Transport(detail) => (Some(1), "transport error", detail.as_str()),
            };
            if let Some(which) = map {
                let counts = if which == 0 {
                    &mut tally.wrong
                } else {
                    &mut tally.transport
                };
                *counts.entry(kind).or_default() += 1;
                if tally.shown < WRONG_SHOWN {
                    tally.shown += 1;
                    eprintln!("soak: {label}: {kind}: {detail}");
                }
            }
        }
        let done = self.completed.fetch_add(1, Ordering::Relaxed) + 1;
        if done.is_multiple_of(self.step) && done / self.step <= SAMPLES {
            let rss = rss_kib(self.child);
            self.samples
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push((done, rss));
            eprintln!(
                "soak: {done} of {} requests, emulator RSS {rss} KiB",
                self.budget
            );
        }
    }

    /// Starts a request, runs it, counts it.
    async fn run<F: Future<Output = Verdict>>(&self, kind: &'static str, request: F) -> Verdict {
        self.start();
        let verdict = request.await;
        let passed = matches!(verdict, Verdict::Right);
        self.finish(kind, verdict);
        if passed {
            Verdict::Right
        } else {
            Verdict::Wrong(String::new())
        }
    }
}

// ---------------------------------------------------------------------------------------
// What an answer must be.
// ---------------------------------------------------------------------------------------

/// The answer a request must get.
#[derive(Clone, Copy, Debug)]
enum Expect {
    /// HTTP 200, API 3.0 envelope with this `Response.Error.Code`.
    Api3Error(&'static str),
    /// HTTP 200, API 3.0 answer with this `CaptchaCode`.
    Api3Code(i64),
    /// API 2.0 answer: this status and `code` (and `codeDesc` when given).
    Api2 {
        status: u16,
        code: i64,
        desc: Option<&'static str>,
    },
    /// A refusal by the HTTP layer: one of these statuses, or a close without an answer.
    RefusedOrClosed(&'static [u16]),
    /// The connection closed without an answer (or after one of these statuses).
    Closed(&'static [u16]),
}

/// Checks `status` and `body` against `expect`.
fn judge(expect: Expect, status: u16, body: &[u8]) -> Verdict {
    let json: Option<Value> = serde_json::from_slice(body).ok();
    let field = |path: &[&str]| {
        let mut value = json.as_ref()?;
        for key in path {
            value = value.get(key)?;
        }
        Some(value.clone())
    };
    match expect {
        Expect::Api3Error(code) => {
            let got = field(&["Response", "Error", "Code"]);
            if status == 200 && got.as_ref().and_then(Value::as_str) == Some(code) {
                Verdict::Right
            } else {
                Verdict::Wrong(format!("status {status}, Error.Code {got:?}; due: {code}"))
            }
        }
        Expect::Api3Code(code) => {
            let got = field(&["Response", "CaptchaCode"]).and_then(|v| v.as_i64());
            if status == 200 && got == Some(code) {
                Verdict::Right
            } else {
                let error = field(&["Response", "Error", "Code"]);
                Verdict::Wrong(format!(
                    "status {status}, CaptchaCode {got:?}, Error.Code {error:?}; due: CaptchaCode {code}"
                ))
            }
        }
        Expect::Api2 {
            status: due,
            code,
            desc,
        } => {
            let got = field(&["code"]).and_then(|v| v.as_i64());
            let got_desc = field(&["codeDesc"]);
            let desc_ok = desc.is_none_or(|d| got_desc.as_ref().and_then(Value::as_str) == Some(d));
            if status == due && got == Some(code) && desc_ok {
                Verdict::Right
            } else {
                Verdict::Wrong(format!(
                    "status {status}, code {got:?}, codeDesc {got_desc:?}; due: status {due}, code {code}, codeDesc {desc:?}"
                ))
            }
        }
        Expect::RefusedOrClosed(statuses) | Expect::Closed(statuses) => {
            if statuses.contains(&status) {
                Verdict::Right
            } else {
                Verdict::Wrong(format!(
                    "status {status}; due: one of {statuses:?} or a close"
                ))
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// Raw TCP.
// ---------------------------------------------------------------------------------------

/// How a raw exchange is written.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Pace {
    /// All at once, then the write side stays open.
    AtOnce,
    /// All at once, then the write side is shut (the server reads end of file).
    HalfClose,
    /// One byte at a time, [`DRIBBLE_PAUSE`] apart.
    Dribble,
}

/// What came back on a raw connection.
struct RawReply {
    /// Every complete response, in order: status and body.
    responses: Vec<(u16, Vec<u8>)>,
    /// Bytes after the last complete response.
    leftover: usize,
    /// The connection ended (closed or reset) rather than outliving [`LIVENESS`].
    ended: bool,
}

/// Writes `bytes` to a fresh connection and reads until the server closes it (or
/// [`LIVENESS`] passes). Write errors (the server closing first) are not failures: what was
/// answered is.
async fn raw_exchange(addr: SocketAddr, bytes: &[u8], pace: Pace) -> Result<RawReply, String> {
    let mut stream = TcpStream::connect(addr)
        .await
        .map_err(|e| format!("connect: {:?}", e.kind()))?;
    let exchange = async {
        let written = match pace {
            Pace::AtOnce | Pace::HalfClose => stream.write_all(bytes).await,
            Pace::Dribble => {
                let mut result = Ok(());
                for byte in bytes {
                    result = stream.write_all(std::slice::from_ref(byte)).await;
                    if result.is_err() {
                        break;
                    }
                    tokio::time::sleep(DRIBBLE_PAUSE).await;
                }
                result
            }
        };
        if written.is_ok() && pace == Pace::HalfClose {
            let _ = stream.shutdown().await;
        }
        let mut received = Vec::new();
        let mut buffer = vec![0u8; 16 * 1024];
        loop {
            match stream.read(&mut buffer).await {
                Ok(0) | Err(_) => break,
                Ok(n) => received.extend_from_slice(&buffer[..n]),
            }
        }
        received
    };
    match tokio::time::timeout(LIVENESS, exchange).await {
        Ok(received) => {
            let (responses, leftover) = parse_responses(&received);
            Ok(RawReply {
                responses,
                leftover,
                ended: true,
            })
        }
        Err(_) => Ok(RawReply {
            responses: Vec::new(),
            leftover: 0,
            ended: false,
        }),
    }
}

/// Splits `data` into complete HTTP/1.1 responses (`Content-Length` bodies; a response
/// without one runs to the end), and counts the bytes left over.
fn parse_responses(mut data: &[u8]) -> (Vec<(u16, Vec<u8>)>, usize) {
    let mut responses = Vec::new();
    while !data.is_empty() {
        let Some(end) = data.windows(4).position(|w| w == b"\r\n\r\n") else {
            break;
        };
        let head = String::from_utf8_lossy(&data[..end]);
        let mut lines = head.split("\r\n");
        let status = lines
            .next()
            .and_then(|line| line.split(' ').nth(1))
            .and_then(|code| code.parse::<u16>().ok());
        let Some(status) = status else { break };
        let length = lines
            .filter_map(|line| line.split_once(':'))
            .find(|(name, _)| name.trim().eq_ignore_ascii_case("content-length"))
            .and_then(|(_, value)| value.trim().parse::<usize>().ok());
        let body_start = end + 4;
        let body_end = match length {
            Some(n) if body_start + n <= data.len() => body_start + n,
            Some(_) => break,
            None => data.len(),
        };
        responses.push((status, data[body_start..body_end].to_vec()));
        data = &data[body_end..];
    }
    (responses, data.len())
}

/// Judges a raw exchange that must get exactly one answer matching `expect` (or, for
/// [`Expect::RefusedOrClosed`] and [`Expect::Closed`], a close without one).
fn judge_raw(expect: Expect, reply: Result<RawReply, String>) -> Verdict {
    let reply = match reply {
        Ok(reply) => reply,
        Err(e) => return Verdict::Wrong(e),
    };
    if !reply.ended {
        return Verdict::Wrong(format!("neither answered nor closed within {LIVENESS:?}"));
    }
    match (expect, reply.responses.as_slice()) {
        (Expect::RefusedOrClosed(_) | Expect::Closed(_), []) if reply.leftover == 0 => {
            Verdict::Right
        }
        (_, [(status, body)]) if reply.leftover == 0 => judge(expect, *status, body),
        (_, responses) => Verdict::Wrong(format!(
            "{} responses ({:?}) and {} more bytes; due: one answer {expect:?}",
            responses.len(),
            responses.iter().map(|r| r.0).collect::<Vec<_>>(),
            reply.leftover
        )),
    }
}

/// `request` as HTTP/1.1 bytes for a raw socket: request line, its headers, a
/// `Content-Length` and `Connection: close`.
fn serialize(request: &Request<Vec<u8>>) -> Vec<u8> {
    let target = request
        .uri()
        .path_and_query()
        .map_or("/", |p| p.as_str())
        .to_owned();
    let mut out = format!("{} {target} HTTP/1.1\r\n", request.method()).into_bytes();
    for (name, value) in request.headers() {
        out.extend_from_slice(name.as_str().as_bytes());
        out.extend_from_slice(b": ");
        out.extend_from_slice(value.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(
        format!(
            "content-length: {}\r\nconnection: close\r\n\r\n",
            request.body().len()
        )
        .as_bytes(),
    );
    out.extend_from_slice(request.body());
    out
}

// ---------------------------------------------------------------------------------------
// Requests.
// ---------------------------------------------------------------------------------------

/// Which SDK client a call goes through.
#[derive(Clone, Copy)]
enum Sdk {
    Hyper,
    AsyncStd,
}

/// A minted API 3.0 ticket: ticket and Randstr.
struct Minted {
    ticket: String,
    randstr: String,
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// A stamp `offset` seconds away from now, with a random nonce.
fn stamp_at(offset: i64) -> Stamp {
    let timestamp = unix_now().saturating_add_signed(offset);
    Stamp::new(timestamp, Stamp::now().nonce()).expect("a positive timestamp")
}

impl Soak {
    /// The API 3.0 check of `ticket` with `app_secret_key`.
    fn describe(&self, ticket: &str, randstr: &str, app_secret_key: &str) -> DescribeCaptchaResult {
        DescribeCaptchaResult::new(
            ticket.to_owned(),
            randstr.to_owned(),
            self.user,
            DEMO_CAPTCHA_APP_ID,
            app_secret_key.to_owned(),
        )
    }

    /// `DescribeCaptchaResult` through an SDK client.
    async fn sdk_describe(
        &self,
        sdk: Sdk,
        check: DescribeCaptchaResult,
    ) -> Result<CaptchaResult, captcha_client::Error> {
        match sdk {
            Sdk::Hyper => self.hyper.describe_captcha_result(&check).await,
            Sdk::AsyncStd => {
                let client = self.async_std.clone();
                async_std::task::spawn(async move { client.describe_captcha_result(&check).await })
                    .await
            }
        }
    }

    /// `CaptchaCheck` through an SDK client.
    async fn sdk_check(
        &self,
        sdk: Sdk,
        check: CaptchaCheck,
    ) -> Result<CheckVerdict, captcha_client::Error> {
        match sdk {
            Sdk::Hyper => self.hyper.captcha_check(&check).await,
            Sdk::AsyncStd => {
                let client = self.async_std.clone();
                async_std::task::spawn(async move { client.captcha_check(&check).await }).await
            }
        }
    }

    /// Sends a well-formed request with the pooled hyper client: status and body.
    async fn send(&self, request: Request<Vec<u8>>) -> Result<(u16, Bytes), String> {
        let (parts, body) = request.into_parts();
        let request = Request::from_parts(parts, Full::new(Bytes::from(body)));
        let call = async {
            let response = self.http.request(request).await.map_err(|e| {
                format!("send: {}", if e.is_connect() { "connect" } else { "other" })
            })?;
            let status = response.status().as_u16();
            let body = response
                .into_body()
                .collect()
                .await
                .map_err(|_| "body".to_owned())?
                .to_bytes();
            Ok((status, body))
        };
        tokio::time::timeout(CALL_TIMEOUT, call)
            .await
            .unwrap_or_else(|_| Err("timeout".to_owned()))
    }

    /// Sends a well-formed request that must get `expect`.
    async fn send_expect(&self, request: Request<Vec<u8>>, expect: Expect) -> Verdict {
        match self.send(request).await {
            Ok((status, body)) => judge(expect, status, &body),
            Err(e) => Verdict::Wrong(e),
        }
    }

    /// A request to this emulator at `path_and_query`.
    fn request(&self, method: Method, path_and_query: &str) -> http::request::Builder {
        Request::builder()
            .method(method)
            .uri(format!("http://{}{path_and_query}", self.addr))
    }

    /// Mints an API 3.0 ticket over HTTP.
    async fn mint_api3(&self) -> Option<Minted> {
        let form = format!("CaptchaAppId={DEMO_CAPTCHA_APP_ID}&UserIp={USER_IP}");
        let request = self
            .request(Method::POST, "/emulator/v3/tickets")
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(form.into_bytes())
            .expect("a valid request");
        self.start();
        let outcome = match self.send(request).await {
            Ok((200, body)) => {
                let json: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
                match (json["ticket"].as_str(), json["randstr"].as_str()) {
                    (Some(ticket), Some(randstr)) if json["ret"] == 0 => Ok(Minted {
                        ticket: ticket.to_owned(),
                        randstr: randstr.to_owned(),
                    }),
                    _ => Err(Verdict::Wrong("mint answer without a ticket".to_owned())),
                }
            }
            Ok((status, _)) => Err(Verdict::Wrong(format!("mint status {status}; due: 200"))),
            Err(e) => Err(Verdict::Transport(e)),
        };
        match outcome {
            Ok(minted) => {
                self.finish("mint_api3", Verdict::Right);
                Some(minted)
            }
            Err(verdict) => {
                self.finish("mint_api3", verdict);
                None
            }
        }
    }

    /// Mints an API 2.0 ticket over HTTP.
    async fn mint_api2(&self) -> Option<String> {
        let form = format!("captchaType=9&userIp={USER_IP}");
        let request = self
            .request(Method::POST, "/emulator/tickets")
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(form.into_bytes())
            .expect("a valid request");
        self.start();
        let (verdict, ticket) = match self.send(request).await {
            Ok((200, body)) => {
                let json: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
                match json["ticket"].as_str() {
                    Some(ticket) => (Verdict::Right, Some(ticket.to_owned())),
                    None => (
                        Verdict::Wrong("mint answer without a ticket".to_owned()),
                        None,
                    ),
                }
            }
            Ok((status, _)) => (
                Verdict::Wrong(format!("mint status {status}; due: 200")),
                None,
            ),
            Err(e) => (Verdict::Transport(e), None),
        };
        self.finish("mint_api2", verdict);
        ticket
    }

    /// Judges an SDK API 3.0 answer that must be `CaptchaCode` `due`; `valid` calls count
    /// their transport failures as transport errors.
    fn judge_describe(
        due: i64,
        result: Result<CaptchaResult, captcha_client::Error>,
        valid: bool,
    ) -> Verdict {
        match result {
            Ok(result) if result.code == due => Verdict::Right,
            Ok(result) => Verdict::Wrong(format!("CaptchaCode {}; due: {due}", result.code)),
            Err(e) => match e.api3() {
                Some(api) => {
                    Verdict::Wrong(format!("refused {}; due: CaptchaCode {due}", api.code()))
                }
                None if valid => Verdict::Transport(format!("{:?}", e.phase())),
                None => Verdict::Wrong(format!("transport {:?}", e.phase())),
            },
        }
    }

    /// A fresh API 3.0 ticket checked through `sdk` (1); every `replay`-th time presented
    /// again (9).
    async fn valid_describe(&self, sdk: Sdk, kind: &'static str, replay: bool) {
        let Some(minted) = self.mint_api3().await else {
            return;
        };
        let check = self.describe(&minted.ticket, &minted.randstr, DEMO_APP_SECRET_KEY);
        let first = self
            .run(kind, async {
                Self::judge_describe(1, self.sdk_describe(sdk, check.clone()).await, true)
            })
            .await;
        if replay && matches!(first, Verdict::Right) {
            self.run("replay_api3", async {
                Self::judge_describe(9, self.sdk_describe(sdk, check).await, true)
            })
            .await;
        }
    }

    /// A wrong `AppSecretKey` (100), then the right one on the same, unspent ticket (1).
    async fn wrong_app_key(&self, sdk: Sdk) {
        let Some(minted) = self.mint_api3().await else {
            return;
        };
        let wrong = self.describe(&minted.ticket, &minted.randstr, WRONG_APP_SECRET_KEY);
        let refused = self
            .run("wrong_app_secret_key", async {
                Self::judge_describe(100, self.sdk_describe(sdk, wrong).await, true)
            })
            .await;
        if matches!(refused, Verdict::Right) {
            let right = self.describe(&minted.ticket, &minted.randstr, DEMO_APP_SECRET_KEY);
            self.run("describe_after_wrong_key", async {
                Self::judge_describe(1, self.sdk_describe(sdk, right).await, true)
            })
            .await;
        }
    }

    /// A fresh API 2.0 ticket checked through `sdk` (pass); when `replay`, checked again
    /// with a freshly signed request (5100 `TicketUsed`).
    async fn valid_check(&self, sdk: Sdk, replay: bool) {
        let Some(ticket) = self.mint_api2().await else {
            return;
        };
        let check = CaptchaCheck::new(ticket, self.user, CaptchaType::Slider);
        let first = self
            .run("check_api2", async {
                match self.sdk_check(sdk, check.clone()).await {
                    Ok(CheckVerdict::Pass) => Verdict::Right,
                    Ok(CheckVerdict::Fail { .. }) => {
                        Verdict::Wrong("verdict fail; due: pass".to_owned())
                    }
                    Err(e) => match e.api2() {
                        Some(api) => Verdict::Wrong(format!("refused {}; due: pass", api.code())),
                        None => Verdict::Transport(format!("{:?}", e.phase())),
                    },
                }
            })
            .await;
        if replay && matches!(first, Verdict::Right) {
            let request = self.api2.encode(&check, Stamp::now()).expect("encodes");
            self.run("replay_api2", async {
                let expect = Expect::Api2 {
                    status: 200,
                    code: 5100,
                    desc: Some("TicketUsed"),
                };
                match self.send(request).await {
                    Ok((status, body)) => judge(expect, status, &body),
                    Err(e) => Verdict::Transport(e),
                }
            })
            .await;
        }
    }

    /// A TC3 `DescribeCaptchaResult` of an unknown ticket, signed at `stamp`.
    fn tc3_request(&self, stamp: Stamp) -> Request<Vec<u8>> {
        let check = self.describe(UNKNOWN_TICKET, "@abc", DEMO_APP_SECRET_KEY);
        self.api3.encode(&check, stamp).expect("encodes")
    }

    /// An API 2.0 `CaptchaCheck` of an unknown ticket, signed at `stamp`.
    fn v1_api2_request(&self, stamp: Stamp) -> Request<Vec<u8>> {
        let check = CaptchaCheck::new("t03neverMinted", self.user, CaptchaType::Slider);
        self.api2.encode(&check, stamp).expect("encodes")
    }

    async fn tampered(&self, variant: u64) {
        let (kind, request, expect) = match variant % 4 {
            0 => {
                let mut request = self.tc3_request(Stamp::now());
                let value = request.headers()[AUTHORIZATION].as_bytes().to_vec();
                let mut value = value;
                let last = value.len() - 1;
                value[last] = if value[last] == b'0' { b'1' } else { b'0' };
                request.headers_mut().insert(
                    AUTHORIZATION,
                    HeaderValue::from_bytes(&value).expect("still a header value"),
                );
                (
                    "tampered_tc3_signature",
                    request,
                    Expect::Api3Error("AuthFailure.SignatureFailure"),
                )
            }
            1 => {
                let mut request = self.tc3_request(Stamp::now());
                let body = String::from_utf8(request.body().clone()).expect("JSON text");
                *request.body_mut() = body.replace("@abc", "@abd").into_bytes();
                (
                    "tampered_tc3_body",
                    request,
                    Expect::Api3Error("AuthFailure.SignatureFailure"),
                )
            }
            2 => {
                let mut request = self.v1_api2_request(Stamp::now());
                tamper_v1(&mut request);
                (
                    "tampered_v1_api2",
                    request,
                    Expect::Api2 {
                        status: 200,
                        code: 4100,
                        desc: None,
                    },
                )
            }
            _ => {
                let check = self.describe(UNKNOWN_TICKET, "@abc", DEMO_APP_SECRET_KEY);
                let mut request = self.api3_v1.encode(&check, Stamp::now()).expect("encodes");
                tamper_v1(&mut request);
                (
                    "tampered_v1_api3",
                    request,
                    Expect::Api3Error("AuthFailure.SignatureFailure"),
                )
            }
        };
        self.run(kind, self.send_expect(request, expect)).await;
    }

    async fn expired(&self, variant: u64) {
        let (kind, request, expect) = match variant % 3 {
            0 => (
                "expired_tc3_past",
                self.tc3_request(stamp_at(-3600)),
                Expect::Api3Error("AuthFailure.SignatureExpire"),
            ),
            1 => (
                "expired_tc3_future",
                self.tc3_request(stamp_at(3600)),
                Expect::Api3Error("AuthFailure.SignatureExpire"),
            ),
            _ => (
                "expired_v1_api2",
                self.v1_api2_request(stamp_at(-3600)),
                Expect::Api2 {
                    status: 200,
                    code: 4500,
                    desc: None,
                },
            ),
        };
        self.run(kind, self.send_expect(request, expect)).await;
    }

    async fn oversized(&self, variant: u64) {
        let host = &self.host;
        match variant % 20 {
            // An API 2.0 chunked body actually sent past the limit: rare (1 MiB each).
            19 => {
                let head = format!(
                    "POST /v2/index.php HTTP/1.1\r\nhost: {host}\r\n\
                     content-type: application/x-www-form-urlencoded\r\n\
                     transfer-encoding: chunked\r\nconnection: close\r\n\r\n{:x}\r\n",
                    MAX_BODY_BYTES + 1
                );
                let mut bytes = head.into_bytes();
                bytes.extend(std::iter::repeat_n(b'a', MAX_BODY_BYTES + 1));
                bytes.extend_from_slice(b"\r\n0\r\n\r\n");
                let expect = Expect::Api2 {
                    status: 413,
                    code: 4000,
                    desc: None,
                };
                self.run("oversized_api2_body_sent", async {
                    judge_raw(
                        expect,
                        raw_exchange(self.addr, &bytes, Pace::HalfClose).await,
                    )
                })
                .await;
            }
            v if v % 4 == 0 => {
                let head = format!(
                    "POST / HTTP/1.1\r\nhost: {host}\r\ncontent-type: application/json\r\n\
                     x-tc-action: DescribeCaptchaResult\r\ncontent-length: {}\r\n\
                     connection: close\r\n\r\n",
                    MAX_API3_BODY_BYTES + 1
                );
                let expect = Expect::Api3Error("RequestSizeLimitExceeded");
                self.run("oversized_api3_body", async {
                    judge_raw(
                        expect,
                        raw_exchange(self.addr, head.as_bytes(), Pace::AtOnce).await,
                    )
                })
                .await;
            }
            v if v % 4 == 1 => {
                let head = format!(
                    "POST /v2/index.php HTTP/1.1\r\nhost: {host}\r\n\
                     content-type: application/x-www-form-urlencoded\r\ncontent-length: {}\r\n\
                     connection: close\r\n\r\n",
                    MAX_BODY_BYTES + 1
                );
                let expect = Expect::Api2 {
                    status: 413,
                    code: 4000,
                    desc: None,
                };
                self.run("oversized_api2_body", async {
                    judge_raw(
                        expect,
                        raw_exchange(self.addr, head.as_bytes(), Pace::AtOnce).await,
                    )
                })
                .await;
            }
            v => {
                let api3 = v % 4 == 2;
                let path = if api3 { "/" } else { "/v2/index.php" };
                let query = format!("Action=CaptchaCheck&pad={}", "x".repeat(MAX_QUERY_BYTES));
                let request = self
                    .request(Method::GET, &format!("{path}?{query}"))
                    .body(Vec::new())
                    .expect("a valid request");
                let (kind, expect) = if api3 {
                    (
                        "oversized_api3_query",
                        Expect::Api3Error("RequestSizeLimitExceeded"),
                    )
                } else {
                    (
                        "oversized_api2_query",
                        Expect::Api2 {
                            status: 414,
                            code: 4000,
                            desc: None,
                        },
                    )
                };
                self.run(kind, self.send_expect(request, expect)).await;
            }
        }
    }

    /// A TC3 request with `body` (any bytes), correctly signed now.
    fn signed_body(&self, body: Vec<u8>) -> Request<Vec<u8>> {
        let mut request = self
            .request(Method::POST, "/")
            .header(CONTENT_TYPE, "application/json")
            .header("x-tc-action", "DescribeCaptchaResult")
            .header("x-tc-version", "2019-07-22")
            .body(body)
            .expect("a valid request");
        tc3::sign_request(&mut request, &self.credential, SERVICE, unix_now()).expect("signs");
        request
    }

    async fn malformed(&self, variant: u64) {
        let host = &self.host;
        const BAD_REQUEST: &[u16] = &[400];
        match variant % 22 {
            0 => {
                let bytes = garbage(variant);
                self.run("malformed_garbage", async {
                    judge_raw(
                        Expect::RefusedOrClosed(BAD_REQUEST),
                        raw_exchange(self.addr, &bytes, Pace::HalfClose).await,
                    )
                })
                .await;
            }
            1 => {
                let bytes = format!("POST /v2/index.php HTTP/1.1\r\nhost: {host}\r\ncontent-ty");
                self.run("malformed_truncated_headers", async {
                    judge_raw(
                        Expect::Closed(BAD_REQUEST),
                        raw_exchange(self.addr, bytes.as_bytes(), Pace::HalfClose).await,
                    )
                })
                .await;
            }
            2 => {
                let bytes = format!(
                    "POST /v2/index.php HTTP/1.1\r\nhost: {host}\r\n\
                     content-type: application/x-www-form-urlencoded\r\ncontent-length: 100\r\n\
                     connection: close\r\n\r\nAction=Capt"
                );
                let expect = Expect::Api2 {
                    status: 400,
                    code: 4000,
                    desc: None,
                };
                self.run("malformed_truncated_body", async {
                    judge_raw(
                        expect,
                        raw_exchange(self.addr, bytes.as_bytes(), Pace::HalfClose).await,
                    )
                })
                .await;
            }
            3 => {
                let request = self.signed_body(br#"{"CaptchaType":9,"Ticket":"#.to_vec());
                let expect = Expect::Api3Error("InvalidParameter");
                self.run("malformed_invalid_json", self.send_expect(request, expect))
                    .await;
            }
            4 => {
                let body = b"{\"CaptchaType\":9,\"Ticket\":\"\xff\xfe\x80\",\"Randstr\":\"@abc\"}"
                    .to_vec();
                let request = self.signed_body(body);
                let expect = Expect::Api3Error("InvalidParameter");
                self.run("malformed_non_utf8_json", self.send_expect(request, expect))
                    .await;
            }
            5 => {
                let depth = 100_000;
                let mut body = vec![b'['; depth];
                body.extend(std::iter::repeat_n(b']', depth));
                let request = self.signed_body(body);
                let expect = Expect::Api3Error("InvalidParameter");
                self.run("malformed_deep_json", self.send_expect(request, expect))
                    .await;
            }
            6 => {
                let request = self.signed_body(b"[1,2,3]".to_vec());
                let expect = Expect::Api3Error("InvalidParameter");
                self.run(
                    "malformed_json_not_object",
                    self.send_expect(request, expect),
                )
                .await;
            }
            7 => {
                let mut request = self.tc3_request(Stamp::now());
                request.headers_mut().insert(
                    HeaderName::from_static("x-tc-action"),
                    HeaderValue::from_bytes(b"Describe\xff\xfeResult")
                        .expect("obs-text is allowed"),
                );
                let expect = Expect::Api3Error("InvalidParameter");
                self.run(
                    "malformed_non_utf8_header",
                    self.send_expect(request, expect),
                )
                .await;
            }
            8 => {
                let mut bytes = b"GET /v2/index.php?Action=Describe\xff\xfeResult".to_vec();
                bytes.extend_from_slice(
                    format!(" HTTP/1.1\r\nhost: {host}\r\nconnection: close\r\n\r\n").as_bytes(),
                );
                self.run("malformed_non_utf8_request_line", async {
                    judge_raw(
                        Expect::RefusedOrClosed(BAD_REQUEST),
                        raw_exchange(self.addr, &bytes, Pace::AtOnce).await,
                    )
                })
                .await;
            }
            9 => {
                let query = format!(
                    "Action=%FF%FE&Region=gz&Timestamp=1&Nonce=1&SecretId={DEMO_SECRET_ID}&Signature=%FF"
                );
                let request = self
                    .request(Method::GET, &format!("/v2/index.php?{query}"))
                    .body(Vec::new())
                    .expect("a valid request");
                let expect = Expect::Api2 {
                    status: 200,
                    code: 4100,
                    desc: None,
                };
                self.run(
                    "malformed_non_utf8_query",
                    self.send_expect(request, expect),
                )
                .await;
            }
            10 => self.bad_authorization(variant / 22).await,
            11 => {
                let mut request = self.tc3_request(Stamp::now());
                let junk = "j".repeat(64 * 1024);
                request.headers_mut().insert(
                    HeaderName::from_static("x-junk"),
                    HeaderValue::from_str(&junk).expect("a header value"),
                );
                self.run(
                    "huge_header_answered",
                    self.send_expect(request, Expect::Api3Code(15)),
                )
                .await;
            }
            12 => {
                // Past the server's limit on the request head: rare, as each is a megabyte.
                if (variant / 22).is_multiple_of(4) {
                    let mut bytes =
                        format!("GET /v2/index.php HTTP/1.1\r\nhost: {host}\r\n").into_bytes();
                    let line = format!("x-junk: {}\r\n", "j".repeat(8 * 1024));
                    while bytes.len() <= HEAD_LIMIT {
                        bytes.extend_from_slice(line.as_bytes());
                    }
                    bytes.extend_from_slice(b"connection: close\r\n\r\n");
                    self.run("headers_past_limit", async {
                        judge_raw(
                            Expect::RefusedOrClosed(&[431]),
                            raw_exchange(self.addr, &bytes, Pace::AtOnce).await,
                        )
                    })
                    .await;
                } else {
                    let mut bytes =
                        format!("GET /v2/index.php HTTP/1.1\r\nhost: {host}\r\n").into_bytes();
                    for i in 0..120 {
                        bytes.extend_from_slice(format!("x-h{i}: v\r\n").as_bytes());
                    }
                    bytes.extend_from_slice(b"connection: close\r\n\r\n");
                    self.run("too_many_headers", async {
                        judge_raw(
                            Expect::RefusedOrClosed(&[431]),
                            raw_exchange(self.addr, &bytes, Pace::AtOnce).await,
                        )
                    })
                    .await;
                }
            }
            13 => {
                let query = format!(
                    "Action=CaptchaCheck&Region=gz&Action=CaptchaCheck&Timestamp={}&Nonce=7&SecretId={DEMO_SECRET_ID}&Signature=x",
                    unix_now()
                );
                let request = self
                    .request(Method::GET, &format!("/v2/index.php?{query}"))
                    .body(Vec::new())
                    .expect("a valid request");
                let expect = Expect::Api2 {
                    status: 200,
                    code: 4000,
                    desc: None,
                };
                self.run("duplicate_param_api2", self.send_expect(request, expect))
                    .await;
            }
            14 => {
                let form = format!(
                    "Action=DescribeCaptchaResult&Version=2019-07-22&Timestamp={}&Nonce=7&Nonce=8&SecretId={DEMO_SECRET_ID}&Signature=x",
                    unix_now()
                );
                let request = self
                    .request(Method::POST, "/")
                    .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
                    .body(form.into_bytes())
                    .expect("a valid request");
                let expect = Expect::Api3Error("InvalidParameter");
                self.run("duplicate_param_api3_v1", self.send_expect(request, expect))
                    .await;
            }
            15 => {
                let mut request = self.tc3_request(Stamp::now());
                request.headers_mut().append(
                    HeaderName::from_static("x-tc-action"),
                    HeaderValue::from_static("DescribeCaptchaResult"),
                );
                let expect = Expect::Api3Error("InvalidParameter");
                self.run("duplicate_header", self.send_expect(request, expect))
                    .await;
            }
            16 => {
                let bytes = format!(
                    "BREW /v2/index.php HTTP/1.1\r\nhost: {host}\r\nconnection: close\r\n\r\n"
                );
                let expect = Expect::Api2 {
                    status: 405,
                    code: 4000,
                    desc: None,
                };
                self.run("unknown_method", async {
                    judge_raw(
                        expect,
                        raw_exchange(self.addr, bytes.as_bytes(), Pace::AtOnce).await,
                    )
                })
                .await;
            }
            17 => {
                let bytes = format!(
                    "POST /v2/index.php HTTP/1.1\r\nhost: {host}\r\ncontent-length: ten\r\n\r\nAction=x"
                );
                self.run("invalid_content_length", async {
                    judge_raw(
                        Expect::RefusedOrClosed(BAD_REQUEST),
                        raw_exchange(self.addr, bytes.as_bytes(), Pace::AtOnce).await,
                    )
                })
                .await;
            }
            18 => {
                let one = format!(
                    "GET /v2/index.php?Action=CaptchaCheck HTTP/1.1\r\nhost: {host}\r\n\r\n"
                );
                let last = format!(
                    "GET /v2/index.php?Action=CaptchaCheck HTTP/1.1\r\nhost: {host}\r\nconnection: close\r\n\r\n"
                );
                let bytes = format!("{one}{one}{last}");
                self.run("pipelined", async {
                    let reply = match raw_exchange(self.addr, bytes.as_bytes(), Pace::AtOnce).await
                    {
                        Ok(reply) => reply,
                        Err(e) => return Verdict::Wrong(e),
                    };
                    let expect = Expect::Api2 {
                        status: 200,
                        code: 4000,
                        desc: None,
                    };
                    if reply.responses.len() != 3 || reply.leftover != 0 || !reply.ended {
                        return Verdict::Wrong(format!(
                            "{} responses, {} more bytes; due: 3 answers",
                            reply.responses.len(),
                            reply.leftover
                        ));
                    }
                    for (status, body) in &reply.responses {
                        if let wrong @ Verdict::Wrong(_) = judge(expect, *status, body) {
                            return wrong;
                        }
                    }
                    Verdict::Right
                })
                .await;
            }
            19 => {
                // A body sent without its JSON type: refused before the signature.
                let mut request = self.tc3_request(Stamp::now());
                request
                    .headers_mut()
                    .insert(CONTENT_TYPE, HeaderValue::from_static("text/plain"));
                let expect = Expect::Api3Error("InvalidParameter");
                self.run("wrong_content_type", self.send_expect(request, expect))
                    .await;
            }
            20 => {
                // A TC3 request over a raw socket, its signature intact but its JSON body
                // cut short by a half-close.
                let request = self.tc3_request(Stamp::now());
                let mut bytes = serialize(&request);
                bytes.truncate(bytes.len() - request.body().len() / 2);
                self.run("malformed_truncated_api3_body", async {
                    judge_raw(
                        Expect::Api3Error("InvalidParameter"),
                        raw_exchange(self.addr, &bytes, Pace::HalfClose).await,
                    )
                })
                .await;
            }
            _ => {
                // Missing required API 2.0 parameters, over a raw socket.
                let bytes = format!(
                    "GET /v2/index.php?Action=CaptchaCheck&Region= HTTP/1.1\r\nhost: {host}\r\nconnection: close\r\n\r\n"
                );
                let expect = Expect::Api2 {
                    status: 200,
                    code: 4000,
                    desc: None,
                };
                self.run("missing_params_api2", async {
                    judge_raw(
                        expect,
                        raw_exchange(self.addr, bytes.as_bytes(), Pace::AtOnce).await,
                    )
                })
                .await;
            }
        }
    }

    async fn bad_authorization(&self, variant: u64) {
        let mut request = self.tc3_request(Stamp::now());
        let (value, expect): (Option<&[u8]>, &'static str) = match variant % 7 {
            0 => (Some(b""), "AuthFailure.InvalidAuthorization"),
            1 => (Some(b"Basic Zm9vOmJhcg=="), "AuthFailure.InvalidAuthorization"),
            2 => (Some(b"TC3-HMAC-SHA256"), "AuthFailure.InvalidAuthorization"),
            3 => (
                Some(
                    b"TC3-HMAC-SHA256 Credential=AKIDemulator0000000000000000000000000/2024-01-01/captcha/tc3_request, SignedHeaders=content-type;host, Signature=zz",
                ),
                "AuthFailure.InvalidAuthorization",
            ),
            4 => {
                let unknown = Credential::new("AKIDunknown0000000000000000000000000000", "some-key")
                    .expect("a credential");
                request.headers_mut().remove(AUTHORIZATION);
                tc3::sign_request(&mut request, &unknown, SERVICE, unix_now()).expect("signs");
                (None, "AuthFailure.SecretIdNotFound")
            }
            5 => {
                request.headers_mut().remove(AUTHORIZATION);
                tc3::sign_request(&mut request, &self.credential, "cvm", unix_now()).expect("signs");
                (None, "AuthFailure.SignatureFailure")
            }
            _ => {
                let sent = request.headers()[AUTHORIZATION].clone();
                request.headers_mut().append(AUTHORIZATION, sent);
                (None, "AuthFailure.InvalidAuthorization")
            }
        };
        if let Some(value) = value {
            request.headers_mut().insert(
                AUTHORIZATION,
                HeaderValue::from_bytes(value).expect("a header value"),
            );
        }
        self.run(
            "bad_authorization",
            self.send_expect(request, Expect::Api3Error(expect)),
        )
        .await;
    }
}

/// Changes one character of the v1 `Signature` parameter (query or form body).
fn tamper_v1(request: &mut Request<Vec<u8>>) {
    fn flip(text: &mut [u8]) -> bool {
        let Some(at) = text
            .windows(10)
            .enumerate()
            .find(|(i, w)| *w == b"Signature=" && (*i == 0 || text[i - 1] == b'&'))
            .map(|(i, _)| i + 10)
        else {
            return false;
        };
        let Some(offset) = text[at..].iter().position(u8::is_ascii_alphanumeric) else {
            return false;
        };
        let c = &mut text[at + offset];
        *c = if *c == b'A' { b'B' } else { b'A' };
        true
    }
    if flip(request.body_mut()) {
        return;
    }
    let uri = request.uri().to_string();
    let mut bytes = uri.into_bytes();
    let query = bytes.iter().position(|b| *b == b'?').map_or(0, |q| q + 1);
    assert!(flip(&mut bytes[query..]), "a v1 request carries Signature");
    *request.uri_mut() = String::from_utf8(bytes)
        .expect("ASCII")
        .parse()
        .expect("still a URI");
}

/// 1 to 600 bytes of noise, fixed by `seed`.
fn garbage(seed: u64) -> Vec<u8> {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let len = 1 + (next() % 600) as usize;
    let mut bytes: Vec<u8> = (0..len).map(|_| next() as u8).collect();
    // Never a request line by chance: a control character first.
    bytes[0] = 0x01;
    bytes
}

// ---------------------------------------------------------------------------------------
// The mix.
// ---------------------------------------------------------------------------------------

/// A unit of work.
#[derive(Clone, Copy)]
enum Unit {
    DescribeHyper,
    DescribeAsyncStd,
    CheckApi2,
    WrongAppKey,
    Tampered,
    Expired,
    Oversized,
    Malformed,
}

/// The mix: units per 100 (see the module documentation).
const MIX: [(Unit, usize); 8] = [
    (Unit::DescribeHyper, 30),
    (Unit::DescribeAsyncStd, 30),
    (Unit::CheckApi2, 8),
    (Unit::WrongAppKey, 4),
    (Unit::Tampered, 4),
    (Unit::Expired, 4),
    (Unit::Oversized, 4),
    (Unit::Malformed, 16),
];

/// The 100 units in an interleaved order, each kind spread evenly over the cycle, with
/// each unit's rank among the units of its kind in the cycle and their number.
fn schedule() -> Vec<(Unit, u64, u64)> {
    let mut slots: Vec<(f64, usize, Unit, u64, u64)> = Vec::new();
    for (kind, (unit, count)) in MIX.iter().enumerate() {
        for i in 0..*count {
            let at = (i as f64 + 0.5) / *count as f64;
            slots.push((at, kind, *unit, i as u64, *count as u64));
        }
    }
    slots.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    slots
        .into_iter()
        .map(|(_, _, unit, rank, count)| (unit, rank, count))
        .collect()
}

async fn worker(soak: Arc<Soak>, next: Arc<AtomicU64>, schedule: Arc<Vec<(Unit, u64, u64)>>) {
    let cycle = schedule.len() as u64;
    while soak.open() {
        let index = next.fetch_add(1, Ordering::Relaxed);
        let (unit, rank, count) = schedule[(index % cycle) as usize];
        // How many units of this kind came before: variants are taken in turn.
        let ordinal = index / cycle * count + rank;
        let sdk = if ordinal.is_multiple_of(2) {
            Sdk::Hyper
        } else {
            Sdk::AsyncStd
        };
        match unit {
            Unit::DescribeHyper => {
                soak.valid_describe(Sdk::Hyper, "describe_hyper", ordinal.is_multiple_of(5))
                    .await;
            }
            Unit::DescribeAsyncStd => {
                soak.valid_describe(
                    Sdk::AsyncStd,
                    "describe_async_std",
                    ordinal.is_multiple_of(5),
                )
                .await;
            }
            Unit::CheckApi2 => soak.valid_check(sdk, (ordinal / 2).is_multiple_of(2)).await,
            Unit::WrongAppKey => soak.wrong_app_key(sdk).await,
            Unit::Tampered => soak.tampered(ordinal).await,
            Unit::Expired => soak.expired(ordinal).await,
            Unit::Oversized => soak.oversized(ordinal).await,
            Unit::Malformed => soak.malformed(ordinal).await,
        }
    }
}

/// A slow client: dribbled requests, stalled headers, stalled bodies and unread answers, in
/// turn, until the budget is spent. The first clients start with a different stall each.
async fn slow_client(soak: Arc<Soak>, client: u64) {
    let host = soak.host.clone();
    let mut turn = [1, 3, 5, 0, 2, 4][(client % 6) as usize];
    while soak.open() {
        match turn % 6 {
            5 => soak.unread_answers().await,
            1 => {
                let bytes = format!("POST /v2/index.php HTTP/1.1\r\nhost: {host}\r\ncontent-ty");
                soak.stall(
                    "slow_stalled_headers",
                    bytes.into_bytes(),
                    Expect::Closed(&[408]),
                )
                .await;
            }
            3 => {
                let bytes = format!(
                    "POST /v2/index.php HTTP/1.1\r\nhost: {host}\r\n\
                     content-type: application/x-www-form-urlencoded\r\ncontent-length: 100\r\n\
                     connection: close\r\n\r\nAction=Capt"
                );
                let expect = Expect::Api2 {
                    status: 400,
                    code: 4000,
                    desc: None,
                };
                soak.stall("slow_stalled_body", bytes.into_bytes(), expect)
                    .await;
            }
            _ => {
                let bytes = format!(
                    "POST / HTTP/1.1\r\nhost: {host}\r\ncontent-type: application/json\r\n\
                     x-tc-action: DescribeCaptchaResult\r\nx-tc-version: 2019-07-22\r\n\
                     x-tc-timestamp: 1\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{{}}"
                );
                let expect = Expect::Api3Error("AuthFailure.InvalidAuthorization");
                soak.run("slow_dribbled", async {
                    judge_raw(
                        expect,
                        raw_exchange(soak.addr, bytes.as_bytes(), Pace::Dribble).await,
                    )
                })
                .await;
            }
        }
        turn += 1;
    }
}

/// Pipelined requests of the slow reader: their answers (the stand-in TCaptcha.js, about
/// 5 KB each) are far more than the socket buffers of both ends hold.
const UNREAD_REQUESTS: usize = 4000;

/// Whether the TCP connection from `local` to `peer` is still established, as the kernel
/// lists it (Linux `/proc/net/tcp`: addresses as the raw 32-bit value and the port, in
/// hexadecimal; state 01 is ESTABLISHED).
fn established(local: SocketAddr, peer: SocketAddr) -> bool {
    let hex = |addr: SocketAddr| match addr.ip() {
        IpAddr::V4(ip) => format!(
            "{:08X}:{:04X}",
            u32::from_ne_bytes(ip.octets()),
            addr.port()
        ),
        IpAddr::V6(_) => String::new(),
    };
    let (local, peer) = (hex(local), hex(peer));
    let table = std::fs::read_to_string("/proc/net/tcp").unwrap_or_default();
    table.lines().skip(1).any(|line| {
        let fields: Vec<&str> = line.split_whitespace().collect();
        fields.len() > 3 && fields[1] == local && fields[2] == peer && fields[3] == "01"
    })
}

impl Soak {
    /// Pipelines [`UNREAD_REQUESTS`] requests with a small receive buffer and reads nothing
    /// until the emulator ends the connection, which it must (its writes wait without
    /// progress); meanwhile the workers' requests must keep completing. Then the answers
    /// read must be fewer than the requests: the connection was cut, not finished.
    async fn unread_answers(&self) {
        let kind = "slow_unread_answers";
        self.run(kind, async {
            let before = self.completed.load(Ordering::Relaxed);
            let connected = async {
                let socket = tokio::net::TcpSocket::new_v4()?;
                socket.set_recv_buffer_size(4096)?;
                socket.connect(self.addr).await
            };
            let stream = match connected.await {
                Ok(stream) => stream,
                Err(e) => return Verdict::Wrong(format!("connect: {:?}", e.kind())),
            };
            let Ok(local) = stream.local_addr() else {
                return Verdict::Wrong("no local address".to_owned());
            };
            let (mut reader, mut writer) = stream.into_split();
            let requests = format!("GET /TCaptcha.js HTTP/1.1\r\nhost: {}\r\n\r\n", self.host)
                .repeat(UNREAD_REQUESTS);
            // The emulator stops reading too once it cannot write: this may never finish.
            let writing = tokio::spawn(async move {
                let _ = writer.write_all(requests.as_bytes()).await;
                writer
            });
            let waited = Instant::now();
            while established(local, self.addr) && waited.elapsed() < LIVENESS {
                tokio::time::sleep(Duration::from_millis(250)).await;
            }
            let after = self.completed.load(Ordering::Relaxed);
            self.stalls.fetch_add(1, Ordering::Relaxed);
            let mut received = Vec::new();
            let read = tokio::time::timeout(Duration::from_secs(10), reader.read_to_end(&mut received));
            let ended = read.await.is_ok();
            writing.abort();
            let answers = received
                .windows(15)
                .filter(|w| *w == b"HTTP/1.1 200 OK")
                .count();
            if after == before && !self.workers_done.load(Ordering::Relaxed) {
                Verdict::Wrong("no other request completed while this one stalled".to_owned())
            } else if !ended || answers >= UNREAD_REQUESTS {
                Verdict::Wrong(format!(
                    "not cut off within {LIVENESS:?}: {answers} of {UNREAD_REQUESTS} answers written"
                ))
            } else {
                Verdict::Right
            }
        })
        .await;
    }

    /// Sends `bytes` and stalls until the emulator answers or closes: the answer must match
    /// `expect`, and while it waits, the workers' requests must keep completing.
    async fn stall(&self, kind: &'static str, bytes: Vec<u8>, expect: Expect) {
        self.run(kind, async {
            let before = self.completed.load(Ordering::Relaxed);
            let verdict = judge_raw(expect, raw_exchange(self.addr, &bytes, Pace::AtOnce).await);
            let after = self.completed.load(Ordering::Relaxed);
            self.stalls.fetch_add(1, Ordering::Relaxed);
            // Only while the workers still run: after them, nothing else is in flight.
            if after == before && !self.workers_done.load(Ordering::Relaxed) {
                return Verdict::Wrong(
                    "no other request completed while this one stalled".to_owned(),
                );
            }
            verdict
        })
        .await;
    }
}

// ---------------------------------------------------------------------------------------
// The run.
// ---------------------------------------------------------------------------------------

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

/// An SDK client of either runtime aimed at the emulator: no retries (the default), so that
/// every call is sent once.
fn sdk_client<R: captcha_client::Runtime>(
    options: &Options,
    credential: &Credential,
    api2: &Endpoint,
    api3: &Endpoint,
) -> Result<captcha_client::Client<R>, captcha_client::BuildError> {
    captcha_client::Client::<R>::builder()
        .credential(credential.clone())
        .api2_endpoint(api2.clone())
        .api3_endpoint(api3.clone())
        .max_idle_per_host(options.concurrency)
        .timeout(CALL_TIMEOUT)
        .build()
}

/// Runs the soak; `Ok(false)` when an invariant failed.
fn soak(options: &Options) -> Result<bool, BoxError> {
    let me = std::env::current_exe()?;
    let mut child = Command::new(&me)
        .args([
            "--serve-emulator",
            &options.ticket_ttl.to_string(),
            &options.max_skew.to_string(),
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    let mut addr = String::new();
    std::io::BufReader::new(child.stdout.take().ok_or("no stdout")?).read_line(&mut addr)?;
    let addr: SocketAddr = addr
        .trim()
        .parse()
        .map_err(|_| "the emulator did not start")?;
    // Whatever the emulator writes to stderr is shown, and a panic counted.
    let panics = Arc::new(AtomicU64::new(0));
    let stderr = child.stderr.take().ok_or("no stderr")?;
    let reader = {
        let panics = Arc::clone(&panics);
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                if line.contains("panicked") {
                    panics.fetch_add(1, Ordering::Relaxed);
                }
                eprintln!("emulator: {line}");
            }
        })
    };

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
    let alive = child.try_wait()?.is_none();
    drop(child.stdin.take());
    let status = child.wait()?;
    let _ = reader.join();
    let panics = panics.load(Ordering::Relaxed);

    let mut samples = soak
        .samples
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .clone();
    samples.sort_unstable();
    for (done, rss) in &samples {
        println!("{}", json!({"requests": done, "rss_kib": rss}));
    }
    let half = options.requests / 2;
    let peak = |keep: &dyn Fn(u64) -> bool| {
        samples
            .iter()
            .filter(|(done, _)| keep(*done))
            .map(|s| s.1)
            .max()
            .unwrap_or(0)
    };
    let first_half = peak(&|done| done <= half);
    let last_half = peak(&|done| done > half).max(rss_end);
    let bound = first_half + first_half / 4 + 8 * 1024;
    let bounded = last_half <= bound;
    let rss_start = samples.first().map_or(0, |s| s.1);
    let rss_peak = samples.iter().map(|s| s.1).max().unwrap_or(0).max(rss_end);

    let tally = soak.tally.lock().unwrap_or_else(|e| e.into_inner());
    let total: u64 = tally.requests.values().sum();
    let wrong: u64 = tally.wrong.values().sum();
    let transport: u64 = tally.transport.values().sum();
    println!(
        "{}",
        json!({
            "requests": total,
            "requests_by_kind": tally.requests,
            "wrong_answers": wrong,
            "wrong_by_kind": tally.wrong,
            "transport_errors": transport,
            "transport_errors_by_kind": tally.transport,
            "emulator_alive": alive,
            "emulator_exit_ok": status.success(),
            "emulator_panics": panics,
            "rss_start_kib": rss_start,
            "rss_peak_kib": rss_peak,
            "rss_end_kib": rss_end,
            "rss_first_half_peak_kib": first_half,
            "rss_last_half_peak_kib": last_half,
            "rss_bound_kib": bound,
            "memory_bounded": bounded,
            "stalls_checked": soak.stalls.load(Ordering::Relaxed),
            "concurrency": options.concurrency,
            "slow_clients": options.slow,
            "ticket_ttl_s": options.ticket_ttl,
            "max_skew_s": options.max_skew,
            "requests_per_s": (total as f64 / load_seconds).round(),
            "load_seconds": (load_seconds * 10.0).round() / 10.0,
            "seconds": (seconds * 10.0).round() / 10.0,
        })
    );
    let mut ok = true;
    let mut fail = |failed: bool, why: &str| {
        if failed {
            eprintln!("soak: FAILED: {why}");
            ok = false;
        }
    };
    fail(wrong > 0, "wrong answers");
    fail(transport > 0, "transport errors on requests that must pass");
    fail(!alive, "the emulator was not running at the end");
    fail(!status.success(), "the emulator did not exit cleanly");
    fail(panics > 0, "the emulator panicked");
    fail(
        !bounded,
        "the emulator's memory grew in the last half of the run",
    );
    Ok(ok)
}
