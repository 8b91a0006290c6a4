//! Test keys: reserved `CaptchaAppId`s, configured on every emulator with
//! [`TEST_APP_SECRET_KEY`](crate::TEST_APP_SECRET_KEY), whose "solved" captchas always end one
//! way — the stand-in `TCaptcha.js` finishes them at `show()` without a dialog, and
//! `POST /emulator/v3/tickets` and [`EmulatorHandle::mint_api3_ticket`](crate::EmulatorHandle::mint_api3_ticket)
//! hand out the matching ticket. Tencent publishes no test keys; Turnstile and hCaptcha do,
//! and front ends and back ends rely on them.

use std::net::IpAddr;

use captcha_proto::Ticket;
use captcha_proto::api3::DISASTER_RECOVERY_PREFIX;

use crate::api3::{Api3Ticket, Api3TicketKind};
use crate::random;
use crate::state::State;

/// The test key a `CaptchaAppId` is, if it is one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TestKey {
    /// Every ticket passes (`CaptchaCode` 1), every time.
    Pass,
    /// Every ticket fails as one never minted: `CaptchaCode` 15, every time.
    Fail,
    /// Every ticket was already used: `CaptchaCode` 9, every time.
    Spent,
    /// A disaster-recovery ticket, as a page makes when `TCaptcha.js` cannot load.
    DisasterRecovery,
}

impl TestKey {
    pub(crate) fn of(captcha_app_id: u64) -> Option<Self> {
        match captcha_app_id {
            crate::TEST_CAPTCHA_APP_ID_PASS => Some(Self::Pass),
            crate::TEST_CAPTCHA_APP_ID_FAIL => Some(Self::Fail),
            crate::TEST_CAPTCHA_APP_ID_SPENT => Some(Self::Spent),
            crate::TEST_CAPTCHA_APP_ID_DISASTER_RECOVERY => Some(Self::DisasterRecovery),
            _ => None,
        }
    }
}

/// What the front-end callback gets for a solved captcha of `captcha_app_id`: a ticket
/// minted in the store, or for a test key the ticket that key stands for. The error code
/// is set for a disaster-recovery ticket (1001, "jsload_error").
pub(crate) struct Minted {
    pub(crate) ticket: Api3Ticket,
    pub(crate) error_code: Option<u32>,
}

/// The page's error code in a disaster-recovery ticket: the script did not load.
pub(crate) const JSLOAD_ERROR_CODE: u32 = 1001;

/// Mints a ticket of `kind` for an app that is configured or a test key (the caller
/// checked). A test key's made-up tickets come with a Randstr, as on a web page; they
/// are never stored, so `kind` only labels them.
pub(crate) fn mint(
    state: &State,
    kind: Api3TicketKind,
    captcha_app_id: u64,
    user_ip: IpAddr,
) -> Minted {
    let now = state.now();
    let made = |ticket: String, error_code| Minted {
        ticket: Api3Ticket {
            ticket: Ticket::new(ticket),
            randstr: random::randstr(),
            captcha_app_id,
            kind,
        },
        error_code,
    };
    match TestKey::of(captcha_app_id) {
        None => Minted {
            ticket: state.v3_tickets.mint(kind, captcha_app_id, user_ip, now),
            error_code: None,
        },
        // Shaped like real ones, never stored: the key decides the answer, not the ticket.
        Some(TestKey::Pass | TestKey::Fail | TestKey::Spent) => made(random::token("tr03"), None),
        Some(TestKey::DisasterRecovery) => made(
            format!("{DISASTER_RECOVERY_PREFIX}_{JSLOAD_ERROR_CODE}_{captcha_app_id}_{now}"),
            Some(JSLOAD_ERROR_CODE),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reserved_ids_are_test_keys_and_others_are_not() {
        assert_eq!(
            TestKey::of(crate::TEST_CAPTCHA_APP_ID_PASS),
            Some(TestKey::Pass)
        );
        assert_eq!(
            TestKey::of(crate::TEST_CAPTCHA_APP_ID_FAIL),
            Some(TestKey::Fail)
        );
        assert_eq!(
            TestKey::of(crate::TEST_CAPTCHA_APP_ID_DISASTER_RECOVERY),
            Some(TestKey::DisasterRecovery)
        );
        assert_eq!(TestKey::of(crate::DEMO_CAPTCHA_APP_ID), None);
    }
}
