//! [`WireParams`]: the decoded parameters of one API request, parsed as PHP parses a query
//! or form body (percent-decoding, `+` as space), with duplicates refused.

use std::borrow::Cow;

/// Above this many parameters duplicates are found by sorting instead of pairwise.
const PAIRWISE_LIMIT: usize = 24;

/// Most parameters read from one request: PHP's default `max_input_vars`. Also bounds the
/// work a single 1 MiB body can cause.
pub(crate) const MAX_PARAMS: usize = 1000;

pub(crate) struct WireParams<'a> {
    pairs: Vec<(Cow<'a, str>, Cow<'a, str>)>,
}

impl<'a> WireParams<'a> {
    /// Parses `application/x-www-form-urlencoded` text (a query string or a form body).
    /// Empty names are skipped, as PHP does. Invalid UTF-8 is replaced (and then fails the
    /// signature). Reading stops after [`MAX_PARAMS`] + 1 parameters (see [`Self::too_many`]).
    pub(crate) fn parse(input: &'a [u8]) -> Self {
        let pairs = form_urlencoded::parse(input)
            .filter(|(key, _)| !key.is_empty())
            .take(MAX_PARAMS + 1)
            .collect();
        Self { pairs }
    }

    /// True when the request carried more than [`MAX_PARAMS`] parameters.
    pub(crate) fn too_many(&self) -> bool {
        self.pairs.len() > MAX_PARAMS
    }

    /// A name given more than once, if any (such a request is ambiguous and refused).
    pub(crate) fn duplicate(&self) -> Option<String> {
        let keys = || self.pairs.iter().map(|(k, _)| k.as_ref());
        if self.pairs.len() <= PAIRWISE_LIMIT {
            keys()
                .enumerate()
                .find(|(i, k)| keys().skip(i + 1).any(|other| other == *k))
                .map(|(_, k)| k.to_owned())
        } else {
            let mut sorted: Vec<&str> = keys().collect();
            sorted.sort_unstable();
            sorted
                .windows(2)
                .find(|w| w[0] == w[1])
                .map(|w| w[0].to_owned())
        }
    }

    /// The value of `name`, if given.
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_ref())
    }

    /// Every `(name, value)` pair in arrival order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.pairs.iter().map(|(k, v)| (k.as_ref(), v.as_ref()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_like_php() {
        let p = WireParams::parse(b"a=1+2&b=%2F%3D%2a&&=x&c=");
        assert_eq!(p.duplicate(), None);
        assert_eq!(p.get("a"), Some("1 2"));
        assert_eq!(p.get("b"), Some("/=*"));
        assert_eq!(p.get("c"), Some(""));
        assert_eq!(p.iter().count(), 3);
    }

    #[test]
    fn refuses_duplicates_small_and_large() {
        assert_eq!(
            WireParams::parse(b"a=1&b=2&a=3").duplicate().as_deref(),
            Some("a")
        );
        let mut many: String = (0..100).map(|i| format!("k{i}=v&")).collect();
        many.push_str("k7=again");
        assert_eq!(
            WireParams::parse(many.as_bytes()).duplicate().as_deref(),
            Some("k7")
        );
        assert!(WireParams::parse(b"").get("a").is_none());
        let lots: String = (0..=MAX_PARAMS).map(|i| format!("k{i}=v&")).collect();
        assert!(WireParams::parse(lots.as_bytes()).too_many());
        assert!(!WireParams::parse(many.as_bytes()).too_many());
    }
}
