//! Fault switches: make the API misbehave on purpose so transports can be tested against
//! slow, refusing, silent, truncating or flooding servers. Faults touch only the API paths
//! (API 2.0 `/v2/index.php` and API 3.0 `/`), never images, scripts or the test endpoints.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use http::StatusCode;

/// One misbehaviour. Latency combines with any other fault; the answer faults
/// ([`Code`](Fault::Code), [`HttpStatus`](Fault::HttpStatus)) replace each other, and so do
/// the delivery faults ([`DropConnection`](Fault::DropConnection),
/// [`TruncatedBody`](Fault::TruncatedBody), [`OversizedBody`](Fault::OversizedBody)).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fault {
    /// Waits this long before handling each API request.
    Latency(Duration),
    /// Answers every API request without processing it: nothing is checked, no ticket is
    /// spent. API 2.0 gets `{"code":N,"message":…,"codeDesc":…}` (HTTP 200). API 3.0 gets,
    /// for N below 1000, a `DescribeCaptchaResult` answer with `CaptchaCode` N (so 1 passes
    /// and 21 or 26 can be forced), and from 1000 the 3.0 refusal closest to the 2.0 code
    /// (4000 `InvalidParameter`, 4100 `AuthFailure.SignatureFailure`, 4104
    /// `AuthFailure.SecretIdNotFound`, 4105 `AuthFailure.TokenFailure`, 4400
    /// `RequestLimitExceeded`, 4500 `AuthFailure.SignatureExpire`, 6100 `NoSuchVersion`,
    /// 6200 `ResourceUnavailable`, others `InternalError`).
    Code(i64),
    /// Answers every API request with this HTTP status and a plain-text body, like a
    /// proxy's error page, without processing it. An invalid status becomes 502.
    HttpStatus(u16),
    /// Processes the request, then closes the connection without answering.
    DropConnection,
    /// Processes the request, then sends a `Content-Length` of the whole answer but only
    /// its first half, and closes the connection.
    TruncatedBody,
    /// Processes the request, then pads the JSON answer with spaces to this many bytes
    /// (still valid JSON; only a client's body size cap notices).
    OversizedBody(u64),
}

/// What replaces the handler's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Answer {
    Code(i64),
    Status(StatusCode),
}

/// How the handler's answer is delivered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Delivery {
    Drop,
    Truncate,
    Oversize(u64),
}

/// The faults in force.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct ActiveFaults {
    pub(crate) latency: Option<Duration>,
    pub(crate) answer: Option<Answer>,
    pub(crate) delivery: Option<Delivery>,
}

impl ActiveFaults {
    fn with(mut self, fault: Fault) -> Self {
        match fault {
            Fault::Latency(d) => self.latency = Some(d),
            Fault::Code(code) => self.answer = Some(Answer::Code(code)),
            Fault::HttpStatus(status) => {
                let status = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_GATEWAY);
                self.answer = Some(Answer::Status(status));
            }
            Fault::DropConnection => self.delivery = Some(Delivery::Drop),
            Fault::TruncatedBody => self.delivery = Some(Delivery::Truncate),
            Fault::OversizedBody(n) => self.delivery = Some(Delivery::Oversize(n)),
        }
        self
    }
}

/// The switchboard, read on every API request: one atomic load when nothing is switched on.
#[derive(Default)]
pub(crate) struct FaultSwitch {
    any: AtomicBool,
    active: Mutex<ActiveFaults>,
}

impl FaultSwitch {
    pub(crate) fn set(&self, fault: Fault) {
        let mut active = self.active.lock().unwrap_or_else(PoisonError::into_inner);
        *active = active.with(fault);
        self.any.store(true, Ordering::SeqCst);
    }

    pub(crate) fn clear(&self) {
        let mut active = self.active.lock().unwrap_or_else(PoisonError::into_inner);
        *active = ActiveFaults::default();
        self.any.store(false, Ordering::SeqCst);
    }

    pub(crate) fn current(&self) -> ActiveFaults {
        if !self.any.load(Ordering::Relaxed) {
            return ActiveFaults::default();
        }
        *self.active.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faults_combine_and_replace() {
        let switch = FaultSwitch::default();
        assert_eq!(switch.current(), ActiveFaults::default());
        switch.set(Fault::Latency(Duration::from_millis(5)));
        switch.set(Fault::Code(6000));
        switch.set(Fault::HttpStatus(9999));
        switch.set(Fault::DropConnection);
        switch.set(Fault::OversizedBody(10));
        let active = switch.current();
        assert_eq!(active.latency, Some(Duration::from_millis(5)));
        assert_eq!(active.answer, Some(Answer::Status(StatusCode::BAD_GATEWAY)));
        assert_eq!(active.delivery, Some(Delivery::Oversize(10)));
        switch.clear();
        assert_eq!(switch.current(), ActiveFaults::default());
    }
}
