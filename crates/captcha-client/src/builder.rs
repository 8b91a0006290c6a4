//! [`ClientBuilder`]: the one builder of every [`Client`], whatever its runtime.

use std::marker::PhantomData;
use std::time::Duration;

use captcha_proto::{Credential, Endpoint, HttpMethod, SignatureMethod};

use crate::client::Client;
use crate::error::BuildError;
use crate::credentials::{CredentialEndpoints, CredentialSource};
use crate::retry::RetryPolicy;
use crate::runtime::Runtime;
use crate::settings::ClientSettings;

/// Collects client settings; [`build`](ClientBuilder::build) makes a [`Client`] on the
/// runtime `R`.
///
/// Without [`ClientBuilder::credential`] or [`ClientBuilder::credential_source`], the
/// client finds its credential as the official SDKs do, on first use:
/// [`CredentialSource::default_chain`] (environment, profile file, TKE OIDC, CVM role).
#[derive(Debug)]
pub struct ClientBuilder<R> {
    credential: Option<Credential>,
    credential_source: Option<CredentialSource>,
    credential_endpoints: Option<CredentialEndpoints>,
    endpoint: Endpoint,
    api3_endpoint: Option<Endpoint>,
    region: Option<String>,
    signature_method: SignatureMethod,
    http_method: HttpMethod,
    request_client: Option<Option<String>>,
    connect_timeout: Option<Duration>,
    timeout: Option<Duration>,
    max_body_bytes: Option<usize>,
    pool_idle_timeout: Option<Duration>,
    max_idle_per_host: Option<usize>,
    user_agent: Option<String>,
    retry: Option<RetryPolicy>,
    retry_rate_limited: Option<bool>,
    roots: Vec<Vec<u8>>,
    webpki_roots: Option<bool>,
    runtime: PhantomData<fn() -> R>,
}

impl<R: Runtime> Default for ClientBuilder<R> {
    fn default() -> Self {
        Self::new()
    }
}

impl<R: Runtime> ClientBuilder<R> {
    /// A builder with every default.
    pub fn new() -> Self {
        Self {
            credential: None,
            credential_source: None,
            credential_endpoints: None,
            endpoint: Endpoint::default(),
            api3_endpoint: None,
            region: None,
            signature_method: SignatureMethod::default(),
            http_method: HttpMethod::default(),
            request_client: None,
            connect_timeout: None,
            timeout: None,
            max_body_bytes: None,
            pool_idle_timeout: None,
            max_idle_per_host: None,
            user_agent: None,
            retry: None,
            retry_rate_limited: None,
            roots: Vec::new(),
            webpki_roots: None,
            runtime: PhantomData,
        }
    }

    /// A fixed API credential (default: the default chain, see
    /// [`ClientBuilder::credential_source`]).
    pub fn credential(mut self, credential: Credential) -> Self {
        self.credential = Some(credential);
        self
    }

    /// Where the credential comes from: any [`CredentialSource`] (CVM role, AssumeRole, a
    /// profile file, …), fetched on first use and refreshed before it expires.
    pub fn credential_source(mut self, source: CredentialSource) -> Self {
        self.credential_source = Some(source);
        self
    }

    /// Where the default chain finds the metadata service and STS (a local emulator in
    /// tests); Tencent's by default.
    pub fn credential_endpoints(mut self, endpoints: CredentialEndpoints) -> Self {
        self.credential_endpoints = Some(endpoints);
        self
    }

    /// The API 3.0 endpoint (default `https://captcha.tencentcloudapi.com/`; see
    /// [`captcha_proto::api3::international_endpoint`] for the international site).
    pub fn api3_endpoint(mut self, endpoint: Endpoint) -> Self {
        self.api3_endpoint = Some(endpoint);
        self
    }

    /// The API 2.0 endpoint (default `https://csec.api.qcloud.com/v2/index.php`).
    pub fn api2_endpoint(mut self, endpoint: Endpoint) -> Self {
        self.endpoint = endpoint;
        self
    }

    /// The API 2.0 `Region` parameter (default `gz`).
    pub fn api2_region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// The API 2.0 signature: HMAC-SHA1 (default) or HMAC-SHA256.
    pub fn api2_signature_method(mut self, method: SignatureMethod) -> Self {
        self.signature_method = method;
        self
    }

    /// How API 2.0 parameters travel: GET (default) or POST.
    pub fn api2_http_method(mut self, method: HttpMethod) -> Self {
        self.http_method = method;
        self
    }

    /// The API 2.0 `RequestClient` parameter; `None` sends none.
    pub fn api2_request_client(mut self, value: Option<&str>) -> Self {
        self.request_client = Some(value.map(str::to_owned));
        self
    }

    /// Connect (and TLS handshake) limit (default 5 s).
    pub fn connect_timeout(mut self, limit: Duration) -> Self {
        self.connect_timeout = Some(limit);
        self
    }

