//! [`TicketStore`]: tickets minted by the emulator (standing in for a user solving the
//! captcha in a browser), each good for exactly one `CaptchaCheck`.

use std::net::IpAddr;

use crate::expiring::{ExpiringMap, WhenFull};
use crate::random;

/// Most tickets held at once; the oldest is forgotten beyond that.
const CAPACITY: usize = 1_000_000;

/// The verdict on a presented ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CheckOutcome {
    /// Valid, unexpired, first use, same user and type: passes.
    Pass,
    /// Never minted here, or forgotten long ago.
    Unknown,
    /// Minted, but its lifetime is over.
    Expired,
    /// Already presented once.
    Used,
    /// Minted for another `userIp`.
    WrongUserIp,
    /// Minted for another `captchaType`.
    WrongCaptchaType,
}

struct TicketInfo {
    user_ip: IpAddr,
    captcha_type: u32,
    expires_at: u64,
    used: bool,
}

pub(crate) struct TicketStore {
    tickets: ExpiringMap<String, TicketInfo>,
    ttl: u64,
}

impl TicketStore {
    pub(crate) fn new(ttl: u64) -> Self {
        Self {
            tickets: ExpiringMap::new(CAPACITY, WhenFull::EvictOldest),
            ttl,
        }
    }

    /// A fresh ticket for a user at `user_ip` who solved a captcha of `captcha_type`.
    pub(crate) fn mint(&self, user_ip: IpAddr, captcha_type: u32, now: u64) -> String {
        let ticket = random::token("t03");
        let expires_at = now.saturating_add(self.ttl);
        let info = TicketInfo {
            user_ip,
            captcha_type,
            expires_at,
            used: false,
        };
        // Kept one more lifetime after expiry so a late check says "expired", not "unknown".
        let forget_at = expires_at.saturating_add(self.ttl.max(1));
        // Evicting never fails.
        let _ = self.tickets.insert(ticket.clone(), info, forget_at, now);
        ticket
    }

    /// Spends `ticket`: whatever the verdict, it never passes again (a ticket is a one-shot
    /// proof, so a check with the wrong user burns it too). Atomic under concurrent checks.
    pub(crate) fn check(
        &self,
        ticket: &str,
        user_ip: &str,
        captcha_type: u32,
        now: u64,
    ) -> CheckOutcome {
        self.tickets.with_live(ticket, now, |info| {
            let Some(info) = info else {
                return CheckOutcome::Unknown;
            };
            if std::mem::replace(&mut info.used, true) {
                CheckOutcome::Used
            } else if now >= info.expires_at {
                CheckOutcome::Expired
            } else if user_ip.trim().parse::<IpAddr>() != Ok(info.user_ip) {
                CheckOutcome::WrongUserIp
            } else if captcha_type != info.captcha_type {
                CheckOutcome::WrongCaptchaType
            } else {
                CheckOutcome::Pass
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const IP: &str = "203.0.113.7";

    #[test]
    fn a_ticket_passes_once() {
        let store = TicketStore::new(300);
        let ticket = store.mint(IP.parse().unwrap(), 9, 1000);
        assert_eq!(store.check(&ticket, IP, 9, 1001), CheckOutcome::Pass);
        assert_eq!(store.check(&ticket, IP, 9, 1002), CheckOutcome::Used);
        assert_eq!(store.check("t03nope", IP, 9, 1002), CheckOutcome::Unknown);
    }

    #[test]
    fn expiry_and_mismatches_fail() {
        let store = TicketStore::new(300);
        let ip = IP.parse().unwrap();
        let t = store.mint(ip, 9, 1000);
        assert_eq!(store.check(&t, IP, 9, 1300), CheckOutcome::Expired);
        let t = store.mint(ip, 9, 1000);
        assert_eq!(
            store.check(&t, "198.51.100.1", 9, 1001),
            CheckOutcome::WrongUserIp
        );
        assert_eq!(
            store.check(&t, IP, 9, 1001),
            CheckOutcome::Used,
            "a mismatch burns it"
        );
        let t = store.mint(ip, 9, 1000);
        assert_eq!(store.check(&t, IP, 1, 1001), CheckOutcome::WrongCaptchaType);
        let t = store.mint(ip, 9, 1000);
        assert_eq!(
            store.check(&t, IP, 9, 1601),
            CheckOutcome::Unknown,
            "forgotten"
        );
    }
}
