//! Deadlines on top of `async_io::Timer`, the timer async-std and smol both run on.
//!
//! Every call has a deadline, and an `async_io::Timer` per call would cost a trip through
//! the reactor's timer queue plus a wake-up of the thread blocked in the reactor on each
//! insertion. [`Deadlines`] gives a client's calls (and its connect timeouts) one shared
//! timer task instead: a call registers its deadline in a map, and the task's single timer
//! is only moved when a deadline earlier than the one it is set to arrives (with one timeout
//! per client, calls arrive in deadline order, so almost never). [`sleep`] waits on a timer
//! of its own (backoff, the pool's reaper).

use std::collections::BTreeMap;
use std::future::{Future, poll_fn};
use std::pin::pin;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, Weak};
use std::task::{Poll, Waker};
use std::time::{Duration, Instant};

use async_io::Timer;
use futures_lite::FutureExt;

/// Runs `future` for at most `limit` on a timer of its own: `None` when the limit passed
/// first (the future is dropped, which cancels its I/O). The tests' bound.
#[cfg(test)]
pub(crate) async fn within<F: Future>(limit: Duration, future: F) -> Option<F::Output> {
    async { Some(future.await) }
        .or(async {
            Timer::after(limit).await;
            None
        })
        .await
}

/// Waits for `delay`.
pub(crate) async fn sleep(delay: Duration) {
    Timer::after(delay).await;
}

/// The deadlines of one client's calls, watched by one timer task (spawned on first use,
/// ended when this is dropped).
pub(crate) struct Deadlines {
    shared: Arc<Shared>,
}

struct Shared {
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    /// Calls waiting, by deadline (and a number telling equal deadlines apart): the first
    /// entry is the earliest.
    waiting: BTreeMap<(Instant, u64), Waker>,
    /// The number of the next registration.
    next_id: u64,
    /// When the task's timer will fire, or is about to be set to fire (`None`: it will not
    /// fire). A new deadline before it must wake the task to move the timer.
    armed: Option<Instant>,
    /// The task's waker, while it waits; taken by whoever wakes it.
    task: Option<Waker>,
    /// Whether the task was spawned.
    spawned: bool,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        // Every update leaves the state consistent: recover it after a panic elsewhere.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Deadlines {
    /// No deadline yet, no task yet.
    pub(crate) fn new() -> Self {
        Self {
            shared: Arc::new(Shared {
                state: Mutex::new(State::default()),
            }),
        }
    }

    /// Runs `future` for at most `limit`: `None` when the limit passed first (the future is
    /// dropped, which cancels its I/O). The future is polled before the deadline is
    /// checked, and a limit too large for an `Instant` never passes.
    pub(crate) async fn within<F: Future>(&self, limit: Duration, future: F) -> Option<F::Output> {
        let Some(at) = Instant::now().checked_add(limit) else {
            return Some(future.await);
        };
        let mut future = pin!(future);
        let mut entry = Entry {
            shared: &self.shared,
            key: None,
        };
        poll_fn(|cx| {
            if let Poll::Ready(output) = future.as_mut().poll(cx) {
                return Poll::Ready(Some(output));
            }
            if Instant::now() >= at {
                return Poll::Ready(None);
            }
            entry.register(at, cx.waker());
            Poll::Pending
        })
        .await
        // `entry` drops here (or with the call): its deadline leaves the map.
    }

    /// Deadlines registered and not yet passed or finished.
    #[cfg(test)]
    fn waiting(&self) -> usize {
        self.shared.lock().waiting.len()
    }
}

impl Drop for Deadlines {
    /// Wakes the task so that it sees the client is gone and ends, dropping its timer.
    fn drop(&mut self) {
        let task = self.shared.lock().task.take();
        if let Some(task) = task {
            task.wake();
        }
    }
}

/// One call's place in the map.
struct Entry<'a> {
    shared: &'a Arc<Shared>,
    key: Option<(Instant, u64)>,
}

