//! [`RetryPolicy`]: when and after how long a transport may try a call again.

use std::time::Duration;

use captcha_proto::Api3Error;

use crate::error::Error;

/// Automatic retries: off by default. When on, only failures where the request was
/// provably never written (connect, DNS, TLS) are retried, each attempt re-signed, with
/// full-jitter exponential backoff and an overall deadline. Single-use calls (tickets) are
/// never retried at all, with one opt-in exception: with
/// [`ClientBuilder::retry_rate_limited`](crate::ClientBuilder::retry_rate_limited), an
/// API 3.0 refusal `RequestLimitExceeded` (a request the server refused without looking
/// at it, so no ticket was spent) is retried too, single-use or not, under the same
/// `max_retries`, backoff and deadline ([`RetryPolicy::should_retry_rate_limited`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt (0 = no retry).
    pub max_retries: u32,
    /// Backoff cap of the first retry; doubles for each further one.
    pub base_delay: Duration,
    /// Largest backoff.
    pub max_delay: Duration,
    /// No retry starts after this much time since the call began.
    pub deadline: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self::disabled()
    }
}

impl RetryPolicy {
    /// No retries.
    pub const fn disabled() -> Self {
        Self {
            max_retries: 0,
            base_delay: Duration::from_millis(50),
            max_delay: Duration::from_secs(2),
            deadline: Duration::from_secs(10),
        }
    }

    /// Up to `max_retries` retries with the default backoff (50 ms doubling, at most 2 s)
    /// within 10 s.
    pub const fn with_retries(max_retries: u32) -> Self {
        Self {
            max_retries,
            ..Self::disabled()
        }
    }

    /// Whether attempt number `attempt` (1-based) that failed with `error` may be followed by
    /// another, `elapsed` after the call began.
    pub fn should_retry(
        &self,
        attempt: u32,
        error: &Error,
        single_use: bool,
        elapsed: Duration,
    ) -> bool {
        !single_use
            && attempt <= self.max_retries
            && elapsed < self.deadline
            && matches!(error, Error::NeverSent(_))
    }

    /// Whether attempt number `attempt` that the server refused with API 3.0
    /// `RequestLimitExceeded` ([`Api3Error::is_rate_limited`]) may be followed by another,
    /// `elapsed` after the call began, when the rate-limit opt-in is on. Single-use calls
    /// included: the server refused the request before looking at its ticket. Any other
    /// error is `false` here (see [`RetryPolicy::should_retry`]).
    pub fn should_retry_rate_limited(
        &self,
        attempt: u32,
        error: &Error,
        elapsed: Duration,
    ) -> bool {
        attempt <= self.max_retries
            && elapsed < self.deadline
            && error.api3().is_some_and(Api3Error::is_rate_limited)
    }

    /// The wait before the next attempt after attempt number `attempt` failed with `error`,
    /// `elapsed` into a call whose whole deadline is `timeout`; `None` when the call must end
    /// with `error`: retrying is not allowed, or the wait would not leave the retry any time
    /// (a retry that cannot finish would only turn a clear "never sent" into a vaguer timeout).
    pub fn next_delay(
        &self,
        attempt: u32,
        error: &Error,
        single_use: bool,
        elapsed: Duration,
        timeout: Duration,
    ) -> Option<Duration> {
        if !self.should_retry(attempt, error, single_use, elapsed) {
            return None;
        }
        self.delay_within(attempt, elapsed, timeout)
    }

    /// A jittered wait before retry number `attempt`, when resuming after it still leaves
    /// time before `timeout`.
    fn delay_within(&self, attempt: u32, elapsed: Duration, timeout: Duration) -> Option<Duration> {
        let wait = self.jittered_backoff(attempt);
        elapsed
            .checked_add(wait)
            .is_some_and(|resumed| resumed < timeout)
            .then_some(wait)
    }

