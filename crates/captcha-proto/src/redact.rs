//! Masking of secret values in text that may be shown to people: body snippets in errors,
//! and request dumps (`--dry-run`, logs).

use std::fmt;

/// Longest body snippet kept in an error, in bytes.
pub const SNIPPET_BYTES: usize = 256;

/// What replaces a secret value.
pub const MASK: &str = "[redacted]";

/// Parts of parameter or field names whose values are masked (case-insensitive):
/// keys, tokens, tickets, signatures (`Signature`, `captchaSig`, `vsig`), passwords.
const SENSITIVE: [&str; 7] = [
    "secret",
    "token",
    "ticket",
    "sig",
    "authorization",
    "password",
    "key",
];

/// Names that contain a sensitive word but hold public values.
const PUBLIC: [&str; 2] = ["secretid", "signaturemethod"];

/// True when a parameter or field named `name` holds a secret.
pub fn is_sensitive_name(name: &str) -> bool {
    // Compared in place: masking runs over every name of a body, and must not allocate for each.
    let name = name.as_bytes();
    let contains = |word: &str| {
        name.windows(word.len())
            .any(|part| part.eq_ignore_ascii_case(word.as_bytes()))
    };
    !PUBLIC
        .iter()
        .any(|public| name.eq_ignore_ascii_case(public.as_bytes()))
        && SENSITIVE.iter().any(|word| contains(word))
}

/// The start of `body` (at most [`SNIPPET_BYTES`], cut on a character boundary, invalid
/// UTF-8 replaced) with the values of sensitive fields masked.
pub(crate) fn snippet(body: &[u8]) -> String {
    let head = &body[..body.len().min(SNIPPET_BYTES)];
    let mut text = mask_values(&String::from_utf8_lossy(head));
    // Replacement characters (3 bytes for 1) and masks can make the text longer than the
    // bytes it shows; cutting after masking never uncovers a secret.
    if text.len() > SNIPPET_BYTES {
        let mut end = SNIPPET_BYTES;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
    }
    text
}

