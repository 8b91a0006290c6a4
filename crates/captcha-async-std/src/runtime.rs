//! [`AsyncStd`]: what the client runs on in this crate: async-io sockets and timers,
//! async-std's executor, futures-rustls for https.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use captcha_client::{BuildError, ClientSettings, Error, Origin, Runtime, Sender};
use rustls::ClientConfig;

use crate::time::Deadlines;
use crate::{connect, time};

/// The async-std (and smol) [`Runtime`]: connects with the client's TLS configuration;
/// timers and tasks are async-std's, which run on smol's reactor too.
#[derive(Clone)]
pub struct AsyncStd {
    tls: Arc<ClientConfig>,
    /// Every call's deadline and connect timeout, for all handles of the client.
    deadlines: Arc<Deadlines>,
}

impl Runtime for AsyncStd {
    /// Announces HTTP/1.1 over ALPN, the only protocol this runtime's connections speak.
    fn new(_settings: &ClientSettings, mut tls: ClientConfig) -> Result<Self, BuildError> {
        tls.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Self {
            tls: Arc::new(tls),
            deadlines: Arc::new(Deadlines::new()),
        })
    }

    fn open(&self, origin: &Origin) -> impl Future<Output = Result<Sender, Error>> + Send {
        connect::open(origin, &self.tls)
    }

    fn spawn(task: impl Future<Output = ()> + Send + 'static) {
        async_std::task::spawn(task);
    }

    fn sleep(delay: Duration) -> impl Future<Output = ()> + Send + 'static {
        time::sleep(delay)
    }

    /// On the client's shared deadline timer: a timer per call would cost a reactor
    /// wake-up.
    fn within<F: Future>(
        &self,
        limit: Duration,
        future: F,
    ) -> impl Future<Output = Option<F::Output>> {
        self.deadlines.within(limit, future)
    }
}
