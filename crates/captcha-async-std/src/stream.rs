//! [`Stream`]: a plain or TLS TCP connection, as one futures-io type for hyper; [`Tcp`]: the
//! socket under it, reading with as few system calls as a request/response exchange needs.

use std::io::{self, Read};
use std::net::{SocketAddr, TcpStream};
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use async_io::Async;
use futures_lite::io::{AsyncRead, AsyncWrite};
use futures_rustls::client::TlsStream;
use hyper::rt::ReadBufCursor;
use smol_hyper::rt::FuturesIo;

/// A connection to one origin: plain TCP for http, rustls over TCP for https.
pub(crate) enum Stream {
    /// http.
    Plain(Tcp),
    /// https (boxed: the TLS state is large).
    Tls(Box<TlsStream<Tcp>>),
}

/// A TCP socket on the async-io reactor (what async-std's `TcpStream` wraps too).
///
/// `Async`'s own `poll_read` always tries `recv` first and only then asks the reactor, so
/// every poll of hyper's connection task (woken for a new request, a body, a dropped
/// response…) costs a `recv` that fails with `EAGAIN`, and one right after a wake-up
/// consumes the event and fails twice. This type remembers when the socket was drained (a
/// read that came back short or would block) and then waits for the reactor's readiness
/// event before calling `recv` again: one successful `recv` per response instead of ~6.
/// Nothing can be missed: async-io registers interest level-triggered, so data that
/// arrived in between is reported at once.
pub(crate) struct Tcp {
    io: Async<TcpStream>,
    /// `false` once the socket was seen drained, until the reactor reports it readable.
    maybe_readable: bool,
}

impl Tcp {
    /// Connects to `addr` (non-blocking connect on the reactor, as async-std does).
    pub(crate) async fn connect(addr: SocketAddr) -> io::Result<Self> {
        let io = Async::<TcpStream>::connect(addr).await?;
        Ok(Self {
            io,
            maybe_readable: true,
        })
    }

    /// Sets `TCP_NODELAY`.
    pub(crate) fn set_nodelay(&self, nodelay: bool) -> io::Result<()> {
        self.io.get_ref().set_nodelay(nodelay)
    }

    /// Ready when a read may find data (or an error): at once unless the socket was seen
    /// drained, then once the reactor reports it readable. Registers `cx` while pending.
    fn poll_maybe_readable(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if !self.maybe_readable {
            ready!(self.io.poll_readable(cx))?;
            self.maybe_readable = true;
        }
        Poll::Ready(Ok(()))
    }
}

impl AsyncRead for Tcp {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        loop {
            ready!(this.poll_maybe_readable(cx))?;
            match this.io.get_ref().read(buf) {
                Ok(n) => {
                    // A stream socket returns less than asked only when its receive
                    // queue is empty: the next read would block.
                    if n < buf.len() {
                        this.maybe_readable = false;
                    }
                    return Poll::Ready(Ok(n));
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => this.maybe_readable = false,
                Err(e) => return Poll::Ready(Err(e)),
            }
        }
    }
}

/// A [`Stream`] as hyper's I/O: `smol_hyper`'s adapter, but a plain socket known to be
/// drained answers `Pending` before the adapter runs, because the adapter zeroes hyper's
/// whole spare read buffer (8 KiB or more) on every read, and hyper polls its reader on
/// every wake of the connection task, mostly to find nothing there.
pub(crate) struct Io(FuturesIo<Stream>);

impl Io {
    /// Wraps `stream` for hyper.
    pub(crate) fn new(stream: Stream) -> Self {
        Self(FuturesIo::new(stream))
    }
}

impl hyper::rt::Read for Io {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: ReadBufCursor<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        // Only plain TCP: a TLS stream may hold decrypted bytes while its socket is drained.
        if let Stream::Plain(tcp) = this.0.get_mut() {
            ready!(tcp.poll_maybe_readable(cx))?;
        }
        Pin::new(&mut this.0).poll_read(cx, buf)
    }
}

impl hyper::rt::Write for Io {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().0).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().0).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().0).poll_shutdown(cx)
    }

    fn is_write_vectored(&self) -> bool {
        self.0.is_write_vectored()
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().0).poll_write_vectored(cx, bufs)
    }
}

/// Writes go straight to `Async`: they succeed at once on a socket with buffer space, so
/// there is no wasted system call to save.
impl AsyncWrite for Tcp {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().io).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().io).poll_write_vectored(cx, bufs)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_flush(cx)
    }

    fn poll_close(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_close(cx)
    }
}

impl AsyncRead for Stream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Self::Plain(s) => Pin::new(s).poll_read(cx, buf),
            Self::Tls(s) => Pin::new(s.as_mut()).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for Stream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Self::Plain(s) => Pin::new(s).poll_write(cx, buf),
            Self::Tls(s) => Pin::new(s.as_mut()).poll_write(cx, buf),
        }
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Self::Plain(s) => Pin::new(s).poll_write_vectored(cx, bufs),
            Self::Tls(s) => Pin::new(s.as_mut()).poll_write_vectored(cx, bufs),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Self::Plain(s) => Pin::new(s).poll_flush(cx),
            Self::Tls(s) => Pin::new(s.as_mut()).poll_flush(cx),
        }
    }

    fn poll_close(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Self::Plain(s) => Pin::new(s).poll_close(cx),
            Self::Tls(s) => Pin::new(s.as_mut()).poll_close(cx),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    use async_std::io::WriteExt;
    use async_std::net::TcpListener;
    use futures_lite::AsyncReadExt;

    /// Every read in these tests gets this long: a broken readiness path fails, not hangs.
    const LIMIT: Duration = Duration::from_secs(10);

    async fn read(tcp: &mut Tcp, buf: &mut [u8]) -> usize {
        crate::time::within(LIMIT, tcp.read(buf))
            .await
            .expect("a read waited forever for data that was sent")
            .unwrap()
    }

    #[async_std::test]
    async fn data_after_a_drained_read_still_arrives() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (release, released) = async_std::channel::bounded::<()>(1);
        let server = async_std::task::spawn(async move {
            let (mut stream, _) = listener.accept().await.unwrap();
            stream.write_all(b"ab").await.unwrap();
            // The client has read "ab" short and stopped calling recv before this arrives.
            released.recv().await.unwrap();
            async_std::task::sleep(Duration::from_millis(20)).await;
            stream.write_all(b"0123456789").await.unwrap();
            released.recv().await.unwrap();
            // Dropping the stream closes it: the client sees EOF.
        });
        let mut tcp = Tcp::connect(addr).await.unwrap();
        let mut buf = [0u8; 8];
        assert_eq!(read(&mut tcp, &mut buf).await, 2);
        assert_eq!(&buf[..2], b"ab");
        assert!(!tcp.maybe_readable, "a short read marks the socket drained");
        release.send(()).await.unwrap();
        // A full read (8 of 10 bytes) keeps reading directly; the rest follows.
        assert_eq!(read(&mut tcp, &mut buf).await, 8);
        assert!(tcp.maybe_readable, "a full read may leave data behind");
        assert_eq!(&buf, b"01234567");
        assert_eq!(read(&mut tcp, &mut buf).await, 2);
        assert_eq!(&buf[..2], b"89");
        release.send(()).await.unwrap();
        assert_eq!(
            read(&mut tcp, &mut buf).await,
            0,
            "EOF once the server closes"
        );
        crate::time::within(LIMIT, server)
            .await
            .expect("server ended");
    }
}
