//! [`Client`]: the pooled, cloneable captcha client, generic over the async runtime it runs
//! on; `captcha-hyper` and `captcha-async-std` name it for theirs.

use std::fmt;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use captcha_proto::{
    Api2Action, Api2Config, Api2Exchange, Api3Action, Api3Config, Api3Exchange, CaptchaCheck,
    CaptchaGetUrl, CaptchaIframeQuery, CaptchaImage, CaptchaQuery, CaptchaResult, CaptchaScript,
    CaptchaUrl, CaptchaVerify, CheckVerdict, DescribeCaptchaResult, Exchange, ImageExchange,
    VerifyVerdict,
};
use http::{Request, Response};

use crate::builder::ClientBuilder;
use crate::credentials::{CredentialCache, CredentialReport, Fetcher};
use crate::call;
use crate::error::{BuildError, Error};
use crate::runtime::Runtime;
use crate::settings::ClientSettings;
use crate::tls::tls_config;
use crate::transmit::Transmitter;

/// A Tencent captcha client on the runtime `R`: HTTP/1.1 over one pool of keep-alive
/// connections, rustls (ring) for https.
///
/// Build it once and share it: clones are cheap and use the same pool. Every call re-signs
/// each attempt (fresh `Timestamp` and `Nonce`), is bounded as a whole by the timeout (10 s
/// unless set) and its response body by the size limit (1 MiB), and never follows
/// redirects. A call that spends a ticket is never sent twice. Errors say the phase: see
/// [`Error`].
pub struct Client<R> {
    shared: Arc<Shared<R>>,
    timeout: Duration,
}

/// What all clones share.
struct Shared<R> {
    transmitter: Transmitter<R>,
    settings: ClientSettings,
    /// The refreshing credential, when it comes from a source.
    credentials: Option<CredentialCache>,
    /// The configs re-targeted to the source's current credential (rebuilt when it changes).
    signing: RwLock<Option<Arc<Configs>>>,
}

/// Both APIs' configs for one credential snapshot.
struct Configs {
    api2: Api2Config,
    api3: Api3Config,
}

impl<R> Clone for Client<R> {
    fn clone(&self) -> Self {
        Self {
            shared: Arc::clone(&self.shared),
            timeout: self.timeout,
        }
    }
}

impl<R: Runtime> Client<R> {
    /// A builder with every default (credential from the environment unless given).
    pub fn builder() -> ClientBuilder<R> {
        ClientBuilder::new()
    }

    /// A client from ready-made settings.
    pub fn from_settings(settings: ClientSettings) -> Result<Self, BuildError> {
        let runtime = R::new(&settings, tls_config(&settings)?)?;
        let transmitter = Transmitter::new(&settings, runtime)?;
        let credentials = settings.credential_source.clone().map(CredentialCache::new);
        Ok(Self {
            timeout: settings.timeout,
            shared: Arc::new(Shared {
                transmitter,
                settings,
                credentials,
                signing: RwLock::new(None),
            }),
        })
    }

    /// For a client whose credential comes from a source: the settings' configs
    /// re-targeted to the source's current credential (one snapshot: id, key and token
    /// together), rebuilt only when that credential changes.
    async fn signing_configs(&self, cache: &CredentialCache) -> Result<Arc<Configs>, Error> {
        let shared = &self.shared;
        let fetcher = Fetcher {
            transmitter: &shared.transmitter,
            timeout: self.timeout,
        };
        let credential = cache.get(&fetcher).await.map_err(Error::Credentials)?;
        let read = || shared.signing.read().unwrap_or_else(|p| p.into_inner()).clone();
        if let Some(configs) = read().filter(|c| c.api3.credential().same_snapshot(&credential)) {
            return Ok(configs);
        }
        let configs = Arc::new(Configs {
            api2: shared.settings.api2.clone().with_credential(credential.clone()),
            api3: shared.settings.api3.clone().with_credential(credential),
        });
        *shared.signing.write().unwrap_or_else(|p| p.into_inner()) = Some(Arc::clone(&configs));
        Ok(configs)
    }

    /// Which source gave the credential, its SecretId and expiry (fetching it if needed);
    /// never the key or the token. A fixed credential reports `fixed credential`.
    pub async fn credential_report(&self) -> Result<CredentialReport, Error> {
        let shared = &self.shared;
        match &shared.credentials {
            Some(cache) => {
                let fetcher = Fetcher {
                    transmitter: &shared.transmitter,
                    timeout: self.timeout,
                };
                cache.describe(&fetcher).await.map_err(Error::Credentials)
            }
            None => Ok(CredentialReport::of_fixed(shared.settings.api3.credential())),
        }
    }

    /// How many times the credential source was asked (0 for a fixed credential).
    pub fn credential_fetches(&self) -> u64 {
        self.shared.credentials.as_ref().map_or(0, CredentialCache::fetches)
    }

    /// The settings the client was built with (`settings().timeout` is the default limit;
    /// [`Client::timeout`] is this handle's).
    pub fn settings(&self) -> &ClientSettings {
        &self.shared.settings
    }

    /// Credential and endpoint of API 3.0 calls.
    pub fn api3_config(&self) -> &Api3Config {
        &self.shared.settings.api3
    }

    /// Credential, endpoint, region, signature and HTTP method of API 2.0 calls.
    pub fn api2_config(&self) -> &Api2Config {
        &self.shared.settings.api2
    }

