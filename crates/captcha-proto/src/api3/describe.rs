//! `DescribeCaptchaResult` (核查验证码票据结果): checks a ticket with API 3.0
//! (docs/protocol.md, "DescribeCaptchaResult"). The live, supported way to verify a captcha.

use std::fmt;
use std::net::IpAddr;

use http::StatusCode;
use serde::Serialize;

use super::action::Api3Action;
use super::disaster::DisasterRecoveryTicket;
use super::result::{CaptchaResult, DISASTER_RECOVERY_PREFIX, decode_captcha_result};
use crate::error::{EncodeError, ResponseError};
use crate::secret::{AppSecretKey, Ticket};

/// The service name of the captcha API 3.0.
pub const CAPTCHA_SERVICE: &str = "captcha";
/// The captcha API version.
pub const CAPTCHA_VERSION: &str = "2019-07-22";
/// The action name.
pub const DESCRIBE_CAPTCHA_RESULT: &str = "DescribeCaptchaResult";
/// The documented (and only) `CaptchaType`.
pub(crate) const DEFAULT_CAPTCHA_TYPE: u64 = 9;

/// Checks the `Ticket` and `Randstr` the front-end callback returned, for the user at
/// `UserIp`, with the app's `CaptchaAppId` and `AppSecretKey`. A ticket passes once:
/// transports never send this call twice.
///
/// `Debug` hides the ticket and the AppSecretKey (and shows no body).
///
/// ```
/// use captcha_proto::api3::{DescribeCaptchaResult, Api3Action};
/// let check = DescribeCaptchaResult::new("t03ticket", "@Vki", "203.0.113.7".parse()?, 199999164, "E4kwK9AcXQMHkktiItyMEyQPn")
///     .need_get_captcha_time(true);
/// let body = String::from_utf8(check.payload()?)?;
/// assert!(body.starts_with(r#"{"CaptchaType":9,"Ticket":"t03ticket","UserIp":"203.0.113.7","Randstr":"@Vki","CaptchaAppId":199999164,"#));
/// assert!(!format!("{check:?}").contains("E4kwK9"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct DescribeCaptchaResult {
    captcha_type: u64,
    ticket: Ticket,
    user_ip: IpAddr,
    randstr: String,
    captcha_app_id: u64,
    app_secret_key: AppSecretKey,
    business_id: Option<u64>,
    scene_id: Option<u64>,
    mac_address: Option<String>,
    imei: Option<String>,
    need_get_captcha_time: Option<bool>,
    /// Send a disaster-recovery ticket to Tencent instead of answering it without a call.
    send_disaster_recovery: bool,
}

impl DescribeCaptchaResult {
    /// A check of `ticket` and `randstr` (from the front-end callback) for the user at
    /// `user_ip`, with the app's id and secret key from the console. `CaptchaType` is 9.
    pub fn new(
        ticket: impl Into<Ticket>,
        randstr: impl Into<String>,
        user_ip: IpAddr,
        captcha_app_id: u64,
        app_secret_key: impl Into<AppSecretKey>,
    ) -> Self {
        Self {
            captcha_type: DEFAULT_CAPTCHA_TYPE,
            ticket: ticket.into(),
            user_ip,
            randstr: randstr.into(),
            captcha_app_id,
            app_secret_key: app_secret_key.into(),
            business_id: None,
            scene_id: None,
            mac_address: None,
            imei: None,
            need_get_captcha_time: None,
            send_disaster_recovery: false,
        }
    }

    /// Sets `CaptchaType` (documented as fixed to 9; must be positive).
    pub fn captcha_type(mut self, value: u64) -> Self {
        self.captcha_type = value;
        self
    }

    /// Sets `BusinessId` ("reserved").
    pub fn business_id(mut self, value: u64) -> Self {
        self.business_id = Some(value);
        self
    }

    /// Sets `SceneId` ("reserved").
    pub fn scene_id(mut self, value: u64) -> Self {
        self.scene_id = Some(value);
        self
    }

    /// Sets `MacAddress`.
    pub fn mac_address(mut self, value: impl Into<String>) -> Self {
        self.mac_address = Some(value.into());
        self
    }

    /// Sets `Imei`.
    pub fn imei(mut self, value: impl Into<String>) -> Self {
        self.imei = Some(value.into());
        self
    }

    /// Sets `NeedGetCaptchaTime` (1 when `true`): ask for `GetCaptchaTime` in the answer.
    pub fn need_get_captcha_time(mut self, value: bool) -> Self {
        self.need_get_captcha_time = Some(value);
        self
    }

    /// The ticket (redacted in `Debug`).
    pub fn ticket(&self) -> &Ticket {
        &self.ticket
    }

    /// The Randstr.
    pub fn randstr(&self) -> &str {
        &self.randstr
    }

    /// The user's IP.
    pub fn user_ip(&self) -> IpAddr {
        self.user_ip
    }