    /// The wait before retry number `retry` (1-based): uniform in `[0, min(max, base·2^(retry-1))]`,
    /// scaled by `unit` in `[0, 1]` (the caller's random draw, so this stays deterministic;
    /// a NaN draw counts as 0). Never panics, even with delays near `Duration::MAX`.
    pub fn backoff(&self, retry: u32, unit: f64) -> Duration {
        let exponent = retry.saturating_sub(1).min(16);
        let cap = self
            .base_delay
            .saturating_mul(1 << exponent)
            .min(self.max_delay);
        let unit = if unit.is_nan() {
            0.0
        } else {
            unit.clamp(0.0, 1.0)
        };
        // `mul_f64` panics when the product leaves `Duration`'s range (rounding near the top).
        Duration::try_from_secs_f64(cap.as_secs_f64() * unit).map_or(cap, |wait| wait.min(cap))
    }

    /// [`RetryPolicy::backoff`] with a draw from the operating system's random source.
    pub fn jittered_backoff(&self, retry: u32) -> Duration {
        let draw = getrandom::u32().unwrap_or(u32::MAX / 2);
        self.backoff(retry, f64::from(draw) / f64::from(u32::MAX))
    }
}

/// The retry rules of one call, as a transport's call loop applies them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub(crate) enum Attempts {
    /// One attempt only: the request cannot be encoded again (a caller-built request).
    Once,
    /// As `policy` says; never when the call is `single_use` (it spends a ticket or a
    /// captcha signature), except a rate-limit refusal when `rate_limited` is on.
    Retry {
        /// The client's policy.
        policy: RetryPolicy,
        /// The call spends something the server accepts once.
        single_use: bool,
        /// Also retry API 3.0 `RequestLimitExceeded` refusals, single-use calls included.
        rate_limited: bool,
    },
}

