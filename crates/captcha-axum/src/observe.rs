//! What every check leaves behind: one `tracing` event (target `captcha_axum`) with the API,
//! where the ticket was found, the outcome, its reason and the `CaptchaCode`; and, with the
//! `metrics` feature, one increment of `captcha_axum_checks_total{outcome, code}`. Never the
//! ticket, the randstr, a key or the user's address.

use crate::fields::Source;
use crate::guard::Settings;
use crate::pass::{CaptchaPass, PassedBy};
use crate::refusal::{Misconfigured, Refusal, Rejected};

/// The counter incremented once per check (feature `metrics`).
pub const CHECKS_COUNTER: &str = "captcha_axum_checks_total";

/// The outcome of a check, its reason and `CaptchaCode`, as labels.
struct Labels {
    outcome: &'static str,
    reason: &'static str,
    code: Option<i64>,
}

fn labels(outcome: &Result<CaptchaPass, Refusal>) -> Labels {
    match outcome {
        Ok(pass) => {
            let code = pass.result().map(|result| result.code);
            match pass.passed_by() {
                PassedBy::Verified => Labels {
                    outcome: "pass",
                    reason: "verified",
                    code,
                },
                PassedBy::DisasterRecovery => Labels {
                    outcome: "pass",
                    reason: "disaster_recovery",
                    code,
                },
                PassedBy::LetThrough(why) => Labels {
                    outcome: "let_through",
                    reason: why.name(),
                    code,
                },
            }
        }
        Err(refusal) => Labels {
            outcome: refusal.kind(),
            reason: refusal_reason(refusal),
            code: match refusal {
                Refusal::Rejected(rejected) => rejected.code(),
                _ => None,
            },
        },
    }
}

fn refusal_reason(refusal: &Refusal) -> &'static str {
    match refusal {
        Refusal::Malformed(reason) => reason.name(),
        Refusal::Rejected(Rejected::Code { .. }) => "captcha_code",
        Refusal::Rejected(Rejected::DisasterRecovery) => "disaster_recovery",
        Refusal::Rejected(Rejected::CheckFailed) => "check_failed",
        Refusal::Rejected(Rejected::ServiceRefused) => "service_refused",
        Refusal::Unavailable(why) => why.name(),
        Refusal::Misconfigured(Misconfigured::NoPeerAddress) => "no_peer_address",
        Refusal::Misconfigured(Misconfigured::Credential) => "credential",
        Refusal::Misconfigured(Misconfigured::NoLayer) => "no_layer",
    }
}

/// Records one finished check.
pub(crate) fn check(
    settings: &Settings,
    source: Option<Source>,
    outcome: &Result<CaptchaPass, Refusal>,
) {
    let labels = labels(outcome);
    let api = settings.api.name();
    let source = source.map_or("none", Source::name);
    match labels.code {
        Some(code) => tracing::info!(
            target: "captcha_axum",
            api,
            source,
            outcome = labels.outcome,
            reason = labels.reason,
            code,
            "captcha check"
        ),
        None => tracing::info!(
            target: "captcha_axum",
            api,
            source,
            outcome = labels.outcome,
            reason = labels.reason,
            "captcha check"
        ),
    }
    #[cfg(feature = "metrics")]
    {
        let code = labels
            .code
            .map_or_else(|| "none".to_owned(), |code| code.to_string());
        metrics::counter!(
            CHECKS_COUNTER,
            "outcome" => labels.outcome,
            "reason" => labels.reason,
            "code" => code
        )
        .increment(1);
    }
}
