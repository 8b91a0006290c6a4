//! [`CaptchaPass`]: what a handler behind the check learns — that the request got through,
//! how, and the verdict's risk fields when it wants more.

use std::net::IpAddr;

use axum::extract::FromRequestParts;
use captcha_hyper::api3::CaptchaResult;
use http::request::Parts;

use crate::refusal::{CaptchaRejection, Misconfigured, Refusal, Unavailable};

/// How a request got through the check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PassedBy {
    /// The captcha service said the ticket passes (`CaptchaCode` 1, or API 2.0 code 0).
    Verified,
    /// A disaster-recovery ticket, let through by
    /// [`DisasterRecoveryPolicy::Accept`](captcha_hyper::api3::DisasterRecoveryPolicy).
    /// Anyone can write one: treat the user as unverified.
    DisasterRecovery,
    /// The captcha service did not answer and the app opted into
    /// [`WhenUnavailable::LetThrough`](crate::WhenUnavailable): nothing was verified.
    LetThrough(Unavailable),
}

/// A request that got through the captcha check. Extract it in a handler behind
/// [`CaptchaLayer`](crate::CaptchaLayer), or get it from the [`Captcha`](crate::Captcha)
/// extractor. Holds no ticket and no key.
#[derive(Debug, Clone)]
pub struct CaptchaPass {
    passed_by: PassedBy,
    result: Option<CaptchaResult>,
    user_ip: IpAddr,
}

impl CaptchaPass {
    pub(crate) fn new(passed_by: PassedBy, result: Option<CaptchaResult>, user_ip: IpAddr) -> Self {
        Self {
            passed_by,
            result,
            user_ip,
        }
    }

    /// How the request got through.
    pub fn passed_by(&self) -> PassedBy {
        self.passed_by
    }

    /// True only when the captcha service verified the ticket.
    pub fn is_verified(&self) -> bool {
        self.passed_by == PassedBy::Verified
    }

    /// True when nothing was verified because the captcha service did not answer and the
    /// app lets such requests through.
    pub fn was_let_through(&self) -> bool {
        matches!(self.passed_by, PassedBy::LetThrough(_))
    }

    /// The whole API 3.0 answer, when one was received (`None` for API 2.0 and for a
    /// request let through).
    pub fn result(&self) -> Option<&CaptchaResult> {
        self.result.as_ref()
    }

    /// `EvilLevel` (0–100, 100 malicious), when the service sent it.
    pub fn evil_level(&self) -> Option<i64> {
        self.result.as_ref().and_then(|result| result.evil_level)
    }

    /// `Score` (0–100, higher is riskier), when the service sent it.
    pub fn score(&self) -> Option<i64> {
        self.result.as_ref().and_then(|result| result.score)
    }

    /// The user's address the ticket was checked for (the peer, or the client a trusted
    /// proxy named).
    pub fn user_ip(&self) -> IpAddr {
        self.user_ip
    }
}

/// Behind [`CaptchaLayer`](crate::CaptchaLayer), the pass it left in the request. Without
/// the layer, a 500 ([`Misconfigured::NoLayer`]): a handler never runs unchecked.
impl<S: Send + Sync> FromRequestParts<S> for CaptchaPass {
    type Rejection = CaptchaRejection;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        match parts.extensions.get::<Self>() {
            Some(pass) => Ok(pass.clone()),
            None => {
                let refusal = Refusal::Misconfigured(Misconfigured::NoLayer);
                tracing::error!(
                    target: "captcha_axum",
                    "CaptchaPass extracted without CaptchaLayer in front of the handler"
                );
                Err(CaptchaRejection::new(refusal, refusal.default_response()))
            }
        }
    }
}
