//! Why a request was not let through, and the response that says so: 400 for a request that
//! does not carry a usable ticket, 403 for a ticket that does not pass, 503 when the captcha
//! service could not answer, 500 when the app itself is set up wrong. Nothing here holds
//! the ticket, the randstr or any key: a refusal may be logged and shown as it is.

use std::fmt;

use axum::response::{IntoResponse, Response};
use captcha_hyper::api3::RejectReason;
use http::{HeaderValue, StatusCode, header};

/// The request does not carry a usable ticket (400 Bad Request).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Malformed {
    /// No ticket in the headers, form or JSON body (or an empty one).
    MissingTicket,
    /// A ticket but no randstr (API 3.0 needs both).
    MissingRandstr,
    /// The ticket or randstr is longer than any real one.
    FieldTooLong,
    /// The body, or a field in it, is not UTF-8.
    NotUtf8,
    /// The body is not the form or JSON its `Content-Type` says, or the field is not a
    /// string.
    UnreadableBody,
    /// The body is larger than the configured limit.
    BodyTooLarge,
    /// A forwarding header from a trusted proxy does not hold IP addresses.
    BadForwardingHeader,
    /// The ticket cannot be put in a request to the captcha service.
    Unencodable,
}

impl Malformed {
    /// A short English description.
    pub fn description(self) -> &'static str {
        match self {
            Self::MissingTicket => "no captcha ticket in the request",
            Self::MissingRandstr => "no captcha randstr in the request",
            Self::FieldTooLong => "the captcha ticket or randstr is too long",
            Self::NotUtf8 => "the request body is not UTF-8",
            Self::UnreadableBody => "the request body cannot be read as a form or JSON object",
            Self::BodyTooLarge => "the request body is too large or was cut short",
            Self::BadForwardingHeader => "a forwarding header holds something other than IPs",
            Self::Unencodable => "the captcha ticket cannot be sent to the captcha service",
        }
    }

    /// A stable name for logs and metrics.
    pub fn name(self) -> &'static str {
        match self {
            Self::MissingTicket => "missing_ticket",
            Self::MissingRandstr => "missing_randstr",
            Self::FieldTooLong => "field_too_long",
            Self::NotUtf8 => "not_utf8",
            Self::UnreadableBody => "unreadable_body",
            Self::BodyTooLarge => "body_too_large",
            Self::BadForwardingHeader => "bad_forwarding_header",
            Self::Unencodable => "unencodable",
        }
    }
}

/// The ticket does not pass (403 Forbidden).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Rejected {
    /// API 3.0 answered this `CaptchaCode` (anything but 1).
    Code {
        /// `CaptchaCode` as sent.
        code: i64,
        /// Why, from the code.
        reason: RejectReason,
    },
    /// A disaster-recovery ticket (`trerror_…`), refused by the app's policy.
    DisasterRecovery,
    /// API 2.0 `CaptchaCheck` answered 5100: wrong, expired or used ticket.
    CheckFailed,
    /// The captcha service refused the check itself (e.g. `InvalidParameter` for a ticket
    /// it cannot read): not an outage, so never let through.
    ServiceRefused,
}

impl Rejected {
    /// The `CaptchaCode` when API 3.0 answered one (21 for a disaster-recovery ticket).
    pub fn code(self) -> Option<i64> {
        match self {
            Self::Code { code, .. } => Some(code),
            Self::DisasterRecovery => Some(21),
            Self::CheckFailed | Self::ServiceRefused => None,
        }
    }
}

/// The captcha service did not give an answer (503 Service Unavailable). The app may opt
/// into letting such requests through ([`WhenUnavailable::LetThrough`](crate::WhenUnavailable)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Unavailable {
    /// No complete answer within the client's timeout.
    Timeout,
    /// The connection could not be made or broke.
    Transport,
    /// The answer was not what the protocol promises (an error page, a cut body).
    BadResponse,
    /// The service answered with an error of its own (busy, internal error).
    ServiceError,
}

impl Unavailable {
    /// A stable name for logs and metrics.
    pub fn name(self) -> &'static str {
        match self {
            Self::Timeout => "timeout",
            Self::Transport => "transport",
            Self::BadResponse => "bad_response",
            Self::ServiceError => "service_error",
        }
    }
}

