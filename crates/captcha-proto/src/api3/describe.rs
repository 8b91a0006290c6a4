//! `DescribeCaptchaResult` (核查验证码票据结果): checks a ticket with API 3.0
//! (docs/protocol.md, "DescribeCaptchaResult"). The live, supported way to verify a captcha.

use std::fmt;
use std::net::IpAddr;

use http::StatusCode;

use super::action::Api3Action;
use super::disaster::DisasterRecoveryTicket;
use super::result::{CaptchaResult, DISASTER_RECOVERY_PREFIX, decode_captcha_result};
use super::ticket_fields::{Extra, TicketFields, ticket_setters};
use crate::error::{EncodeError, ResponseError};
use crate::secret::{AppSecretKey, Ticket};

/// The service name of the captcha API 3.0.
pub const CAPTCHA_SERVICE: &str = "captcha";
/// The captcha API version.
pub const CAPTCHA_VERSION: &str = "2019-07-22";
/// The action name.
pub const DESCRIBE_CAPTCHA_RESULT: &str = "DescribeCaptchaResult";

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
    fields: TicketFields,
    randstr: String,
    need_get_captcha_time: Option<bool>,
    /// Send a disaster-recovery ticket to Tencent instead of answering it without a call.
    send_disaster_recovery: bool,
}

impl DescribeCaptchaResult {
    /// The action's name, `X-TC-Action` (also [`DESCRIBE_CAPTCHA_RESULT`]).
    pub const ACTION: &'static str = DESCRIBE_CAPTCHA_RESULT;

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
            fields: TicketFields::new(
                ticket.into(),
                user_ip,
                captcha_app_id,
                app_secret_key.into(),
            ),
            randstr: randstr.into(),
            need_get_captcha_time: None,
            send_disaster_recovery: false,
        }
    }

    ticket_setters!();

    /// Sets `NeedGetCaptchaTime` (1 when `true`): ask for `GetCaptchaTime` in the answer.
    pub fn need_get_captcha_time(mut self, value: bool) -> Self {
        self.need_get_captcha_time = Some(value);
        self
    }

    /// The Randstr.
    pub fn randstr(&self) -> &str {
        &self.randstr
    }

    /// True when the ticket is a front-end disaster-recovery ticket (`trerror…`).
    pub(crate) fn is_disaster_recovery_ticket(&self) -> bool {
        self.fields
            .ticket
            .expose_secret()
            .starts_with(DISASTER_RECOVERY_PREFIX)
    }

    /// The disaster-recovery ticket the page sent, if that is what the ticket is: such a call
    /// is answered with [`Verdict::DisasterRecovery`](super::Verdict::DisasterRecovery)
    /// without a request, unless [`send_disaster_recovery`](Self::send_disaster_recovery).
    pub fn disaster_recovery_ticket(&self) -> Option<DisasterRecoveryTicket> {
        DisasterRecoveryTicket::recognise(self.fields.ticket.expose_secret())
    }

    /// Sends a disaster-recovery ticket to Tencent anyway (which answers `CaptchaCode` 21,
    /// or 16 when it cannot read the app id) instead of answering it without a call.
    pub fn send_disaster_recovery(mut self) -> Self {
        self.send_disaster_recovery = true;
        self
    }

    /// The result when no request is needed: a disaster-recovery ticket not to be sent.
    pub(crate) fn local_answer(&self) -> Option<CaptchaResult> {
        if self.send_disaster_recovery {
            return None;
        }
        self.disaster_recovery_ticket()
            .map(CaptchaResult::disaster_recovery)
    }
}

impl fmt::Debug for DescribeCaptchaResult {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = f.debug_struct("DescribeCaptchaResult");
        self.fields.debug_into(&mut out);
        out.field("randstr", &self.randstr)
            .field("need_get_captcha_time", &self.need_get_captcha_time)
            .field("send_disaster_recovery", &self.send_disaster_recovery)
            .finish()
    }
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
        self.fields.check(Some(&self.randstr))?;
        self.fields.payload(Extra {
            randstr: Some(&self.randstr),
            need_get_captcha_time: self.need_get_captcha_time.map(u8::from),
            ..Extra::default()
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
        self.local_answer()
    }
}
