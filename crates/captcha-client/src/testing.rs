//! Test support: a plain-TCP [`Runtime`] on tokio and a server that only holds connections.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::{BuildError, ClientSettings, Error, SendError};
use hyper_util::rt::TokioIo;
use tokio::net::{TcpListener, TcpStream};

use crate::handshake::handshake;
use crate::origin::Origin;
use crate::runtime::{Runtime, Sender};

/// http only, tokio's resolver and timers.
#[derive(Clone)]
pub(crate) struct TokioPlain;

impl Runtime for TokioPlain {
    fn new(_: &ClientSettings, _: rustls::ClientConfig) -> Result<Self, BuildError> {
        Ok(Self)
    }

    async fn open(&self, origin: &Origin) -> Result<Sender, Error> {
        let never_sent = |e: Box<dyn std::error::Error + Send + Sync>| {
            Error::NeverSent(SendError::new(
                format!("cannot connect to {origin}"),
                Some(e),
            ))
        };
        let tcp = TcpStream::connect((origin.host.as_str(), origin.port))
            .await
            .map_err(|e| never_sent(Box::new(e)))?;
        let (sender, driver) = handshake(origin, TokioIo::new(tcp))
            .await
            .map_err(|e| never_sent(Box::new(e)))?;
        tokio::spawn(driver);
        Ok(sender)
    }

    fn spawn(task: impl Future<Output = ()> + Send + 'static) {
        tokio::spawn(task);
    }

    fn sleep(delay: Duration) -> impl Future<Output = ()> + Send + 'static {
        tokio::time::sleep(delay)
    }

    async fn within<F: Future>(&self, limit: Duration, future: F) -> Option<F::Output> {
        tokio::time::timeout(limit, future).await.ok()
    }
}

/// Never finishes opening a connection; tasks and timers are [`TokioPlain`]'s.
#[derive(Clone)]
pub(crate) struct NeverOpens;

impl Runtime for NeverOpens {
    fn new(_: &ClientSettings, _: rustls::ClientConfig) -> Result<Self, BuildError> {
        Ok(Self)
    }

    async fn open(&self, _: &Origin) -> Result<Sender, Error> {
        std::future::pending().await
    }

    fn spawn(task: impl Future<Output = ()> + Send + 'static) {
        TokioPlain::spawn(task);
    }

    fn sleep(delay: Duration) -> impl Future<Output = ()> + Send + 'static {
        TokioPlain::sleep(delay)
    }

    fn within<F: Future>(
        &self,
        limit: Duration,
        future: F,
    ) -> impl Future<Output = Option<F::Output>> {
        TokioPlain.within(limit, future)
    }
}

/// A listener on 127.0.0.1 that accepts connections and holds them (clear the list to
/// hang up on them all), and its origin.
pub(crate) async fn holding_listener() -> (Arc<Origin>, Arc<Mutex<Vec<TcpStream>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let held = Arc::new(Mutex::new(Vec::new()));
    let keep = Arc::clone(&held);
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            keep.lock().unwrap().push(stream);
        }
    });
    let origin = Origin::of(&format!("http://127.0.0.1:{port}/").parse().unwrap()).unwrap();
    (Arc::new(origin), held)
}

/// A new connection to `origin`.
pub(crate) async fn open(origin: &Origin) -> Sender {
    TokioPlain.open(origin).await.unwrap()
}
