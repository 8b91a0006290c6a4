//! [`EmulatorBuilder`] and [`Emulator`]: what the server accepts and how it keeps time.

use std::fmt;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use crate::clock::{Clock, SystemClock};
use crate::error::StartError;
use crate::server::RunningEmulator;
use crate::{DEMO_APP_SECRET_KEY, DEMO_CAPTCHA_APP_ID, DEMO_SECRET_ID, DEMO_SECRET_KEY};

/// Default largest distance between `Timestamp` and the server clock (docs/protocol.md, "Timestamp and nonce").
pub const DEFAULT_MAX_SKEW: Duration = Duration::from_secs(300);
/// Default lifetime of tickets, image signatures and one-time URLs.
pub const DEFAULT_TICKET_TTL: Duration = Duration::from_secs(300);
/// Default number of nonces remembered at once (about 80 bytes each at most).
pub const DEFAULT_NONCE_CAPACITY: usize = 4_000_000;
/// Default number of connections open at once.
pub const DEFAULT_MAX_CONNECTIONS: usize = 1024;
/// Default request-rate limit on API 3.0 ticket checks, per second (Tencent's documented
/// limit for `DescribeCaptchaResult`: 1000 per second per account).
pub const DEFAULT_API3_RATE_LIMIT: u32 = 1000;

/// One configured key pair, optionally with the STS token it requires.
#[derive(Clone)]
pub(crate) struct CredentialSpec {
    pub(crate) secret_id: String,
    pub(crate) secret_key: String,
    pub(crate) token: Option<String>,
}

/// One configured captcha app (API 3.0).
#[derive(Clone)]
pub(crate) struct AppSpec {
    pub(crate) app_id: u64,
    pub(crate) app_secret_key: String,
}

/// PEM or DER bytes of the certificate chain and private key.
#[derive(Clone)]
pub(crate) struct TlsSource {
    pub(crate) cert_chain: Vec<u8>,
    pub(crate) private_key: Vec<u8>,
}

/// Configures an [`Emulator`]. Every setting has a default: with no credential the demo
/// pair ([`DEMO_SECRET_ID`], [`DEMO_SECRET_KEY`]) is accepted, and with no captcha app the
/// demo app ([`DEMO_CAPTCHA_APP_ID`], [`DEMO_APP_SECRET_KEY`]) is configured.
#[derive(Clone)]
pub struct EmulatorBuilder {
    pub(crate) credentials: Vec<CredentialSpec>,
    pub(crate) apps: Vec<AppSpec>,
    pub(crate) max_skew: Duration,
    pub(crate) ticket_ttl: Duration,
    pub(crate) nonce_capacity: usize,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) tls: Option<TlsSource>,
    pub(crate) max_connections: usize,
    pub(crate) api3_rate_limit: Option<u32>,
    /// The CVM instance role: its name and the lifetime of its credentials.
    pub(crate) cvm_role: Option<(String, Duration)>,
    /// Tokens `AssumeRoleWithWebIdentity` accepts, each with its expiry (UNIX seconds).
    pub(crate) web_identity_tokens: Vec<(String, Option<u64>)>,
}

impl Default for EmulatorBuilder {
    fn default() -> Self {
        Self {
            credentials: Vec::new(),
            apps: Vec::new(),
            max_skew: DEFAULT_MAX_SKEW,
            ticket_ttl: DEFAULT_TICKET_TTL,
            nonce_capacity: DEFAULT_NONCE_CAPACITY,
            clock: Arc::new(SystemClock),
            tls: None,
            max_connections: DEFAULT_MAX_CONNECTIONS,
            api3_rate_limit: Some(DEFAULT_API3_RATE_LIMIT),
            cvm_role: None,
            web_identity_tokens: Vec::new(),
        }
    }
}

impl EmulatorBuilder {
    /// Accepts requests signed with this key pair (repeatable; SecretIds must differ).
    /// Checked when the emulator starts.
    pub fn credential(
        mut self,
        secret_id: impl Into<String>,
        secret_key: impl Into<String>,
    ) -> Self {
        self.credentials.push(CredentialSpec {
            secret_id: secret_id.into(),
            secret_key: secret_key.into(),
            token: None,
        });
        self
    }

