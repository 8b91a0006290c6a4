//! [`Params`]: the ordered wire parameters of one API 2.0 call.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::fmt::Write as _;
use std::net::IpAddr;

use crate::error::EncodeError;

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
    /// Where each parameter sits in `buf`, in the current order.
    entries: Vec<Entry>,
}

/// One parameter's `key=value` in the buffer: `buf[start..end]`, with `=` at `eq`.
#[derive(Clone, Copy)]
struct Entry {
    /// [`signing_prefix`] of the key: orders and tells apart most keys in one comparison.
    prefix: u64,
    start: usize,
    eq: usize,
    end: usize,
}

impl Entry {
    fn key(self, buf: &str) -> &str {
        &buf[self.start..self.eq]
    }

    /// Signing order of two entries' keys.
    fn signing_order(self, other: Self, buf: &str) -> Ordering {
        self.prefix
            .cmp(&other.prefix)
            .then_with(|| compare_signing_keys(self.key(buf), other.key(buf)))
    }

    fn value(self, buf: &str) -> &str {
        &buf[self.eq + 1..self.end]
    }

    fn pair(self, buf: &str) -> Pair<'_> {
        Pair {
            text: &buf[self.start..self.end],
            key_len: self.eq - self.start,
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
            entries: Vec::with_capacity(count),
        }
    }

    /// Adds a string parameter. Keys must be non-empty, unique (`a_b` and `a.b` are the
    /// same key to a server), and not `Signature` (which the signer adds); the error names
    /// the key.
    pub fn push_str(
        &mut self,
        key: impl Into<Cow<'static, str>>,
        value: &str,
    ) -> Result<(), EncodeError> {
        let entry = self.start_entry(key.into())?;
        self.buf.push_str(value);
        self.finish_entry(entry);
        Ok(())
    }

    /// Adds an integer parameter, rendered in decimal.
    pub fn push_u64(
        &mut self,
        key: impl Into<Cow<'static, str>>,
        value: u64,
    ) -> Result<(), EncodeError> {
        let entry = self.start_entry(key.into())?;
        push_decimal(&mut self.buf, value);
        self.finish_entry(entry);
        Ok(())
    }

    /// Adds an IP address in its usual text form (`203.0.113.7`, `2001:db8::1`).
    pub(crate) fn push_ip(
        &mut self,
        key: impl Into<Cow<'static, str>>,
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
        key: impl Into<Cow<'static, str>>,
        value: impl std::fmt::Display,
    ) -> Result<(), EncodeError> {
        let entry = self.start_entry(key.into())?;
        write!(self.buf, "{value}").expect("writing to a String cannot fail");
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

    /// The parameters as stored (`key=value`), in their current order.
    pub(crate) fn pairs(&self) -> impl Iterator<Item = Pair<'_>> + Clone + '_ {
        self.entries.iter().map(|e| e.pair(&self.buf))
    }

    /// Bytes of every `key=value` together.
    pub(crate) fn text_len(&self) -> usize {
        self.buf.len()
    }

    /// Sorts into signing order: byte order of the signing key (`_` read as `.`).
    pub fn sort_for_signing(&mut self) {
        let buf = &self.buf;
        self.entries
            .sort_unstable_by(|a, b| a.signing_order(*b, buf));
    }

    /// Checks `key` and writes `key=`; the value follows, then `finish_entry`.
    fn start_entry(&mut self, key: Cow<'static, str>) -> Result<Entry, EncodeError> {
        if key.is_empty() {
            return Err(EncodeError::EmptyParameterName);
        }
        if key == "Signature" {
            return Err(EncodeError::ReservedParameter {
                name: key.into_owned(),
            });
        }
        // `a_b` and `a.b` sign alike and reach a PHP server as one key: refuse the second.
        let prefix = signing_prefix(&key);
        if self.entries.iter().any(|e| {
            e.prefix == prefix && e.eq - e.start == key.len() && {
                compare_signing_keys(e.key(&self.buf), &key).is_eq()
            }
        }) {
            return Err(EncodeError::DuplicateParameter {
                name: key.into_owned(),
            });
        }
        let start = self.buf.len();
        self.buf.push_str(&key);
        let eq = self.buf.len();
        self.buf.push('=');
        Ok(Entry {
            prefix,
            start,
            eq,
            end: eq,
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

/// The signing form of a key: every `_` becomes `.` (PHP turns `.` into `_` in incoming keys).
pub(crate) fn signing_key_bytes(key: &str) -> impl Iterator<Item = u8> + '_ {
    key.bytes().map(|b| if b == b'_' { b'.' } else { b })
}

/// Byte order of the signing forms of two keys.
pub(crate) fn compare_signing_keys(a: &str, b: &str) -> Ordering {
    let signing = |byte: u8| if byte == b'_' { b'.' } else { byte };
    // Equal bytes are equal in signing form too: map only where the keys differ.
    for (x, y) in a.bytes().zip(b.bytes()) {
        if x != y {
            let order = signing(x).cmp(&signing(y));
            if order.is_ne() {
                return order;
            }
        }
    }
    a.len().cmp(&b.len())
}

/// The first 8 bytes of a key's signing form, big-endian and zero-padded. Two keys whose
/// prefixes differ order like their prefixes; equal prefixes need the full comparison.
fn signing_prefix(key: &str) -> u64 {
    // Shifted in register by register (a byte array read back as a u64 stalls the CPU).
    let mut bytes = signing_key_bytes(key);
    (0..8).fold(0, |prefix, _| {
        prefix << 8 | u64::from(bytes.next().unwrap_or(0))
    })
}

/// Appends `value` in decimal.
fn push_decimal(out: &mut String, mut value: u64) {
    let mut digits = [0u8; 20];
    let mut start = digits.len();
    loop {
        start -= 1;
        digits[start] = b'0' + (value % 10) as u8;
        value /= 10;
        if value == 0 {
            break;
        }
    }
    out.extend(digits[start..].iter().map(|&d| char::from(d)));
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
        let pair = p.pairs().next().unwrap();
        assert_eq!(
            (pair.key(), pair.value(), pair.text),
            ("a=b", "c=d", "a=b=c=d")
        );
    }

    #[test]
    fn debug_lists_keys_not_values() {
        let mut p = Params::new();
        p.push_str("ticket", "t03secretvalue").unwrap();
        let shown = format!("{p:?}");
        assert!(shown.contains("ticket") && !shown.contains("t03secretvalue"));
    }
}