    /// Whole-call limit (default 10 s); per call, use the client's `with_timeout`.
    pub fn timeout(mut self, limit: Duration) -> Self {
        self.timeout = Some(limit);
        self
    }

    /// Largest response body (default 1 MiB).
    pub fn max_body_bytes(mut self, limit: usize) -> Self {
        self.max_body_bytes = Some(limit);
        self
    }

    /// Idle pooled-connection lifetime (default 50 s, below Tencent's 60 s).
    pub fn pool_idle_timeout(mut self, limit: Duration) -> Self {
        self.pool_idle_timeout = Some(limit);
        self
    }

    /// Most idle connections kept per host (default 32).
    pub fn max_idle_per_host(mut self, count: usize) -> Self {
        self.max_idle_per_host = Some(count);
        self
    }

    /// The `User-Agent` header.
    pub fn user_agent(mut self, value: impl Into<String>) -> Self {
        self.user_agent = Some(value.into());
        self
    }

    /// Automatic retries of never-sent requests (default: none).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// Also retries a call the server refused with API 3.0 `RequestLimitExceeded`
    /// (Tencent's request-rate limit, e.g. 1000 `DescribeCaptchaResult` per second per
    /// account), single-use calls (ticket checks) included: such a refusal means the request
    /// was not looked at, so the ticket was not spent. Each retry is re-signed, waits the
    /// [`RetryPolicy`]'s jittered backoff, and counts against its `max_retries` and
    /// deadline and the call's timeout; it needs a policy with retries
    /// ([`ClientBuilder::retry`]). No other refusal of a single-use call is ever retried.
    /// Default false: a rate-limited call fails with [`Error::Api3`](crate::Error::Api3).
    pub fn retry_rate_limited(mut self, on: bool) -> Self {
        self.retry_rate_limited = Some(on);
        self
    }

    /// Trusts one more root certificate, DER-encoded.
    pub fn add_root_certificate_der(mut self, der: impl Into<Vec<u8>>) -> Self {
        self.roots.push(der.into());
        self
    }

    /// Whether to trust the bundled Mozilla roots (default true).
    pub fn webpki_roots(mut self, enabled: bool) -> Self {
        self.webpki_roots = Some(enabled);
        self
    }

    /// The settings this builder describes (nothing is fetched yet).
    pub fn settings(self) -> Result<ClientSettings, BuildError> {
        let mut settings = match (self.credential, self.credential_source) {
            (Some(credential), _) => ClientSettings::new(credential),
            (None, Some(source)) => ClientSettings::with_source(source),
            (None, None) => ClientSettings::with_source(CredentialSource::default_chain(
                self.credential_endpoints.unwrap_or_default(),
            )),
        };
        let mut api2 = settings
            .api2
            .with_endpoint(self.endpoint)
            .with_signature_method(self.signature_method)
            .with_http_method(self.http_method);
        if let Some(region) = self.region {
            api2 = api2.with_region(region);
        }
        if let Some(client) = &self.request_client {
            api2 = api2.with_request_client(client.as_deref());
        }
        settings.api2 = api2;
        if let Some(endpoint) = self.api3_endpoint {
            settings.api3 = settings.api3.with_endpoint(endpoint);
        }
        if let Some(v) = self.connect_timeout {
            settings.connect_timeout = v;
        }
        if let Some(v) = self.timeout {
            settings.timeout = v;
        }
        if let Some(v) = self.max_body_bytes {
            settings.max_body_bytes = v;
        }
        if let Some(v) = self.pool_idle_timeout {
            settings.pool_idle_timeout = v;
        }
        if let Some(v) = self.max_idle_per_host {
            settings.max_idle_per_host = v;
        }
        if let Some(v) = self.user_agent {
            settings.user_agent = v;
        }
        if let Some(v) = self.retry {
            settings.retry = v;
        }
        if let Some(v) = self.retry_rate_limited {
            settings.retry_rate_limited = v;
        }
        if let Some(v) = self.webpki_roots {
            settings.webpki_roots = v;
        }
        settings.extra_root_certificates.extend(self.roots);
        check(&settings)?;
        Ok(settings)
    }

    /// Builds the client.
    pub fn build(self) -> Result<Client<R>, BuildError> {
        Client::from_settings(self.settings()?)
    }
}

fn check(settings: &ClientSettings) -> Result<(), BuildError> {
    let invalid = |setting, reason: &str| {
        Err(BuildError::InvalidSetting {
            setting,
            reason: reason.to_owned(),
        })
    };
    if settings.timeout.is_zero() {
        return invalid("timeout", "must be greater than zero");
    }
    if settings.connect_timeout.is_zero() {
        return invalid("connect_timeout", "must be greater than zero");
    }
    if settings.max_body_bytes == 0 {
        return invalid("max_body_bytes", "must be greater than zero");
    }
    if http::HeaderValue::from_str(&settings.user_agent).is_err() {
        return invalid("user_agent", "must be visible ASCII");
    }
    Ok(())
}
