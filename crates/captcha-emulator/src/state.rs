//! [`State`]: everything the request handlers share: credentials, captcha apps, clock,
//! stores, fault switches and counters.

use std::collections::HashMap;
use std::sync::Arc;

use captcha_proto::{Credential, SecretKey, Token};

use crate::api3::Api3TicketStore;
use crate::apps::CaptchaApps;
use crate::builder::{CredentialSpec, EmulatorBuilder};
use crate::clock::Clock;
use crate::error::StartError;
use crate::faults::FaultSwitch;
use crate::images::ImageStore;
use crate::nonces::NonceStore;
use crate::rate_limit::RateLimiter;
use crate::script::ScriptStore;
use crate::stats::StatsRecorder;
use crate::tickets::TicketStore;
use crate::{DEMO_SECRET_ID, DEMO_SECRET_KEY};

/// A configured key pair as the server looks it up.
pub(crate) struct KnownKey {
    /// Position among the credentials: the nonce store's per-key namespace.
    pub(crate) index: u32,
    pub(crate) secret_key: SecretKey,
    pub(crate) token: Option<Token>,
}

pub(crate) struct State {
    pub(crate) keys: HashMap<String, KnownKey>,
    pub(crate) credentials: Vec<Credential>,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) max_skew: u64,
    pub(crate) nonces: NonceStore,
    pub(crate) tickets: TicketStore,
    /// API 3.0: the captcha apps and the tickets minted for them.
    pub(crate) apps: CaptchaApps,
    pub(crate) v3_tickets: Api3TicketStore,
    pub(crate) images: ImageStore,
    pub(crate) scripts: ScriptStore,
    pub(crate) faults: FaultSwitch,
    pub(crate) stats: StatsRecorder,
    /// API 3.0: the request-rate limit on ticket checks.
    pub(crate) api3_rate: RateLimiter,
    /// API 3.0: app settings changed with `UpdateCaptchaAppIdInfo`.
    pub(crate) app_settings: crate::api3::AppSettings,
    /// Scheme of the URLs handed out: the one this server speaks.
    pub(crate) https: bool,
}

impl State {
    /// Checks the builder's credentials and captcha apps and sets up empty stores.
    pub(crate) fn new(builder: &EmulatorBuilder) -> Result<Self, StartError> {
        let demo = [CredentialSpec {
            secret_id: DEMO_SECRET_ID.to_owned(),
            secret_key: DEMO_SECRET_KEY.to_owned(),
            token: None,
        }];
        let specs = if builder.credentials.is_empty() {
            &demo[..]
        } else {
            &builder.credentials[..]
        };
        let mut keys = HashMap::with_capacity(specs.len());
        let mut credentials = Vec::with_capacity(specs.len());
        for (index, spec) in specs.iter().enumerate() {
            let invalid = |source| StartError::Credential { index, source };
            let mut credential = Credential::new(spec.secret_id.clone(), spec.secret_key.clone())
                .map_err(invalid)?;
            if let Some(token) = &spec.token {
                credential = credential.with_token(token.clone()).map_err(invalid)?;
            }
            let known = KnownKey {
                index: u32::try_from(index).unwrap_or(u32::MAX),
                secret_key: credential.secret_key().clone(),
                token: credential.token().cloned(),
            };
            if keys.insert(spec.secret_id.clone(), known).is_some() {
                return Err(StartError::DuplicateSecretId { index });
            }
            credentials.push(credential);
        }
        let apps = CaptchaApps::new(&builder.apps)?;
        let ttl = builder.ticket_ttl.as_secs().max(1);
        Ok(Self {
            keys,
            credentials,
            clock: builder.clock.clone(),
            max_skew: builder.max_skew.as_secs(),
            nonces: NonceStore::new(builder.nonce_capacity),
            tickets: TicketStore::new(ttl),
            apps,
            v3_tickets: Api3TicketStore::new(ttl),
            images: ImageStore::new(ttl),
            scripts: ScriptStore::new(ttl),
            faults: FaultSwitch::default(),
            stats: StatsRecorder::default(),
            api3_rate: RateLimiter::new(builder.api3_rate_limit),
            app_settings: crate::api3::AppSettings::default(),
            https: builder.tls.is_some(),
        })
    }

    /// The server clock, UNIX seconds.
    pub(crate) fn now(&self) -> u64 {
        self.clock.now_unix()
    }
}
