//! [`NonceStore`]: the replay guard. A nonce is remembered per SecretId for as long as a
//! request carrying it could still pass the timestamp check.

use crate::expiring::{ExpiringMap, Full, WhenFull};

/// What happened to a nonce.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NonceOutcome {
    /// First use: remembered now.
    Fresh,
    /// Already seen for this SecretId inside the window: a replay.
    Replayed,
    /// Too many nonces are remembered: the request cannot be guarded, so it is refused.
    Full,
}

pub(crate) struct NonceStore {
    /// Key: (index of the credential, nonce).
    seen: ExpiringMap<(u32, u64), ()>,
}

impl NonceStore {
    pub(crate) fn new(capacity: usize) -> Self {
        Self {
            seen: ExpiringMap::new(capacity, WhenFull::Refuse),
        }
    }

    /// Records `nonce` for the credential at `credential`, remembered until `forget_at`.
    pub(crate) fn record(
        &self,
        credential: u32,
        nonce: u64,
        forget_at: u64,
        now: u64,
    ) -> NonceOutcome {
        match self
            .seen
            .insert_new((credential, nonce), (), forget_at, now)
        {
            Ok(true) => NonceOutcome::Fresh,
            Ok(false) => NonceOutcome::Replayed,
            Err(Full) => NonceOutcome::Full,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replays_are_per_credential_and_window() {
        let store = NonceStore::new(1000);
        assert_eq!(store.record(0, 42, 400, 100), NonceOutcome::Fresh);
        assert_eq!(store.record(0, 42, 400, 399), NonceOutcome::Replayed);
        assert_eq!(store.record(1, 42, 400, 100), NonceOutcome::Fresh);
        assert_eq!(store.record(0, 42, 800, 400), NonceOutcome::Fresh);
    }
}
