//! [`Api3TicketStore`]: the tickets and Randstrs the API 3.0 front-end callback would hand a
//! user who solved the captcha of one captcha app. Each passes one `DescribeCaptchaResult`.

use std::fmt;
use std::net::IpAddr;

use captcha_proto::Ticket;

use crate::expiring::{ExpiringMap, WhenFull};
use crate::random;

/// Most tickets held at once; the oldest is forgotten beyond that.
const CAPACITY: usize = 1_000_000;

/// Prefix of minted tickets (Tencent's own start `tr03…`/`t03…`; never `trerror`).
const TICKET_PREFIX: &str = "tr03";

/// What the front-end callback gives a user who solved a captcha: `ticket` and `randstr`,
/// for the app `captcha_app_id`. `Debug` hides the ticket.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Api3Ticket {
    /// The `Ticket` (single use, valid for the emulator's ticket lifetime, 5 minutes by
    /// default).
    pub ticket: Ticket,
    /// The `Randstr` that must accompany it.
    pub randstr: String,
    /// The `CaptchaAppId` it was minted for.
    pub captcha_app_id: u64,
}

/// The verdict on a presented ticket, in the order the checks run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// Minted here, for this app and key, Randstr and user; fresh and first use.
    Pass,
    /// Never minted here (or forgotten long ago): it cannot be decrypted.
    Unknown,
    /// Minted for another `CaptchaAppId` (not spent: that app's owner may still check it).
    AppMismatch,
    /// The `AppSecretKey` is not the app's (not spent, for the same reason).
    SecretMismatch,
    /// Already presented once.
    Used,
    /// Its lifetime is over.
    Expired,
    /// Another Randstr (spends the ticket: a one-shot proof cannot be probed).
    RandstrMismatch,
    /// Another `UserIp` (spends the ticket too).
    IpMismatch,
}

/// A `DescribeCaptchaResult` as the store needs it.
pub(crate) struct Presented<'a> {
    pub(crate) ticket: &'a str,
    pub(crate) randstr: &'a str,
    pub(crate) captcha_app_id: u64,
    /// Whether the `AppSecretKey` is the key of `captcha_app_id`.
    pub(crate) app_secret_matches: bool,
    pub(crate) user_ip: IpAddr,
}

/// The verdict and, for a known ticket, when it was minted (the captcha's fetch and
/// submit time).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Checked {
    pub(crate) outcome: Outcome,
    pub(crate) minted_at: Option<u64>,
}

struct TicketInfo {
    captcha_app_id: u64,
    randstr: String,
    user_ip: IpAddr,
    minted_at: u64,
    expires_at: u64,
    used: bool,
}

pub(crate) struct Api3TicketStore {
    tickets: ExpiringMap<String, TicketInfo>,
    ttl: u64,
}

impl fmt::Debug for Api3TicketStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Api3TicketStore")
            .field("ttl", &self.ttl)
            .finish_non_exhaustive()
    }
}

impl Api3TicketStore {
    pub(crate) fn new(ttl: u64) -> Self {
        Self {
            tickets: ExpiringMap::new(CAPACITY, WhenFull::EvictOldest),
            ttl,
        }
    }

    /// A fresh ticket and Randstr for a user at `user_ip` who solved a captcha of the app
    /// `captcha_app_id` at `now`.
    pub(crate) fn mint(&self, captcha_app_id: u64, user_ip: IpAddr, now: u64) -> Api3Ticket {
        let ticket = random::token(TICKET_PREFIX);
        let randstr = random::randstr();
        let expires_at = now.saturating_add(self.ttl);
        let info = TicketInfo {
            captcha_app_id,
            randstr: randstr.clone(),
            user_ip,
            minted_at: now,
            expires_at,
            used: false,
        };
        // Kept one more lifetime after expiry so a late check says "expired", not "unknown".
        let forget_at = expires_at.saturating_add(self.ttl.max(1));
        // Evicting never fails.
        let _ = self.tickets.insert(ticket.clone(), info, forget_at, now);
        Api3Ticket {
            ticket: Ticket::new(ticket),
            randstr,
            captcha_app_id,
        }
    }

