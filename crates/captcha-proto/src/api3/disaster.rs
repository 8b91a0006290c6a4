//! Disaster-recovery tickets (容灾票据): what a page makes itself when `TCaptcha.js` cannot be
//! loaded or fails, `trerror_<errorCode>_<CaptchaAppId>_<unixSeconds>` (docs/protocol.md,
//! "Disaster-recovery tickets"). They are recognised before any call, and reported as their
//! own verdict: whether to let such a user through while the captcha service is down is the
//! caller's policy, [`DisasterRecoveryPolicy`], rejecting by default.

use super::result::DISASTER_RECOVERY_PREFIX;

/// A disaster-recovery ticket, read from its text. The page makes it without Tencent, so it
/// proves nothing about the user: anyone can write one. Every part is what the ticket says
/// (`None` where it is missing or not a number), never checked against anything.
///
/// ```
/// use captcha_proto::api3::DisasterRecoveryTicket;
/// let ticket = DisasterRecoveryTicket::recognise("trerror_1001_199999164_1700000000").unwrap();
/// assert_eq!(ticket.error_code, Some(1001));
/// assert_eq!(ticket.captcha_app_id, Some(199999164));
/// assert_eq!(ticket.created_at, Some(1700000000));
/// assert!(DisasterRecoveryTicket::recognise("t03ticket").is_none());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct DisasterRecoveryTicket {
    /// The page's error code (1001: the script did not load).
    pub error_code: Option<u32>,
    /// The `CaptchaAppId` the page wrote (Tencent answers `CaptchaCode` 16 when it cannot
    /// read one, 21 otherwise).
    pub captcha_app_id: Option<u64>,
    /// When the page made the ticket, UNIX seconds.
    pub created_at: Option<u64>,
}

impl DisasterRecoveryTicket {
    /// The disaster-recovery ticket `ticket` is, if it starts with `trerror`; its parts are
    /// read where they are decimal numbers. Never panics, whatever the text.
    pub fn recognise(ticket: &str) -> Option<Self> {
        let rest = ticket.strip_prefix(DISASTER_RECOVERY_PREFIX)?;
        let mut parts = rest.strip_prefix('_').unwrap_or(rest).splitn(3, '_');
        let mut next = || parts.next().filter(|part| is_decimal(part));
        Some(Self {
            error_code: next().and_then(|part| part.parse().ok()),
            captcha_app_id: next().and_then(|part| part.parse().ok()),
            created_at: next().and_then(|part| part.parse().ok()),
        })
    }
}

/// Only ASCII digits: `parse` alone would also take a leading `+`.
fn is_decimal(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit())
}

/// What to do with a disaster-recovery ticket: the caller's decision, made in one line
/// (`result.passes(DisasterRecoveryPolicy::Accept)`). Tencent's advice for an outage is that
/// the business decide, so that a captcha outage does not block every login; but such a
/// ticket is written by the page, so accepting it lets anyone through who sends one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum DisasterRecoveryPolicy {
    /// A disaster-recovery ticket does not pass (the default).
    #[default]
    Reject,
    /// A disaster-recovery ticket passes: the captcha is skipped while the page could not
    /// load it.
    Accept,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_it_can_and_never_more() {
        let parts = |ticket: &str| {
            DisasterRecoveryTicket::recognise(ticket)
                .map(|t| (t.error_code, t.captcha_app_id, t.created_at))
        };
        assert_eq!(
            parts("trerror_1001_190000000_1700000000"),
            Some((Some(1001), Some(190000000), Some(1700000000)))
        );
        assert_eq!(parts("trerror"), Some((None, None, None)));
        assert_eq!(parts("trerror_1001"), Some((Some(1001), None, None)));
        assert_eq!(
            parts("trerror_1001_appid_1700000000"),
            Some((Some(1001), None, Some(1700000000)))
        );
        assert_eq!(parts("trerror_+1_-2_3_4"), Some((None, None, None)));
        assert_eq!(
            parts("trerror_99999999999_1_184467440737095516150"),
            Some((None, Some(1), None))
        );
        assert_eq!(parts("t03trerror_1_2_3"), None);
        assert_eq!(parts(""), None);
    }
}
