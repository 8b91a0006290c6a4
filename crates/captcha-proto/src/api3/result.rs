//! The answer to `DescribeCaptchaResult`: a [`Verdict`] plus the risk fields. A rejected
//! ticket is an `Ok` verdict, never an error (docs/protocol.md, "DescribeCaptchaResult").

use http::StatusCode;

use super::answer::TicketAnswer;
use super::disaster::{DisasterRecoveryPolicy, DisasterRecoveryTicket};
use super::envelope::{Reply, read_response};
use crate::error::ResponseError;

/// The only `CaptchaCode` that means the ticket passed.
pub const PASS_CODE: i64 = 1;

/// Tickets starting with this prefix are made by the front-end when the captcha service
/// could not be reached (disaster recovery); the server answers them with code 21.
pub const DISASTER_RECOVERY_PREFIX: &str = "trerror";

/// Why a ticket did not pass, from its `CaptchaCode`. The raw code is
/// [`CaptchaResult::code`]; codes not listed here are [`RejectReason::Other`].
///
/// ```
/// use captcha_proto::{Api3Action, DescribeCaptchaResult};
/// use captcha_proto::api3::{RejectReason, Verdict};
/// let check = DescribeCaptchaResult::new("t03ticket", "@Vki", "203.0.113.7".parse()?, 199999164, "app-secret-key");
/// let answer = br#"{"Response":{"CaptchaCode":8,"CaptchaMsg":"expired","RequestId":"r"}}"#;
/// let verdict = check.decode(http::StatusCode::OK, answer)?.verdict;
/// assert_eq!(verdict, Verdict::Reject(RejectReason::TicketExpired));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RejectReason {
    /// 0: "not valid" (seen in the tccli example).
    NotValid,
    /// 6: user code length error.
    UserCodeLength,
    /// 7: the Randstr does not match the ticket.
    RandstrMismatch,
    /// 8: the ticket expired (tickets live 5 minutes).
    TicketExpired,
    /// 9 (and the older 104): the ticket was already used.
    TicketReused,
    /// 10: invalid sequence.
    SequenceInvalid,
    /// 11: invalid cookie.
    CookieInvalid,
    /// 12: signature length error.
    SignatureLength,
    /// 13: the verifying IP does not match.
    IpMismatch,
    /// 15: the ticket cannot be decrypted (malformed or forged).
    DecryptFailed,
    /// 16: the CaptchaAppId does not match the ticket.
    AppIdMismatch,
    /// 17: command mismatch.
    CommandMismatch,
    /// 18: uin mismatch.
    UinMismatch,
    /// 19: sequence redirect.
    SequenceRedirect,
    /// 20: no verification code ("opt no vcode").
    NoVerificationCode,
    /// 21: the risk engine refused the request.
    RiskDetected,
    /// 21 for a `trerror…` ticket: the front-end could not reach the captcha service and
    /// made a disaster-recovery ticket. Decide by your own policy whether to let it pass.
    DisasterRecoveryTicket,
    /// 22: captcha type mismatch.
    CaptchaTypeMismatch,
    /// 23: verify type error.
    VerifyTypeError,
    /// 24: invalid package.
    InvalidPackage,
    /// 25: bad visitor (blocked by strategy).
    BadVisitor,
    /// 26: the system is busy.
    SystemBusy,
    /// 100: the AppSecretKey does not match the CaptchaAppId and ticket.
    AppSecretMismatch,
    /// Any other non-1 code.
    Other(i64),
}

impl RejectReason {
    /// The reason for a non-1 `code`; `disaster_recovery_ticket` tells code 21 apart.
    pub(crate) fn from_code(code: i64, disaster_recovery_ticket: bool) -> Self {
        match code {
            0 => Self::NotValid,
            6 => Self::UserCodeLength,
            7 => Self::RandstrMismatch,
            8 => Self::TicketExpired,
            9 | 104 => Self::TicketReused,
            10 => Self::SequenceInvalid,
            11 => Self::CookieInvalid,
            12 => Self::SignatureLength,
            13 => Self::IpMismatch,
            15 => Self::DecryptFailed,
            16 => Self::AppIdMismatch,
            17 => Self::CommandMismatch,
            18 => Self::UinMismatch,
            19 => Self::SequenceRedirect,
            20 => Self::NoVerificationCode,
            21 if disaster_recovery_ticket => Self::DisasterRecoveryTicket,
            21 => Self::RiskDetected,
            22 => Self::CaptchaTypeMismatch,
            23 => Self::VerifyTypeError,
            24 => Self::InvalidPackage,
            25 => Self::BadVisitor,
            26 => Self::SystemBusy,
            100 => Self::AppSecretMismatch,
            other => Self::Other(other),
        }
    }

