//! The `api3_disaster_ticket` target: recognising the disaster-recovery tickets a page makes
//! itself (`trerror_<errorCode>_<CaptchaAppId>_<unixSeconds>`).

use captcha_proto::api3::{DISASTER_RECOVERY_PREFIX, DisasterRecoveryTicket};

use crate::Checks;

/// Reads `data` (as UTF-8; a ticket arrives as text) with
/// [`DisasterRecoveryTicket::recognise`]: a ticket is recognised exactly when it starts
/// with `trerror`, and each part is the number written there, or `None` when the part is
/// missing or not only ASCII digits or too large.
pub fn api3_disaster_ticket(data: &[u8], _checks: Checks) {
    let Ok(ticket) = std::str::from_utf8(data) else {
        return;
    };
    let recognised = DisasterRecoveryTicket::recognise(ticket);
    let Some(rest) = ticket.strip_prefix(DISASTER_RECOVERY_PREFIX) else {
        assert!(recognised.is_none(), "recognised without the prefix");
        return;
    };
    let recognised = recognised.expect("a ticket with the prefix is recognised");
    // Read independently: the parts after the prefix's optional `_`, the last taking the rest.
    let rest = rest.strip_prefix('_').unwrap_or(rest);
    let mut parts = rest.splitn(3, '_');
    let mut number = || -> Option<u128> {
        let part = parts.next()?;
        if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        part.parse().ok()
    };
    let expected = (number(), number(), number());
    let fits = |value: Option<u128>, max: u128| value.filter(|v| *v <= max);
    assert_eq!(
        recognised.error_code.map(u128::from),
        fits(expected.0, u128::from(u32::MAX)),
        "error code"
    );
    assert_eq!(
        recognised.captcha_app_id.map(u128::from),
        fits(expected.1, u128::from(u64::MAX)),
        "CaptchaAppId"
    );
    assert_eq!(
        recognised.created_at.map(u128::from),
        fits(expected.2, u128::from(u64::MAX)),
        "creation time"
    );
}
