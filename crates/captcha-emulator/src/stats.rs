//! Counters for transport tests: connections accepted (pool reuse) and requests per action
//! (a ticket check was never re-sent).

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};

use bytes::Bytes;

use crate::json::JsonObject;

/// Label of API requests whose `Action` is not one the emulator knows.
pub const UNKNOWN_ACTION: &str = "(unknown)";
/// Label of API requests without an `Action`.
pub const NO_ACTION: &str = "(none)";

/// Every label an API request is counted under: the API 2.0 actions, the 18 API 3.0
/// ones (`captcha_proto::api3::CAPTCHA_ACTIONS`), and last unknown and missing actions, so
/// a hostile client cannot grow the table.
const LABELS: [&str; 25] = [
    "CaptchaIframeQuery",
    "CaptchaCheck",
    "CaptchaQuery",
    "CaptchaGetUrl",
    "CaptchaVerify",
    "DescribeCaptchaAppIdInfo",
    "DescribeCaptchaData",
    "DescribeCaptchaDataSum",
    "DescribeCaptchaMiniData",
    "DescribeCaptchaMiniDataSum",
    "DescribeCaptchaMiniOperData",
    "DescribeCaptchaMiniResult",
    "DescribeCaptchaMiniRiskResult",
    "DescribeCaptchaOperData",
    "DescribeCaptchaRceResult",
    "DescribeCaptchaResult",
    "DescribeCaptchaTicketData",
    "DescribeCaptchaUserAllAppId",
    "GetRequestStatistics",
    "GetTicketStatistics",
    "GetTotalRequestStatistics",
    "GetTotalTicketStatistics",
    "UpdateCaptchaAppIdInfo",
    UNKNOWN_ACTION,
    NO_ACTION,
];

/// The label an API request naming `action` is counted under.
pub(crate) fn label_of(action: Option<&str>) -> &'static str {
    match action {
        None | Some("") => NO_ACTION,
        Some(name) => LABELS
            .iter()
            .find(|label| **label == name)
            .copied()
            .unwrap_or(UNKNOWN_ACTION),
    }
}

/// A snapshot of the emulator's counters.
///
/// ```
/// # let stats = captcha_emulator::Stats::default();
/// assert_eq!(stats.requests("CaptchaCheck"), 0);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Stats {
    /// TCP connections accepted (a pooled client making 100 calls should show 1).
    pub connections_accepted: u64,
    /// TLS handshakes that failed or timed out.
    pub tls_handshake_failures: u64,
    /// HTTP requests of any kind.
    pub requests_total: u64,
    /// API requests by `Action` (only actions seen), including refused ones; unknown
    /// actions count as `(unknown)`, a missing one as `(none)`.
    pub requests_by_action: BTreeMap<String, u64>,
    /// Fetches of one-time image URLs (successful or not).
    pub image_fetches: u64,
    /// Fetches of one-time script URLs (successful or not).
    pub script_fetches: u64,
    /// Requests to the test endpoints (`/emulator/…`).
    pub control_requests: u64,
    /// API 3.0 ticket checks refused with `RequestLimitExceeded` by the rate limit
    /// ([`EmulatorBuilder::api3_rate_limit`](crate::EmulatorBuilder::api3_rate_limit));
    /// also counted in `requests_by_action`.
    pub api3_rate_limited: u64,
}

impl Stats {
    /// API requests that named `action`.
    pub fn requests(&self, action: &str) -> u64 {
        self.requests_by_action.get(action).copied().unwrap_or(0)
    }

