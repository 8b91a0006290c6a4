//! [`AsyncStd`]: what the shared HTTP/1.1 client (`captcha-client`) runs on in this crate:
//! async-io sockets and timers, async-std's executor, futures-rustls for https.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use captcha_client::{Origin, Runtime, Sender};
use captcha_client::{BuildError, ClientSettings, Error};
use rustls::ClientConfig;

use crate::time::Deadlines;
use crate::{connect, time, tls};

/// Connects with the client's TLS configuration; timers and tasks are async-std's.
#[derive(Clone)]
pub(crate) struct AsyncStd {
    tls: Arc<ClientConfig>,
    /// Every call's deadline and connect timeout, for all handles of the client.
    deadlines: Arc<Deadlines>,
}

impl AsyncStd {
    /// The runtime of a client with `settings` (its TLS trust and ALPN).
    pub(crate) fn new(settings: &ClientSettings) -> Result<Self, BuildError> {
        Ok(Self {
            tls: tls::client_config(settings)?,
            deadlines: Arc::new(Deadlines::new()),
        })
    }
}

impl Runtime for AsyncStd {
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
