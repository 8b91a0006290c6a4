//! Disaster-recovery tickets (`trerror_<errorCode>_<CaptchaAppId>_<unixSeconds>`): recognised
//! before any call and answered without one unless the caller asks to send them, reported as
//! their own verdict, and passed only under the caller's explicit policy.

use captcha_proto::api3::{
    Api3Action, Api3Config, Api3Exchange, CaptchaResult, DescribeCaptchaResult,
    DisasterRecoveryPolicy, DisasterRecoveryTicket, RejectReason, Verdict,
};
use captcha_proto::{Credential, Exchange, Stamp};
use proptest::prelude::*;

fn check(ticket: &str) -> DescribeCaptchaResult {
    DescribeCaptchaResult::new(
        ticket,
        "@Vki",
        "203.0.113.7".parse().unwrap(),
        199999164,
        "app-secret",
    )
}

#[test]
fn a_disaster_recovery_ticket_is_answered_without_a_call() {
    let action = check("trerror_1001_199999164_1700000000");
    let ticket = action.disaster_recovery_ticket().expect("recognised");
    assert_eq!(
        (ticket.error_code, ticket.captcha_app_id, ticket.created_at),
        (Some(1001), Some(199999164), Some(1700000000))
    );
    let result = action.answer_locally().expect("answered without a call");
    assert_eq!(result.verdict, Verdict::DisasterRecovery(ticket));
    assert_eq!(result.code, 21);
    assert!(result.request_id.is_empty());
    assert!(result.is_disaster_recovery());
    assert!(!result.is_pass(), "rejected by default");
    assert!(!result.passes(DisasterRecoveryPolicy::default()));
    assert!(result.passes(DisasterRecoveryPolicy::Accept));
    assert_eq!(result.verdict.reject_reason(), None);

    // The exchange a client drives answers the same way, so nothing is sent.
    let config = Api3Config::new(Credential::new("AKIDexample", "secret").unwrap());
    let exchange = Api3Exchange {
        config: &config,
        action: &action,
    };
    assert_eq!(exchange.answer_locally(), Some(result));
}

#[test]
fn a_caller_who_asks_sends_it_and_gets_tencents_verdict() {
    let action = check("trerror_1001_199999164_1700000000").send_disaster_recovery();
    assert_eq!(action.answer_locally(), None);
    let config = Api3Config::new(Credential::new("AKIDexample", "secret").unwrap());
    let request = config
        .encode(&action, Stamp::new(1_700_000_000, 1).unwrap())
        .unwrap();
    let body = String::from_utf8(request.body().clone()).unwrap();
    assert!(body.contains(r#""Ticket":"trerror_1001_199999164_1700000000""#));
    let answer =
        br#"{"Response":{"CaptchaCode":21,"CaptchaMsg":"disaster recovery","RequestId":"r"}}"#;
    let result: CaptchaResult = action.decode(http::StatusCode::OK, answer).unwrap();
    assert_eq!(
        result.verdict,
        Verdict::Reject(RejectReason::DisasterRecoveryTicket)
    );
    assert!(result.is_disaster_recovery());
    assert!(
        !result.passes(DisasterRecoveryPolicy::Accept),
        "Tencent said no"
    );
}

#[test]
fn ordinary_tickets_are_sent() {
    for ticket in ["t03ticket", "Trerror_1_2_3", " trerror_1_2_3", "tr"] {
        let action = check(ticket);
        assert_eq!(action.disaster_recovery_ticket(), None, "{ticket}");
        assert_eq!(action.answer_locally(), None, "{ticket}");
    }
    let pass = Verdict::Pass;
    assert!(pass.passes(DisasterRecoveryPolicy::Reject));
    let reject = Verdict::Reject(RejectReason::TicketReused);
    assert!(!reject.passes(DisasterRecoveryPolicy::Accept));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1_000))]

    /// Whatever the page (or an attacker) writes, recognising it never panics, and a ticket
    /// is a disaster-recovery one exactly when it starts with `trerror`.
    #[test]
    fn recognising_never_panics(text in ".{0,64}", tail in "[_0-9a-z+-]{0,40}") {
        let recognised = DisasterRecoveryTicket::recognise(&text);
        prop_assert_eq!(recognised.is_some(), text.starts_with("trerror"));
        let ticket = format!("trerror{tail}");
        prop_assert!(DisasterRecoveryTicket::recognise(&ticket).is_some());
    }

    /// A well-formed ticket reads back exactly.
    #[test]
    fn well_formed_tickets_read_back(code: u32, app_id: u64, created_at: u64) {
        let ticket = format!("trerror_{code}_{app_id}_{created_at}");
        let read = DisasterRecoveryTicket::recognise(&ticket).unwrap();
        prop_assert_eq!(
            (read.error_code, read.captcha_app_id, read.created_at),
            (Some(code), Some(app_id), Some(created_at))
        );
        let result = check(&ticket).answer_locally().unwrap();
        prop_assert_eq!(result.verdict, Verdict::DisasterRecovery(read));
    }
}
