//! Slow clients: dribbled requests, stalled headers and bodies, and unread answers (the
//! slow reader's connection watched in `/proc/net/tcp`), while the workers keep going.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

use crate::expect::Expect;
use crate::raw::{LIVENESS, Pace, judge_raw, raw_exchange};
use crate::state::{Soak, Verdict};

/// A slow client: dribbled requests, stalled headers, stalled bodies and unread answers, in
/// turn, until the budget is spent. The first clients start with a different stall each.
pub async fn slow_client(soak: Arc<Soak>, client: u64) {
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
