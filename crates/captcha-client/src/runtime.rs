//! [`Runtime`]: what an async runtime lends the shared client (connecting, background
//! tasks, timers), and [`Sender`], the sending half of one connection.

use std::future::Future;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::Full;
use hyper::client::conn::http1;

use crate::error::{BuildError, Error};
use crate::origin::Origin;
use crate::settings::ClientSettings;

/// The sending half of one HTTP/1.1 connection, as hyper's connection API hands it out.
pub type Sender = http1::SendRequest<Full<Bytes>>;

/// The runtime-specific part of a client: connecting, background tasks, timers. Everything
/// else (the pool, the call loop, the body limit, error phases) is written once in this
/// crate.
///
/// A value of this type is cloned into the pool: keep it cheap to clone (shared state
/// behind an `Arc`).
pub trait Runtime: Clone + Send + Sync + 'static {
    /// The runtime of a client with `settings`, opening https connections with `tls` (which
    /// announces no ALPN protocol; set HTTP/1.1 if the TLS layer does not).
    fn new(settings: &ClientSettings, tls: rustls::ClientConfig) -> Result<Self, BuildError>;

    /// Opens a connection to `origin`: DNS, TCP, TLS for https and the HTTP/1.1 handshake
    /// (see [`handshake`](crate::handshake)), with the connection's driver running as a
    /// background task. Every failure here comes before a request byte is written: it must
    /// be [`Error::NeverSent`]. The client bounds the whole by
    /// the connect timeout.
    fn open(&self, origin: &Origin) -> impl Future<Output = Result<Sender, Error>> + Send;

    /// Runs `task` in the background (the pool's reaper of idle connections).
    fn spawn(task: impl Future<Output = ()> + Send + 'static);

    /// Completes after `delay`.
    fn sleep(delay: Duration) -> impl Future<Output = ()> + Send + 'static;

    /// `future`'s output, or `None` once `limit` has passed: bounds connecting and every
    /// call's deadline (a runtime whose timers cost a reactor wake-up each can let them
    /// share one). `future` need not be `Send`: a call is as `Send` as what the caller
    /// gives it.
    fn within<F: Future>(
        &self,
        limit: Duration,
        future: F,
    ) -> impl Future<Output = Option<F::Output>>;
}
