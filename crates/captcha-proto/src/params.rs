//! [`Params`]: the ordered wire parameters of one API 2.0 call.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::fmt::Write as _;
use std::ops::Range;

use crate::error::EncodeError;

/// The parameters of one API 2.0 request, before signing.
///
/// Keys are wire keys (`captchaType`, `instanceIds.0`, …). Values are raw UTF-8: they are
/// signed as they are and percent-encoded (RFC 3986) exactly once when the request is built.
/// All values live in one buffer so that building a request costs few allocations.
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
    buf: String,
    entries: Vec<Entry>,
}

#[derive(Clone)]
struct Entry {
    key: Cow<'static, str>,
    value: Range<usize>,
}

impl Params {
    /// An empty set.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty set with room for `count` parameters totalling `bytes` value bytes.
    pub fn with_capacity(count: usize, bytes: usize) -> Self {
        Self {
            buf: String::with_capacity(bytes),
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
        let key = self.check_key(key.into())?;
        let start = self.buf.len();
        self.buf.push_str(value);
        self.entries.push(Entry {
            key,
            value: start..self.buf.len(),
        });
        Ok(())
    }

    /// Adds an integer parameter, rendered in decimal.
    pub fn push_u64(
        &mut self,
        key: impl Into<Cow<'static, str>>,
        value: u64,
    ) -> Result<(), EncodeError> {
        self.push_display(key, value)
    }

    /// Adds a parameter rendered with `Display` (numbers, IP addresses), without a
    /// temporary string.
    pub fn push_display(
        &mut self,
        key: impl Into<Cow<'static, str>>,
        value: impl std::fmt::Display,
    ) -> Result<(), EncodeError> {
        let key = self.check_key(key.into())?;
        let start = self.buf.len();
        write!(self.buf, "{value}").expect("writing to a String cannot fail");
        self.entries.push(Entry {
            key,
            value: start..self.buf.len(),
        });
        Ok(())
    }

    /// The value of `key`, if present.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.entries
            .iter()
            .find(|e| e.key == key)
            .map(|e| &self.buf[e.value.clone()])
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
            .map(|e| (e.key.as_ref(), &self.buf[e.value.clone()]))
    }

    /// Sorts into signing order: byte order of the signing key (`_` read as `.`).
    pub fn sort_for_signing(&mut self) {
        self.entries
            .sort_unstable_by(|a, b| compare_signing_keys(&a.key, &b.key));
    }

    fn check_key(&self, key: Cow<'static, str>) -> Result<Cow<'static, str>, EncodeError> {
        if key.is_empty() {
            return Err(EncodeError::EmptyParameterName);
        }
        if key == "Signature" {
            return Err(EncodeError::ReservedParameter {
                name: key.into_owned(),
            });
        }
        // `a_b` and `a.b` sign alike and reach a PHP server as one key: refuse the second.
        if self
            .entries
            .iter()
            .any(|e| compare_signing_keys(&e.key, &key).is_eq())
        {
            return Err(EncodeError::DuplicateParameter {
                name: key.into_owned(),
            });
        }
        Ok(key)
    }
}

impl std::fmt::Debug for Params {
    /// Lists the keys only: values may be tickets or tokens.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Params")
            .field(
                "keys",
                &self.entries.iter().map(|e| &e.key).collect::<Vec<_>>(),
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
    signing_key_bytes(a).cmp(signing_key_bytes(b))
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
    fn debug_lists_keys_not_values() {
        let mut p = Params::new();
        p.push_str("ticket", "t03secretvalue").unwrap();
        let shown = format!("{p:?}");
        assert!(shown.contains("ticket") && !shown.contains("t03secretvalue"));
    }
}