    /// The CaptchaAppId.
    pub fn captcha_app_id(&self) -> u64 {
        self.captcha_app_id
    }

    /// True when the ticket is a front-end disaster-recovery ticket (`trerror…`).
    fn is_disaster_recovery_ticket(&self) -> bool {
        self.ticket
            .expose_secret()
            .starts_with(DISASTER_RECOVERY_PREFIX)
    }

    /// The disaster-recovery ticket the page sent, if that is what the ticket is: such a call
    /// is answered with [`Verdict::DisasterRecovery`](super::Verdict::DisasterRecovery)
    /// without a request, unless [`send_disaster_recovery`](Self::send_disaster_recovery).
    pub fn disaster_recovery_ticket(&self) -> Option<DisasterRecoveryTicket> {
        DisasterRecoveryTicket::recognise(self.ticket.expose_secret())
    }

    /// Sends a disaster-recovery ticket to Tencent anyway (which answers `CaptchaCode` 21,
    /// or 16 when it cannot read the app id) instead of answering it without a call.
    pub fn send_disaster_recovery(mut self) -> Self {
        self.send_disaster_recovery = true;
        self
    }

    fn check(&self) -> Result<(), EncodeError> {
        let empty = |field| Err(EncodeError::EmptyField { field });
        if self.captcha_type == 0 {
            return Err(EncodeError::InvalidValue {
                field: "CaptchaType",
                reason: "must be positive (the documented value is 9)",
            });
        }
        if self.ticket.expose_secret().is_empty() {
            return empty("Ticket");
        }
        if self.randstr.is_empty() {
            return empty("Randstr");
        }
        if self.captcha_app_id == 0 {
            return Err(EncodeError::InvalidValue {
                field: "CaptchaAppId",
                reason: "must be positive",
            });
        }
        if self.app_secret_key.expose_secret().is_empty() {
            return empty("AppSecretKey");
        }
        if self.mac_address.as_deref() == Some("") {
            return empty("MacAddress");
        }
        if self.imei.as_deref() == Some("") {
            return empty("Imei");
        }
        Ok(())
    }
}

impl fmt::Debug for DescribeCaptchaResult {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DescribeCaptchaResult")
            .field("captcha_type", &self.captcha_type)
            .field("ticket", &self.ticket)
            .field("user_ip", &self.user_ip)
            .field("randstr", &self.randstr)
            .field("captcha_app_id", &self.captcha_app_id)
            .field("app_secret_key", &self.app_secret_key)
            .field("business_id", &self.business_id)
            .field("scene_id", &self.scene_id)
            .field("mac_address", &self.mac_address)
            .field("imei", &self.imei)
            .field("need_get_captcha_time", &self.need_get_captcha_time)
            .field("send_disaster_recovery", &self.send_disaster_recovery)
            .finish()
    }
}

/// The JSON body, borrowing from the action; field order is the documented one.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Body<'a> {
    captcha_type: u64,
    ticket: &'a str,
    user_ip: String,
    randstr: &'a str,
    captcha_app_id: u64,
    app_secret_key: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    business_id: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    scene_id: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    mac_address: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    imei: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    need_get_captcha_time: Option<u8>,
}

impl Api3Action for DescribeCaptchaResult {
    type Output = CaptchaResult;

    fn service(&self) -> &str {
        CAPTCHA_SERVICE
    }

    fn version(&self) -> &str {
        CAPTCHA_VERSION
    }

    fn name(&self) -> &str {
        DESCRIBE_CAPTCHA_RESULT
    }

    fn payload(&self) -> Result<Vec<u8>, EncodeError> {
        self.check()?;
        let body = Body {
            captcha_type: self.captcha_type,
            ticket: self.ticket.expose_secret(),
            user_ip: self.user_ip.to_string(),
            randstr: &self.randstr,
            captcha_app_id: self.captcha_app_id,
            app_secret_key: self.app_secret_key.expose_secret(),
            business_id: self.business_id,
            scene_id: self.scene_id,
            mac_address: self.mac_address.as_deref(),
            imei: self.imei.as_deref(),
            need_get_captcha_time: self.need_get_captcha_time.map(u8::from),
        };
        serde_json::to_vec(&body).map_err(|_| EncodeError::InvalidValue {
            field: "payload",
            reason: "cannot be serialised as JSON",
        })
    }

    fn decode(&self, status: StatusCode, body: &[u8]) -> Result<CaptchaResult, ResponseError> {
        decode_captcha_result(status, body, self.is_disaster_recovery_ticket())
    }

    fn single_use(&self) -> bool {
        true
    }

    /// A disaster-recovery ticket is answered here, unless the caller asked to send it.
    fn answer_locally(&self) -> Option<CaptchaResult> {
        if self.send_disaster_recovery {
            return None;
        }
        self.disaster_recovery_ticket()
            .map(CaptchaResult::disaster_recovery)
    }
}
