//! [`Client`]: the pooled, cloneable tokio client and its public methods.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use http::{HeaderValue, Request, Response};

use captcha_proto::transport::{
    BuildClient, BuildError, ClientBuilder, ClientSettings, Error, Exchange, V1Exchange, V3Exchange,
};
use captcha_proto::v3::{CaptchaResult, DescribeCaptchaResult};
use captcha_proto::{
    Action, CaptchaCheck, CaptchaGetUrl, CaptchaIframeQuery, CaptchaImage, CaptchaQuery,
    CaptchaScript, CaptchaUrl, CaptchaVerify, CheckVerdict, Config, EncodeError, VerifyVerdict,
};

use crate::connector::{self, Pool};
use crate::drive::{Attempts, Call};
use crate::tls;

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
        let tls = tls::client_config(&settings)?;
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

    /// `CaptchaGetUrl`: the one-time URL of a captcha image.
    pub async fn get_url(&self, action: &CaptchaGetUrl) -> Result<CaptchaUrl, Error> {
        self.call(action).await
    }

    /// `CaptchaCheck`: is this ticket genuine? Never sent twice (tickets are single use).
    pub async fn check(&self, action: &CaptchaCheck) -> Result<CheckVerdict, Error> {
        self.call(action).await
    }

    /// `CaptchaVerify`: did the user type the right code? Never sent twice.
    pub async fn verify(&self, action: &CaptchaVerify) -> Result<VerifyVerdict, Error> {
        self.call(action).await
    }

    /// `CaptchaIframeQuery`: the URL of an iframe captcha page.
    pub async fn iframe_query(&self, action: &CaptchaIframeQuery) -> Result<CaptchaUrl, Error> {
        self.call(action).await
    }

    /// `CaptchaQuery`: the legacy captcha script (JSON or JavaScript).
    pub async fn query(&self, action: &CaptchaQuery) -> Result<CaptchaScript, Error> {
        self.call(action).await
    }

    /// Any API 2.0 action, e.g. a [`RawAction`](captcha_proto::RawAction), signed with
    /// this client's config.
    pub async fn call<A: Action + ?Sized>(&self, action: &A) -> Result<A::Output, Error> {
        let exchange = V1Exchange {
            config: self.config(),
            action,
        };
        self.exchange(&exchange).await
    }

    /// API 3.0 `DescribeCaptchaResult`: checks a ticket with the captcha check Tencent serves
    /// today (TC3-HMAC-SHA256, endpoint from the builder's `v3_endpoint`). Never re-sent:
    /// tickets are single use. A rejection is an `Ok` verdict; only refusals are errors.
    pub async fn describe_result(
        &self,
        action: &DescribeCaptchaResult,
    ) -> Result<CaptchaResult, Error> {
        let exchange = V3Exchange {
            config: &self.shared.settings.v3_config,
            action,
        };
        self.exchange(&exchange).await
    }

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
            |response| {
                exchange
                    .decode(response.status(), response.body())
                    .map_err(Error::from)
            },
        )
        .await
    }

    /// Fetches the captcha image behind a `CaptchaGetUrl` URL, with the `vsig` cookie
    /// that [`CaptchaVerify`] needs.
    pub async fn fetch_image(&self, url: &CaptchaUrl) -> Result<CaptchaImage, Error> {
        let call = Call {
            action: "CaptchaImage",
            attempts: Attempts::Retry {
                policy: self.shared.settings.retry,
                single_use: false,
            },
        };
        let agent = self.shared.settings.user_agent.as_str();
        self.drive(
            call,
            || Ok(CaptchaImage::request(url, agent)),
            |response| {
                CaptchaImage::decode(response.status(), response.headers(), response.body())
                    .map_err(Error::Response)
            },
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
