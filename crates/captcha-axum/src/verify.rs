//! One check, start to end: find the ticket (headers, else body), find the user, ask the
//! captcha service, apply the two policies. Shared by the extractor and the layer; every
//! check ends in exactly one observation ([`crate::observe`]).

use std::net::IpAddr;

use axum::body::Body;
use bytes::Bytes;
use captcha_hyper::api3::{DisasterRecoveryPolicy, RejectReason, Verdict};
use captcha_hyper::{CaptchaCheck, CheckVerdict, DescribeCaptchaResult, Error};
use http::header;
use http::request::Parts;

use crate::fields::{self, BodyKind, Presented};
use crate::guard::{Api, Settings, WhenUnavailable};
use crate::observe;
use crate::pass::{CaptchaPass, PassedBy};
use crate::refusal::{Malformed, Misconfigured, Refusal, Rejected, Unavailable};

/// The request body after the check: untouched when the ticket came in the headers, the
/// bytes when it had to be read.
pub(crate) enum BodyAfter {
    Untouched(Body),
    Read(Bytes),
}

impl BodyAfter {
    pub(crate) fn into_body(self) -> Body {
        match self {
            Self::Untouched(body) => body,
            Self::Read(bytes) => Body::from(bytes),
        }
    }
}

/// Checks the request `parts` + `body` under `settings`.
pub(crate) async fn check(
    settings: &Settings,
    parts: &Parts,
    body: Body,
) -> (Result<CaptchaPass, Refusal>, BodyAfter) {
    let (presented, body) = match find_ticket(settings, parts, body).await {
        Ok(found) => found,
        Err((refusal, body)) => {
            observe::check(settings, None, &Err(refusal));
            return (Err(refusal), body);
        }
    };
    let source = presented.source;
    let outcome = match crate::client_ip::resolve(parts, &settings.trusted_proxies) {
        Ok(user_ip) => ask(settings, presented, user_ip).await,
        Err(refusal) => Err(refusal),
    };
    observe::check(settings, Some(source), &outcome);
    (outcome, body)
}

type Found = (Presented, BodyAfter);

async fn find_ticket(
    settings: &Settings,
    parts: &Parts,
    body: Body,
) -> Result<Found, (Refusal, BodyAfter)> {
    let malformed = |reason, body| (Refusal::Malformed(reason), body);
    match fields::from_headers(settings, &parts.headers) {
        Ok(Some(presented)) => return Ok((presented, BodyAfter::Untouched(body))),
        Ok(None) => {}
        Err(reason) => return Err(malformed(reason, BodyAfter::Untouched(body))),
    }
    let kind = fields::body_kind(&parts.headers);
    if kind == BodyKind::Other {
        return Err(malformed(
            Malformed::MissingTicket,
            BodyAfter::Untouched(body),
        ));
    }
    let bytes = match read(body, settings.body_limit, declared_length(parts)).await {
        Ok(bytes) => bytes,
        Err(refusal) => return Err((refusal, BodyAfter::Read(Bytes::new()))),
    };
    match fields::from_body(settings, kind, &bytes) {
        Ok(presented) => Ok((presented, BodyAfter::Read(bytes))),
        Err(reason) => Err(malformed(reason, BodyAfter::Read(bytes))),
    }
}

/// The `Content-Length` the request declares, if any.
pub(crate) fn declared_length(parts: &Parts) -> Option<u64> {
    parts
        .headers
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|text| text.parse::<u64>().ok())
}

/// Reads at most `limit` bytes; a declared length over it is refused before reading.
pub(crate) async fn read(
    body: Body,
    limit: usize,
    declared: Option<u64>,
) -> Result<Bytes, Refusal> {
    let too_large = Refusal::Malformed(Malformed::BodyTooLarge);
    if declared.is_some_and(|length| length > limit as u64) {
        return Err(too_large);
    }
    axum::body::to_bytes(body, limit)
        .await
        .map_err(|_| too_large)
}

