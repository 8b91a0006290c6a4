//! Measures verified `CaptchaCheck` requests per second over keep-alive connections.
//!
//! ```text
//! cargo run --release -p captcha-emulator --example throughput -- [CONNECTIONS] [REQUESTS] [SECONDS]
//! ```
//! Defaults: 4 connections, 200,000 requests, at most 10 seconds. The emulator runs on its
//! own two-thread runtime ([`BackgroundEmulator`]) and the client on another, in one process.
//! Every request carries a distinct nonce and a fresh ticket, so each one passes the
//! signature, skew and replay checks and spends its ticket; the example counts the passes.
//! Besides wall-clock requests/s it reports the CPU time the server's threads spent per
//! request (Linux), which a busy machine does not distort.

use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};

use bytes::Bytes;
use captcha_emulator::{BackgroundEmulator, Emulator};
use captcha_proto::{Api2Config, CaptchaCheck, CaptchaType, Stamp};
use http::header::{HOST, HeaderValue};
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1;
use hyper_util::rt::TokioIo;

const PASS: &[u8] = br#"{"code":0,"message":"No Error","codeDesc":"Success"}"#;

/// Name prefix of the emulator's threads (as Linux shows it, cut to 15 bytes).
const SERVER_THREADS: &str = "captcha-emul";

type BoxError = Box<dyn std::error::Error + Send + Sync>;

fn arg(position: usize, default: u64) -> u64 {
    std::env::args()
        .nth(position)
        .and_then(|a| a.parse().ok())
        .unwrap_or(default)
}

/// CPU seconds (user + system) used by this process's threads whose name starts with
/// `prefix`, on Linux; `None` elsewhere.
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

fn main() -> Result<(), BoxError> {
    let connections = arg(1, 4).max(1) as usize;
    let requests = arg(2, 200_000).max(1);
    let limit = Duration::from_secs(arg(3, 10).max(1));
    let emulator = BackgroundEmulator::start(Emulator::demo(), "127.0.0.1:0".parse()?)?;

    let prepared = Instant::now();
    let config = Api2Config::new(emulator.credential()).with_endpoint(emulator.endpoint());
    let user: IpAddr = "203.0.113.7".parse()?;
    let host = HeaderValue::from_str(&emulator.local_addr().to_string())?;
    let now = emulator.now_unix();
    let mut batches: Vec<Vec<http::Request<Full<Bytes>>>> =
        (0..connections).map(|_| Vec::new()).collect();
    for nonce in 1..=requests {
        let ticket = emulator.mint_ticket(user, 9);
        let check = CaptchaCheck::new(ticket, user, CaptchaType::Slider);
        let (mut parts, body) = config.encode(&check, Stamp::new(now, nonce)?)?.into_parts();
        parts.uri = parts
            .uri
            .path_and_query()
            .map_or("/", |pq| pq.as_str())
            .parse()?;
        parts.headers.insert(HOST, host.clone());
        let request = http::Request::from_parts(parts, Full::new(Bytes::from(body)));
        batches[(nonce as usize) % connections].push(request);
    }
    println!(
        "prepared {requests} signed checks with fresh tickets in {:.2?}",
        prepared.elapsed()
    );

    let client = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("load-client")
        .enable_all()
        .build()?;
    let server_cpu_before = thread_cpu_seconds(SERVER_THREADS);
    let started = Instant::now();
    let (sent, passed) = client.block_on(drive(emulator.local_addr(), batches, started + limit))?;
    let elapsed = started.elapsed();
    let server_cpu = thread_cpu_seconds(SERVER_THREADS)
        .zip(server_cpu_before)
        .map(|(after, before)| after - before);
    let stats = emulator.stats();
    println!(
        "{sent} checks in {elapsed:.2?} over {} keep-alive connections: {:.0} requests/s ({passed} passed)",
        stats.connections_accepted,
        sent as f64 / elapsed.as_secs_f64()
    );
    if let Some(cpu) = server_cpu {
        let per_request = cpu / sent.max(1) as f64;
        println!(
            "server CPU: {:.1} µs per request, so 2 cores of server alone would carry about {:.0} requests/s",
            per_request * 1e6,
            2.0 / per_request
        );
    }
    emulator.shutdown();
    if passed != sent {
        return Err(format!("{} checks did not pass", sent - passed).into());
    }
    Ok(())
}

/// Sends each batch on its own keep-alive connection until done or `deadline`; returns
/// (sent, passed).
async fn drive(
    addr: SocketAddr,
    batches: Vec<Vec<http::Request<Full<Bytes>>>>,
    deadline: Instant,
) -> Result<(u64, u64), BoxError> {
    let mut tasks = Vec::new();
    for batch in batches {
        tasks.push(tokio::spawn(async move {
            let stream = tokio::net::TcpStream::connect(addr).await?;
            stream.set_nodelay(true)?;
            let (mut sender, connection) = http1::handshake(TokioIo::new(stream)).await?;
            tokio::spawn(connection);
            let (mut sent, mut passed) = (0u64, 0u64);
            for request in batch {
                if Instant::now() >= deadline {
                    break;
                }
                sender.ready().await?;
                let response = sender.send_request(request).await?;
                let body = response.into_body().collect().await?.to_bytes();
                sent += 1;
                passed += u64::from(body.as_ref() == PASS);
            }
            Ok::<_, BoxError>((sent, passed))
        }));
    }
    let (mut sent, mut passed) = (0, 0);
    for task in tasks {
        let (s, p) = task.await??;
        sent += s;
        passed += p;
    }
    Ok((sent, passed))
}
