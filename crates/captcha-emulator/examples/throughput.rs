//! Measures verified `CaptchaCheck` requests per second over keep-alive connections, with
//! the emulator and the client in one process (so they share the machine's cores).
//!
//! ```text
//! cargo run --release -p captcha-emulator --example throughput -- [CONNECTIONS] [REQUESTS] [SECONDS]
//! ```
//! Defaults: 4 connections, 200,000 requests, at most 10 seconds. Every request carries a
//! distinct nonce and a fresh ticket, so each one passes the signature, skew and replay
//! checks and spends its ticket; the example counts the passes.

use std::net::IpAddr;
use std::time::{Duration, Instant};

use bytes::Bytes;
use captcha_emulator::Emulator;
use captcha_proto::{CaptchaCheck, CaptchaType, Config, Stamp};
use http::header::{HOST, HeaderValue};
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1;
use hyper_util::rt::TokioIo;

const PASS: &[u8] = br#"{"code":0,"message":"No Error","codeDesc":"Success"}"#;

fn arg(position: usize, default: u64) -> u64 {
    std::env::args()
        .nth(position)
        .and_then(|a| a.parse().ok())
        .unwrap_or(default)
}

/// CPU seconds this process has used (user + system), on Linux; `None` elsewhere.
/// Measured so that a busy machine does not hide the cost per request.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the parenthesised command name; utime and stime are the 12th and 13th.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(ticks as f64 / 100.0) // USER_HZ is 100 on Linux
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let connections = arg(1, 4).max(1) as usize;
    let requests = arg(2, 200_000).max(1);
    let limit = Duration::from_secs(arg(3, 10).max(1));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    runtime.block_on(run(connections, requests, limit))
}

async fn run(
    connections: usize,
    requests: u64,
    limit: Duration,
) -> Result<(), Box<dyn std::error::Error>> {
    let emulator = Emulator::demo().start("127.0.0.1:0".parse()?).await?;
    let config = Config::new(emulator.credential()).with_endpoint(emulator.endpoint());
    let user: IpAddr = "203.0.113.7".parse()?;
    let host = HeaderValue::from_str(&emulator.local_addr().to_string())?;
    let now = emulator.now_unix();

    let prepared = Instant::now();
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

    let cpu_before = cpu_seconds();
    let started = Instant::now();
    let deadline = started + limit;
    let mut tasks = Vec::new();
    for batch in batches {
        let addr = emulator.local_addr();
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
                let body = sender
                    .send_request(request)
                    .await?
                    .into_body()
                    .collect()
                    .await?
                    .to_bytes();
                sent += 1;
                passed += u64::from(body.as_ref() == PASS);
            }
            Ok::<_, Box<dyn std::error::Error + Send + Sync>>((sent, passed))
        }));
    }
    let (mut sent, mut passed) = (0u64, 0u64);
    for task in tasks {
        let (s, p) = task.await?.map_err(|e| e.to_string())?;
        sent += s;
        passed += p;
    }
    let elapsed = started.elapsed();
    let stats = emulator.stats();
    println!(
        "{sent} checks in {elapsed:.2?} over {} keep-alive connections: {:.0} requests/s ({passed} passed)",
        stats.connections_accepted,
        sent as f64 / elapsed.as_secs_f64()
    );
    if let (Some(before), Some(after)) = (cpu_before, cpu_seconds()) {
        let per_request = (after - before) / sent.max(1) as f64;
        println!(
            "CPU (client and server together): {:.1} µs per request, so 2 idle cores would carry about {:.0} requests/s",
            per_request * 1e6,
            2.0 / per_request
        );
    }
    emulator.shutdown().await;
    if passed != sent {
        return Err(format!("{} checks did not pass", sent - passed).into());
    }
    Ok(())
}
