//! `CaptchaCheck`: checks the ticket the browser got from a solved captcha (docs/protocol.md, "CaptchaCheck").

use std::net::IpAddr;

use http::StatusCode;

use super::action::Api2Action;
use super::enums::{AccountType, CaptchaType, DisturbLevel};
use super::keys;
use super::reply;
use super::user::{UserInfo, user_info_setters};
use crate::error::{EncodeError, ResponseError};
use crate::params::{Params, Value};
use crate::secret::Ticket;

/// The code with which the server says "this ticket does not pass".
pub(crate) const CHECK_FAILED_CODE: i64 = 5100;

/// Checks a captcha ticket. The documented required inputs (`ticket`, `userIp`,
/// `captchaType`) are constructor arguments; `accountType` starts as
/// [`AccountType::OtherAccount`]. A ticket passes once: this call is never re-sent.
///
/// ```
/// use captcha_proto::{Api2Action, CaptchaCheck, CaptchaType, CheckVerdict};
/// let check = CaptchaCheck::new("t03…", "203.0.113.7".parse().unwrap(), CaptchaType::Slider);
/// let verdict = check.decode(http::StatusCode::OK, br#"{"code":5100,"message":"verify failed"}"#)?;
/// assert!(!verdict.is_pass());
/// # Ok::<(), captcha_proto::ResponseError>(())
/// ```
#[derive(Debug, Clone)]
pub struct CaptchaCheck {
    ticket: Ticket,
    captcha_type: CaptchaType,
    disturb_level: Option<DisturbLevel>,
    user: UserInfo,
}

impl CaptchaCheck {
    /// A check of `ticket` for the user at `user_ip`.
    pub fn new(ticket: impl Into<Ticket>, user_ip: IpAddr, captcha_type: CaptchaType) -> Self {
        Self {
            ticket: ticket.into(),
            captcha_type,
            disturb_level: None,
            user: UserInfo {
                account_type: Some(AccountType::OtherAccount),
                user_ip: Some(user_ip),
                ..UserInfo::default()
            },
        }
    }

    /// Sets `disturbLevel` (required by older doc versions, dropped by later ones).
    pub fn disturb_level(mut self, value: DisturbLevel) -> Self {
        self.disturb_level = Some(value);
        self
    }

    /// The ticket (redacted in `Debug`).
    pub fn ticket(&self) -> &Ticket {
        &self.ticket
    }
}

user_info_setters!(CaptchaCheck);

/// The answer to a [`CaptchaCheck`]: a verdict, not an error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckVerdict {
    /// Code 0: the ticket is valid; let the user in.
    Pass,
    /// Code 5100: the ticket is wrong, expired or already used; refuse the user.
    Fail {
        /// The server's message.
        message: String,
    },
}

impl CheckVerdict {
    /// True for [`CheckVerdict::Pass`].
    pub fn is_pass(&self) -> bool {
        matches!(self, Self::Pass)
    }
}

impl Api2Action for CaptchaCheck {
    type Output = CheckVerdict;

    fn name(&self) -> &str {
        "CaptchaCheck"
    }

    /// Checked, in signing order.
    fn write_params(&self, params: &mut Params) -> Result<(), EncodeError> {
        let ticket = self.ticket.expose_secret();
        if ticket.is_empty() {
            return Err(EncodeError::EmptyField { field: "ticket" });
        }
        self.user.write(
            params,
            [
                (&keys::CAPTCHA_TYPE, Some(self.captcha_type.into())),
                (&keys::DISTURB_LEVEL, self.disturb_level.map(Value::from)),
                (&keys::TICKET, Some(Value::Text(ticket))),
            ],
        )
    }

    fn decode(&self, status: StatusCode, body: &[u8]) -> Result<CheckVerdict, ResponseError> {
        let reply = reply::parse(status, body)?;
        match reply.code {
            Some(0) => Ok(CheckVerdict::Pass),
            Some(CHECK_FAILED_CODE) => Ok(CheckVerdict::Fail {
                message: reply.message.unwrap_or_default().into_owned(),
            }),
            _ => Err(reply.api_error().into()),
        }
    }

    fn single_use(&self) -> bool {
        true
    }
}
