//! [`Api3TicketStore`]: the tickets and Randstrs the API 3.0 front-end callback would hand a
//! user who solved the captcha of one captcha app. Each passes one ticket check: a web
//! ticket (with its Randstr) one `DescribeCaptchaResult` or `DescribeCaptchaRceResult`, a
//! mini-program plugin ticket (no Randstr) one `DescribeCaptchaMiniResult` or
//! `DescribeCaptchaMiniRiskResult`.

use std::fmt;
use std::net::IpAddr;

use captcha_proto::Ticket;

use crate::expiring::{ExpiringMap, WhenFull};
use crate::random;

/// Most tickets held at once; the oldest is forgotten beyond that.
const CAPACITY: usize = 1_000_000;

/// Prefix of minted web tickets (Tencent's own start `tr03…`/`t03…`; never `trerror`).
const TICKET_PREFIX: &str = "tr03";
/// Prefix of minted mini-program plugin tickets.
const MINI_TICKET_PREFIX: &str = "tm03";

/// Where a ticket comes from, and so which actions check it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Api3TicketKind {
    /// From `TCaptcha.js` on a web page or in an app: ticket and Randstr, checked with
    /// `DescribeCaptchaResult` or `DescribeCaptchaRceResult`.
    Web,
    /// From the mini-program plugin: a ticket without Randstr, checked with
    /// `DescribeCaptchaMiniResult` or `DescribeCaptchaMiniRiskResult`.
    Mini,
}

/// What the front-end callback gives a user who solved a captcha: `ticket` and `randstr`,
/// for the app `captcha_app_id`. `Debug` hides the ticket.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Api3Ticket {
    /// The `Ticket` (single use, valid for the emulator's ticket lifetime, 5 minutes by
    /// default).
    pub ticket: Ticket,
    /// The `Randstr` that must accompany it (empty for a mini-program ticket).
    pub randstr: String,
    /// The `CaptchaAppId` it was minted for.
    pub captcha_app_id: u64,
    /// Which checks accept it.
    pub kind: Api3TicketKind,
}

/// The verdict on a presented ticket, in the order the checks run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// Minted here, for this app and key, Randstr and user; fresh and first use.
    Pass,
    /// Never minted here (or forgotten long ago), or minted for the other kind of check:
    /// it cannot be decrypted.
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
    /// The Randstr of a web check; `None` for a mini-program check.
    pub(crate) randstr: Option<&'a str>,
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
    kind: Api3TicketKind,
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

    /// A fresh ticket (and Randstr, for the web) of `kind` for a user at `user_ip` who
    /// solved a captcha of the app `captcha_app_id` at `now`.
    pub(crate) fn mint(
        &self,
        kind: Api3TicketKind,
        captcha_app_id: u64,
        user_ip: IpAddr,
        now: u64,
    ) -> Api3Ticket {
        let (ticket, randstr) = match kind {
            Api3TicketKind::Web => (random::token(TICKET_PREFIX), random::randstr()),
            Api3TicketKind::Mini => (random::token(MINI_TICKET_PREFIX), String::new()),
        };
        let expires_at = now.saturating_add(self.ttl);
        let info = TicketInfo {
            kind,
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
            kind,
        }
    }

    /// Checks `presented`, atomically under concurrent checks: of any number of
    /// simultaneous checks of one ticket, at most one passes.
    pub(crate) fn check(&self, presented: &Presented<'_>, now: u64) -> Checked {
        self.tickets.with_live(presented.ticket, now, |info| {
            let presented_kind = match presented.randstr {
                Some(_) => Api3TicketKind::Web,
                None => Api3TicketKind::Mini,
            };
            let Some(info) = info.filter(|info| info.kind == presented_kind) else {
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
            } else if presented
                .randstr
                .is_some_and(|randstr| randstr != info.randstr)
            {
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
            randstr: Some(&minted.randstr),
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
        let minted = store.mint(Api3TicketKind::Web, APP, ip(), 1000);
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
    fn mini_tickets_pass_mini_checks_only() {
        let store = Api3TicketStore::new(300);
        let mini = store.mint(Api3TicketKind::Mini, APP, ip(), 1000);
        assert!(mini.ticket.expose_secret().starts_with("tm03") && mini.randstr.is_empty());
        let as_web = presented(&mini);
        assert_eq!(outcome(&store, &as_web, 1001), Outcome::Unknown);
        let as_mini = Presented {
            randstr: None,
            ..presented(&mini)
        };
        assert_eq!(outcome(&store, &as_mini, 1001), Outcome::Pass);
        assert_eq!(outcome(&store, &as_mini, 1001), Outcome::Used);
        let web = store.mint(Api3TicketKind::Web, APP, ip(), 1000);
        let web_as_mini = Presented {
            randstr: None,
            ..presented(&web)
        };
        assert_eq!(outcome(&store, &web_as_mini, 1001), Outcome::Unknown);
        assert_eq!(outcome(&store, &presented(&web), 1001), Outcome::Pass);
    }

    #[test]
    fn app_and_key_mismatches_do_not_spend_the_ticket() {
        let store = Api3TicketStore::new(300);
        let minted = store.mint(Api3TicketKind::Web, APP, ip(), 1000);
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
        let minted = store.mint(Api3TicketKind::Web, APP, ip(), 1000);
        let wrong = Presented {
            randstr: Some("@xyz0"),
            ..presented(&minted)
        };
        assert_eq!(outcome(&store, &wrong, 1001), Outcome::RandstrMismatch);
        assert_eq!(outcome(&store, &presented(&minted), 1001), Outcome::Used);

        let minted = store.mint(Api3TicketKind::Web, APP, ip(), 1000);
        let elsewhere = Presented {
            user_ip: "198.51.100.1".parse().unwrap(),
            ..presented(&minted)
        };
        assert_eq!(outcome(&store, &elsewhere, 1001), Outcome::IpMismatch);

        let minted = store.mint(Api3TicketKind::Web, APP, ip(), 1000);
        assert_eq!(outcome(&store, &presented(&minted), 1299), Outcome::Pass);
        let minted = store.mint(Api3TicketKind::Web, APP, ip(), 1000);
        assert_eq!(outcome(&store, &presented(&minted), 1300), Outcome::Expired);
        let minted = store.mint(Api3TicketKind::Web, APP, ip(), 1000);
        assert_eq!(
            outcome(&store, &presented(&minted), 1600),
            Outcome::Unknown,
            "forgotten one lifetime after expiry"
        );
    }
}