impl Attempts {
    /// [`RetryPolicy::next_delay`] under these rules: `None` for [`Attempts::Once`].
    pub fn next_delay(
        &self,
        attempt: u32,
        error: &Error,
        elapsed: Duration,
        timeout: Duration,
    ) -> Option<Duration> {
        match self {
            Self::Once => None,
            Self::Retry {
                policy,
                single_use,
                rate_limited,
            } => {
                if *rate_limited && policy.should_retry_rate_limited(attempt, error, elapsed) {
                    policy.delay_within(attempt, elapsed, timeout)
                } else {
                    policy.next_delay(attempt, error, *single_use, elapsed, timeout)
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::SendError;

    #[test]
    fn retries_only_never_sent_and_never_single_use() {
        let policy = RetryPolicy::with_retries(2);
        let never = Error::NeverSent(SendError::new("connect refused", None));
        let maybe = Error::MaybeSent(SendError::new("reset", None));
        let t = Duration::ZERO;
        assert!(policy.should_retry(1, &never, false, t));
        assert!(policy.should_retry(2, &never, false, t));
        assert!(!policy.should_retry(3, &never, false, t));
        assert!(!policy.should_retry(1, &never, true, t));
        assert!(!policy.should_retry(1, &maybe, false, t));
        assert!(!policy.should_retry(1, &never, false, Duration::from_secs(11)));
        assert!(!RetryPolicy::disabled().should_retry(1, &never, false, t));
    }

    #[test]
    fn backoff_is_capped_and_jittered() {
        let policy = RetryPolicy::with_retries(10);
        assert_eq!(policy.backoff(1, 1.0), Duration::from_millis(50));
        assert_eq!(policy.backoff(3, 1.0), Duration::from_millis(200));
        assert_eq!(policy.backoff(30, 1.0), Duration::from_secs(2));
        assert_eq!(policy.backoff(3, 0.5), Duration::from_millis(100));
        assert_eq!(policy.backoff(3, 7.0), Duration::from_millis(200));
    }

    /// The fields are public: no value of them, and no draw, may make a call panic.
    #[test]
    fn backoff_never_panics_on_odd_settings_or_draws() {
        let policy = RetryPolicy::with_retries(10);
        assert_eq!(policy.backoff(1, f64::NAN), Duration::ZERO);
        assert_eq!(policy.backoff(1, f64::NEG_INFINITY), Duration::ZERO);
        assert_eq!(policy.backoff(1, f64::INFINITY), Duration::from_millis(50));
        let unbounded = RetryPolicy {
            base_delay: Duration::MAX,
            max_delay: Duration::MAX,
            ..policy
        };
        for retry in [0, 1, 2, 17, u32::MAX] {
            let (none, half, all) = (
                unbounded.backoff(retry, 0.0),
                unbounded.backoff(retry, 0.5),
                unbounded.backoff(retry, 1.0),
            );
            assert!(
                none == Duration::ZERO && none < half && half < all,
                "{retry}"
            );
        }
        assert_eq!(unbounded.backoff(1, 1.0), Duration::MAX);
    }

    #[test]
    fn attempts_once_never_retries_and_retry_follows_the_policy() {
        let never = Error::NeverSent(SendError::new("connect refused", None));
        let (t, timeout) = (Duration::ZERO, Duration::from_secs(30));
        assert_eq!(Attempts::Once.next_delay(1, &never, t, timeout), None);
        let retry = |single_use| Attempts::Retry {
            policy: RetryPolicy::with_retries(1),
            single_use,
            rate_limited: false,
        };
        let wait = retry(false).next_delay(1, &never, t, timeout);
        assert!(
            wait.is_some_and(|w| w <= Duration::from_millis(50)),
            "{wait:?}"
        );
        assert_eq!(retry(false).next_delay(2, &never, t, timeout), None);
        assert_eq!(retry(true).next_delay(1, &never, t, timeout), None);
    }

    fn api3_refusal(code: &str) -> Error {
        let body = format!(
            r#"{{"Response":{{"Error":{{"Code":"{code}","Message":"m"}},"RequestId":"r"}}}}"#
        );
        let error =
            captcha_proto::api3::parse_response(http::StatusCode::OK, body.as_bytes()).unwrap_err();
        Error::from(error)
    }

    #[test]
    fn rate_limited_refusals_are_retried_only_with_the_opt_in() {
        let limited = api3_refusal("RequestLimitExceeded");
        assert!(limited.api3().is_some_and(Api3Error::is_rate_limited));
        let internal = api3_refusal("InternalError");
        let never = Error::NeverSent(SendError::new("connect refused", None));
        let maybe = Error::MaybeSent(SendError::new("reset", None));
        let (t, timeout) = (Duration::ZERO, Duration::from_secs(30));
        let attempts = |single_use, rate_limited| Attempts::Retry {
            policy: RetryPolicy::with_retries(2),
            single_use,
            rate_limited,
        };
        for single_use in [false, true] {
            // Off (the default): a rate-limited refusal is never retried.
            assert_eq!(
                attempts(single_use, false).next_delay(1, &limited, t, timeout),
                None
            );
            // On: retried, single-use or not, within max_retries.
            let on = attempts(single_use, true);
            assert!(on.next_delay(1, &limited, t, timeout).is_some());
            assert!(on.next_delay(2, &limited, t, timeout).is_some());
            assert_eq!(on.next_delay(3, &limited, t, timeout), None);
            // No other refusal, and nothing maybe sent.
            assert_eq!(on.next_delay(1, &internal, t, timeout), None);
            assert_eq!(on.next_delay(1, &maybe, t, timeout), None);
        }
        // A never-sent request still follows the usual rule.
        assert!(
            attempts(false, true)
                .next_delay(1, &never, t, timeout)
                .is_some()
        );
        assert_eq!(attempts(true, true).next_delay(1, &never, t, timeout), None);
        // The deadline and the call's timeout bound it.
        let on = attempts(true, true);
        assert_eq!(
            on.next_delay(1, &limited, Duration::from_secs(11), timeout),
            None
        );
        assert_eq!(
            on.next_delay(1, &limited, Duration::from_secs(5), Duration::from_secs(5)),
            None
        );
        // No retries configured: nothing, even with the opt-in.
        let disabled = Attempts::Retry {
            policy: RetryPolicy::disabled(),
            single_use: true,
            rate_limited: true,
        };
        assert_eq!(disabled.next_delay(1, &limited, t, timeout), None);
        // The policy's own rule.
        let policy = RetryPolicy::with_retries(1);
        assert!(policy.should_retry_rate_limited(1, &limited, t));
        assert!(!policy.should_retry_rate_limited(2, &limited, t));
        assert!(!policy.should_retry_rate_limited(1, &internal, t));
        assert!(!policy.should_retry_rate_limited(1, &never, t));
        assert!(!policy.should_retry(1, &limited, false, t));
    }
}