/// Masks the value of every `name=value` or `"name": "value"` whose name is sensitive.
/// Works on query strings, form bodies, JSON and header-like text alike.
pub fn mask_values(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut i = 0;
    while i < bytes.len() {
        if !is_name_byte(bytes[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && is_name_byte(bytes[i]) {
            i += 1;
        }
        if !is_sensitive_name(&text[start..i]) {
            continue;
        }
        if let Some(value) = value_after_name(bytes, i) {
            out.push_str(&text[copied..value.start]);
            out.push_str(MASK);
            copied = value.end;
            i = value.end;
        }
    }
    out.push_str(&text[copied..]);
    out
}

fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-')
}

/// The byte range of the value that follows a name ending at `i`, if a separator follows.
fn value_after_name(bytes: &[u8], mut i: usize) -> Option<std::ops::Range<usize>> {
    // JSON allows tabs and line breaks around `:` (pretty-printed bodies).
    let skip_spaces = |mut i: usize| {
        while i < bytes.len() && matches!(bytes[i], b' ' | b'\t' | b'\n' | b'\r') {
            i += 1;
        }
        i
    };
    if i < bytes.len() && bytes[i] == b'"' {
        i += 1;
    }
    i = skip_spaces(i);
    if i >= bytes.len() || !matches!(bytes[i], b':' | b'=') {
        return None;
    }
    i = skip_spaces(i + 1);
    // A JSON object or array under a sensitive name is masked whole, to its closing bracket
    // (stopping at the next `,` or `&` could end inside it and bare what follows).
    if i < bytes.len() && matches!(bytes[i], b'{' | b'[') {
        return Some(i..json_container_end(bytes, i));
    }
    if i < bytes.len() && bytes[i] == b'"' {
        let start = i + 1;
        let mut j = start;
        while j < bytes.len() && bytes[j] != b'"' {
            j += if bytes[j] == b'\\' { 2 } else { 1 };
        }
        return Some(start..j.min(bytes.len()));
    }
    // A bare value ends where a query, header or JSON text would end it. A quote ends it
    // too: a name read inside a JSON key (`"name:x"`) must not swallow the key after it,
    // whose own value is then masked in turn.
    let start = i;
    let mut j = start;
    while j < bytes.len()
        && !matches!(
            bytes[j],
            b'&' | b',' | b'}' | b';' | b' ' | b'\n' | b'\r' | b'"'
        )
    {
        j += 1;
    }
    (j > start).then_some(start..j)
}

/// The end (past the closing bracket, or the end of `bytes` when cut) of the JSON object or
/// array opening at `start`, skipping brackets inside strings.
fn json_container_end(bytes: &[u8], start: usize) -> usize {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut i = start;
    while i < bytes.len() {
        match (in_string, bytes[i]) {
            (true, b'\\') => i += 1,
            (true, b'"') => in_string = false,
            (false, b'"') => in_string = true,
            (false, b'{' | b'[') => depth += 1,
            (false, b'}' | b']') => {
                depth -= 1;
                if depth == 0 {
                    return i + 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    bytes.len()
}

/// Shows a signed request with every secret value masked in its query and body,
/// and sensitive headers hidden. Use it instead of `http::Request`'s own `Debug`,
/// which prints the URI (with the ticket and signature) as it is.
///
/// ```
/// # use captcha_proto::{Api2Config, Credential, CaptchaCheck, CaptchaType, Stamp, redact::Redacted};
/// let config = Api2Config::new(Credential::new("AKIDexample", "key")?);
/// let check = CaptchaCheck::new("t03SecretTicket", "127.0.0.1".parse().unwrap(), CaptchaType::Slider);
/// let request = config.encode(&check, Stamp::new(1465185768, 11886)?)?;
/// let shown = Redacted(&request).to_string();
/// assert!(shown.contains("ticket=[redacted]") && !shown.contains("t03SecretTicket"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Redacted<'a, B>(pub &'a http::Request<B>);

impl<B: AsRef<[u8]>> fmt::Display for Redacted<'_, B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let request = self.0;
        write!(f, "{} {}", request.method(), shown_uri(request.uri()))?;
        for (name, value) in request.headers() {
            let shown = if value.is_sensitive() || is_sensitive_name(name.as_str()) {
                MASK.to_owned()
            } else {
                mask_values(&String::from_utf8_lossy(value.as_bytes()))
            };
            write!(f, "\n{name}: {shown}")?;
        }
        let body = request.body().as_ref();
        if !body.is_empty() {
            write!(f, "\n\n{}", mask_values(&String::from_utf8_lossy(body)))?;
        }
        Ok(())
    }
}

/// `uri` with its sensitive parameters and any `user:password@` masked.
fn shown_uri(uri: &http::Uri) -> String {
    let text = match (uri.scheme_str(), uri.authority()) {
        (Some(scheme), Some(authority)) => match authority.as_str().rsplit_once('@') {
            Some((_, host_and_port)) => {
                let path_and_query = uri.path_and_query().map_or("", |p| p.as_str());
                format!("{scheme}://{MASK}@{host_and_port}{path_and_query}")
            }
            None => uri.to_string(),
        },
        _ => uri.to_string(),
    };
    mask_values(&text)
}

impl<B: AsRef<[u8]>> fmt::Debug for Redacted<'_, B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sensitive_names_ignore_ascii_case() {
        for name in [
            "SecretKey",
            "x_TOKEN_y",
            "Ticket",
            "captchaSig",
            "AUTHORIZATION",
            "pass-Password",
            "AppSecretKey",
        ] {
            assert!(is_sensitive_name(name), "{name}");
        }
        for name in [
            "SecretId",
            "SECRETID",
            "SignatureMethod",
            "Randstr",
            "UserIp",
            "",
            "é",
        ] {
            assert!(!is_sensitive_name(name), "{name}");
        }
    }

    #[test]
    fn a_request_shows_no_password_of_its_uri() {
        let request = http::Request::get("http://h:hunter2@example.com:8080/v2?ticket=t03x&a=1")
            .body(Vec::<u8>::new())
            .unwrap();
        assert_eq!(
            Redacted(&request).to_string(),
            "GET http://[redacted]@example.com:8080/v2?ticket=[redacted]&a=1"
        );
        let plain = http::Request::get("http://example.com/v2?a=1")
            .body(Vec::<u8>::new())
            .unwrap();
        assert_eq!(
            Redacted(&plain).to_string(),
            "GET http://example.com/v2?a=1"
        );
    }

    #[test]
    fn masks_query_json_and_escapes() {
        assert_eq!(
            mask_values("Action=CaptchaCheck&ticket=t%2Fx&Signature=abc%3D&userIp=1.2.3.4"),
            "Action=CaptchaCheck&ticket=[redacted]&Signature=[redacted]&userIp=1.2.3.4"
        );
        assert_eq!(
            mask_values(r#"{"AppSecretKey": "a\"b", "Ticket":"t", "code":0}"#),
            r#"{"AppSecretKey": "[redacted]", "Ticket":"[redacted]", "code":0}"#
        );
        assert_eq!(
            mask_values("SecretId=AKID&Token=tok"),
            "SecretId=AKID&Token=[redacted]"
        );
        assert_eq!(mask_values("ticket"), "ticket");
        assert_eq!(
            mask_values(r#"{"ticket":"unterminated"#),
            r#"{"ticket":"[redacted]"#
        );
    }

    #[test]
    fn a_sensitive_object_or_array_is_masked_whole() {
        // Found by the decode_v3 fuzzer: the object was masked only up to the `&` inside a
        // password it held, which then showed.
        assert_eq!(
            mask_values(r#"{"Keys":{"password":"&pw","note":"}]"},"code":0}"#),
            r#"{"Keys":[redacted],"code":0}"#
        );
        assert_eq!(
            mask_values(r#"{"Tickets": ["a", "b"], "code": 0}"#),
            r#"{"Tickets": [redacted], "code": 0}"#
        );
        assert_eq!(
            mask_values(r#"{"Response":{"Ticket":"t&u","code":0}}"#),
            r#"{"Response":{"Ticket":"[redacted]","code":0}}"#
        );
        assert_eq!(mask_values(r#"{"token":{"cut"#), r#"{"token":[redacted]"#);
    }

    /// A JSON key that holds `:` and a sensitive word must not hide the next key's secret
    /// value inside the bare value read after its `:` (found by fuzzing `decode_v3`).
    #[test]
    fn a_json_key_with_a_colon_does_not_bare_the_next_value() {
        let text = r#"{"Rnskeypons:e":{"Captchapassword":"&ass","etKey":"sE3kw"}}"#;
        let masked = mask_values(text);
        assert!(
            !masked.contains("&ass") && !masked.contains("sE3kw"),
            "{masked}"
        );
    }

    #[test]
    fn snippet_is_bounded_and_lossy() {
        let body = vec![b'a'; 10_000];
        assert_eq!(snippet(&body).len(), SNIPPET_BYTES);
        assert_eq!(snippet(&[0xff, b'x']), "\u{fffd}x");
    }
}
