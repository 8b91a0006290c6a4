//! What the workers share (clients, configurations, the budget) and the counting of every
//! request: its verdict by kind, the first wrong answers shown, the RSS samples taken.

use std::collections::BTreeMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use bytes::Bytes;
use captcha_proto::Api2Config;
use captcha_proto::Credential;
use captcha_proto::api3::Api3Config;
use http_body_util::Full;
use hyper_util::client::legacy::Client as LegacyClient;
use hyper_util::client::legacy::connect::HttpConnector;

use crate::emulator::rss_kib;

/// Samples of the RSS curve after the start.
pub const SAMPLES: u64 = 20;
/// Wrong answers described on stderr (the rest are only counted).
const WRONG_SHOWN: usize = 20;

/// How one request went.
pub enum Verdict {
    /// The answer it must get.
    Right,
    /// Another answer (or none where one was due): what was seen and what was due.
    Wrong(String),
    /// A request that must pass failed in transport.
    Transport(String),
}

#[derive(Default)]
pub struct Tally {
    pub requests: BTreeMap<&'static str, u64>,
    pub wrong: BTreeMap<&'static str, u64>,
    pub transport: BTreeMap<&'static str, u64>,
    pub shown: usize,
}

/// Everything the workers share.
pub struct Soak {
    pub addr: SocketAddr,
    pub host: String,
    pub hyper: captcha_hyper::Client,
    pub async_std: captcha_async_std::Client,
    pub http: LegacyClient<HttpConnector, Full<Bytes>>,
    pub credential: Credential,
    pub api2: Api2Config,
    pub api3: Api3Config,
    pub api3_v1: Api3Config,
    pub user: IpAddr,
    /// Requests allowed in all.
    pub budget: u64,
    /// Requests started.
    pub sent: AtomicU64,
    /// Requests finished (answered or not).
    pub completed: AtomicU64,
    /// Finished requests between two samples.
    pub step: u64,
    pub child: u32,
    pub samples: Mutex<Vec<(u64, u64)>>,
    pub tally: Mutex<Tally>,
    /// Set once the workers have stopped.
    pub workers_done: AtomicBool,
    pub stalls: AtomicU64,
}

impl Soak {
    /// True while the budget allows starting more work.
    pub fn open(&self) -> bool {
        self.sent.load(Ordering::Relaxed) < self.budget
    }

    pub fn start(&self) {
        self.sent.fetch_add(1, Ordering::Relaxed);
    }

    /// Counts one finished request of `kind`.
    pub fn finish(&self, kind: &'static str, verdict: Verdict) {
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
    pub async fn run<F: Future<Output = Verdict>>(
        &self,
        kind: &'static str,
        request: F,
    ) -> Verdict {
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
