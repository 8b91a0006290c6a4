//! [`Client`]: the captcha API over async-std / smol.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use captcha_proto::Api2Config;
use captcha_client::{
    BuildClient, BuildError, ClientBuilder, ClientSettings, Error, Exchange,
};
use http::{Request, Response};

use crate::runtime::AsyncStd;
use captcha_client::{Transmitter, call};

/// A Tencent captcha API client for async-std and smol.
///
/// Cloning is cheap and clones share the connection pool. Every method is `async`, runs on
/// async-std and smol alike, and fails with a phase-typed [`Error`]: whether the request
/// was never sent, may have been sent, timed out, or got a bad or refusing response.
///
/// ```no_run
/// use captcha_async_std::{CaptchaCheck, CaptchaType, Client, Credential};
///
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let client = Client::builder()
///     .credential(Credential::new("AKIDz8krbsJ5yKBZQpn74WFkmLPx3gnPhESA", "Gu5t9xGARNpq86cd98joQYCN3Cozk1qA")?)
///     .build()?;
/// let check = CaptchaCheck::new("t03…", "203.0.113.7".parse()?, CaptchaType::Slider);
/// if client.check(&check).await?.is_pass() {
///     // let the user in
/// }
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
    timeout: Duration,
}

struct Inner {
    settings: ClientSettings,
    transmitter: Transmitter<AsyncStd>,
}

impl BuildClient for Client {
    fn from_settings(settings: ClientSettings) -> Result<Self, BuildError> {
        let transmitter = Transmitter::new(&settings, AsyncStd::new(&settings)?)?;
        Ok(Self {
            timeout: settings.timeout,
            inner: Arc::new(Inner {
                settings,
                transmitter,
            }),
        })
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let settings = &self.inner.settings;
        f.debug_struct("Client")
            .field("endpoint", settings.config.endpoint())
            .field("region", &settings.config.region())
            .field("http_method", &settings.config.http_method())
            .field("timeout", &self.timeout)
            .field("connect_timeout", &settings.connect_timeout)
            .field("max_body_bytes", &settings.max_body_bytes)
            .field("retry", &settings.retry)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A builder with every default (credential from the environment unless given).
    pub fn builder() -> ClientBuilder<Client> {
        ClientBuilder::new()
    }

    /// A client from ready-made settings.
    pub fn from_settings(settings: ClientSettings) -> Result<Self, BuildError> {
        <Self as BuildClient>::from_settings(settings)
    }

    /// The whole-call limit of this handle.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// A handle with another whole-call limit that shares this client's pool.
    /// A zero limit makes every call fail with [`Error::Timeout`].
    pub fn with_timeout(&self, limit: Duration) -> Client {
        Self {
            inner: Arc::clone(&self.inner),
            timeout: limit,
        }
    }

    /// The config that signs and addresses API calls.
    pub fn config(&self) -> &Api2Config {
        &self.inner.settings.config
    }

    /// The settings the client was built with (`settings().timeout` is the default limit;
    /// [`Client::timeout`] is this handle's).
    pub fn settings(&self) -> &ClientSettings {
        &self.inner.settings
    }

    captcha_proto::client_methods!();

    /// Runs any [`Exchange`]: encodes (re-signed) per attempt, sends, decodes. Every
    /// method above goes through here.
    pub async fn exchange<E: Exchange + ?Sized>(&self, exchange: &E) -> Result<E::Output, Error> {
        let inner = &self.inner;
        call::exchange(
            &inner.transmitter,
            self.timeout,
            inner.settings.retry,
            exchange,
        )
        .await
    }

    /// Sends a request you encoded yourself (e.g. with [`Api2Config::encode`]) through the
    /// pool, with this client's timeout, body limit and `User-Agent` (unless the request
    /// has one). Sent once: it cannot be re-signed, so it is never retried.
    ///
    /// The URI must be absolute `http` or `https`.
    pub async fn send(&self, request: Request<Vec<u8>>) -> Result<Response<Vec<u8>>, Error> {
        call::send(&self.inner.transmitter, self.timeout, request).await
    }
}
