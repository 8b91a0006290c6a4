//! The two texts of an API 2.0 request, written in one pass over its parameters: the
//! string to sign (keys in signing form, values raw) and the wire form (RFC 3986
//! percent-encoded `key=value&…`, for the query or the POST body).

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use crate::error::EncodeError;
use crate::params::{Pair, Params};
use crate::v1::Signing;

/// Every byte but RFC 3986's unreserved `A–Z a–z 0–9 - _ . ~` is escaped (a space is `%20`).
pub(crate) const RFC3986: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// Where the string to sign goes: straight into the HMAC when encoding, into a buffer
/// when showing it.
pub(crate) trait SignedText {
    /// Appends `bytes`.
    fn put(&mut self, bytes: &[u8]);
}

impl SignedText for Vec<u8> {
    fn put(&mut self, bytes: &[u8]) {
        self.extend_from_slice(bytes);
    }
}

impl SignedText for Signing {
    fn put(&mut self, bytes: &[u8]) {
        self.update(bytes);
    }
}

/// Writes the pairs of `params` and `common` in signing order, joined by `&`: their wire
/// form to `form` and their signed form to `signed`.
///
/// Most pairs read the same in both (see [`Pair::plain`]), so runs of them are signed
/// from `form` itself; only the others are signed piece by piece.
pub(crate) fn write_pairs(
    params: &Params,
    common: &Params,
    signed: &mut impl SignedText,
    form: &mut Vec<u8>,
) -> Result<(), EncodeError> {
    let mut unsigned_from = form.len();
    let mut first = true;
    params.merge_for_signing(common, |pair| {
        if !first {
            form.push(b'&');
        }
        first = false;
        if pair.plain {
            form.extend_from_slice(pair.text.as_bytes());
        } else {
            signed.put(&form[unsigned_from..]);
            push_signed(signed, pair);
            push_wire(form, pair);
            unsigned_from = form.len();
        }
    })?;
    signed.put(&form[unsigned_from..]);
    Ok(())
}

/// Appends `pair` as it is signed: the key with `_` read as `.`, `=`, the raw value.
fn push_signed(out: &mut impl SignedText, pair: Pair<'_>) {
    put_signing_key(out, pair.key());
    out.put(&pair.text.as_bytes()[pair.key_len..]);
}

/// Appends `key` as it is signed: every `_` read as `.` (PHP turns `.` into `_` in
/// incoming keys), everything else, non-ASCII text included, as it is.
pub(crate) fn put_signing_key(out: &mut impl SignedText, key: &str) {
    for (i, piece) in key.split('_').enumerate() {
        if i > 0 {
            out.put(b".");
        }
        out.put(piece.as_bytes());
    }
}

/// Appends `pair` as it travels: key and value percent-encoded, joined by `=`.
fn push_wire(out: &mut Vec<u8>, pair: Pair<'_>) {
    push_encoded(out, pair.key());
    out.push(b'=');
    push_encoded(out, pair.value());
}

/// Appends `text` percent-encoded per [`RFC3986`].
pub(crate) fn push_encoded(out: &mut Vec<u8>, text: &str) {
    for chunk in utf8_percent_encode(text, RFC3986) {
        out.extend_from_slice(chunk.as_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_everything_but_unreserved() {
        let mut out = Vec::new();
        push_encoded(&mut out, "aZ09-_.~ +/=&%é*");
        assert_eq!(out, b"aZ09-_.~%20%2B%2F%3D%26%25%C3%A9%2A");
    }

    #[test]
    fn merges_two_sets_into_both_texts() {
        let mut params = Params::new();
        params.push_str("b_c", "x y").unwrap();
        params.push_str("a", "1").unwrap();
        params.sort_for_signing();
        let mut common = Params::new();
        common.push_str("Z", "2").unwrap();
        common.push_str("b.a", "3").unwrap();
        common.sort_for_signing();
        let (mut signed, mut form) = (Vec::new(), Vec::new());
        write_pairs(&params, &common, &mut signed, &mut form).unwrap();
        assert_eq!(String::from_utf8(signed).unwrap(), "Z=2&a=1&b.a=3&b.c=x y");
        assert_eq!(String::from_utf8(form).unwrap(), "Z=2&a=1&b.a=3&b_c=x%20y");

        // Unplain pairs first, last and in a row; a key of several `_`.
        let mut params = Params::new();
        for (key, value) in [
            ("A_1", "é"),
            ("B", "1"),
            ("C__d_", "*"),
            ("D", "~"),
            ("E", "+"),
        ] {
            params.push_str(key, value).unwrap();
        }
        let (mut signed, mut form) = (Vec::new(), Vec::new());
        write_pairs(&params, &Params::new(), &mut signed, &mut form).unwrap();
        assert_eq!(
            String::from_utf8(signed).unwrap(),
            "A.1=é&B=1&C..d.=*&D=~&E=+"
        );
        assert_eq!(
            String::from_utf8(form).unwrap(),
            "A_1=%C3%A9&B=1&C__d_=%2A&D=~&E=%2B"
        );

        let mut clash = Params::new();
        clash.push_str("b_a", "4").unwrap();
        let error = write_pairs(&clash, &common, &mut Vec::new(), &mut Vec::new()).unwrap_err();
        assert_eq!(
            error,
            EncodeError::DuplicateParameter { name: "b.a".into() }
        );
    }
}
