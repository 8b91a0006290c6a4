//! [`CredentialCache`]: the credential a client signs with, fetched from its source on
//! first use and again shortly before it expires: by one caller at a time while the others
//! wait for that same refresh, read as one snapshot (id, key and token together), and kept
//! while still valid when a refresh fails.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use captcha_proto::Credential;
use captcha_proto::credentials::refresh_due;
use futures_util::lock::Mutex as AsyncMutex;

use super::leaf::now;
use super::{CredentialSource, CredentialSourceError, Fetcher};
use crate::runtime::Runtime;

/// After a failed refresh, how long a still-valid credential is served before trying
/// again: a broken source is not hammered by every call.
const RETRY_AFTER_FAILURE_SECS: u64 = 5;

/// One fetched credential and where it came from.
#[derive(Debug, Clone)]
struct Snapshot {
    credential: Credential,
    source: String,
    fetched_at: u64,
    /// After a failed refresh: no new attempt before this time.
    retry_at: u64,
}

/// What a client reports of its credential (`Client::credential_report`): never the key
/// or the token.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CredentialReport {
    /// The source that answered, e.g. `environment` or `CVM role`.
    pub source: String,
    /// The SecretId.
    pub secret_id: String,
    /// When the credential expires (UNIX seconds), for temporary ones.
    pub expires_at: Option<u64>,
    /// Whether it carries a session token.
    pub has_token: bool,
}

impl CredentialReport {
    /// The report of a fixed credential.
    pub(crate) fn of_fixed(credential: &Credential) -> Self {
        Self {
            source: "fixed credential".to_owned(),
            secret_id: credential.secret_id().as_str().to_owned(),
            expires_at: credential.expires_at(),
            has_token: credential.token().is_some(),
        }
    }
}

/// The current credential of a [`CredentialSource`], refreshed when due.
#[derive(Debug)]
pub struct CredentialCache {
    source: CredentialSource,
    current: Mutex<Option<Snapshot>>,
    /// Held by the one caller that refreshes; the others wait on it, then read its result.
    refreshing: AsyncMutex<()>,
    fetches: AtomicU64,
}

impl CredentialCache {
    /// A cache over `source`; nothing is fetched until the first call.
    pub fn new(source: CredentialSource) -> Self {
        Self {
            source,
            current: Mutex::new(None),
            refreshing: AsyncMutex::new(()),
            fetches: AtomicU64::new(0),
        }
    }

    /// The source.
    pub fn source(&self) -> &CredentialSource {
        &self.source
    }

    /// How many times the source was asked (first fetch and refreshes, failed or not).
    pub fn fetches(&self) -> u64 {
        self.fetches.load(Ordering::Relaxed)
    }

    fn snapshot(&self) -> Option<Snapshot> {
        self.current
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    fn store(&self, snapshot: Snapshot) {
        *self
            .current
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(snapshot);
    }

    /// The snapshot when it can be used as is at `now`: not due for refresh, or due but
    /// still valid while a failed refresh is backing off.
    fn usable(&self, now: u64) -> Option<Snapshot> {
        let snapshot = self.snapshot()?;
        let credential = &snapshot.credential;
        let due = refresh_due(credential.expires_at(), now, Some(snapshot.fetched_at));
        let valid = credential.expires_at().is_none_or(|at| now < at);
        (!due || (valid && now < snapshot.retry_at)).then_some(snapshot)
    }

    /// The credential to sign with now: the cached one, or a fresh one from the source.
    pub(crate) async fn get<R: Runtime>(
        &self,
        fetcher: &Fetcher<'_, R>,
    ) -> Result<Credential, CredentialSourceError> {
        if let Some(snapshot) = self.usable(now()) {
            return Ok(snapshot.credential);
        }
        let _refreshing = self.refreshing.lock().await;
        // Whoever held the lock before may have refreshed already.
        if let Some(snapshot) = self.usable(now()) {
            return Ok(snapshot.credential);
        }
        self.fetches.fetch_add(1, Ordering::Relaxed);
        let fetched = self.source.fetch(fetcher).await;
        let now = now();
        match fetched {
            Ok((credential, source)) => {
                tracing::debug!(
                    source = %source,
                    expires_at = credential.expires_at(),
                    "credential fetched"
                );
                self.store(Snapshot {
                    credential: credential.clone(),
                    source,
                    fetched_at: now,
                    retry_at: 0,
                });
                Ok(credential)
            }
            Err(error) => match self.snapshot() {
                Some(mut old) if old.credential.expires_at().is_none_or(|at| now < at) => {
                    tracing::warn!(error = %error, "credential refresh failed; the current one is still valid and kept");
                    old.retry_at = now + RETRY_AFTER_FAILURE_SECS;
                    self.store(old.clone());
                    Ok(old.credential)
                }
                // The caller gets the error: logged at debug level only.
                _ => {
                    tracing::debug!(error = %error, "no credential");
                    Err(error)
                }
            },
        }
    }

    /// Fetches (when needed) and reports the current credential without its secrets.
    pub(crate) async fn describe<R: Runtime>(
        &self,
        fetcher: &Fetcher<'_, R>,
    ) -> Result<CredentialReport, CredentialSourceError> {
        let credential = self.get(fetcher).await?;
        let source = self
            .snapshot()
            .map_or_else(|| self.source.name(), |snapshot| snapshot.source);
        Ok(CredentialReport {
            source,
            secret_id: credential.secret_id().as_str().to_owned(),
            expires_at: credential.expires_at(),
            has_token: credential.token().is_some(),
        })
    }
}
