//! [`Params`]: the ordered wire parameters of one API 2.0 call.

use std::cmp::Ordering;
use std::fmt::Write as _;
use std::net::IpAddr;

use smallvec::SmallVec;

mod key;

pub use key::ParamKey;
#[cfg(any(test, feature = "fuzzing"))]
pub(crate) use key::signing_key_bytes;
#[cfg(test)]
use key::signing_prefix;
pub(crate) use key::{compare_signing_keys, is_unreserved};

use crate::error::EncodeError;

/// Parameters kept without an allocation: a `CaptchaCheck` with its common ones has 11.
const INLINE_ENTRIES: usize = 12;

/// The parameters of one API 2.0 request, before signing.
///
/// Keys are wire keys (`captchaType`, `instanceIds.0`, …). Values are raw UTF-8: they are
/// signed as they are and percent-encoded (RFC 3986) exactly once when the request is built.
/// Every parameter is kept as `key=value` in one buffer, so building a request costs few
/// allocations and copies each parameter into the string to sign in one piece.
///
/// ```
/// use captcha_proto::Params;
/// let mut params = Params::new();
/// params.push_str("instanceIds.0", "ins-09dx96dg")?;
/// params.push_u64("limit", 20)?;
/// assert_eq!(params.get("limit"), Some("20"));
/// # Ok::<(), captcha_proto::EncodeError>(())
/// ```
#[derive(Clone, Default)]
pub struct Params {
    /// `key=value` of every parameter, back to back, in the order they were pushed.
    buf: String,
    /// Where each parameter sits in `buf`, in the current order. Inline up to a typical
    /// call's count: one allocation fewer per request.
    entries: SmallVec<[Entry; INLINE_ENTRIES]>,
}

/// One parameter's `key=value` in the buffer: `buf[start..end]`, with `=` at `eq`.
#[derive(Clone, Copy)]
struct Entry {
    /// `key::signing_prefix` of the key: orders and tells apart most keys in one comparison.
    prefix: u64,
    start: usize,
    eq: usize,
    end: usize,
    /// `key=value` is the same in the string to sign and on the wire: no `_` in the key,
    /// nothing to percent-encode. Most parameters are, and are then copied in one piece.
    plain: bool,
}

impl Entry {
    fn key(self, buf: &str) -> &str {
        &buf[self.start..self.eq]
    }

    /// Signing order of two entries' keys (`self` in `buf`, `other` in `other_buf`).
    fn signing_order(self, other: Self, buf: &str, other_buf: &str) -> Ordering {
        self.prefix
            .cmp(&other.prefix)
            .then_with(|| compare_signing_keys(self.key(buf), other.key(other_buf)))
    }

    fn value(self, buf: &str) -> &str {
        &buf[self.eq + 1..self.end]
    }

    fn pair(self, buf: &str) -> Pair<'_> {
        Pair {
            text: &buf[self.start..self.end],
            key_len: self.eq - self.start,
            plain: self.plain,
        }
    }
}

/// One parameter as stored: `key=value` in one piece.
#[derive(Clone, Copy)]
pub(crate) struct Pair<'a> {
    /// `key=value`.
    pub(crate) text: &'a str,
    /// Bytes of the key (the `=` follows).
    pub(crate) key_len: usize,
    /// `text` is both the signed and the wire form.
    pub(crate) plain: bool,
}

impl<'a> Pair<'a> {
    /// The key.
    pub(crate) fn key(self) -> &'a str {
        &self.text[..self.key_len]
    }

    /// The raw value.
    pub(crate) fn value(self) -> &'a str {
        &self.text[self.key_len + 1..]
    }
}

impl Params {
    /// An empty set.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty set with room for `count` parameters totalling `bytes` bytes of keys and
    /// values.
    pub fn with_capacity(count: usize, bytes: usize) -> Self {
        Self {
            buf: String::with_capacity(bytes + count),
            entries: SmallVec::with_capacity(count),
        }
    }

    /// Adds a string parameter. Keys must be non-empty, unique (`a_b` and `a.b` are the
    /// same key to a server), and not `Signature` (which the signer adds); the error names
    /// the key.
    #[inline]
    pub fn push_str(&mut self, key: impl Into<ParamKey>, value: &str) -> Result<(), EncodeError> {
        let mut entry = self.start_entry(key.into())?;
        self.buf.push_str(value);
        entry.plain &= is_unreserved(value);
        self.finish_entry(entry);
        Ok(())
    }

    /// Adds an integer parameter, rendered in decimal.
    #[inline]
    pub fn push_u64(&mut self, key: impl Into<ParamKey>, value: u64) -> Result<(), EncodeError> {
        let entry = self.start_entry(key.into())?;
        push_decimal(&mut self.buf, value);
        self.finish_entry(entry);
        Ok(())
    }

