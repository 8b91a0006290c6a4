//! [`CaptchaGuard`]: the check's settings — which API, where the ticket is found, which
//! proxies are trusted, and the two policies (disaster-recovery tickets, service outages) —
//! built once and shared by every request (clones share one `Arc`).

use std::fmt;
use std::sync::Arc;

use axum::response::Response;
use captcha_hyper::api3::DisasterRecoveryPolicy;
use captcha_hyper::{AppSecretKey, CaptchaType, Client};
use http::HeaderName;
use ipnet::IpNet;

use crate::refusal::Refusal;

/// The form and JSON field of the ticket, as `TCaptcha.js` names it in its callback.
pub const DEFAULT_TICKET_FIELD: &str = "ticket";
/// The form and JSON field of the randstr.
pub const DEFAULT_RANDSTR_FIELD: &str = "randstr";
/// The header of the ticket, for API calls that send it outside the body.
pub const DEFAULT_TICKET_HEADER: &str = "x-captcha-ticket";
/// The header of the randstr.
pub const DEFAULT_RANDSTR_HEADER: &str = "x-captcha-randstr";
/// The largest body read to find the ticket (forms and JSON with a ticket are small).
pub const DEFAULT_BODY_LIMIT: usize = 64 * 1024;
/// The longest ticket accepted (Tencent's are around a kilobyte).
pub const DEFAULT_MAX_TICKET_BYTES: usize = 8 * 1024;
/// The longest randstr accepted (Tencent's are a few characters).
pub const DEFAULT_MAX_RANDSTR_BYTES: usize = 256;

/// What to do when the captcha service does not answer (timeout, broken connection, error
/// page, service error). A credential the service refuses is never let through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum WhenUnavailable {
    /// Refuse with 503 (the default): a captcha outage blocks the protected routes.
    #[default]
    FailClosed,
    /// Run the handler anyway; its [`CaptchaPass`](crate::CaptchaPass) says
    /// [`was_let_through`](crate::CaptchaPass::was_let_through). Tencent's advice for
    /// outages, for routes where availability matters more than the captcha.
    LetThrough,
}

/// Which check runs.
#[derive(Clone)]
pub(crate) enum Api {
    /// API 3.0 `DescribeCaptchaResult` for one captcha app.
    V3 {
        captcha_app_id: u64,
        app_secret_key: AppSecretKey,
    },
    /// API 2.0 `CaptchaCheck` (ticket only).
    V2 { captcha_type: CaptchaType },
}

impl Api {
    pub(crate) fn name(&self) -> &'static str {
        match self {
            Self::V3 { .. } => "DescribeCaptchaResult",
            Self::V2 { .. } => "CaptchaCheck",
        }
    }
}

/// Makes the response of a refusal; its status is always the refusal's.
pub(crate) type Renderer = Arc<dyn Fn(&Refusal) -> Response + Send + Sync>;

pub(crate) struct Settings {
    pub(crate) client: Client,
    pub(crate) api: Api,
    pub(crate) ticket_field: String,
    pub(crate) randstr_field: String,
    pub(crate) ticket_header: HeaderName,
    pub(crate) randstr_header: HeaderName,
    pub(crate) trusted_proxies: Vec<IpNet>,
    pub(crate) disaster_recovery: DisasterRecoveryPolicy,
    pub(crate) when_unavailable: WhenUnavailable,
    pub(crate) body_limit: usize,
    pub(crate) max_ticket_bytes: usize,
    pub(crate) max_randstr_bytes: usize,
    pub(crate) renderer: Option<Renderer>,
}

impl Settings {
    /// The response for `refusal`: the app's renderer, or the default, with the status
    /// forced to the refusal's.
    pub(crate) fn render(&self, refusal: &Refusal) -> Response {
        let mut response = match &self.renderer {
            Some(render) => render(refusal),
            None => refusal.default_response(),
        };
        *response.status_mut() = refusal.status();
        response
    }
}

/// The captcha check of an app: build it once with [`CaptchaGuard::describe_captcha_result`]
/// (API 3.0) or [`CaptchaGuard::captcha_check`] (API 2.0), put it in the router's state
/// (for the [`Captcha`](crate::Captcha) extractor) or in a
/// [`CaptchaLayer`](crate::CaptchaLayer). `Debug` shows no key.
#[derive(Clone)]
pub struct CaptchaGuard {
    pub(crate) settings: Arc<Settings>,
}

impl CaptchaGuard {
    /// API 3.0: checks the ticket and randstr with `DescribeCaptchaResult` for the captcha
    /// app `captcha_app_id` and its `AppSecretKey`.
    pub fn describe_captcha_result(
        client: Client,
        captcha_app_id: u64,
        app_secret_key: impl Into<AppSecretKey>,
    ) -> CaptchaGuardBuilder {
        CaptchaGuardBuilder::new(
            client,
            Api::V3 {
                captcha_app_id,
                app_secret_key: app_secret_key.into(),
            },
        )
    }

