//! [`Stamp`]: the Timestamp and Nonce of one request, passed in so the core never reads a clock.

use std::num::NonZeroU64;

use crate::error::EncodeError;

/// When a request was made and its replay-guard nonce. Every attempt needs a fresh one:
/// the server refuses a repeated nonce or a timestamp more than 5 minutes off (code 4500).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Stamp {
    timestamp: u64,
    nonce: NonZeroU64,
}

impl Stamp {
    /// A stamp from UNIX seconds and a positive nonce; a zero nonce is refused
    /// (the API asks for a positive integer).
    pub fn new(timestamp: u64, nonce: u64) -> Result<Self, EncodeError> {
        let nonce = NonZeroU64::new(nonce).ok_or(EncodeError::InvalidValue {
            field: "Nonce",
            reason: "must be a positive integer",
        })?;
        Ok(Self { timestamp, nonce })
    }

    /// The current system time and a nonce in `1..=2^63-1` (the official Python SDK's
    /// range): 63 random bits make an accidental repeat within the server's replay window
    /// negligible even at high volume. The nonce comes from `rand`'s thread-local CSPRNG
    /// (ChaCha, seeded and periodically reseeded from the operating system), which costs
    /// nanoseconds where a system call per nonce cost hundreds.
    ///
    /// # Panics
    /// Only if the operating system's random source fails while seeding, which `rand`
    /// treats as fatal.
    #[cfg(feature = "clock")]
    pub fn now() -> Self {
        let timestamp = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        Self {
            timestamp,
            nonce: random_nonce(),
        }
    }

    /// UNIX seconds.
    pub fn timestamp(&self) -> u64 {
        self.timestamp
    }

    /// The nonce.
    pub fn nonce(&self) -> u64 {
        self.nonce.get()
    }
}

#[cfg(feature = "clock")]
fn random_nonce() -> NonZeroU64 {
    loop {
        let value = rand::Rng::next_u64(&mut rand::rng()) & 0x7fff_ffff_ffff_ffff;
        if let Some(nonce) = NonZeroU64::new(value) {
            return nonce;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_nonce_is_refused() {
        assert!(Stamp::new(1, 0).is_err());
        assert_eq!(Stamp::new(5, 7).unwrap().nonce(), 7);
    }

    #[cfg(feature = "clock")]
    #[test]
    fn now_gives_positive_varying_nonces() {
        let nonces: std::collections::HashSet<u64> =
            (0..64).map(|_| Stamp::now().nonce()).collect();
        assert!(nonces.len() > 60);
        assert!(
            nonces
                .iter()
                .all(|n| (1..=0x7fff_ffff_ffff_ffff).contains(n))
        );
        assert!(Stamp::now().timestamp() > 1_700_000_000);
    }
}
