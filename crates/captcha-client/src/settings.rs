//! [`ClientSettings`]: every knob of a client, with the defaults users expect.

use std::time::Duration;

use captcha_proto::{Api2Config, Api3Config, Credential};

use crate::credentials::CredentialSource;
use crate::retry::RetryPolicy;

/// The `User-Agent` clients send unless told otherwise.
pub const DEFAULT_USER_AGENT: &str = concat!("tencent-captcha-rust/", env!("CARGO_PKG_VERSION"));

/// Everything a [`Client`](crate::Client) is built from; [`ClientBuilder`](crate::ClientBuilder)
/// makes it.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ClientSettings {
    /// Credential, endpoint, region, signature and HTTP method of API 2.0 calls.
    pub api2: Api2Config,
    /// Credential and endpoint of API 3.0 calls (`DescribeCaptchaResult`); by default the same
    /// credential and Tencent's China endpoint `https://captcha.tencentcloudapi.com/`.
    pub api3: Api3Config,
    /// Limit on TCP connect (and, for https, the TLS handshake). Default 5 s.
    pub connect_timeout: Duration,
    /// Limit on a whole call, from first connect to the last body byte, retries included.
    /// Default 10 s.
    pub timeout: Duration,
    /// Largest response body read; larger ones fail with `BodyTooLarge`. Default 1 MiB.
    pub max_body_bytes: usize,
    /// How long an idle pooled connection is kept. Default 50 s: below the 60 s after
    /// which Tencent's servers close idle connections, so a pooled connection is never
    /// reused just as the server drops it.
    pub pool_idle_timeout: Duration,
    /// Most idle connections kept per host. Default 32.
    pub max_idle_per_host: usize,
    /// `User-Agent` header.
    pub user_agent: String,
    /// Automatic retries (default: none).
    pub retry: RetryPolicy,
    /// Also retry, under [`ClientSettings::retry`], a call the server refused with API 3.0
    /// `RequestLimitExceeded`, single-use calls (tickets) included: such a request was
    /// refused unread, so its ticket was not spent. Default false.
    pub retry_rate_limited: bool,
    /// Extra trusted root certificates (DER), e.g. a private CA or a test certificate.
    pub extra_root_certificates: Vec<Vec<u8>>,
    /// Trust the bundled Mozilla (webpki) roots. Default true.
    pub webpki_roots: bool,
    /// Where the credential comes from when it is not fixed: the client fetches it on first
    /// use and refreshes it before it expires, and signs each call with the current one
    /// (the credential inside `api2` and `api3` is then replaced per call). `None`: the
    /// configs' own credential, always.
    pub credential_source: Option<CredentialSource>,
}

impl ClientSettings {
    /// Defaults for `credential`: Tencent's endpoints of both APIs.
    pub fn new(credential: Credential) -> Self {
        Self {
            api2: Api2Config::new(credential.clone()),
            api3: Api3Config::new(credential),
            connect_timeout: Duration::from_secs(5),
            timeout: Duration::from_secs(10),
            max_body_bytes: 1024 * 1024,
            pool_idle_timeout: Duration::from_secs(50),
            max_idle_per_host: 32,
            user_agent: DEFAULT_USER_AGENT.to_owned(),
            retry: RetryPolicy::disabled(),
            retry_rate_limited: false,
            extra_root_certificates: Vec::new(),
            webpki_roots: true,
            credential_source: None,
        }
    }

    /// Defaults for a client whose credential comes from `source` (fetched on first use).
    pub fn with_source(source: CredentialSource) -> Self {
        // Stands in until the first fetch; never sent (every call signs with the source's).
        let placeholder = Credential::new("AKIDcredentialsource", "unresolved")
            .expect("a valid placeholder");
        Self {
            credential_source: Some(source),
            ..Self::new(placeholder)
        }
    }
}