    /// Accepts a temporary key pair whose requests must carry this `Token` (else 4105).
    pub fn credential_with_token(
        mut self,
        secret_id: impl Into<String>,
        secret_key: impl Into<String>,
        token: impl Into<String>,
    ) -> Self {
        self.credentials.push(CredentialSpec {
            secret_id: secret_id.into(),
            secret_key: secret_key.into(),
            token: Some(token.into()),
        });
        self
    }

    /// Adds an API 3.0 captcha app (repeatable; ids must differ): tickets can be minted for
    /// it ([`EmulatorHandle::mint_api3_ticket`](crate::EmulatorHandle::mint_api3_ticket)) and
    /// `DescribeCaptchaResult` checks them against `app_secret_key`. Checked when the
    /// emulator starts (positive id, non-empty key without surrounding whitespace).
    pub fn captcha_app(mut self, app_id: u64, app_secret_key: impl Into<String>) -> Self {
        self.apps.push(AppSpec {
            app_id,
            app_secret_key: app_secret_key.into(),
        });
        self
    }

    /// Largest allowed distance between `Timestamp` (API 3.0: `X-TC-Timestamp`) and the
    /// server clock (default 300 s); further is refused with 4500
    /// (API 3.0: `AuthFailure.SignatureExpire`). Also the nonce memory: a nonce is remembered until its
    /// request's `Timestamp` plus this skew, after which that request is refused anyway.
    pub fn max_skew(mut self, skew: Duration) -> Self {
        self.max_skew = skew;
        self
    }

    /// How long a minted ticket (API 2.0 and 3.0), an image signature and a one-time URL
    /// stay valid (default 300 s).
    pub fn ticket_ttl(mut self, ttl: Duration) -> Self {
        self.ticket_ttl = ttl;
        self
    }

    /// How many nonces may be remembered at once (default 4,000,000). When full, new
    /// requests are refused with 4400 until old nonces leave the window: memory stays
    /// bounded without ever forgetting a nonce that could still be replayed.
    pub fn nonce_capacity(mut self, capacity: usize) -> Self {
        self.nonce_capacity = capacity.max(1);
        self
    }

    /// How many connections may be open at once (default 1,024); one more is closed as
    /// soon as it is accepted. Each may hold a request body in memory (up to 10 MiB for
    /// API 3.0, 1 MiB for API 2.0, read within 30 s), so this bounds what clients can make
    /// the emulator hold; a client that stops reading its answers loses its connection once
    /// a write has waited 30 s without progress, so no one holds a slot for good.
    pub fn max_connections(mut self, connections: usize) -> Self {
        self.max_connections = connections.clamp(1, tokio::sync::Semaphore::MAX_PERMITS);
        self
    }

    /// At most `per_second` API 3.0 ticket checks (`DescribeCaptchaResult`, every signing
    /// mode, all credentials together) per second of the emulator [`Clock`] (default 1000,
    /// Tencent's documented limit). Counted in a fixed window of one clock second, after
    /// the signature, timestamp and action were accepted. One more is refused as Tencent
    /// does (HTTP 200, `{"Response":{"Error":{"Code":"RequestLimitExceeded",…},…}}`)
    /// without looking at its ticket, which stays unspent. 0 refuses every check.
    pub fn api3_rate_limit(mut self, per_second: u32) -> Self {
        self.api3_rate_limit = Some(per_second);
        self
    }

    /// Turns the API 3.0 rate limit ([`EmulatorBuilder::api3_rate_limit`]) off: every
    /// ticket check is let through (load tests).
    pub fn without_api3_rate_limit(mut self) -> Self {
        self.api3_rate_limit = None;
        self
    }

    /// The clock (default: the system clock). Pass an `Arc<ManualClock>` to steer time in tests.
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// Serves https with this certificate chain and private key, each PEM (any number of
    /// `CERTIFICATE` blocks; a PKCS#8, PKCS#1 or SEC1 key) or DER (one certificate).
    /// TLS uses rustls with the ring provider, passed explicitly.
    pub fn tls(mut self, cert_chain: impl Into<Vec<u8>>, private_key: impl Into<Vec<u8>>) -> Self {
        self.tls = Some(TlsSource {
            cert_chain: cert_chain.into(),
            private_key: private_key.into(),
        });
        self
    }