impl Entry<'_> {
    /// Makes sure `waker` is woken at `at` (not before).
    fn register(&mut self, at: Instant, waker: &Waker) {
        let mut state = self.shared.lock();
        if let Some(key) = self.key
            && let Some(registered) = state.waiting.get_mut(&key)
        {
            if !registered.will_wake(waker) {
                registered.clone_from(waker);
            }
            return;
        }
        let key = (at, state.next_id);
        state.next_id += 1;
        state.waiting.insert(key, waker.clone());
        self.key = Some(key);
        if state.armed.is_some_and(|armed| armed <= at) {
            // The timer fires no later than this deadline; the task then re-arms it for
            // whatever is first in the map.
            return;
        }
        state.armed = Some(at);
        let spawn = !state.spawned;
        state.spawned = true;
        let task = state.task.take();
        drop(state);
        if spawn {
            async_std::task::spawn(watch(Arc::downgrade(self.shared)));
        } else if let Some(task) = task {
            task.wake();
        }
        // Else the task was woken already and has not run yet: it will see this entry.
    }
}

impl Drop for Entry<'_> {
    fn drop(&mut self) {
        if let Some(key) = self.key {
            self.shared.lock().waiting.remove(&key);
        }
    }
}

/// The timer task: wakes every call whose deadline passed and keeps its one timer set to
/// the earliest deadline left. Ends once the [`Deadlines`] is gone.
async fn watch(shared: Weak<Shared>) {
    let mut timer = Timer::never();
    // When `timer` fires; `None` when it is not set (or fired and was not set again).
    let mut timer_at: Option<Instant> = None;
    let mut expired = Vec::new();
    poll_fn(|cx| {
        let Some(shared) = shared.upgrade() else {
            return Poll::Ready(());
        };
        loop {
            let mut state = shared.lock();
            let now = Instant::now();
            while let Some(entry) = state.waiting.first_entry() {
                if entry.key().0 > now {
                    break;
                }
                expired.push(entry.remove());
            }
            let first = state.waiting.first_key_value().map(|(&(at, _), _)| at);
            if let Some(first) = first
                && timer_at.is_none_or(|set| first < set)
            {
                // Never moved later: a deadline that finished early leaves the timer set,
                // and firing then costs less than moving the timer for every call.
                timer.set_at(first);
                timer_at = Some(first);
            }
            state.armed = timer_at;
            match &mut state.task {
                Some(waker) if waker.will_wake(cx.waker()) => {}
                task => *task = Some(cx.waker().clone()),
            }
            drop(state);
            expired.drain(..).for_each(Waker::wake);
            if timer_at.is_none() || timer.poll(cx).is_pending() {
                return Poll::Pending;
            }
            // Fired: look at the map again with the timer unset.
            timer_at = None;
        }
    })
    .await;
}

#[cfg(test)]
mod tests {
    use super::*;

    use std::future::pending;

    /// Longest any test here waits for something that should take milliseconds: a broken
    /// re-arm makes the test fail after this, never hang.
    const BOUND: Duration = Duration::from_secs(10);

    /// `future`'s output and how long it took, or a panic once [`BOUND`] passed.
    async fn bounded<F: Future>(what: &str, future: F) -> (F::Output, Duration) {
        let started = Instant::now();
        match within(BOUND, future).await {
            Some(output) => (output, started.elapsed()),
            None => panic!("{what}: still waiting after {BOUND:?}"),
        }
    }

    #[async_std::test]
    async fn a_pending_future_times_out_at_its_limit() {
        let deadlines = Deadlines::new();
        let limit = Duration::from_millis(50);
        let (output, took) = bounded("timeout", deadlines.within(limit, pending::<()>())).await;
        assert!(output.is_none());
        assert!(took >= limit, "returned after {took:?}, before the limit");
        assert_eq!(deadlines.waiting(), 0);
    }

