//! [`Pool`]: idle keep-alive connections per origin, with an idle timeout and a cap.
//!
//! A connection is checked out for exactly one request and checked back in once its
//! response body was read to the end, so a pooled sender is never shared. Idle connections
//! older than the idle timeout, or that the server closed, are dropped on checkout and by a
//! reaper task that runs while anything is idle.

use std::collections::HashMap;
use std::marker::PhantomData;
use std::sync::{Arc, Mutex, MutexGuard, Weak};
use std::time::{Duration, Instant};

use crate::origin::Origin;
use crate::runtime::{Runtime, Sender};

/// Idle connections of one client; `R` runs the reaper.
pub(crate) struct Pool<R> {
    state: Mutex<State>,
    idle_timeout: Duration,
    max_idle_per_origin: usize,
    runtime: PhantomData<fn() -> R>,
}

#[derive(Default)]
struct State {
    /// Keyed by shared origins: putting a connection back clones a pointer, not strings.
    idle: HashMap<Arc<Origin>, Vec<Idle>>,
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

impl<R> Pool<R> {
    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock cannot leave the map inconsistent: recover it.
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl<R: Runtime> Pool<R> {
    /// An empty pool.
    pub(crate) fn new(idle_timeout: Duration, max_idle_per_origin: usize) -> Arc<Self> {
        Arc::new(Self {
            state: Mutex::new(State::default()),
            idle_timeout,
            max_idle_per_origin,
            runtime: PhantomData,
        })
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
    pub(crate) fn checkin(self: &Arc<Self>, origin: &Arc<Origin>, sender: Sender) {
        if self.max_idle_per_origin == 0 || self.idle_timeout.is_zero() || sender.is_closed() {
            return;
        }
        let mut state = self.lock();
        let list = state.idle.entry(Arc::clone(origin)).or_default();
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
            R::spawn(reap(Arc::downgrade(self), self.reap_period()));
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
fn reap<R: Runtime>(pool: Weak<Pool<R>>, period: Duration) -> impl Future<Output = ()> + Send {
    // Made before the task first runs: it may be dropped before that.
    let lost = LostReaper {
        pool: Weak::clone(&pool),
    };
    async move {
        loop {
            R::sleep(period).await;
            let Some(pool) = pool.upgrade() else { break };
            if pool.sweep() == 0 {
                break;
            }
        }
        // Ended by itself: `sweep` cleared the flag under the lock (and a new reaper may
        // already have set it again), so leave it alone.
        lost.disarm();
    }
}

/// Clears the pool's `reaper_running` if the reaper is dropped before it ends by itself
/// (its runtime shut down while the client lives on, as with a client kept in a static
/// across test runtimes), so that the next check-in starts another.
struct LostReaper<R> {
    pool: Weak<Pool<R>>,
}

impl<R> LostReaper<R> {
    /// The reaper ended by itself: nothing to clear.
    fn disarm(mut self) {
        self.pool = Weak::new();
    }
}

impl<R> Drop for LostReaper<R> {
    fn drop(&mut self) {
        if let Some(pool) = self.pool.upgrade() {
            pool.lock().reaper_running = false;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{TokioPlain, holding_listener, open};

    type TestPool = Pool<TokioPlain>;

    #[tokio::test]
    async fn reaper_drops_expired_connections_without_further_calls() {
        let (origin, _held) = holding_listener().await;
        let pool = TestPool::new(Duration::from_millis(50), 4);
        pool.checkin(&origin, open(&origin).await);
        assert_eq!(pool.idle_count(), 1);
        tokio::time::sleep(Duration::from_millis(200)).await;
        assert_eq!(pool.idle_count(), 0);
        assert!(
            !pool.lock().reaper_running,
            "the reaper stops when the pool is empty"
        );
        assert!(pool.checkout(&origin).is_none());
    }

    /// A reaper goes when its runtime shuts down; a client that outlives the runtime (kept
    /// in a static across tests) must get a new one on its next check-in.
    #[test]
    fn a_reaper_lost_with_its_runtime_is_started_again() {
        let runtime = || {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap()
        };
        let pool = TestPool::new(Duration::from_millis(50), 4);
        let first = runtime();
        first.block_on(async {
            let (origin, _held) = holding_listener().await;
            pool.checkin(&origin, open(&origin).await);
        });
        drop(first);
        runtime().block_on(async {
            let (origin, _held) = holding_listener().await;
            pool.checkin(&origin, open(&origin).await);
            tokio::time::sleep(Duration::from_millis(400)).await;
            assert_eq!(pool.idle_count(), 0, "a new reaper swept the pool");
        });
    }

    #[tokio::test]
    async fn cap_keeps_the_most_recent_connections() {
        let (origin, _held) = holding_listener().await;
        let pool = TestPool::new(Duration::from_secs(60), 2);
        for _ in 0..3 {
            pool.checkin(&origin, open(&origin).await);
        }
        assert_eq!(pool.idle_count(), 2);
        assert!(pool.checkout(&origin).is_some());
        assert!(pool.checkout(&origin).is_some());
        assert!(pool.checkout(&origin).is_none());
    }

    #[tokio::test]
    async fn pooling_off_keeps_nothing() {
        let (origin, _held) = holding_listener().await;
        let pool = TestPool::new(Duration::from_secs(60), 0);
        pool.checkin(&origin, open(&origin).await);
        assert_eq!(pool.idle_count(), 0);
        let pool = TestPool::new(Duration::ZERO, 8);
        pool.checkin(&origin, open(&origin).await);
        assert_eq!(pool.idle_count(), 0);
    }

    #[tokio::test]
    async fn closed_connections_are_not_handed_out() {
        let (origin, held) = holding_listener().await;
        let pool = TestPool::new(Duration::from_secs(60), 4);
        pool.checkin(&origin, open(&origin).await);
        // The client side is connected before the accept task has run: wait (bounded) until
        // the server holds the connection, else the hang-up below would miss it.
        let accepted = async {
            while held.lock().unwrap().is_empty() {
                tokio::time::sleep(Duration::from_millis(1)).await;
            }
        };
        tokio::time::timeout(Duration::from_secs(10), accepted)
            .await
            .expect("the server never accepted the connection");
        // The server hangs up on every held connection.
        held.lock().unwrap().clear();
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert!(pool.checkout(&origin).is_none());
    }
}