    /// A short English description.
    ///
    /// ```
    /// assert_eq!(captcha_proto::api3::RejectReason::TicketReused.description(), "ticket already used");
    /// ```
    pub fn description(self) -> &'static str {
        match self {
            Self::NotValid => "not valid",
            Self::UserCodeLength => "user code length error",
            Self::RandstrMismatch => "Randstr does not match the ticket",
            Self::TicketExpired => "ticket expired",
            Self::TicketReused => "ticket already used",
            Self::SequenceInvalid => "sequence invalid",
            Self::CookieInvalid => "cookie invalid",
            Self::SignatureLength => "signature length error",
            Self::IpMismatch => "verifying IP does not match",
            Self::DecryptFailed => "ticket cannot be decrypted",
            Self::AppIdMismatch => "CaptchaAppId does not match the ticket",
            Self::CommandMismatch => "command mismatch",
            Self::UinMismatch => "uin mismatch",
            Self::SequenceRedirect => "sequence redirect",
            Self::NoVerificationCode => "no verification code",
            Self::RiskDetected => "refused by risk detection",
            Self::DisasterRecoveryTicket => "disaster-recovery ticket from the front-end",
            Self::CaptchaTypeMismatch => "captcha type mismatch",
            Self::VerifyTypeError => "verify type error",
            Self::InvalidPackage => "invalid package",
            Self::BadVisitor => "blocked by strategy",
            Self::SystemBusy => "system busy",
            Self::AppSecretMismatch => "AppSecretKey does not match the CaptchaAppId and ticket",
            Self::Other(_) => "undocumented code",
        }
    }
}

/// Pass or reject: only `CaptchaCode` 1 passes.
///
/// ```
/// use captcha_proto::{Api3Action, DescribeCaptchaResult};
/// let check = DescribeCaptchaResult::new("t03ticket", "@Vki", "203.0.113.7".parse()?, 199999164, "app-secret-key");
/// let answer = br#"{"Response":{"CaptchaCode":1,"CaptchaMsg":"OK","RequestId":"r"}}"#;
/// assert!(check.decode(http::StatusCode::OK, answer)?.verdict.is_pass());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Verdict {
    /// The ticket is genuine and fresh: the user passed the captcha.
    Pass,
    /// The ticket does not pass.
    Reject(RejectReason),
    /// A disaster-recovery ticket, recognised before any call and not sent to Tencent: the
    /// page could not load the captcha. Whether it passes is the caller's policy
    /// ([`Verdict::passes`]); [`Verdict::is_pass`] says no.
    DisasterRecovery(DisasterRecoveryTicket),
}

impl Verdict {
    /// The verdict for `code`; `disaster_recovery_ticket` tells code 21 apart.
    pub(crate) fn from_code(code: i64, disaster_recovery_ticket: bool) -> Self {
        if code == PASS_CODE {
            Self::Pass
        } else {
            Self::Reject(RejectReason::from_code(code, disaster_recovery_ticket))
        }
    }

    /// True only for [`Verdict::Pass`].
    pub fn is_pass(self) -> bool {
        self == Self::Pass
    }

    /// Whether the user passes under `policy` for disaster-recovery tickets: a pass always,
    /// a disaster-recovery ticket when the policy accepts them, nothing else.
    ///
    /// ```
    /// use captcha_proto::api3::{DisasterRecoveryPolicy, DisasterRecoveryTicket, Verdict};
    /// let ticket = DisasterRecoveryTicket::recognise("trerror_1001_199999164_1700000000").unwrap();
    /// let verdict = Verdict::DisasterRecovery(ticket);
    /// assert!(!verdict.passes(DisasterRecoveryPolicy::Reject));
    /// assert!(verdict.passes(DisasterRecoveryPolicy::Accept));
    /// assert!(Verdict::Pass.passes(DisasterRecoveryPolicy::Reject));
    /// ```
    pub fn passes(self, policy: DisasterRecoveryPolicy) -> bool {
        match self {
            Self::Pass => true,
            Self::DisasterRecovery(_) => policy == DisasterRecoveryPolicy::Accept,
            Self::Reject(_) => false,
        }
    }

    /// The reason, when rejected.
    pub fn reject_reason(self) -> Option<RejectReason> {
        match self {
            Self::Reject(reason) => Some(reason),
            Self::Pass | Self::DisasterRecovery(_) => None,
        }
    }
}

