//! [`Pool`]: idle keep-alive connections per origin, with an idle timeout and a cap.
//!
//! A connection is checked out for exactly one request and checked back in once its
//! response body was read to the end, so a pooled sender is never shared. Idle connections
//! older than the idle timeout, or that the server closed, are dropped on checkout and by a
//! reaper task that runs while anything is idle.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, Weak};
use std::time::{Duration, Instant};

use crate::connect::Sender;
use crate::origin::Origin;
use crate::time;

/// Idle connections of one client.
pub(crate) struct Pool {
    state: Mutex<State>,
    idle_timeout: Duration,
    max_idle_per_origin: usize,
}

#[derive(Default)]
struct State {
    idle: HashMap<Origin, Vec<Idle>>,
    reaper_running: bool,
}

struct Idle {
    sender: Sender,
    since: Instant,
}

impl Idle {
    fn is_usable(&self, now: Instant, idle_timeout: Duration) -> bool {
        !self.sender.is_closed() && now.saturating_duration_since(self.since) < idle_timeout
    }
}

impl Pool {
    /// An empty pool.
    pub(crate) fn new(idle_timeout: Duration, max_idle_per_origin: usize) -> Arc<Self> {
        Arc::new(Self {
            state: Mutex::new(State::default()),
            idle_timeout,
            max_idle_per_origin,
        })
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock cannot leave the map inconsistent: recover it.
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The most recently used live idle connection to `origin`, dropping stale ones.
    pub(crate) fn checkout(&self, origin: &Origin) -> Option<Sender> {
        let now = Instant::now();
        let mut state = self.lock();
        let list = state.idle.get_mut(origin)?;
        let mut found = None;
        while let Some(idle) = list.pop() {
            if idle.is_usable(now, self.idle_timeout) {
                found = Some(idle.sender);
                break;
            }
        }
        if list.is_empty() {
            state.idle.remove(origin);
        }
        found
    }

    /// Keeps `sender` for reuse, unless the pool is full or pooling is off.
    pub(crate) fn checkin(self: &Arc<Self>, origin: &Origin, sender: Sender) {
        if self.max_idle_per_origin == 0 || self.idle_timeout.is_zero() || sender.is_closed() {
            return;
        }
        let mut state = self.lock();
        let list = state.idle.entry(origin.clone()).or_default();
        list.push(Idle {
            sender,
            since: Instant::now(),
        });
        if list.len() > self.max_idle_per_origin {
            // Drop the one idle longest: it is the likeliest to be closed by the server.
            list.remove(0);
        }
        if !state.reaper_running {
            state.reaper_running = true;
            async_std::task::spawn(reap(Arc::downgrade(self), self.reap_period()));
        }
    }

    fn reap_period(&self) -> Duration {
        (self.idle_timeout / 2).max(Duration::from_millis(10))
    }

    /// Drops expired and closed idle connections; returns how many remain.
    fn sweep(&self) -> usize {
        let now = Instant::now();
        let mut state = self.lock();
        state.idle.retain(|_, list| {
            list.retain(|idle| idle.is_usable(now, self.idle_timeout));
            !list.is_empty()
        });
        let left = state.idle.values().map(Vec::len).sum();
        if left == 0 {
            state.reaper_running = false;
        }
        left
    }

    /// Idle connections held right now (all origins).
    #[cfg(test)]
    pub(crate) fn idle_count(&self) -> usize {
        self.lock().idle.values().map(Vec::len).sum()
    }
}

/// Sweeps the pool every `period` until it is empty or dropped (the client is gone).
async fn reap(pool: Weak<Pool>, period: Duration) {
    loop {
        time::sleep(period).await;
        let Some(pool) = pool.upgrade() else { return };
        if pool.sweep() == 0 {
            return;
        }
    }
}
