//! [`WriteStallGuard`]: ends a connection whose peer stops reading.
//!
//! hyper bounds how long a client may take to send its request head (and the emulator how
//! long its body), but not how long the server may wait to write an answer: a client that
//! sends requests (pipelined, or one after another) and never reads the answers fills the
//! socket buffers, and the write then waits forever. Such a connection would hold its slot
//! of [`EmulatorBuilder::max_connections`](crate::EmulatorBuilder::max_connections) (and a
//! few megabytes of kernel buffers) for good; enough of them and the emulator accepts no one
//! else. The guard fails a write that has made no progress for [`WRITE_STALL_TIMEOUT`], and
//! hyper then closes the connection.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll, ready};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::{Instant, Sleep};

/// A write (or flush) that makes no progress for this long ends the connection.
pub(crate) const WRITE_STALL_TIMEOUT: Duration = Duration::from_secs(30);

/// Wraps a connection's I/O: reads pass through, writes fail with
/// [`io::ErrorKind::TimedOut`] once they have been blocked for [`WRITE_STALL_TIMEOUT`]
/// without writing a byte.
pub(crate) struct WriteStallGuard<I> {
    io: I,
    /// Armed while a write waits; created on the first wait.
    deadline: Option<Pin<Box<Sleep>>>,
    /// Whether `deadline` counts for the current wait.
    waiting: bool,
    timeout: Duration,
}

impl<I> WriteStallGuard<I> {
    pub(crate) fn new(io: I) -> Self {
        Self::with_timeout(io, WRITE_STALL_TIMEOUT)
    }

    fn with_timeout(io: I, timeout: Duration) -> Self {
        Self {
            io,
            deadline: None,
            waiting: false,
            timeout,
        }
    }

    /// Passes a ready result through (progress: the wait is over); on `Pending`, starts the
    /// wait's clock if it is not running and fails once it runs out.
    fn guard<T>(
        &mut self,
        cx: &mut Context<'_>,
        result: Poll<io::Result<T>>,
    ) -> Poll<io::Result<T>> {
        if result.is_ready() {
            self.waiting = false;
            return result;
        }
        let deadline = Instant::now() + self.timeout;
        let sleep = self
            .deadline
            .get_or_insert_with(|| Box::pin(tokio::time::sleep_until(deadline)));
        if !self.waiting {
            self.waiting = true;
            sleep.as_mut().reset(deadline);
        }
        ready!(sleep.as_mut().poll(cx));
        self.waiting = false;
        Poll::Ready(Err(io::Error::new(
            io::ErrorKind::TimedOut,
            "the client stopped reading the answer",
        )))
    }
}

impl<I: AsyncRead + Unpin> AsyncRead for WriteStallGuard<I> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_read(cx, buf)
    }
}

impl<I: AsyncWrite + Unpin> AsyncWrite for WriteStallGuard<I> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let result = Pin::new(&mut this.io).poll_write(cx, buf);
        this.guard(cx, result)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let result = Pin::new(&mut this.io).poll_write_vectored(cx, bufs);
        this.guard(cx, result)
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let result = Pin::new(&mut this.io).poll_flush(cx);
        this.guard(cx, result)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let result = Pin::new(&mut this.io).poll_shutdown(cx);
        this.guard(cx, result)
    }
}

#[cfg(test)]
mod tests {
    use std::future::poll_fn;

    use tokio::io::AsyncWriteExt;

    use super::*;

    /// A peer with room for `room` more bytes; writes wait once it is full.
    struct Peer {
        room: usize,
    }

    impl AsyncRead for Peer {
        fn poll_read(
            self: Pin<&mut Self>,
            _: &mut Context<'_>,
            _: &mut ReadBuf<'_>,
        ) -> Poll<io::Result<()>> {
            Poll::Pending
        }
    }

    impl AsyncWrite for Peer {
        fn poll_write(
            self: Pin<&mut Self>,
            _: &mut Context<'_>,
            buf: &[u8],
        ) -> Poll<io::Result<usize>> {
            let this = self.get_mut();
            if this.room == 0 {
                return Poll::Pending;
            }
            let n = buf.len().min(this.room);
            this.room -= n;
            Poll::Ready(Ok(n))
        }

        fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
            Poll::Ready(Ok(()))
        }

        fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
            Poll::Ready(Ok(()))
        }
    }

    fn peer(room: usize) -> Peer {
        Peer { room }
    }

    #[tokio::test(start_paused = true)]
    async fn a_write_blocked_for_the_timeout_fails() {
        let started = Instant::now();
        let mut guard = WriteStallGuard::new(peer(10));
        let error = guard.write_all(&[b'x'; 100]).await.unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::TimedOut);
        assert_eq!(started.elapsed(), WRITE_STALL_TIMEOUT);
    }

    #[tokio::test(start_paused = true)]
    async fn progress_restarts_the_clock() {
        let timeout = Duration::from_secs(10);
        let mut guard = WriteStallGuard::with_timeout(peer(0), timeout);
        let mut buf = [b'x'; 4];
        // Blocked for 9 s, then the peer reads: the write goes through.
        let write = poll_fn(|cx| Pin::new(&mut guard).poll_write(cx, &buf));
        assert!(
            tokio::time::timeout(Duration::from_secs(9), write)
                .await
                .is_err()
        );
        guard.io.room = 4;
        assert_eq!(guard.write(&buf).await.unwrap(), 4);
        // A new wait has the whole timeout again.
        let started = Instant::now();
        buf[0] = b'y';
        let error = guard.write(&buf).await.unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::TimedOut);
        assert_eq!(started.elapsed(), timeout);
    }

    #[tokio::test(start_paused = true)]
    async fn writes_that_never_block_are_untouched() {
        let mut guard = WriteStallGuard::new(peer(usize::MAX));
        for _ in 0..1000 {
            guard.write_all(b"answer").await.unwrap();
        }
        guard.flush().await.unwrap();
        assert!(guard.deadline.is_none(), "no timer without a wait");
    }
}
