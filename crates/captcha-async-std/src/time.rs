//! Deadlines on top of `async_io::Timer`, the timer async-std and smol both run on.

use std::future::Future;
use std::time::Duration;

use async_io::Timer;
use futures_lite::FutureExt;

/// Runs `future` for at most `limit`: `None` when the limit passed first (the future is
/// dropped, which cancels its I/O).
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
