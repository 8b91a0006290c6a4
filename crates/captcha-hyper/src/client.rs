//! [`Client`]: the pooled, cloneable tokio client and its public methods.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use http::{HeaderValue, Request, Response};

use captcha_proto::transport::{
    BuildClient, BuildError, ClientBuilder, ClientSettings, Error, Exchange,
};
use captcha_proto::{Config, EncodeError};

use crate::connector::{self, Pool};
use crate::drive::Call;
use captcha_proto::transport::Attempts;

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
    pool: Pool,
    settings: ClientSettings,
    user_agent: HeaderValue,
}

impl BuildClient for Client {
    fn from_settings(settings: ClientSettings) -> Result<Self, BuildError> {
        let user_agent = HeaderValue::from_str(&settings.user_agent).map_err(|_| {
            BuildError::InvalidSetting {
                setting: "user_agent",
                reason: "must be visible ASCII".to_owned(),
            }
        })?;
        let tls = captcha_proto::transport::tls::client_config(&settings)?;
        let pool = connector::pool(&settings, tls);
        Ok(Self {
            timeout: settings.timeout,
            shared: Arc::new(Shared {
                pool,
                settings,
                user_agent,
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
    pub fn config(&self) -> &Config {
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
        let call = Call {
            action: exchange.action_name(),
            attempts: Attempts::Retry {
                policy: self.shared.settings.retry,
                single_use: exchange.single_use(),
            },
        };
        self.drive(
            call,
            || Ok(exchange.encode(captcha_proto::Stamp::now())?),
            |response| exchange.decode(&response).map_err(Error::from),
        )
        .await
    }

    /// Sends a request you encoded yourself (e.g. with [`Config::encode`]) through the
    /// pool, with this client's timeout, body limit and `User-Agent` (unless the request
    /// has one). Sent once: it cannot be re-signed, so it is never retried.
    ///
    /// The URI must be absolute `http` or `https`.
    pub async fn send(&self, request: Request<Vec<u8>>) -> Result<Response<Vec<u8>>, Error> {
        check_absolute(&request)?;
        let call = Call {
            action: "send",
            attempts: Attempts::Once,
        };
        let mut request = Some(request);
        self.drive(
            call,
            || {
                request
                    .take()
                    .ok_or(Error::Encode(EncodeError::InvalidValue {
                        field: "request",
                        reason: "already sent",
                    }))
            },
            Ok,
        )
        .await
    }

    pub(crate) fn pool(&self) -> &Pool {
        &self.shared.pool
    }

    pub(crate) fn user_agent(&self) -> &HeaderValue {
        &self.shared.user_agent
    }

    pub(crate) fn max_body_bytes(&self) -> usize {
        self.shared.settings.max_body_bytes
    }
}

/// The pool needs absolute-form URIs; say so up front instead of a vague send error.
fn check_absolute<B>(request: &Request<B>) -> Result<(), Error> {
    let uri = request.uri();
    let scheme_ok = matches!(uri.scheme_str(), Some("http" | "https"));
    if scheme_ok && uri.host().is_some_and(|h| !h.is_empty()) {
        return Ok(());
    }
    // Show no query: it may carry a ticket or signature.
    let shown = match (uri.scheme_str(), uri.authority()) {
        (Some(scheme), Some(authority)) => format!("{scheme}://{authority}{}", uri.path()),
        _ => uri.path().to_owned(),
    };
    Err(Error::Encode(EncodeError::InvalidEndpoint {
        url: shown,
        reason: "a request URI must be absolute http or https",
    }))
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
