//! [`ParamKey`]: a parameter name with what signing needs to know about it, worked out
//! once (by the compiler, for a `const`).

use std::borrow::Cow;
use std::cmp::Ordering;

/// A parameter name, with its signing-order prefix and whether it reads the same signed
/// and on the wire precomputed.
///
/// Every `Params::push_*` takes `impl Into<ParamKey>`: a `&'static str`, `String` or
/// `Cow` works and is examined when pushed; a `const` key is examined at compile time,
/// which is what the typed actions use on the hot path.
///
/// ```
/// use captcha_proto::api2::{ParamKey, Params};
/// const LIMIT: ParamKey = ParamKey::new("limit");
/// let mut params = Params::new();
/// params.push_u64(LIMIT, 20)?;
/// params.push_str("offset", "0")?;
/// assert_eq!(params.get("limit"), Some("20"));
/// # Ok::<(), captcha_proto::EncodeError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParamKey {
    name: Cow<'static, str>,
    /// The first 8 bytes of the name's signing form (see `signing_prefix`).
    pub(crate) prefix: u64,
    /// No `_` and nothing to percent-encode: see `Entry::plain`.
    pub(crate) plain: bool,
    /// Neither empty nor `Signature`: a name `Params` accepts (worked out once per key, so
    /// a push checks one flag).
    pub(crate) allowed: bool,
}

impl ParamKey {
    /// A key from a static name, examined at compile time in a `const`. Names that
    /// `Params` refuses (empty, `Signature`) are refused when pushed, with a typed error.
    pub const fn new(name: &'static str) -> Self {
        Self {
            name: Cow::Borrowed(name),
            prefix: signing_prefix(name),
            plain: is_plain_key(name),
            allowed: is_allowed_name(name),
        }
    }

    /// The name as sent.
    pub fn as_str(&self) -> &str {
        &self.name
    }

    /// Whether `self` comes before `other` in signing order.
    pub(crate) fn signs_before(&self, other: &ParamKey) -> bool {
        // The names are read only when the prefixes cannot tell.
        match self.prefix.cmp(&other.prefix) {
            Ordering::Equal => compare_signing_keys(&self.name, &other.name).is_lt(),
            order => order.is_lt(),
        }
    }

    fn owned(name: String) -> Self {
        Self {
            prefix: signing_prefix(&name),
            plain: is_plain_key(&name),
            allowed: is_allowed_name(&name),
            name: Cow::Owned(name),
        }
    }
}

impl From<&'static str> for ParamKey {
    fn from(name: &'static str) -> Self {
        Self::new(name)
    }
}

impl From<String> for ParamKey {
    fn from(name: String) -> Self {
        Self::owned(name)
    }
}

impl From<Cow<'static, str>> for ParamKey {
    fn from(name: Cow<'static, str>) -> Self {
        match name {
            Cow::Borrowed(name) => Self::new(name),
            Cow::Owned(name) => Self::owned(name),
        }
    }
}

/// The signing form of a key: every `_` becomes `.` (PHP turns `.` into `_` in incoming keys).
/// The reference the fuzz harnesses and tests check the faster comparisons against.
#[cfg(test)]
pub(crate) fn signing_key_bytes(key: &str) -> impl Iterator<Item = u8> + '_ {
    key.bytes().map(signing_byte)
}

/// Signing order of two keys given with their [`signing_prefix`]es: the prefixes decide
/// unless they are equal, and only then are the keys compared.
pub(crate) fn prefixed_signing_order(prefix_a: u64, a: &str, prefix_b: u64, b: &str) -> Ordering {
    prefix_a
        .cmp(&prefix_b)
        .then_with(|| compare_signing_keys(a, b))
}

/// Byte order of the signing forms of two keys.
pub(crate) fn compare_signing_keys(a: &str, b: &str) -> Ordering {
    let signing = signing_byte;
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
pub(crate) const fn signing_prefix(key: &str) -> u64 {
    // Shifted in register by register (a byte array read back as a u64 stalls the CPU).
    let bytes = key.as_bytes();
    let mut prefix = 0;
    let mut i = 0;
    while i < 8 {
        let byte = if i < bytes.len() {
            signing_byte(bytes[i])
        } else {
            0
        };
        prefix = prefix << 8 | byte as u64;
        i += 1;
    }
    prefix
}

/// A key byte as signed: `_` reads as `.`.
const fn signing_byte(byte: u8) -> u8 {
    if byte == b'_' { b'.' } else { byte }
}

/// A key with no `_` and nothing to percent-encode.
const fn is_plain_key(key: &str) -> bool {
    let bytes = key.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'_' || !is_unreserved_byte(bytes[i]) {
            return false;
        }
        i += 1;
    }
    true
}

/// Whether `Params` accepts `name` as a parameter: not empty, and not `Signature` (the
/// signer adds that one).
const fn is_allowed_name(name: &str) -> bool {
    let (bytes, reserved) = (name.as_bytes(), b"Signature".as_slice());
    if bytes.is_empty() {
        return false;
    }
    if bytes.len() != reserved.len() {
        return true;
    }
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != reserved[i] {
            return true;
        }
        i += 1;
    }
    false
}

/// True when `text` needs no percent-encoding: only RFC 3986 unreserved bytes
/// (`A–Z a–z 0–9 - _ . ~`).
pub(crate) fn is_unreserved(text: &str) -> bool {
    // A table lookup per byte and no early exit: values are mostly tickets and ids of
    // tens of bytes that all pass.
    text.bytes()
        .fold(true, |all, b| all & UNRESERVED[usize::from(b)])
}

/// [`is_unreserved_byte`] of every byte.
static UNRESERVED: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = is_unreserved_byte(b as u8);
        b += 1;
    }
    table
};

/// One byte of [`is_unreserved`].
#[inline]
pub(crate) const fn is_unreserved_byte(b: u8) -> bool {
    let letter = (b | 0x20).wrapping_sub(b'a') < 26;
    let digit = b.wrapping_sub(b'0') < 10;
    letter | digit | (b == b'-') | (b == b'_') | (b == b'.') | (b == b'~')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unreserved_bytes_are_exactly_rfc_3986s() {
        for b in 0..=255u8 {
            let expected = b.is_ascii_alphanumeric() || b"-_.~".contains(&b);
            assert_eq!(is_unreserved_byte(b), expected, "byte {b:#04x}");
            let text = String::from_utf8(vec![b'a'; 20].into_iter().chain([b]).collect());
            if let Ok(text) = text {
                // The byte at the end of a whole chunk and in the tail.
                assert_eq!(is_unreserved(&text), expected, "{text:?}");
                assert_eq!(is_unreserved(&text[3..]), expected, "{text:?}");
            }
        }
        assert!(is_unreserved(""));
        assert!(!is_unreserved(&format!("{}é", "a".repeat(31))));
    }

    #[test]
    fn const_and_runtime_keys_agree() {
        const TICKET: ParamKey = ParamKey::new("ticket");
        assert_eq!(TICKET, ParamKey::from(String::from("ticket")));
        assert_eq!(TICKET.as_str(), "ticket");
        let ticket = TICKET;
        assert!(ticket.plain);
        for (name, plain) in [("a_b", false), ("a.b", true), ("a b", false), ("é", false)] {
            let key = ParamKey::from(Cow::Owned(name.to_owned()));
            assert_eq!(key.plain, plain, "{name}");
            assert_eq!(key.prefix, signing_prefix(name));
        }
        assert_eq!(signing_prefix("a_b"), signing_prefix("a.b"));
        assert_eq!(
            signing_prefix("captchaType"),
            u64::from_be_bytes(*b"captchaT")
        );
    }
}