    /// Binds a CAM role to the emulated CVM instance: the metadata paths
    /// (`GET /latest/meta-data/cam/security-credentials/` and `…/<name>`, see
    /// [`METADATA_CREDENTIALS_PATH`](crate::METADATA_CREDENTIALS_PATH)) then answer its
    /// name and a temporary credential valid for `lifetime` (whole seconds of the emulator
    /// clock, at least 1; Tencent's is about an hour, [`DEFAULT_CVM_ROLE_LIFETIME`](crate::DEFAULT_CVM_ROLE_LIFETIME)). A fetch
    /// returns the current credential until it is within
    /// [`REFRESH_MARGIN`](crate::REFRESH_MARGIN) (60 s) of expiry, then a new one. Without
    /// it both paths answer 404, as on a machine with no role. The name (1–128 letters,
    /// digits or `+=,.@_-`) is checked when the emulator starts. Calling it again replaces
    /// the role.
    pub fn cvm_role(mut self, name: impl Into<String>, lifetime: Duration) -> Self {
        self.cvm_role = Some((name.into(), lifetime));
        self
    }

    /// Accepts this `WebIdentityToken` in `AssumeRoleWithWebIdentity`, with no expiry
    /// (repeatable). Any other token is refused with
    /// `InvalidParameter.WebIdentityTokenError`. Checked when the emulator starts
    /// (non-empty, no surrounding whitespace); never shown in `Debug` or logs.
    pub fn web_identity_token(mut self, token: impl Into<String>) -> Self {
        self.web_identity_tokens.push((token.into(), None));
        self
    }

    /// Like [`EmulatorBuilder::web_identity_token`], but the token is refused from
    /// `expires_at` (UNIX seconds of the emulator clock) on, as an expired OIDC token is.
    pub fn web_identity_token_expiring(
        mut self,
        token: impl Into<String>,
        expires_at: u64,
    ) -> Self {
        self.web_identity_tokens
            .push((token.into(), Some(expires_at)));
        self
    }

    /// Finishes the configuration (checked by [`Emulator::start`]).
    pub fn build(self) -> Emulator {
        Emulator { builder: self }
    }
}

impl fmt::Debug for EmulatorBuilder {
    /// Shows SecretIds, never keys or tokens.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EmulatorBuilder")
            .field(
                "secret_ids",
                &self
                    .credentials
                    .iter()
                    .map(|c| c.secret_id.as_str())
                    .collect::<Vec<_>>(),
            )
            .field(
                "captcha_app_ids",
                &self.apps.iter().map(|a| a.app_id).collect::<Vec<_>>(),
            )
            .field("max_skew", &self.max_skew)
            .field("ticket_ttl", &self.ticket_ttl)
            .field("nonce_capacity", &self.nonce_capacity)
            .field("tls", &self.tls.is_some())
            .field("max_connections", &self.max_connections)
            .field("api3_rate_limit", &self.api3_rate_limit)
            .field("cvm_role", &self.cvm_role)
            .field("web_identity_tokens", &self.web_identity_tokens.len())
            .finish_non_exhaustive()
    }
}

/// A configured emulator, ready to [`start`](Emulator::start).
#[derive(Clone, Debug)]
pub struct Emulator {
    pub(crate) builder: EmulatorBuilder,
}

impl Emulator {
    /// A builder with every default.
    pub fn builder() -> EmulatorBuilder {
        EmulatorBuilder::default()
    }

    /// An emulator that accepts only the demo credential ([`DEMO_SECRET_ID`]) and knows
    /// only the demo captcha app ([`DEMO_CAPTCHA_APP_ID`]).
    pub fn demo() -> Self {
        Self::builder()
            .credential(DEMO_SECRET_ID, DEMO_SECRET_KEY)
            .captcha_app(DEMO_CAPTCHA_APP_ID, DEMO_APP_SECRET_KEY)
            .build()
    }

    /// Binds `addr` and serves on the current tokio runtime until
    /// [`RunningEmulator::shutdown`] (or drop). Port 0 picks a free port.
    pub async fn start(self, addr: SocketAddr) -> Result<RunningEmulator, StartError> {
        crate::server::start(self.builder, addr).await
    }
}

impl From<EmulatorBuilder> for Emulator {
    fn from(builder: EmulatorBuilder) -> Self {
        builder.build()
    }
}