    /// Adds an IP address in its usual text form (`203.0.113.7`, `2001:db8::1`).
    #[inline]
    pub(crate) fn push_ip(
        &mut self,
        key: impl Into<ParamKey>,
        ip: IpAddr,
    ) -> Result<(), EncodeError> {
        let IpAddr::V4(v4) = ip else {
            return self.push_display(key, ip);
        };
        // Dotted quad by hand: `Display` goes through the formatter for each octet.
        let entry = self.start_entry(key.into())?;
        for (i, octet) in v4.octets().into_iter().enumerate() {
            if i > 0 {
                self.buf.push('.');
            }
            push_decimal(&mut self.buf, octet.into());
        }
        self.finish_entry(entry);
        Ok(())
    }

    /// Adds a parameter rendered with `Display` (numbers, IP addresses), without a
    /// temporary string.
    pub fn push_display(
        &mut self,
        key: impl Into<ParamKey>,
        value: impl std::fmt::Display,
    ) -> Result<(), EncodeError> {
        let mut entry = self.start_entry(key.into())?;
        write!(self.buf, "{value}").expect("writing to a String cannot fail");
        entry.plain &= is_unreserved(&self.buf[entry.eq + 1..]);
        self.finish_entry(entry);
        Ok(())
    }

    /// The value of `key`, if present.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.entries
            .iter()
            .find(|e| e.key(&self.buf) == key)
            .map(|e| e.value(&self.buf))
    }

    /// Number of parameters.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when there are no parameters.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The `(key, raw value)` pairs in their current order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> + Clone + '_ {
        self.entries
            .iter()
            .map(|e| (e.key(&self.buf), e.value(&self.buf)))
    }

    /// Bytes of every `key=value` together.
    pub(crate) fn text_len(&self) -> usize {
        self.buf.len()
    }

    /// Sorts into signing order: byte order of the signing key (`_` read as `.`).
    pub fn sort_for_signing(&mut self) {
        let buf = &self.buf;
        // Typed actions mostly push in order already.
        if self
            .entries
            .is_sorted_by(|a, b| a.signing_order(*b, buf, buf).is_lt())
        {
            return;
        }
        self.entries
            .sort_unstable_by(|a, b| a.signing_order(*b, buf, buf));
    }

    /// Calls `visit` with the pairs of `self` and `other` (each already in signing order)
    /// merged into one signing order, `Err` naming the key when both hold the same one.
    pub(crate) fn merge_for_signing<'a>(
        &'a self,
        other: &'a Params,
        mut visit: impl FnMut(Pair<'a>),
    ) -> Result<(), EncodeError> {
        let (mut mine, mut theirs) = (
            self.entries.iter().peekable(),
            other.entries.iter().peekable(),
        );
        loop {
            let take_mine = match (mine.peek(), theirs.peek()) {
                (Some(a), Some(b)) => match a.signing_order(**b, &self.buf, &other.buf) {
                    Ordering::Less => true,
                    Ordering::Greater => false,
                    Ordering::Equal => {
                        return Err(EncodeError::DuplicateParameter {
                            name: b.key(&other.buf).to_owned(),
                        });
                    }
                },
                (Some(_), None) => true,
                (None, Some(_)) => false,
                (None, None) => return Ok(()),
            };
            if take_mine {
                visit(mine.next().expect("peeked").pair(&self.buf));
            } else {
                visit(theirs.next().expect("peeked").pair(&other.buf));
            }
        }
    }

    /// Checks `key` and writes `key=`; the value follows, then `finish_entry`.
    #[inline(always)]
    fn start_entry(&mut self, key: ParamKey) -> Result<Entry, EncodeError> {
        let name = key.as_str();
        if name.is_empty() {
            return Err(EncodeError::EmptyParameterName);
        }
        if name == "Signature" {
            return Err(EncodeError::ReservedParameter {
                name: key.into_name(),
            });
        }
        // `a_b` and `a.b` sign alike and reach a PHP server as one key: refuse the second.
        let prefix = key.prefix;
        if self.entries.iter().any(|e| {
            e.prefix == prefix && e.eq - e.start == name.len() && {
                compare_signing_keys(e.key(&self.buf), name).is_eq()
            }
        }) {
            return Err(EncodeError::DuplicateParameter {
                name: key.into_name(),
            });
        }
        let start = self.buf.len();
        self.buf.push_str(name);
        let eq = self.buf.len();
        self.buf.push('=');
        Ok(Entry {
            prefix,
            start,
            eq,
            end: eq,
            plain: key.plain,
        })
    }

    /// Records `entry`, whose value was just written at the end of the buffer.
    fn finish_entry(&mut self, mut entry: Entry) {
        entry.end = self.buf.len();
        self.entries.push(entry);
    }
}

