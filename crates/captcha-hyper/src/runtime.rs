//! [`Tokio`]: what the client runs on in this crate: hyper-util's TCP connector (DNS off
//! the runtime threads, connect timeout, `TCP_NODELAY`) under hyper-rustls for https,
//! tokio's tasks and timers.

use std::error::Error as StdError;
use std::future::{Future, poll_fn};
use std::time::Duration;

use captcha_client::{BuildError, ClientSettings, Error, Origin, Runtime, SendError, Sender};
use http::Uri;
use http::uri::Scheme;
use hyper_rustls::{HttpsConnector, HttpsConnectorBuilder};
use hyper_util::client::legacy::connect::HttpConnector;
use tower_service::Service;

use crate::classify;

/// Errors as the connector stack passes them around.
pub(crate) type BoxError = Box<dyn StdError + Send + Sync>;

/// The tokio [`Runtime`]: opens connections through the client's connector stack (cloning
/// shares it), runs tasks and timers on tokio. Calls must run inside a tokio runtime;
/// building a client does not need one.
#[derive(Clone)]
pub struct Tokio {
    connector: HttpsConnector<HttpConnector>,
}

impl Tokio {
    /// TCP, TLS for https, then the HTTP/1.1 handshake; the connection's driver is spawned.
    async fn handshake(&self, origin: &Origin) -> Result<Sender, BoxError> {
        let mut connector = self.connector.clone();
        poll_fn(|cx| connector.poll_ready(cx)).await?;
        let io = connector.call(connect_uri(origin)?).await?;
        let (sender, driver) = captcha_client::handshake(origin, io).await?;
        tokio::spawn(driver);
        Ok(sender)
    }
}

impl Runtime for Tokio {
    /// The connector stack of a client with `settings`, trusting what `tls` trusts.
    fn new(settings: &ClientSettings, tls: rustls::ClientConfig) -> Result<Self, BuildError> {
        let mut tcp = HttpConnector::new();
        tcp.set_connect_timeout(Some(settings.connect_timeout));
        // Small request/response pairs: do not wait to coalesce segments.
        tcp.set_nodelay(true);
        // The TLS layer decides http vs https; the TCP layer must accept both.
        tcp.enforce_http(false);
        let connector = HttpsConnectorBuilder::new()
            .with_tls_config(tls)
            .https_or_http()
            .enable_http1()
            .wrap_connector(tcp);
        Ok(Self { connector })
    }

    async fn open(&self, origin: &Origin) -> Result<Sender, Error> {
        self.handshake(origin).await.map_err(|error| {
            let message = format!(
                "cannot connect to {origin}: {}",
                classify::describe(&*error)
            );
            Error::NeverSent(SendError::new(message, Some(error)))
        })
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

/// What the connector stack is asked to connect to: `scheme://authority/`.
fn connect_uri(origin: &Origin) -> Result<Uri, http::Error> {
    let scheme = if origin.https {
        Scheme::HTTPS
    } else {
        Scheme::HTTP
    };
    Uri::builder()
        .scheme(scheme)
        .authority(origin.authority.as_str())
        .path_and_query("/")
        .build()
}
