//! [`IssuedKeys`]: the temporary credentials this emulator handed out (CVM role metadata,
//! STS, [`EmulatorHandle::issue_temporary_credential`](crate::EmulatorHandle::issue_temporary_credential)).
//! Signed requests look a SecretId up here after the configured keys, so the hot path is
//! one read lock. Expired keys are kept for [`EXPIRED_GRACE`] (so a late request is told
//! its credential expired, not that it never existed), then swept on a later insert: memory
//! is bounded by what was issued in the last lifetime plus an hour.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, PoisonError, RwLock};

use captcha_proto::{Credential, SecretKey, Token};

use crate::random;
use crate::state::KnownKey;

/// How long an expired key is remembered after its expiry, in seconds.
pub(crate) const EXPIRED_GRACE: u64 = 3600;
/// At most this many issued keys are remembered; network-triggered issues (STS, metadata)
/// are refused beyond it.
pub(crate) const CAPACITY: usize = 100_000;
/// Characters of issued ids, keys and tokens: letters and digits only, so they pass every
/// header and form encoding unchanged.
const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/// The store is at [`CAPACITY`] even after sweeping.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Full;

/// A credential just issued, and when it expires (UNIX seconds, emulator clock).
#[derive(Clone)]
pub(crate) struct Issued {
    pub(crate) credential: Credential,
    pub(crate) expires_at: u64,
}

pub(crate) struct IssuedKeys {
    keys: RwLock<Inner>,
    /// Nonce namespaces of issued keys follow those of the configured keys.
    next_index: AtomicU32,
}

struct Inner {
    map: HashMap<String, Arc<KnownKey>>,
    /// The clock second of the last sweep: a sweep walks the whole map, so at most one per second.
    swept_at: u64,
}

impl IssuedKeys {
    /// An empty store whose first nonce namespace is `first_index`.
    pub(crate) fn new(first_index: u32) -> Self {
        Self {
            keys: RwLock::new(Inner {
                map: HashMap::new(),
                swept_at: 0,
            }),
            next_index: AtomicU32::new(first_index),
        }
    }

    /// The issued key `secret_id`, expired or not (while remembered).
    pub(crate) fn get(&self, secret_id: &str) -> Option<Arc<KnownKey>> {
        let keys = self.keys.read().unwrap_or_else(PoisonError::into_inner);
        keys.map.get(secret_id).cloned()
    }

    /// Issues a credential valid from `now` for `lifetime` seconds. `bounded` refuses it
    /// when [`CAPACITY`] keys are remembered (requests from the network); the test helper
    /// always gets one.
    pub(crate) fn issue(&self, now: u64, lifetime: u64, bounded: bool) -> Result<Issued, Full> {
        let secret_id = format!("AKID{}", alnum(32));
        let secret_key = alnum(32);
        let token = alnum(96);
        let expires_at = now.saturating_add(lifetime);
        let credential = Credential::new(secret_id.clone(), secret_key.clone())
            .and_then(|c| c.with_token(token.clone()))
            .expect("generated values are non-empty and unpadded");
        let known = Arc::new(KnownKey {
            index: self.next_index.fetch_add(1, Ordering::Relaxed),
            secret_key: SecretKey::new(secret_key),
            token: Some(Token::new(token)),
            expires_at: Some(expires_at),
        });
        let mut keys = self.keys.write().unwrap_or_else(PoisonError::into_inner);
        if keys.swept_at != now || keys.map.len() >= CAPACITY {
            keys.swept_at = now;
            keys.map.retain(|_, key| {
                key.expires_at
                    .is_none_or(|at| at.saturating_add(EXPIRED_GRACE) > now)
            });
        }
        if bounded && keys.map.len() >= CAPACITY {
            return Err(Full);
        }
        keys.map.insert(secret_id, known);
        Ok(Issued {
            credential,
            expires_at,
        })
    }

    /// How many keys are remembered (expired ones within their grace included).
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.keys
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .map
            .len()
    }
}

/// `unix` as RFC 3339 in UTC, e.g. `2026-12-02T13:00:00Z` (the `Expiration` field).
pub(crate) fn rfc3339(unix: u64) -> String {
    let date = captcha_proto::tc3::UtcDate::from_timestamp(unix);
    let second = unix % 86_400;
    format!(
        "{date}T{:02}:{:02}:{:02}Z",
        second / 3600,
        second / 60 % 60,
        second % 60
    )
}

/// `len` random letters and digits.
fn alnum(len: usize) -> String {
    let mut raw = vec![0u8; len];
    random::fill(&mut raw);
    raw.iter()
        .map(|b| char::from(ALNUM[usize::from(*b) % ALNUM.len()]))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_rfc3339_in_utc() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_700_000_000), "2023-11-14T22:13:20Z");
        assert_eq!(rfc3339(1_796_216_400), "2026-12-02T13:00:00Z");
    }

    #[test]
    fn issues_distinct_keys_and_sweeps_expired_ones() {
        let store = IssuedKeys::new(3);
        let a = store.issue(100, 10, true).unwrap();
        let b = store.issue(100, 10, true).unwrap();
        assert_ne!(a.credential.secret_id(), b.credential.secret_id());
        assert!(a.credential.secret_id().as_str().starts_with("AKID"));
        assert_eq!(a.expires_at, 110);
        let known = store.get(a.credential.secret_id().as_str()).unwrap();
        assert_eq!(known.index, 3);
        assert_eq!(
            known.token.as_ref().unwrap().expose_secret(),
            a.credential.token().unwrap().expose_secret()
        );
        // Still remembered during the grace, forgotten after it.
        store.issue(110 + EXPIRED_GRACE - 1, 10, true).unwrap();
        assert_eq!(store.len(), 3);
        store.issue(110 + EXPIRED_GRACE, 10, true).unwrap();
        assert_eq!(store.len(), 2);
        assert!(store.get(a.credential.secret_id().as_str()).is_none());
    }
}
