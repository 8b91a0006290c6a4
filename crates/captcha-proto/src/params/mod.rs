//! [`Params`]: the ordered wire parameters of one API 2.0 call.

use std::cmp::Ordering;
use std::fmt::Write as _;
use std::net::IpAddr;
use std::ops::Range;

use percent_encoding::percent_encode_byte;
use smallvec::SmallVec;

mod key;

pub use key::ParamKey;
use key::prefixed_signing_order;
#[cfg(test)]
pub(crate) use key::signing_key_bytes;
#[cfg(test)]
use key::signing_prefix;
pub(crate) use key::{compare_signing_keys, is_unreserved, is_unreserved_byte};

use crate::error::EncodeError;

/// Parameters kept without an allocation: a `CaptchaCheck` with its common ones has 11.
const INLINE_ENTRIES: usize = 12;

/// The parameters of one API 2.0 request, before signing.
///
/// Keys are wire keys (`captchaType`, `instanceIds.0`, …). Values are raw UTF-8: they are
/// signed as they are and percent-encoded (RFC 3986) exactly once when the request is built.
/// The parameters are kept as `key=value&key=value…` in one buffer, in their current
/// order: once sorted for signing, and unless a key holds `_` or a byte to escape, that text
/// is the string to sign, and escaping its values where they stand makes it the query, so a
/// request is hashed and sent from the one buffer.
///
/// ```
/// use captcha_proto::api2::Params;
/// let mut params = Params::new();
/// params.push_str("instanceIds.0", "ins-09dx96dg")?;
/// params.push_u64("limit", 20)?;
/// assert_eq!(params.get("limit"), Some("20"));
/// # Ok::<(), captcha_proto::EncodeError>(())
/// ```
#[derive(Clone, Default)]
pub struct Params {
    /// `lead` (text the request puts before the parameters, such as `/v2/index.php?`),
    /// then `key=value` of every parameter joined by `&`, in the order of `entries`.
    buf: String,
    /// Bytes of `buf` before the first parameter.
    lead: usize,
    /// Where each parameter sits in `buf`, in the current order. Inline up to a typical
    /// call's count: one allocation fewer per request.
    entries: SmallVec<[Entry; INLINE_ENTRIES]>,
    /// Some entry does not sign after the one before it. Until then (typed actions push in
    /// signing order) a new key that signs after the last cannot repeat an earlier one,
    /// and sorting has nothing to do.
    unordered: bool,
    /// Some key is not the same signed and sent (it holds `_` or a byte to escape).
    keys_unplain: bool,
    /// Some `key=value` needs percent-encoding on the wire.
    unplain: bool,
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
    /// The key alone is the same signed and sent (only the value may need escaping).
    key_plain: bool,
}

impl Entry {
    fn key(self, buf: &str) -> &str {
        &buf[self.start..self.eq]
    }

    /// Signing order of two entries' keys, both in `buf`.
    fn signing_order(self, other: Self, buf: &str) -> Ordering {
        prefixed_signing_order(self.prefix, self.key(buf), other.prefix, other.key(buf))
    }