    /// The whole-call limit of this handle.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// A handle with another whole-call limit that shares this client's pool.
    /// A zero limit makes every call fail with [`Error::Timeout`].
    pub fn with_timeout(&self, limit: Duration) -> Self {
        Self {
            shared: Arc::clone(&self.shared),
            timeout: limit,
        }
    }

    /// API 3.0 `DescribeCaptchaResult`: whether the ticket and randstr a user's browser got
    /// from `TCaptcha.js` pass. A rejection is an `Ok` verdict; only refusals are errors.
    /// Never sent twice (tickets are single use).
    pub async fn describe_captcha_result(
        &self,
        action: &DescribeCaptchaResult,
    ) -> Result<CaptchaResult, Error> {
        self.call_api3(action).await
    }

    /// Any API 3.0 action (e.g. an [`Api3RawAction`](captcha_proto::Api3RawAction)), signed
    /// with TC3-HMAC-SHA256 and sent to the API 3.0 endpoint.
    pub async fn call_api3<A: Api3Action + ?Sized>(&self, action: &A) -> Result<A::Output, Error> {
        let shared = &self.shared;
        match &shared.credentials {
            // A call answered without a request needs no credential either.
            Some(cache) if action.answer_locally().is_none() => {
                let configs = self.signing_configs(cache).await?;
                let config = &configs.api3;
                self.exchange(&Api3Exchange { config, action }).await
            }
            _ => {
                let config = &shared.settings.api3;
                self.exchange(&Api3Exchange { config, action }).await
            }
        }
    }

    /// API 2.0 `CaptchaCheck`: whether the user's ticket passes. A `Fail` verdict is `Ok`;
    /// never sent twice (tickets are single use).
    pub async fn captcha_check(&self, action: &CaptchaCheck) -> Result<CheckVerdict, Error> {
        self.call_api2(action).await
    }

    /// API 2.0 `CaptchaVerify`: whether the characters typed for an image captcha are right.
    /// Never sent twice.
    pub async fn captcha_verify(&self, action: &CaptchaVerify) -> Result<VerifyVerdict, Error> {
        self.call_api2(action).await
    }

    /// API 2.0 `CaptchaGetUrl`: the one-time URL of a captcha image (see
    /// [`fetch_image`](Client::fetch_image)).
    pub async fn captcha_get_url(&self, action: &CaptchaGetUrl) -> Result<CaptchaUrl, Error> {
        self.call_api2(action).await
    }

    /// API 2.0 `CaptchaIframeQuery`: a one-time captcha script URL for the iframe flow.
    pub async fn captcha_iframe_query(
        &self,
        action: &CaptchaIframeQuery,
    ) -> Result<CaptchaUrl, Error> {
        self.call_api2(action).await
    }

    /// API 2.0 `CaptchaQuery`: the captcha JavaScript itself.
    pub async fn captcha_query(&self, action: &CaptchaQuery) -> Result<CaptchaScript, Error> {
        self.call_api2(action).await
    }

    /// Fetches the image behind a `CaptchaGetUrl` URL with its `vsig` signature (for
    /// `captcha_verify`). The image host may differ from the API endpoint.
    pub async fn fetch_image(&self, url: &CaptchaUrl) -> Result<CaptchaImage, Error> {
        let user_agent = &self.shared.settings.user_agent;
        self.exchange(&ImageExchange { url, user_agent }).await
    }

    /// Any API 2.0 action (e.g. an [`Api2RawAction`](captcha_proto::Api2RawAction)), signed
    /// with signature v1 and sent to the API 2.0 endpoint.
    pub async fn call_api2<A: Api2Action + ?Sized>(&self, action: &A) -> Result<A::Output, Error> {
        let shared = &self.shared;
        match &shared.credentials {
            Some(cache) => {
                let configs = self.signing_configs(cache).await?;
                let config = &configs.api2;
                self.exchange(&Api2Exchange { config, action }).await
            }
            None => {
                let config = &shared.settings.api2;
                self.exchange(&Api2Exchange { config, action }).await
            }
        }
    }

    /// Runs any [`Exchange`]: encodes (re-signed) per attempt, sends, decodes. Every
    /// method above goes through here.
    pub async fn exchange<E: Exchange + ?Sized>(&self, exchange: &E) -> Result<E::Output, Error> {
        let shared = &self.shared;
        call::exchange(
            &shared.transmitter,
            self.timeout,
            shared.settings.retry,
            shared.settings.retry_rate_limited,
            exchange,
        )
        .await
    }

    /// Sends a request you encoded yourself (e.g. with [`Api3Config::encode`]) through the
    /// pool, with this client's timeout, body limit and `User-Agent` (unless the request
    /// has one). Sent once: it cannot be re-signed, so it is never retried.
    ///
    /// The URI must be absolute `http` or `https`.
    pub async fn send(&self, request: Request<Vec<u8>>) -> Result<Response<Vec<u8>>, Error> {
        call::send(&self.shared.transmitter, self.timeout, request).await
    }
}

impl<R> fmt::Debug for Client<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let settings = &self.shared.settings;
        f.debug_struct("Client")
            .field("api3_endpoint", settings.api3.endpoint())
            .field("api2_endpoint", settings.api2.endpoint())
            .field("api2_region", &settings.api2.region())
            .field("api2_http_method", &settings.api2.http_method())
            .field("timeout", &self.timeout)
            .field("connect_timeout", &settings.connect_timeout)
            .field("max_body_bytes", &settings.max_body_bytes)
            .field("retry", &settings.retry)
            .field("retry_rate_limited", &settings.retry_rate_limited)
            .finish_non_exhaustive()
    }
}