    /// The counters as JSON (`GET /emulator/stats`).
    pub(crate) fn to_json(&self) -> Bytes {
        let by_action = self
            .requests_by_action
            .iter()
            .fold(JsonObject::new(), |o, (k, v)| o.int(k, saturate(*v)))
            .finish_string();
        let mut text = JsonObject::new()
            .int("connections_accepted", saturate(self.connections_accepted))
            .int(
                "tls_handshake_failures",
                saturate(self.tls_handshake_failures),
            )
            .int("requests_total", saturate(self.requests_total))
            .int("image_fetches", saturate(self.image_fetches))
            .int("script_fetches", saturate(self.script_fetches))
            .int("control_requests", saturate(self.control_requests))
            .int("api3_rate_limited", saturate(self.api3_rate_limited))
            .finish_string();
        text.pop();
        text.push_str(",\"requests_by_action\":");
        text.push_str(&by_action);
        text.push('}');
        Bytes::from(text)
    }
}

fn saturate(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

/// The live counters.
#[derive(Default)]
pub(crate) struct StatsRecorder {
    connections: AtomicU64,
    tls_failures: AtomicU64,
    requests: AtomicU64,
    by_label: [AtomicU64; LABELS.len()],
    images: AtomicU64,
    scripts: AtomicU64,
    control: AtomicU64,
    rate_limited: AtomicU64,
}

/// What kind of request to count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Api(&'static str),
    Image,
    Script,
    Control,
    Other,
}

impl StatsRecorder {
    pub(crate) fn connection(&self) {
        self.connections.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn tls_failure(&self) {
        self.tls_failures.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn api3_rate_limited(&self) {
        self.rate_limited.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn request(&self, kind: Kind) {
        self.requests.fetch_add(1, Ordering::Relaxed);
        let counter = match kind {
            Kind::Api(label) => {
                let index = LABELS
                    .iter()
                    .position(|l| *l == label)
                    .unwrap_or(LABELS.len() - 2);
                &self.by_label[index]
            }
            Kind::Image => &self.images,
            Kind::Script => &self.scripts,
            Kind::Control => &self.control,
            Kind::Other => return,
        };
        counter.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn snapshot(&self) -> Stats {
        let load = |c: &AtomicU64| c.load(Ordering::Relaxed);
        Stats {
            connections_accepted: load(&self.connections),
            tls_handshake_failures: load(&self.tls_failures),
            requests_total: load(&self.requests),
            requests_by_action: LABELS
                .iter()
                .zip(&self.by_label)
                .filter(|(_, c)| load(c) > 0)
                .map(|(label, c)| ((*label).to_owned(), load(c)))
                .collect(),
            image_fetches: load(&self.images),
            script_fetches: load(&self.scripts),
            control_requests: load(&self.control),
            api3_rate_limited: load(&self.rate_limited),
        }
    }

    pub(crate) fn reset(&self) {
        for counter in [
            &self.connections,
            &self.tls_failures,
            &self.requests,
            &self.images,
            &self.scripts,
            &self.control,
            &self.rate_limited,
        ]
        .into_iter()
        .chain(&self.by_label)
        {
            counter.store(0, Ordering::Relaxed);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_api3_action_has_its_label() {
        for action in captcha_proto::api3::CAPTCHA_ACTIONS {
            assert_eq!(label_of(Some(action)), action);
        }
    }

    #[test]
    fn counts_by_label() {
        let stats = StatsRecorder::default();
        stats.connection();
        stats.request(Kind::Api(label_of(Some("CaptchaCheck"))));
        stats.request(Kind::Api(label_of(Some("Nope"))));
        stats.request(Kind::Api(label_of(None)));
        stats.request(Kind::Image);
        let snap = stats.snapshot();
        assert_eq!(snap.connections_accepted, 1);
        assert_eq!(snap.requests_total, 4);
        assert_eq!(snap.requests("CaptchaCheck"), 1);
        assert_eq!(snap.requests(UNKNOWN_ACTION), 1);
        assert_eq!(snap.requests(NO_ACTION), 1);
        assert_eq!(snap.image_fetches, 1);
        let json = String::from_utf8(snap.to_json().to_vec()).unwrap();
        assert!(
            json.ends_with(r#""requests_by_action":{"(none)":1,"(unknown)":1,"CaptchaCheck":1}}"#),
            "{json}"
        );
        stats.reset();
        assert_eq!(stats.snapshot(), Stats::default());
    }
}
