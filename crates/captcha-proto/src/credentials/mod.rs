//! The pure parts of finding credentials as Tencent's official SDKs do: the profile file's
//! format ([`profile`]), the CVM instance-role metadata service's requests and answers
//! ([`metadata`]), STS `AssumeRole` and `AssumeRoleWithWebIdentity` ([`sts`]), and when a
//! temporary credential is due for refresh ([`refresh_due`]). Reading files, the
//! environment and the network is the clients' part (`captcha-client`'s credential
//! sources); the environment's rules are [`Credential::from_lookup`](crate::Credential::from_lookup).

pub mod metadata;
pub mod profile;
pub mod sts;

/// How long before expiry a temporary credential is replaced: Tencent accepts a signature
/// within 300 s of its clock, and a request may spend a while in flight, so a credential is
/// refreshed while it still has this long to live (as the Go, Python and Java SDKs do for
/// CVM roles).
pub const REFRESH_MARGIN_SECS: u64 = 300;

/// Whether a credential that expires at `expires_at` (UNIX seconds; `None`: never) must
/// be refreshed at `now`: when it has [`REFRESH_MARGIN_SECS`] or less to live. A
/// credential whose lifetime is shorter than twice the margin is refreshed at half its
/// lifetime instead, so that short test lifetimes still refresh before expiry and not on
/// every read.
///
/// ```
/// use captcha_proto::credentials::refresh_due;
/// assert!(!refresh_due(None, 1_700_000_000, None));
/// assert!(!refresh_due(Some(1_700_003_600), 1_700_000_000, Some(1_699_996_400)));
/// assert!(refresh_due(Some(1_700_000_300), 1_700_000_000, Some(1_699_996_400)));
/// // A 60 s credential issued at 1_700_000_000 is refreshed from its 30th second.
/// assert!(!refresh_due(Some(1_700_000_060), 1_700_000_029, Some(1_700_000_000)));
/// assert!(refresh_due(Some(1_700_000_060), 1_700_000_030, Some(1_700_000_000)));
/// ```
pub fn refresh_due(expires_at: Option<u64>, now: u64, issued_at: Option<u64>) -> bool {
    let Some(expires_at) = expires_at else {
        return false;
    };
    let lifetime = issued_at.map(|issued| expires_at.saturating_sub(issued));
    let margin = match lifetime {
        Some(lifetime) if lifetime < 2 * REFRESH_MARGIN_SECS => lifetime / 2,
        _ => REFRESH_MARGIN_SECS,
    };
    now.saturating_add(margin) >= expires_at
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        #[test]
        fn never_due_long_before_and_always_due_at_expiry(
            issued in 0u64..4_000_000_000,
            lifetime in 1u64..100_000,
            at in 0u64..200_000,
        ) {
            let expires = issued + lifetime;
            let now = issued + at;
            let due = refresh_due(Some(expires), now, Some(issued));
            if now >= expires {
                prop_assert!(due, "an expired credential is due");
            }
            if now < issued + lifetime / 2 && now + REFRESH_MARGIN_SECS < expires {
                prop_assert!(!due, "a fresh credential is not due");
            }
        }
    }
}
