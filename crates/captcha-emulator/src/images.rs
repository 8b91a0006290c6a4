//! [`ImageStore`]: the image flow. `CaptchaGetUrl` creates a pending image behind a one-time
//! URL id (`asig`); fetching it renders the PNG and issues the signature (`vsig` cookie) that
//! `CaptchaVerify` accepts once.

use crate::expiring::{ExpiringMap, WhenFull};
use crate::random;

/// Most pending or issued images held at once; the oldest is forgotten beyond that.
const CAPACITY: usize = 100_000;
/// Characters per answer.
const ANSWER_LEN: usize = 4;

struct Issued {
    answer: String,
    used: bool,
}

/// A fetched image: the PNG and its signature.
pub(crate) struct FetchedImage {
    pub(crate) png: Vec<u8>,
    pub(crate) vsig: String,
}

pub(crate) struct ImageStore {
    /// asig → answer, until fetched.
    pending: ExpiringMap<String, String>,
    /// vsig → answer, until verified.
    issued: ExpiringMap<String, Issued>,
    ttl: u64,
}

impl ImageStore {
    pub(crate) fn new(ttl: u64) -> Self {
        Self {
            pending: ExpiringMap::new(CAPACITY, WhenFull::EvictOldest),
            issued: ExpiringMap::new(CAPACITY, WhenFull::EvictOldest),
            ttl,
        }
    }

    /// A new image with a random answer; returns the id for its one-time URL.
    pub(crate) fn create(&self, now: u64) -> String {
        let asig = random::token("");
        let _ = self.pending.insert(
            asig.clone(),
            random::answer(ANSWER_LEN),
            now.saturating_add(self.ttl),
            now,
        );
        asig
    }

    /// Renders the image behind `asig` once; later fetches get `None`.
    pub(crate) fn fetch(&self, asig: &str, now: u64) -> Option<FetchedImage> {
        let answer = self.pending.take_live(asig, now)?;
        let png = crate::render::render_png(&answer);
        let vsig = random::token("b01");
        let issued = Issued {
            answer,
            used: false,
        };
        let _ = self
            .issued
            .insert(vsig.clone(), issued, now.saturating_add(self.ttl), now);
        Some(FetchedImage { png, vsig })
    }

    /// Spends `vsig`: true only for its first use with the right answer (case and
    /// surrounding spaces ignored).
    pub(crate) fn verify(&self, vsig: &str, typed: &str, now: u64) -> bool {
        self.issued.with_live(vsig, now, |image| match image {
            Some(image) if !image.used => {
                image.used = true;
                typed.trim().eq_ignore_ascii_case(&image.answer)
            }
            _ => false,
        })
    }

    /// The answer of the image signed `vsig` (test helper).
    pub(crate) fn answer_for(&self, vsig: &str, now: u64) -> Option<String> {
        self.issued
            .with_live(vsig, now, |image| image.map(|i| i.answer.clone()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_flow_is_one_time() {
        let store = ImageStore::new(300);
        let asig = store.create(100);
        let image = store.fetch(&asig, 101).unwrap();
        assert!(store.fetch(&asig, 101).is_none());
        let answer = store.answer_for(&image.vsig, 102).unwrap();
        assert!(store.verify(&image.vsig, &answer.to_lowercase(), 103));
        assert!(!store.verify(&image.vsig, &answer, 103));
        assert_eq!(store.answer_for(&image.vsig, 401), None);
    }

    #[test]
    fn wrong_answer_spends_the_signature() {
        let store = ImageStore::new(300);
        let image = store.fetch(&store.create(0), 0).unwrap();
        let answer = store.answer_for(&image.vsig, 0).unwrap();
        assert!(!store.verify(&image.vsig, "nope", 1));
        assert!(!store.verify(&image.vsig, &answer, 1));
        assert!(store.fetch("unknown", 0).is_none());
    }
}
