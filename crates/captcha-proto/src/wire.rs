//! The two texts of an API 2.0 request, written in one pass over its parameters: the
//! string to sign (keys in signing form, values raw) and the wire form (RFC 3986
//! percent-encoded `key=value&…`, for the query or the POST body).

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_encode_byte, utf8_percent_encode};

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

/// Writes the pairs of `params` in their order, joined by `&`: their wire form to `form`
/// and their signed form to `signed`. `Api2Config::encode` needs this only when a key holds `_`
/// or a byte to escape: otherwise the text `Params` holds is the string to sign and its
/// values are escaped where they stand (see [`Params::signed_text`]).
///
/// Most pairs read the same in both (see [`Pair::plain`]), so runs of them are signed
/// from `form` itself; only the others are signed piece by piece.
pub(crate) fn write_pairs(params: &Params, signed: &mut impl SignedText, form: &mut Vec<u8>) {
    let mut unsigned_from = form.len();
    for (i, pair) in params.pairs().enumerate() {
        if i > 0 {
            form.push(b'&');
        }
        if pair.plain {
            form.extend_from_slice(pair.text.as_bytes());
        } else {
            signed.put(&form[unsigned_from..]);
            push_signed(signed, pair);
            push_wire(form, pair);
            unsigned_from = form.len();
        }
    }
    signed.put(&form[unsigned_from..]);
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

/// Appends base64 text percent-encoded per [`RFC3986`]: of its alphabet only `+`, `/` and
/// `=` are escaped. (The general encoder costs a third of a keyed signing on these 28 to
/// 44 bytes.)
pub(crate) fn push_encoded_base64(out: &mut Vec<u8>, base64: &[u8]) {
    let mut rest = base64;
    while let Some(at) = rest.iter().position(|b| matches!(b, b'+' | b'/' | b'=')) {
        out.extend_from_slice(&rest[..at]);
        out.extend_from_slice(percent_encode_byte(rest[at]).as_bytes());
        rest = &rest[at + 1..];
    }
    out.extend_from_slice(rest);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::EncodeError;

    #[test]
    fn encodes_everything_but_unreserved() {
        let mut out = Vec::new();
        push_encoded(&mut out, "aZ09-_.~ +/=&%é*");
        assert_eq!(out, b"aZ09-_.~%20%2B%2F%3D%26%25%C3%A9%2A");
    }

    #[test]
    fn base64_is_encoded_like_any_text() {
        let alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=";
        let (mut general, mut base64) = (Vec::new(), Vec::new());
        push_encoded(&mut general, alphabet);
        push_encoded_base64(&mut base64, alphabet.as_bytes());
        assert_eq!(base64, general);
        assert!(base64.ends_with(b"89%2B%2F%3D"));
    }

    #[test]
    fn writes_both_texts_in_signing_order() {
        let mut params = Params::new();
        params.push_str("b_c", "x y").unwrap();
        params.push_str("a", "1").unwrap();
        let mut common = Params::new();
        common.push_str("Z", "2").unwrap();
        common.push_str("b.a", "3").unwrap();
        params.extend_from(&common).unwrap();
        params.sort_for_signing();
        let (mut signed, mut form) = (Vec::new(), Vec::new());
        write_pairs(&params, &mut signed, &mut form);
        assert_eq!(String::from_utf8(signed).unwrap(), "Z=2&a=1&b.a=3&b.c=x y");
        assert_eq!(String::from_utf8(form).unwrap(), "Z=2&a=1&b.a=3&b_c=x%20y");
        assert_eq!(params.signed_text(), None);

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
        write_pairs(&params, &mut signed, &mut form);
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
        let error = clash.extend_from(&common).unwrap_err();
        assert_eq!(
            error,
            EncodeError::DuplicateParameter { name: "b.a".into() }
        );
    }

    #[test]
    fn escaping_in_place_writes_what_write_pairs_writes() {
        let values = [
            "", "t03abc**", "*", "a b", "é中", "&=?", "~-._", "%2A", "1", "x+y/z=", "\u{7f}\0",
        ];
        // Every value in every position, next to plain and unplain neighbours.
        for (i, first) in values.iter().enumerate() {
            for second in values.iter().skip(i % 3) {
                let mut params = Params::with_lead("/v2/index.php?", 0);
                params.push_str("Action", "CaptchaCheck").unwrap();
                params.push_str("a", first).unwrap();
                params.push_str("b", second).unwrap();
                params.push_u64("c", 7).unwrap();
                params.push_str("d", first).unwrap();
                let (mut signed, mut form) = (Vec::new(), b"/v2/index.php?".to_vec());
                write_pairs(&params, &mut signed, &mut form);
                assert_eq!(params.signed_text().map(str::as_bytes), Some(&signed[..]));
                let escaped = params.take_escaped_text();
                assert_eq!(
                    String::from_utf8(escaped).unwrap(),
                    String::from_utf8(form).unwrap(),
                    "{first:?}, {second:?}"
                );
                assert!(params.is_empty());
            }
        }
    }

    #[test]
    fn plain_pairs_are_written_as_params_hold_them() {
        let mut params = Params::with_lead("/p?", 0);
        params.push_str("b", "2").unwrap();
        params.push_str("a", "1.5~").unwrap();
        params.push_u64("c", 3).unwrap();
        params.sort_for_signing();
        let (mut signed, mut form) = (Vec::new(), Vec::new());
        write_pairs(&params, &mut signed, &mut form);
        assert_eq!(params.signed_text(), Some("a=1.5~&b=2&c=3"));
        assert_eq!(form, b"a=1.5~&b=2&c=3");
        assert_eq!(signed, form);
        assert_eq!(params.take_escaped_text(), b"/p?a=1.5~&b=2&c=3");
    }
}