    /// Checks `presented`, atomically under concurrent checks: of any number of
    /// simultaneous checks of one ticket, at most one passes.
    pub(crate) fn check(&self, presented: &Presented<'_>, now: u64) -> Checked {
        self.tickets.with_live(presented.ticket, now, |info| {
            let Some(info) = info else {
                return Checked {
                    outcome: Outcome::Unknown,
                    minted_at: None,
                };
            };
            let outcome = if presented.captcha_app_id != info.captcha_app_id {
                Outcome::AppMismatch
            } else if !presented.app_secret_matches {
                Outcome::SecretMismatch
            } else if std::mem::replace(&mut info.used, true) {
                Outcome::Used
            } else if now >= info.expires_at {
                Outcome::Expired
            } else if presented.randstr != info.randstr {
                Outcome::RandstrMismatch
            } else if presented.user_ip != info.user_ip {
                Outcome::IpMismatch
            } else {
                Outcome::Pass
            };
            Checked {
                outcome,
                minted_at: Some(info.minted_at),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const APP: u64 = 190_000_000;

    fn ip() -> IpAddr {
        "203.0.113.7".parse().unwrap()
    }

    fn presented<'a>(minted: &'a Api3Ticket) -> Presented<'a> {
        Presented {
            ticket: minted.ticket.expose_secret(),
            randstr: &minted.randstr,
            captcha_app_id: minted.captcha_app_id,
            app_secret_matches: true,
            user_ip: ip(),
        }
    }

    fn outcome(store: &Api3TicketStore, p: &Presented<'_>, now: u64) -> Outcome {
        store.check(p, now).outcome
    }

    #[test]
    fn a_ticket_passes_once_and_tells_its_time() {
        let store = Api3TicketStore::new(300);
        let minted = store.mint(APP, ip(), 1000);
        assert!(minted.ticket.expose_secret().starts_with("tr03"));
        assert!(!format!("{minted:?}").contains(minted.ticket.expose_secret()));
        let first = store.check(&presented(&minted), 1001);
        assert_eq!(
            first,
            Checked {
                outcome: Outcome::Pass,
                minted_at: Some(1000)
            }
        );
        assert_eq!(outcome(&store, &presented(&minted), 1002), Outcome::Used);
        let unknown = Presented {
            ticket: "tr03nope",
            ..presented(&minted)
        };
        assert_eq!(store.check(&unknown, 1002).minted_at, None);
        assert_eq!(outcome(&store, &unknown, 1002), Outcome::Unknown);
    }

    #[test]
    fn app_and_key_mismatches_do_not_spend_the_ticket() {
        let store = Api3TicketStore::new(300);
        let minted = store.mint(APP, ip(), 1000);
        let other_app = Presented {
            captcha_app_id: APP + 1,
            ..presented(&minted)
        };
        assert_eq!(outcome(&store, &other_app, 1001), Outcome::AppMismatch);
        let wrong_key = Presented {
            app_secret_matches: false,
            ..presented(&minted)
        };
        assert_eq!(outcome(&store, &wrong_key, 1001), Outcome::SecretMismatch);
        assert_eq!(outcome(&store, &presented(&minted), 1001), Outcome::Pass);
    }

    #[test]
    fn randstr_and_ip_mismatches_spend_it_and_expiry_ends_it() {
        let store = Api3TicketStore::new(300);
        let minted = store.mint(APP, ip(), 1000);
        let wrong = Presented {
            randstr: "@xyz0",
            ..presented(&minted)
        };
        assert_eq!(outcome(&store, &wrong, 1001), Outcome::RandstrMismatch);
        assert_eq!(outcome(&store, &presented(&minted), 1001), Outcome::Used);

        let minted = store.mint(APP, ip(), 1000);
        let elsewhere = Presented {
            user_ip: "198.51.100.1".parse().unwrap(),
            ..presented(&minted)
        };
        assert_eq!(outcome(&store, &elsewhere, 1001), Outcome::IpMismatch);

        let minted = store.mint(APP, ip(), 1000);
        assert_eq!(outcome(&store, &presented(&minted), 1299), Outcome::Pass);
        let minted = store.mint(APP, ip(), 1000);
        assert_eq!(outcome(&store, &presented(&minted), 1300), Outcome::Expired);
        let minted = store.mint(APP, ip(), 1000);
        assert_eq!(
            outcome(&store, &presented(&minted), 1600),
            Outcome::Unknown,
            "forgotten one lifetime after expiry"
        );
    }
}
