//! The server clock: the system clock, or a [`ManualClock`] that tests move by hand.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Where the emulator reads the time: timestamp skew, ticket and one-time URL expiry, and
/// the nonce window are all measured with it. Whole UNIX seconds, like `Timestamp`.
pub trait Clock: Send + Sync + 'static {
    /// The current UNIX time in seconds.
    fn now_unix(&self) -> u64;
}

/// The operating system's clock (the default).
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_unix(&self) -> u64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs())
    }
}

/// A clock that stands still until told to move: tests set it near a fixed `Timestamp`,
/// then [`advance`](ManualClock::advance) it to expire tickets or leave the skew window.
///
/// ```
/// use std::time::Duration;
/// use captcha_emulator::{Clock, ManualClock};
/// let clock = ManualClock::new(1_465_185_768);
/// clock.advance(Duration::from_secs(301));
/// assert_eq!(clock.now_unix(), 1_465_186_069);
/// ```
pub struct ManualClock(AtomicU64);

impl ManualClock {
    /// A clock showing `now` (UNIX seconds).
    pub fn new(now: u64) -> Self {
        Self(AtomicU64::new(now))
    }

    /// Sets the time (it may go backwards).
    pub fn set(&self, now: u64) {
        self.0.store(now, Ordering::SeqCst);
    }

    /// Moves the time forward by whole seconds of `by`.
    pub fn advance(&self, by: Duration) {
        self.0.fetch_add(by.as_secs(), Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now_unix(&self) -> u64 {
        self.0.load(Ordering::SeqCst)
    }
}

impl fmt::Debug for ManualClock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ManualClock({})", self.now_unix())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manual_clock_moves_only_when_told() {
        let clock = ManualClock::new(10);
        assert_eq!(clock.now_unix(), 10);
        clock.advance(Duration::from_millis(2500));
        assert_eq!(clock.now_unix(), 12);
        clock.set(5);
        assert_eq!(clock.now_unix(), 5);
        assert!(SystemClock.now_unix() > 1_700_000_000);
    }
}