    /// API 2.0: checks the ticket with `CaptchaCheck` (no randstr).
    pub fn captcha_check(client: Client, captcha_type: CaptchaType) -> CaptchaGuardBuilder {
        CaptchaGuardBuilder::new(client, Api::V2 { captcha_type })
    }

    /// A layer that runs this check before the service it wraps.
    pub fn layer(&self) -> crate::CaptchaLayer {
        crate::CaptchaLayer::new(self.clone())
    }
}

impl fmt::Debug for CaptchaGuard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let settings = &self.settings;
        f.debug_struct("CaptchaGuard")
            .field("api", &settings.api.name())
            .field("ticket_field", &settings.ticket_field)
            .field("randstr_field", &settings.randstr_field)
            .field("trusted_proxies", &settings.trusted_proxies)
            .field("disaster_recovery", &settings.disaster_recovery)
            .field("when_unavailable", &settings.when_unavailable)
            .finish_non_exhaustive()
    }
}

/// Settings of a [`CaptchaGuard`]; every one has a safe default.
pub struct CaptchaGuardBuilder {
    settings: Settings,
}

impl CaptchaGuardBuilder {
    fn new(client: Client, api: Api) -> Self {
        Self {
            settings: Settings {
                client,
                api,
                ticket_field: DEFAULT_TICKET_FIELD.to_owned(),
                randstr_field: DEFAULT_RANDSTR_FIELD.to_owned(),
                ticket_header: HeaderName::from_static(DEFAULT_TICKET_HEADER),
                randstr_header: HeaderName::from_static(DEFAULT_RANDSTR_HEADER),
                trusted_proxies: Vec::new(),
                disaster_recovery: DisasterRecoveryPolicy::Reject,
                when_unavailable: WhenUnavailable::FailClosed,
                body_limit: DEFAULT_BODY_LIMIT,
                max_ticket_bytes: DEFAULT_MAX_TICKET_BYTES,
                max_randstr_bytes: DEFAULT_MAX_RANDSTR_BYTES,
                renderer: None,
            },
        }
    }

    /// The form/JSON field names of the ticket and randstr (default `ticket`, `randstr`).
    pub fn fields(mut self, ticket: impl Into<String>, randstr: impl Into<String>) -> Self {
        self.settings.ticket_field = ticket.into();
        self.settings.randstr_field = randstr.into();
        self
    }

    /// The header names of the ticket and randstr (default `X-Captcha-Ticket`,
    /// `X-Captcha-Randstr`). A request with the ticket header is checked from its headers
    /// and its body is left alone.
    pub fn headers(mut self, ticket: HeaderName, randstr: HeaderName) -> Self {
        self.settings.ticket_header = ticket;
        self.settings.randstr_header = randstr;
        self
    }

    /// Proxies whose `X-Forwarded-For` / `X-Real-IP` are believed (default: none, so the
    /// user is always the peer). Only a request whose peer is in this list has its
    /// forwarding headers read, and then the user is the nearest address not in it.
    pub fn trusted_proxies(mut self, proxies: impl IntoIterator<Item = IpNet>) -> Self {
        self.settings.trusted_proxies = proxies.into_iter().collect();
        self
    }

    /// Whether a disaster-recovery ticket (`trerror_…`, made by the page when
    /// `TCaptcha.js` cannot load) gets through (default: [`DisasterRecoveryPolicy::Reject`]).
    pub fn disaster_recovery(mut self, policy: DisasterRecoveryPolicy) -> Self {
        self.settings.disaster_recovery = policy;
        self
    }

    /// What happens when the captcha service does not answer (default:
    /// [`WhenUnavailable::FailClosed`]).
    pub fn when_unavailable(mut self, policy: WhenUnavailable) -> Self {
        self.settings.when_unavailable = policy;
        self
    }

    /// The largest body read to find the ticket (default 64 KiB); larger is a 400.
    pub fn body_limit(mut self, bytes: usize) -> Self {
        self.settings.body_limit = bytes;
        self
    }

    /// The longest ticket and randstr accepted (default 8 KiB and 256 bytes); longer is a
    /// 400, never sent.
    pub fn max_field_bytes(mut self, ticket: usize, randstr: usize) -> Self {
        self.settings.max_ticket_bytes = ticket;
        self.settings.max_randstr_bytes = randstr;
        self
    }

    /// Replaces the body of refusals (default: [`Refusal::default_response`]). The status
    /// stays the refusal's whatever the function sets.
    pub fn refusal_response(
        mut self,
        render: impl Fn(&Refusal) -> Response + Send + Sync + 'static,
    ) -> Self {
        self.settings.renderer = Some(Arc::new(render));
        self
    }

    /// The guard.
    pub fn build(self) -> CaptchaGuard {
        CaptchaGuard {
            settings: Arc::new(self.settings),
        }
    }
}