    #[async_std::test]
    async fn a_finished_future_wins_and_leaves_nothing_behind() {
        let deadlines = Deadlines::new();
        let (output, _) = bounded(
            "finished",
            deadlines.within(Duration::from_secs(60), async {
                sleep(Duration::from_millis(5)).await;
                7
            }),
        )
        .await;
        assert_eq!(output, Some(7));
        assert_eq!(deadlines.waiting(), 0);
        // Ready at the first poll: the result counts even with no time left, as before.
        assert_eq!(deadlines.within(Duration::ZERO, async { 8 }).await, Some(8));
        let (output, _) = bounded("zero", deadlines.within(Duration::ZERO, pending::<()>())).await;
        assert!(output.is_none());
        assert_eq!(
            deadlines.within(Duration::MAX, async { 9 }).await,
            Some(9),
            "a limit past the end of time never passes"
        );
    }

    #[async_std::test]
    async fn an_earlier_deadline_moves_the_timer_forward() {
        let deadlines = Arc::new(Deadlines::new());
        let late = {
            let deadlines = Arc::clone(&deadlines);
            async_std::task::spawn(async move {
                deadlines
                    .within(Duration::from_secs(60), pending::<()>())
                    .await
            })
        };
        // Let the late deadline arm the timer first.
        sleep(Duration::from_millis(20)).await;
        assert_eq!(deadlines.waiting(), 1);
        let limit = Duration::from_millis(50);
        let (output, took) =
            bounded("earlier deadline", deadlines.within(limit, pending::<()>())).await;
        assert!(output.is_none());
        assert!(
            took >= limit && took < Duration::from_secs(5),
            "took {took:?}"
        );
        assert_eq!(deadlines.waiting(), 1, "the late call still waits");
        late.cancel().await;
        assert_eq!(deadlines.waiting(), 0);
    }

    #[async_std::test]
    async fn the_timer_is_set_again_after_firing() {
        let deadlines = Arc::new(Deadlines::new());
        // Overlapping deadlines registered in order, then more after the timer has fired.
        for round in 0..3 {
            let calls: Vec<_> = [30u64, 60, 90]
                .into_iter()
                .map(|ms| {
                    let deadlines = Arc::clone(&deadlines);
                    async_std::task::spawn(async move {
                        let started = Instant::now();
                        let output = deadlines
                            .within(Duration::from_millis(ms), pending::<()>())
                            .await;
                        (output.is_none(), started.elapsed(), ms)
                    })
                })
                .collect();
            for call in calls {
                let ((timed_out, took, ms), _) = bounded("re-armed timer", call).await;
                assert!(timed_out, "round {round}");
                assert!(took >= Duration::from_millis(ms), "round {round}: {took:?}");
            }
            assert_eq!(deadlines.waiting(), 0);
        }
    }

    #[async_std::test]
    async fn a_deadline_that_finished_early_leaves_the_timer_working() {
        let deadlines = Arc::new(Deadlines::new());
        // Arms the timer for 40 ms, then finishes: the timer stays set and fires for nothing.
        let early = deadlines.within(Duration::from_millis(40), async {
            sleep(Duration::from_millis(5)).await;
        });
        assert_eq!(bounded("early", early).await.0, Some(()));
        // A later deadline registered meanwhile must still be served once that fires.
        let limit = Duration::from_millis(80);
        let (output, took) = bounded("later", deadlines.within(limit, pending::<()>())).await;
        assert!(output.is_none());
        assert!(took >= limit, "took {took:?}");
    }

    #[async_std::test]
    async fn the_task_ends_with_the_deadlines() {
        let deadlines = Deadlines::new();
        let _ = deadlines
            .within(Duration::from_millis(1), pending::<()>())
            .await;
        let weak = Arc::downgrade(&deadlines.shared);
        drop(deadlines);
        // The task holds the state only while it runs: it is freed once the task sees the
        // drop (the task may be finishing the poll that woke the call just now).
        let freed = async {
            while weak.upgrade().is_some() {
                sleep(Duration::from_millis(1)).await;
            }
        };
        bounded("state freed", freed).await;
    }
}