/// The app is set up wrong (500 Internal Server Error): never the user's fault, never let
/// through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Misconfigured {
    /// No peer address: serve the router with `into_make_service_with_connect_info`.
    NoPeerAddress,
    /// The captcha service refused the credential (SecretId/SecretKey).
    Credential,
    /// [`CaptchaPass`](crate::CaptchaPass) was asked for without [`CaptchaLayer`](crate::CaptchaLayer) in front.
    NoLayer,
}

/// Why a request was refused. [`status`](Refusal::status) is the response's status;
/// `Display` is a message fit for the user (it never holds the ticket or a key).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Refusal {
    /// 400: no usable ticket in the request.
    Malformed(Malformed),
    /// 403: the ticket does not pass.
    Rejected(Rejected),
    /// 503: the captcha service did not answer.
    Unavailable(Unavailable),
    /// 500: the app is set up wrong.
    Misconfigured(Misconfigured),
}

impl Refusal {
    /// The HTTP status of the response.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::Malformed(_) => StatusCode::BAD_REQUEST,
            Self::Rejected(_) => StatusCode::FORBIDDEN,
            Self::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Misconfigured(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// A stable name of the kind: `malformed`, `rejected`, `unavailable`, `misconfigured`.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Malformed(_) => "malformed",
            Self::Rejected(_) => "rejected",
            Self::Unavailable(_) => "unavailable",
            Self::Misconfigured(_) => "misconfigured",
        }
    }

    /// The default response: the status and a small JSON body
    /// `{"error":"rejected","message":"…"}`.
    pub fn default_response(&self) -> Response {
        let body = serde_json::json!({ "error": self.kind(), "message": self.to_string() });
        let mut response = (self.status(), body.to_string()).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        response
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Malformed(reason) => f.write_str(reason.description()),
            Self::Rejected(Rejected::Code { code, reason }) => write!(
                f,
                "the captcha was not solved ({}, CaptchaCode {code})",
                reason.description()
            ),
            Self::Rejected(Rejected::DisasterRecovery) => {
                f.write_str("the captcha could not be loaded; please try again")
            }
            Self::Rejected(Rejected::CheckFailed | Rejected::ServiceRefused) => {
                f.write_str("the captcha was not solved")
            }
            Self::Unavailable(_) => {
                f.write_str("the captcha service is unavailable; please try again later")
            }
            Self::Misconfigured(_) => f.write_str("the captcha check is not set up correctly"),
        }
    }
}

impl std::error::Error for Refusal {}

/// The rejection of the [`Captcha`](crate::Captcha) extractor and of
/// [`CaptchaPass`](crate::CaptchaPass): the refusal and its response, made by the app's
/// renderer ([`CaptchaGuardBuilder::refusal_response`](crate::CaptchaGuardBuilder::refusal_response)).
#[derive(Debug)]
pub struct CaptchaRejection {
    refusal: Refusal,
    response: Response,
}

impl CaptchaRejection {
    pub(crate) fn new(refusal: Refusal, response: Response) -> Self {
        Self { refusal, response }
    }

    /// Why the request was refused.
    pub fn refusal(&self) -> Refusal {
        self.refusal
    }
}

impl IntoResponse for CaptchaRejection {
    fn into_response(self) -> Response {
        self.response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_has_its_status() {
        let cases = [
            (
                Refusal::Malformed(Malformed::MissingTicket),
                StatusCode::BAD_REQUEST,
            ),
            (
                Refusal::Rejected(Rejected::DisasterRecovery),
                StatusCode::FORBIDDEN,
            ),
            (
                Refusal::Unavailable(Unavailable::Timeout),
                StatusCode::SERVICE_UNAVAILABLE,
            ),
            (
                Refusal::Misconfigured(Misconfigured::NoPeerAddress),
                StatusCode::INTERNAL_SERVER_ERROR,
            ),
        ];
        for (refusal, status) in cases {
            assert_eq!(refusal.status(), status);
            assert_eq!(refusal.default_response().status(), status);
        }
    }

    #[test]
    fn messages_name_the_code() {
        let refusal = Refusal::Rejected(Rejected::Code {
            code: 9,
            reason: RejectReason::TicketReused,
        });
        assert_eq!(
            refusal.to_string(),
            "the captcha was not solved (ticket already used, CaptchaCode 9)"
        );
    }
}