    /// The same entry with its text moved to start at `start`.
    fn moved_to(self, start: usize) -> Self {
        Self {
            start,
            eq: self.eq - self.start + start,
            end: self.end - self.start + start,
            ..self
        }
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

/// A typed action's parameter value, before it is rendered.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Value<'a> {
    /// Sent as it is.
    Text(&'a str),
    /// Sent in decimal.
    Number(u64),
    /// Sent in its usual text form. (By reference: an address inline would make every
    /// value an unaligned 17-byte copy.)
    Ip(&'a IpAddr),
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
    pub(crate) fn with_capacity(count: usize, bytes: usize) -> Self {
        Self {
            // `=` and `&` around each.
            buf: String::with_capacity(bytes + 2 * count),
            entries: SmallVec::with_capacity(count),
            ..Self::default()
        }
    }

    /// An empty set whose buffer starts with `lead` (the path and `?` of a GET request),
    /// so [`take_escaped_text`](Self::take_escaped_text) is the request's whole path and query.
    pub(crate) fn with_lead(lead: &str, bytes: usize) -> Self {
        let mut buf = String::with_capacity(lead.len() + bytes);
        buf.push_str(lead);
        Self {
            buf,
            lead: lead.len(),
            ..Self::default()
        }
    }

    /// Adds a string parameter. Keys must be non-empty, unique (`a_b` and `a.b` are the
    /// same key to a server), and not `Signature` (which the signer adds); the error names
    /// the key.
    #[inline]
    pub fn push_str(&mut self, key: impl Into<ParamKey>, value: &str) -> Result<(), EncodeError> {
        self.push_value(&key.into(), Value::Text(value))
    }

    /// Adds an integer parameter, rendered in decimal.
    #[inline]
    pub fn push_u64(&mut self, key: impl Into<ParamKey>, value: u64) -> Result<(), EncodeError> {
        self.push_value(&key.into(), Value::Number(value))
    }

    /// Adds a typed value: what every `push_*` but `push_display` comes down to.
    pub(crate) fn push_value(
        &mut self,
        key: &ParamKey,
        value: Value<'_>,
    ) -> Result<(), EncodeError> {
        let mut entry = self.start_entry(key)?;
        entry.plain &= write_value(&mut self.buf, value);
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
        let key = key.into();
        let (before, was_unordered) = (self.buf.len(), self.unordered);
        let mut entry = self.start_entry(&key)?;
        if write!(self.buf, "{value}").is_err() {
            // Take back `&key=` and whatever was written: the buffer holds only entries.
            self.buf.truncate(before);
            self.unordered = was_unordered;
            return Err(EncodeError::UnrenderableValue {
                name: key.as_str().to_owned(),
            });
        }
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

    /// Bytes of every `key=value` together, `&`s included.
    pub(crate) fn text_len(&self) -> usize {
        self.buf.len() - self.lead
    }

    /// The parameters as `key=value&…` in their current order, when that text is the
    /// string to sign: no key holds `_` or a byte to escape. (Values are signed raw, so
    /// they may hold anything; [`take_escaped_text`](Self::take_escaped_text) then makes
    /// the wire form of the same text.)
    pub(crate) fn signed_text(&self) -> Option<&str> {
        (!self.keys_unplain).then(|| &self.buf[self.lead..])
    }

    /// Takes the buffer with every value percent-encoded (RFC 3986) where it stands: the
    /// lead, then the wire form of every pair, in the one allocation the parameters were
    /// written to. Only for a set whose [`signed_text`](Self::signed_text) is `Some`
    /// (keys are copied as they are); leaves the set empty.
    pub(crate) fn take_escaped_text(&mut self) -> Vec<u8> {
        debug_assert!(self.signed_text().is_some(), "a key needs escaping");
        let buf = std::mem::take(&mut self.buf);
        let text = if self.unplain {
            let values = self
                .entries
                .iter()
                .filter(|e| !e.plain)
                .map(|e| e.eq + 1..e.end);
            escape_in_place(buf, values)
        } else {
            buf.into_bytes()
        };
        self.entries.clear();
        self.lead = 0;
        self.unordered = false;
        self.keys_unplain = false;
        self.unplain = false;
        text
    }

    /// The pairs in their current order.
    pub(crate) fn pairs(&self) -> impl Iterator<Item = Pair<'_>> + '_ {
        self.entries.iter().map(|e| e.pair(&self.buf))
    }

    /// Appends every parameter of `other` after those of `self`; `Err` names the first
    /// key both hold.
    pub(crate) fn extend_from(&mut self, other: &Params) -> Result<(), EncodeError> {
        let Some(first) = other.entries.first() else {
            return Ok(());
        };
        // `other` in signing order and starting after our last key (the template's common
        // parameters after `Nonce`): none can repeat ours.
        let in_order = !other.unordered && self.follows_last(first.prefix, first.key(&other.buf));
        if !in_order {
            let clash = other
                .entries
                .iter()
                .find(|e| self.repeats(e.prefix, e.key(&other.buf)));
            if let Some(clash) = clash {
                return Err(EncodeError::DuplicateParameter {
                    name: clash.key(&other.buf).to_owned(),
                });
            }
            self.unordered = true;
        }
        if !self.entries.is_empty() {
            self.buf.push('&');
        }
        self.keys_unplain |= other.keys_unplain;
        self.unplain |= other.unplain;
        // `other`'s offsets count from its buffer, lead included; ours from here.
        let (base, lead) = (self.buf.len(), other.lead);
        self.buf.push_str(&other.buf[lead..]);
        self.entries.extend(
            other
                .entries
                .iter()
                .map(|e| e.moved_to(e.start - lead + base)),
        );
        Ok(())
    }

    /// Sorts into signing order: byte order of the signing key (`_` read as `.`).
    pub(crate) fn sort_for_signing(&mut self) {
        if !self.unordered {
            return;
        }
        let buf = &self.buf;
        self.entries
            .sort_unstable_by(|a, b| a.signing_order(*b, buf));
        // The buffer follows the new order.
        let mut sorted = String::with_capacity(self.buf.capacity());
        sorted.push_str(&self.buf[..self.lead]);
        for (i, entry) in self.entries.iter_mut().enumerate() {
            if i > 0 {
                sorted.push('&');
            }
            let start = sorted.len();
            sorted.push_str(&self.buf[entry.start..entry.end]);
            *entry = entry.moved_to(start);
        }
        self.buf = sorted;
        self.unordered = false;
    }

    /// Refuses a key that signs like one already here (`a_b` and `a.b` sign alike and
    /// reach a PHP server as one key); notes whether it keeps the entries in signing order.
    #[inline]
    fn admit(&mut self, prefix: u64, name: &str) -> Result<(), EncodeError> {
        if self.follows_last(prefix, name) {
            return Ok(());
        }
        self.admit_out_of_order(prefix, name)
    }

    /// [`admit`](Self::admit) for a key that does not sign after the last: the rare case,
    /// kept out of line.
    #[cold]
    #[inline(never)]
    fn admit_out_of_order(&mut self, prefix: u64, name: &str) -> Result<(), EncodeError> {
        if self.repeats(prefix, name) {
            return Err(EncodeError::DuplicateParameter {
                name: name.to_owned(),
            });
        }
        self.unordered = true;
        Ok(())
    }

    /// Whether the entries are in signing order and `name` signs after the last of them.
    #[inline]
    fn follows_last(&self, prefix: u64, name: &str) -> bool {
        let Some(last) = self.entries.last() else {
            return true;
        };
        // Most keys differ in their prefixes: the key text is read only when they do not.
        !self.unordered
            && match last.prefix.cmp(&prefix) {
                Ordering::Equal => compare_signing_keys(last.key(&self.buf), name).is_lt(),
                order => order.is_lt(),
            }
    }

    /// Whether a key that signs like `name` is already here.
    fn repeats(&self, prefix: u64, name: &str) -> bool {
        self.entries.iter().any(|e| {
            e.prefix == prefix
                && e.eq - e.start == name.len()
                && compare_signing_keys(e.key(&self.buf), name).is_eq()
        })
    }

    /// Checks `key` and writes `key=`; the value follows, then `finish_entry`.
    #[inline(always)]
    fn start_entry(&mut self, key: &ParamKey) -> Result<Entry, EncodeError> {
        let name = key.as_str();
        if !key.allowed {
            return Err(if name.is_empty() {
                EncodeError::EmptyParameterName
            } else {
                EncodeError::ReservedParameter {
                    name: name.to_owned(),
                }
            });
        }
        let prefix = key.prefix;
        self.admit(prefix, name)?;
        if !self.entries.is_empty() {
            self.buf.push('&');
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
            key_plain: key.plain,
        })
    }

    /// Records `entry`, whose value was just written at the end of the buffer.
    fn finish_entry(&mut self, mut entry: Entry) {
        entry.end = self.buf.len();
        self.keys_unplain |= !entry.key_plain;
        self.unplain |= !entry.plain;
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

/// Renders `value` at the end of `out`; `true` when it needs no percent-encoding.
#[inline(always)]
fn write_value(out: &mut String, value: Value<'_>) -> bool {
    match value {
        Value::Text(text) => {
            out.push_str(text);
            is_unreserved(text)
        }
        Value::Number(number) => {
            push_decimal(out, number);
            true
        }
        Value::Ip(IpAddr::V4(v4)) => {
            // Dotted quad by hand: `Display` goes through the formatter for each octet.
            for (i, octet) in v4.octets().into_iter().enumerate() {
                if i > 0 {
                    out.push('.');
                }
                push_decimal(out, octet.into());
            }
            true
        }
        Value::Ip(IpAddr::V6(v6)) => write_ipv6(out, *v6),
    }
}

/// An IPv6 address through its `Display`; `false`: its `:` are escaped on the wire. Out of
/// line, so the formatter's machinery does not weigh on every parameter.
#[cold]
#[inline(never)]
fn write_ipv6(out: &mut String, v6: std::net::Ipv6Addr) -> bool {
    write!(out, "{v6}").expect("writing to a String cannot fail");
    false
}

/// `text` with the values at `values` (byte ranges, in order, none overlapping)
/// percent-encoded (RFC 3986) where they stand: the buffer grows once by what the escapes
/// add, then, working from the end, what follows an escape moves up as one block, and
/// nothing is written over a byte before it is read (the write position stays ahead by
/// twice the escapes not yet written).
fn escape_in_place(
    text: String,
    values: impl DoubleEndedIterator<Item = Range<usize>> + Clone,
) -> Vec<u8> {
    let mut text = text.into_bytes();
    let growth: usize = values
        .clone()
        .map(|range| {
            text[range]
                .iter()
                .filter(|b| !is_unreserved_byte(**b))
                .count()
        })
        .sum();
    if growth == 0 {
        return text;
    }
    let mut unmoved_end = text.len();
    text.resize(unmoved_end + 2 * growth, 0);
    let mut write_end = text.len();
    for value in values.rev() {
        // The plain text after this value (`&`s included) moves as one block.
        let tail = unmoved_end - value.end;
        text.copy_within(value.end..unmoved_end, write_end - tail);
        write_end -= tail;
        unmoved_end = value.end;
        while let Some(at) = text[value.start..unmoved_end]
            .iter()
            .rposition(|b| !is_unreserved_byte(*b))
        {
            let at = value.start + at;
            let run = unmoved_end - (at + 1);
            text.copy_within(at + 1..unmoved_end, write_end - run);
            write_end -= run + 3;
            let escape = percent_encode_byte(text[at]);
            text[write_end..write_end + 3].copy_from_slice(escape.as_bytes());
            unmoved_end = at;
        }
    }
    debug_assert_eq!(unmoved_end, write_end, "every escape was counted");
    text
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
            p.push_value(&key.clone().into(), Value::Ip(&ip.parse().unwrap()))
                .unwrap();
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
                    key_plain: false,
                };
                let buf = format!("{a}{b}");
                let (ea, mut eb) = (entry(a), entry(b));
                eb.start += a.len();
                eb.eq += a.len();
                assert_eq!(ea.signing_order(eb, &buf), expected, "{a:?} vs {b:?}");
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
        let pairs: Vec<_> = p
            .pairs()
            .map(|pair| (pair.key(), pair.value(), pair.text, pair.plain))
            .collect();
        assert_eq!(pairs[0], ("a=b", "c=d", "a=b=c=d", false));
        assert_eq!(pairs[1], ("e", "", "e=", true));
    }

    #[test]
    fn a_failing_display_leaves_no_trace() {
        struct Broken;
        impl std::fmt::Display for Broken {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("par")?;
                Err(std::fmt::Error)
            }
        }
        let mut p = Params::new();
        p.push_str("b", "1").unwrap();
        assert_eq!(
            p.push_display("a", Broken),
            Err(EncodeError::UnrenderableValue { name: "a".into() })
        );
        p.push_str("c", "2").unwrap();
        assert_eq!(p.signed_text(), Some("b=1&c=2"));
        assert_eq!(p.len(), 2);
    }

    #[test]
    fn extends_with_a_set_that_has_a_lead() {
        let mut led = Params::with_lead("/a/long/path?", 0);
        led.push_str("b", "2").unwrap();
        let mut p = Params::new();
        p.push_str("a", "1").unwrap();
        p.extend_from(&led).unwrap();
        assert_eq!(p.signed_text(), Some("a=1&b=2"));
        assert_eq!(p.get("b"), Some("2"));
        let mut empty = Params::new();
        empty.extend_from(&led).unwrap();
        assert_eq!(empty.take_escaped_text(), b"b=2");
    }

    #[test]
    fn debug_lists_keys_not_values() {
        let mut p = Params::new();
        p.push_str("ticket", "t03secretvalue").unwrap();
        let shown = format!("{p:?}");
        assert!(shown.contains("ticket") && !shown.contains("t03secretvalue"));
    }
}