/// A decoded `DescribeCaptchaResult` response. Every field but the code and the request id
/// is optional, as older servers omit the newer ones.
///
/// ```
/// use captcha_proto::api3::{decode_captcha_result, RejectReason, Verdict};
/// let body = br#"{"Response":{"CaptchaCode":8,"CaptchaMsg":"ticket expired","EvilLevel":0,"RequestId":"r-1"}}"#;
/// let result = decode_captcha_result(http::StatusCode::OK, body, false)?;
/// assert_eq!(result.verdict, Verdict::Reject(RejectReason::TicketExpired));
/// assert!(!result.is_pass());
/// assert_eq!((result.code, result.request_id.as_str()), (8, "r-1"));
/// # Ok::<(), captcha_proto::ResponseError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CaptchaResult {
    /// Pass, or why not.
    pub verdict: Verdict,
    /// `CaptchaCode` as sent.
    pub code: i64,
    /// `CaptchaMsg`.
    pub message: Option<String>,
    /// `EvilLevel`, 0–100: 0 not malicious, 100 malicious.
    pub evil_level: Option<i64>,
    /// `GetCaptchaTime`: UNIX time the front-end fetched the captcha (asked for with
    /// `NeedGetCaptchaTime`).
    pub get_captcha_time: Option<i64>,
    /// `SubmitCaptchaTime`: UNIX time the captcha was submitted.
    pub submit_captcha_time: Option<i64>,
    /// `EvilBitmap`: interception type.
    pub evil_bitmap: Option<i64>,
    /// `DeviceRiskCategory`.
    pub device_risk_category: Option<String>,
    /// `Score`, 0–100: higher is riskier.
    pub score: Option<i64>,
    /// `RequestId`, for Tencent support; empty for a disaster-recovery ticket that was not
    /// sent ([`Verdict::DisasterRecovery`]).
    pub request_id: String,
}

impl CaptchaResult {
    /// True only when `CaptchaCode` is 1.
    pub fn is_pass(&self) -> bool {
        self.verdict.is_pass()
    }

    /// Whether the user passes under `policy` for disaster-recovery tickets (see
    /// [`Verdict::passes`]).
    pub fn passes(&self, policy: DisasterRecoveryPolicy) -> bool {
        self.verdict.passes(policy)
    }

    /// True when the ticket was a front-end disaster-recovery ticket: recognised before the
    /// call ([`Verdict::DisasterRecovery`]), or sent and answered with code 21.
    pub fn is_disaster_recovery(&self) -> bool {
        matches!(
            self.verdict,
            Verdict::DisasterRecovery(_) | Verdict::Reject(RejectReason::DisasterRecoveryTicket)
        )
    }

    /// The result of a disaster-recovery ticket that was not sent: `code` 21 (what Tencent
    /// answers such tickets), no request id, nothing else known.
    pub(crate) fn disaster_recovery(ticket: DisasterRecoveryTicket) -> Self {
        Self {
            verdict: Verdict::DisasterRecovery(ticket),
            code: DISASTER_RECOVERY_CODE,
            message: Some("disaster-recovery ticket, recognised without a call".to_owned()),
            evil_level: None,
            get_captcha_time: None,
            submit_captcha_time: None,
            evil_bitmap: None,
            device_risk_category: None,
            score: None,
            request_id: String::new(),
        }
    }
}

/// The `CaptchaCode` Tencent answers a disaster-recovery ticket with.
const DISASTER_RECOVERY_CODE: i64 = 21;

/// Decodes a `DescribeCaptchaResult` response. `disaster_recovery_ticket` is whether the
/// ticket sent started with [`DISASTER_RECOVERY_PREFIX`] (the action knows:
/// [`DescribeCaptchaResult::decode`](super::DescribeCaptchaResult) passes it).
///
/// Every `CaptchaCode` is a verdict (`Ok`); `Response.Error` is
/// [`ResponseError::Api3`]; a body without `Response`, `CaptchaCode` or `RequestId`
/// is a [`DecodeError`](crate::DecodeError). Never panics, whatever the bytes.
pub fn decode_captcha_result(
    status: StatusCode,
    body: &[u8],
    disaster_recovery_ticket: bool,
) -> Result<CaptchaResult, ResponseError> {
    let mut answer = TicketAnswer::new(None);
    read_response(status, body, &mut answer)?;
    let reply = Reply { status, body };
    answer.verdict.into_result(reply, disaster_recovery_ticket)
}