/// Asks the captcha service about `presented` for the user at `user_ip`.
async fn ask(
    settings: &Settings,
    presented: Presented,
    user_ip: IpAddr,
) -> Result<CaptchaPass, Refusal> {
    let answer = match &settings.api {
        Api::V3 {
            captcha_app_id,
            app_secret_key,
        } => {
            if presented.randstr.trim().is_empty() {
                return Err(Refusal::Malformed(Malformed::MissingRandstr));
            }
            let check = DescribeCaptchaResult::new(
                presented.ticket,
                presented.randstr,
                user_ip,
                *captcha_app_id,
                app_secret_key.clone(),
            );
            match settings.client.describe_captcha_result(&check).await {
                Ok(result) => return v3_outcome(settings.disaster_recovery, result, user_ip),
                Err(error) => error,
            }
        }
        Api::V2 { captcha_type } => {
            let check = CaptchaCheck::new(presented.ticket, user_ip, *captcha_type);
            match settings.client.captcha_check(&check).await {
                Ok(CheckVerdict::Pass) => {
                    return Ok(CaptchaPass::new(PassedBy::Verified, None, user_ip));
                }
                Ok(_) => return Err(Refusal::Rejected(Rejected::CheckFailed)),
                Err(error) => error,
            }
        }
    };
    match classify(&answer) {
        Refusal::Unavailable(why) if settings.when_unavailable == WhenUnavailable::LetThrough => {
            Ok(CaptchaPass::new(PassedBy::LetThrough(why), None, user_ip))
        }
        refusal => Err(refusal),
    }
}

fn v3_outcome(
    policy: DisasterRecoveryPolicy,
    result: captcha_hyper::api3::CaptchaResult,
    user_ip: IpAddr,
) -> Result<CaptchaPass, Refusal> {
    if result.is_pass() {
        return Ok(CaptchaPass::new(PassedBy::Verified, Some(result), user_ip));
    }
    if result.is_disaster_recovery() {
        return match policy {
            DisasterRecoveryPolicy::Accept => Ok(CaptchaPass::new(
                PassedBy::DisasterRecovery,
                Some(result),
                user_ip,
            )),
            _ => Err(Refusal::Rejected(Rejected::DisasterRecovery)),
        };
    }
    let reason = match result.verdict {
        Verdict::Reject(reason) => reason,
        _ => RejectReason::Other(result.code),
    };
    Err(Refusal::Rejected(Rejected::Code {
        code: result.code,
        reason,
    }))
}

/// A failed call as a refusal. Only failures of the service itself count as "unavailable"
/// (and so may be let through): a refused credential is the app's mistake, and a refused
/// parameter may be the user's doing (a forged ticket must not buy a let-through).
fn classify(error: &Error) -> Refusal {
    match error {
        Error::Encode(_) => Refusal::Malformed(Malformed::Unencodable),
        Error::Timeout { .. } => Refusal::Unavailable(Unavailable::Timeout),
        Error::NeverSent(_) | Error::MaybeSent(_) => Refusal::Unavailable(Unavailable::Transport),
        Error::BodyTooLarge { .. } | Error::Response(_) => {
            Refusal::Unavailable(Unavailable::BadResponse)
        }
        Error::Api3(e) if e.is_auth_failure() => Refusal::Misconfigured(Misconfigured::Credential),
        Error::Api2(e) if e.is_auth_failure() => Refusal::Misconfigured(Misconfigured::Credential),
        Error::Api3(e) if e.is_retryable() || is_service_failure(e.code()) => {
            Refusal::Unavailable(Unavailable::ServiceError)
        }
        Error::Api2(e) if e.is_retryable() => Refusal::Unavailable(Unavailable::ServiceError),
        _ => Refusal::Rejected(Rejected::ServiceRefused),
    }
}

/// API 3.0 error codes that mean the service, not the request, failed.
fn is_service_failure(code: &str) -> bool {
    [
        "InternalError",
        "ResourceUnavailable",
        "RequestLimitExceeded",
    ]
    .iter()
    .any(|prefix| code.starts_with(prefix))
}

#[cfg(test)]
mod tests {
    use super::*;
    use captcha_hyper::Api3Error;

    #[test]
    fn only_service_failures_are_unavailable() {
        let api3 = |code: &str| Error::Api3(Api3Error::new(code, "m", Some("r".to_owned())));
        assert_eq!(
            classify(&api3("InternalError")),
            Refusal::Unavailable(Unavailable::ServiceError)
        );
        assert_eq!(
            classify(&api3("AuthFailure.SecretIdNotFound")),
            Refusal::Misconfigured(Misconfigured::Credential)
        );
        assert_eq!(
            classify(&api3("InvalidParameter")),
            Refusal::Rejected(Rejected::ServiceRefused)
        );
        assert_eq!(
            classify(&Error::Timeout {
                after: std::time::Duration::from_secs(1)
            }),
            Refusal::Unavailable(Unavailable::Timeout)
        );
    }
}
