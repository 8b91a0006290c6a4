//! Raw TCP exchanges: bytes written at once, with a half-close or dribbled, the answers
//! read back until the emulator closes, split into responses and judged.

use std::net::SocketAddr;
use std::time::Duration;

use http::Request;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;

use crate::expect::{Expect, judge};
use crate::state::Verdict;

/// Longest wait for any other exchange to end (the emulator's own timeouts are 30 s):
/// beyond, the emulator neither answered nor closed, which is a wrong answer.
pub const LIVENESS: Duration = Duration::from_secs(120);
/// Pause between the bytes of a dribbled request.
const DRIBBLE_PAUSE: Duration = Duration::from_millis(5);

/// How a raw exchange is written.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Pace {
    /// All at once, then the write side stays open.
    AtOnce,
    /// All at once, then the write side is shut (the server reads end of file).
    HalfClose,
    /// One byte at a time, [`DRIBBLE_PAUSE`] apart.
    Dribble,
}

/// What came back on a raw connection.
pub struct RawReply {
    /// Every complete response, in order: status and body.
    pub responses: Vec<(u16, Vec<u8>)>,
    /// Bytes after the last complete response.
    pub leftover: usize,
    /// The connection ended (closed or reset) rather than outliving [`LIVENESS`].
    pub ended: bool,
}

/// Writes `bytes` to a fresh connection and reads until the server closes it (or
/// [`LIVENESS`] passes). Write errors (the server closing first) are not failures: what was
/// answered is.
pub async fn raw_exchange(addr: SocketAddr, bytes: &[u8], pace: Pace) -> Result<RawReply, String> {
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
pub fn judge_raw(expect: Expect, reply: Result<RawReply, String>) -> Verdict {
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

impl crate::state::Soak {
    /// Sends `bytes` at once on a fresh connection, counted as `kind`, and judges the one
    /// answer (or close) against `expect`.
    pub async fn run_raw(&self, kind: &'static str, bytes: &[u8], expect: Expect) -> Verdict {
        self.run(kind, async {
            judge_raw(expect, raw_exchange(self.addr, bytes, Pace::AtOnce).await)
        })
        .await
    }
}

/// `request` as HTTP/1.1 bytes for a raw socket: request line, its headers, a
/// `Content-Length` and `Connection: close`.
pub fn serialize(request: &Request<Vec<u8>>) -> Vec<u8> {
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
