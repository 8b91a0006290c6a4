//! [`Client`]: the pooled, cloneable tokio client and its public methods.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use captcha_client::{Transmitter, call};
use http::{Request, Response};

use captcha_proto::Api2Config;
use captcha_client::{
    BuildClient, BuildError, ClientBuilder, ClientSettings, Error, Exchange,
};

use crate::runtime::Tokio;

/// A Tencent captcha client on tokio: hyper 1 over one pool of keep-alive connections,
/// rustls (ring) for https.
///
/// Build it once and share it: clones are cheap and use the same pool. Calls must run
/// inside a tokio runtime (building does not need one).
///
/// Every method re-signs each attempt (fresh `Timestamp` and `Nonce`), bounds the whole
/// call by the timeout (10 s unless set) and the response body by the size limit (1 MiB),
/// and never follows redirects. Errors say the phase: see [`Error`].
///
/// ```no_run
/// use captcha_hyper::{CaptchaCheck, CaptchaType, Client, Credential};
///
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let client = Client::builder()
///     .credential(Credential::new("AKIDexample", "secret-key")?)
///     .build()?;
/// let check = CaptchaCheck::new("t03ticket…", "203.0.113.7".parse()?, CaptchaType::Slider);
/// if client.check(&check).await?.is_pass() {
///     // let the user in
/// }
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct Client {
    shared: Arc<Shared>,
    timeout: Duration,
}

/// What all clones share.
struct Shared {
    transmitter: Transmitter<Tokio>,
    settings: ClientSettings,
}

impl BuildClient for Client {
    fn from_settings(settings: ClientSettings) -> Result<Self, BuildError> {
        let tls = captcha_client::tls_config(&settings)?;
        let transmitter = Transmitter::new(&settings, Tokio::new(&settings, tls))?;
        Ok(Self {
            timeout: settings.timeout,
            shared: Arc::new(Shared {
                transmitter,
                settings,
            }),
        })
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

    /// Credential, endpoint, region, signature and HTTP method.
    pub fn config(&self) -> &Api2Config {
        &self.shared.settings.config
    }

    /// The settings the client was built with (`settings().timeout` is the default limit;
    /// [`Client::timeout`] is this handle's).
    pub fn settings(&self) -> &ClientSettings {
        &self.shared.settings
    }

    /// The whole-call limit of this handle.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// A handle with another whole-call limit that shares this client's pool.
    /// A zero limit makes every call fail with [`Error::Timeout`].
    pub fn with_timeout(&self, limit: Duration) -> Client {
        Self {
            shared: Arc::clone(&self.shared),
            timeout: limit,
        }
    }

    captcha_proto::client_methods!();

    /// Runs any [`Exchange`]: encodes (re-signed) per attempt, sends, decodes. Every
    /// method above goes through here.
    pub async fn exchange<E: Exchange + ?Sized>(&self, exchange: &E) -> Result<E::Output, Error> {
        let shared = &self.shared;
        call::exchange(
            &shared.transmitter,
            self.timeout,
            shared.settings.retry,
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
        call::send(&self.shared.transmitter, self.timeout, request).await
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let settings = &self.shared.settings;
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
