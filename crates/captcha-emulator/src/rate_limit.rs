//! [`RateLimiter`]: the request-rate limit on API 3.0 ticket checks (`DescribeCaptchaResult`),
//! a fixed one-second window on the emulator's [`Clock`](crate::Clock).

use std::sync::Mutex;

/// Admits at most `limit` checks per second of the server clock (whole UNIX seconds, so a
/// `ManualClock` makes it deterministic); `None` admits everything.
pub(crate) struct RateLimiter {
    limit: Option<u32>,
    /// The current window's second and the checks admitted in it.
    window: Mutex<(u64, u32)>,
}

impl RateLimiter {
    pub(crate) fn new(limit: Option<u32>) -> Self {
        Self {
            limit,
            window: Mutex::new((0, 0)),
        }
    }

    /// Whether one more check may run at server time `now`; counts it when it may.
    pub(crate) fn admit(&self, now: u64) -> bool {
        let Some(limit) = self.limit else {
            return true;
        };
        let mut window = self
            .window
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if window.0 != now {
            *window = (now, 0);
        }
        if window.1 >= limit {
            return false;
        }
        window.1 += 1;
        true
    }

    /// The configured limit (per second), `None` when off.
    pub(crate) fn limit(&self) -> Option<u32> {
        self.limit
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fixed_window_of_one_second() {
        let limiter = RateLimiter::new(Some(2));
        assert!(limiter.admit(10));
        assert!(limiter.admit(10));
        assert!(!limiter.admit(10));
        assert!(limiter.admit(11));
        assert!(limiter.admit(11));
        assert!(!limiter.admit(11));
        // A clock set backwards starts a new window too.
        assert!(limiter.admit(5));
    }

    #[test]
    fn zero_refuses_everything_and_none_admits_everything() {
        let zero = RateLimiter::new(Some(0));
        assert!(!zero.admit(1));
        let off = RateLimiter::new(None);
        assert!((0..10_000).all(|_| off.admit(1)));
        assert_eq!(off.limit(), None);
    }
}
