//! The connector stack under the pool: TCP (`HttpConnector`) → optional TLS (hyper-rustls)
//! → one limit on connect plus handshake. Private: none of these types leave the crate.

use std::error::Error as StdError;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http::Uri;
use http_body_util::Full;
use hyper_rustls::{HttpsConnector, HttpsConnectorBuilder};
use hyper_util::client::legacy::Client as LegacyClient;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioTimer};
use tower_service::Service;

use captcha_proto::transport::ClientSettings;

/// Errors as the connector stack passes them around.
pub(crate) type BoxError = Box<dyn StdError + Send + Sync>;

/// The pooled client every clone of a `Client` shares.
pub(crate) type Pool = LegacyClient<TimeoutConnector<HttpsConnector<HttpConnector>>, Full<Bytes>>;

/// Builds the pool: one per `Client`, shared by its clones.
pub(crate) fn pool(settings: &ClientSettings, tls: rustls::ClientConfig) -> Pool {
    let mut tcp = HttpConnector::new();
    tcp.set_connect_timeout(Some(settings.connect_timeout));
    tcp.set_nodelay(true);
    // The TLS layer decides http vs https; the TCP layer must accept both.
    tcp.enforce_http(false);
    let https = HttpsConnectorBuilder::new()
        .with_tls_config(tls)
        .https_or_http()
        .enable_http1()
        .wrap_connector(tcp);
    let connector = TimeoutConnector {
        inner: https,
        limit: settings.connect_timeout,
    };
    LegacyClient::builder(TokioExecutor::new())
        .pool_idle_timeout(settings.pool_idle_timeout)
        .pool_max_idle_per_host(settings.max_idle_per_host)
        // Without a timer the idle timeout never fires.
        .pool_timer(TokioTimer::new())
        .build(connector)
}

/// Puts one limit on connect *and* TLS handshake (`HttpConnector`'s own limit covers
/// only the TCP connect).
#[derive(Debug, Clone)]
pub(crate) struct TimeoutConnector<C> {
    inner: C,
    limit: Duration,
}

impl<C> Service<Uri> for TimeoutConnector<C>
where
    C: Service<Uri>,
    C::Error: Into<BoxError>,
    C::Future: Send + 'static,
    C::Response: 'static,
{
    type Response = C::Response;
    type Error = BoxError;
    type Future = Pin<Box<dyn Future<Output = Result<C::Response, BoxError>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.inner.poll_ready(cx).map_err(Into::into)
    }

    fn call(&mut self, uri: Uri) -> Self::Future {
        let limit = self.limit;
        let connecting = self.inner.call(uri);
        Box::pin(async move {
            match tokio::time::timeout(limit, connecting).await {
                Ok(result) => result.map_err(Into::into),
                Err(_) => Err(Box::new(ConnectTimeout { limit }) as BoxError),
            }
        })
    }
}

/// Connect plus TLS handshake took longer than the connect timeout.
#[derive(Debug)]
pub(crate) struct ConnectTimeout {
    pub(crate) limit: Duration,
}

impl fmt::Display for ConnectTimeout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "connect and TLS handshake took longer than {:?}",
            self.limit
        )
    }
}

impl StdError for ConnectTimeout {}