impl std::fmt::Debug for Params {
    /// Lists the keys only: values may be tickets or tokens.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Params")
            .field(
                "keys",
                &self
                    .entries
                    .iter()
                    .map(|e| e.key(&self.buf))
                    .collect::<Vec<_>>(),
            )
            .finish()
    }
}

/// Appends `value` in decimal.
fn push_decimal(out: &mut String, value: u64) {
    out.push_str(itoa::Buffer::new().format(value));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_duplicates_empty_and_signature() {
        let mut p = Params::new();
        p.push_str("a", "1").unwrap();
        assert!(
            matches!(p.push_str("a", "2"), Err(EncodeError::DuplicateParameter { name }) if name == "a")
        );
        assert!(matches!(
            p.push_str("", "2"),
            Err(EncodeError::EmptyParameterName)
        ));
        assert!(matches!(
            p.push_u64("Signature", 2),
            Err(EncodeError::ReservedParameter { .. })
        ));
        assert!(matches!(
            p.push_str("a.b", "1").and(p.push_str("a_b", "2")),
            Err(EncodeError::DuplicateParameter { name }) if name == "a_b"
        ));
    }

    #[test]
    fn sorts_by_byte_order_of_signing_key() {
        let mut p = Params::new();
        for k in ["b", "A_b", "a", "A.a", "Z"] {
            p.push_str(k, "").unwrap();
        }
        p.sort_for_signing();
        let keys: Vec<_> = p.iter().map(|(k, _)| k).collect();
        assert_eq!(keys, ["A.a", "A_b", "Z", "a", "b"]);
    }

    #[test]
    fn numbers_and_addresses_render_like_display() {
        let mut p = Params::new();
        for (i, n) in [0, 7, 10, 1_465_185_768, u64::MAX].into_iter().enumerate() {
            let key = format!("n{i}");
            p.push_u64(key.clone(), n).unwrap();
            assert_eq!(p.get(&key), Some(n.to_string().as_str()));
        }
        for (i, ip) in ["0.0.0.0", "203.0.113.7", "255.255.255.255", "2001:db8::1"]
            .into_iter()
            .enumerate()
        {
            let key = format!("ip{i}");
            p.push_ip(key.clone(), ip.parse().unwrap()).unwrap();
            assert_eq!(p.get(&key), Some(ip));
        }
    }

    #[test]
    fn signing_order_matches_the_mapped_bytes() {
        let keys = [
            "",
            "a",
            "a.",
            "a_",
            "a.b",
            "a_b",
            "a_c",
            "a.a",
            "ab",
            "_",
            ".",
            "Z",
            "a\0",
            "captchaType",
            "captchaTypf",
            "captcha_Type",
            "instanceIds.10",
            "instanceIds_9",
        ];
        for a in keys {
            for b in keys {
                let expected = signing_key_bytes(a).cmp(signing_key_bytes(b));
                assert_eq!(compare_signing_keys(a, b), expected, "{a:?} vs {b:?}");
                let entry = |key: &str| Entry {
                    prefix: signing_prefix(key),
                    start: 0,
                    eq: key.len(),
                    end: key.len(),
                    plain: false,
                };
                let buf = format!("{a}{b}");
                let (ea, mut eb) = (entry(a), entry(b));
                eb.start += a.len();
                eb.eq += a.len();
                assert_eq!(ea.signing_order(eb, &buf, &buf), expected, "{a:?} vs {b:?}");
            }
        }
    }

    #[test]
    fn keys_and_values_may_hold_equals_signs() {
        let mut p = Params::new();
        p.push_str("a=b", "c=d").unwrap();
        p.push_str("e", "").unwrap();
        assert_eq!(p.iter().collect::<Vec<_>>(), [("a=b", "c=d"), ("e", "")]);
        assert_eq!(p.get("a=b"), Some("c=d"));
        let (mut pairs, none) = (Vec::new(), Params::new());
        p.merge_for_signing(&none, |pair| {
            pairs.push((pair.key(), pair.value(), pair.text, pair.plain));
        })
        .unwrap();
        assert_eq!(pairs[0], ("a=b", "c=d", "a=b=c=d", false));
        assert_eq!(pairs[1], ("e", "", "e=", true));
    }

    #[test]
    fn debug_lists_keys_not_values() {
        let mut p = Params::new();
        p.push_str("ticket", "t03secretvalue").unwrap();
        let shown = format!("{p:?}");
        assert!(shown.contains("ticket") && !shown.contains("t03secretvalue"));
    }
}
