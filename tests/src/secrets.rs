//! What a leak looks like: [`Needles`] holds secret values in every form they could take in
//! text (raw, percent-encoded with upper- or lower-case hex, form-encoded, JSON-escaped), and
//! [`wire_values`] pulls secret parameters out of recorded requests.

use std::collections::hash_map::RandomState;
use std::fmt::Write as _;
use std::hash::{BuildHasher, Hasher};

/// Shortest secret worth searching for: anything shorter could match by chance and make
/// the search meaningless, so it is refused.
pub const MIN_SECRET_LEN: usize = 12;

/// A fresh, distinctive random string `prefix` + 32 hex digits (from the OS-seeded
/// `RandomState`), unlike anything a log line would contain by chance.
pub fn random_secret(prefix: &str) -> String {
    let mut out = prefix.to_owned();
    for _ in 0..2 {
        let mut hasher = RandomState::new().build_hasher();
        hasher.write_usize(out.len());
        let _ = write!(out, "{:016x}", hasher.finish());
    }
    out
}

/// Secret values, each searched for in all its textual forms.
#[derive(Debug, Default, Clone)]
pub struct Needles {
    forms: Vec<(String, String)>,
    secrets: usize,
}

impl Needles {
    /// No needles yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `secret`, labelled `label` in failure messages.
    ///
    /// # Panics
    /// If `secret` is shorter than [`MIN_SECRET_LEN`].
    pub fn add(&mut self, label: &str, secret: &str) {
        assert!(
            secret.len() >= MIN_SECRET_LEN,
            "{label} is too short to search for: {} bytes",
            secret.len()
        );
        self.secrets += 1;
        let mut forms = vec![
            ("raw", secret.to_owned()),
            ("percent-encoded", percent_encode(secret, true)),
            ("percent-encoded (lower hex)", percent_encode(secret, false)),
            ("form-encoded", form_encode(secret)),
            ("JSON-escaped", json_escape(secret)),
        ];
        forms.dedup_by(|a, b| a.1 == b.1);
        for (form, text) in forms {
            if !self.forms.iter().any(|(_, t)| *t == text) {
                self.forms.push((format!("{label} ({form})"), text));
            }
        }
    }

    /// How many secrets were added.
    pub fn secrets(&self) -> usize {
        self.secrets
    }

    /// Labels of the needles found in `haystack`.
    pub fn found_in(&self, haystack: &str) -> Vec<&str> {
        self.forms
            .iter()
            .filter(|(_, text)| haystack.contains(text.as_str()))
            .map(|(label, _)| label.as_str())
            .collect()
    }

    /// Fails the test naming every needle found in `haystack` (described as `place`), with
    /// the lines around the first hit.
    #[track_caller]
    pub fn assert_absent(&self, place: &str, haystack: &str) {
        let found = self.found_in(haystack);
        if found.is_empty() {
            return;
        }
        let text = self
            .forms
            .iter()
            .find(|(label, _)| label == found[0])
            .map(|(_, text)| text.as_str())
            .unwrap_or_default();
        let context: Vec<&str> = haystack
            .lines()
            .filter(|line| line.contains(text))
            .take(3)
            .collect();
        panic!("{place} leaks {found:?}; e.g. in:\n{}", context.join("\n"));
    }
}

/// RFC 3986 percent-encoding of everything but unreserved characters.
pub fn percent_encode(text: &str, upper: bool) -> String {
    let mut out = String::with_capacity(text.len() * 3);
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(char::from(byte));
        } else if upper {
            let _ = write!(out, "%{byte:02X}");
        } else {
            let _ = write!(out, "%{byte:02x}");
        }
    }
    out
}

/// `application/x-www-form-urlencoded`: like percent-encoding, but space is `+` and `*` stays.
pub fn form_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 3);
    for byte in text.bytes() {
        match byte {
            b' ' => out.push('+'),
            b if b.is_ascii_alphanumeric() || b"*-._".contains(&b) => out.push(char::from(b)),
            b => {
                let _ = write!(out, "%{b:02X}");
            }
        }
    }
    out
}

fn json_escape(text: &str) -> String {
    let quoted = serde_json::to_string(text).unwrap_or_default();
    quoted.trim_matches('"').to_owned()
}

/// Decodes `%XX` escapes (and nothing else: the SDK never sends `+` for a space).
pub fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Every value of the parameter `name` in recorded request bytes, decoded: query strings
/// and form bodies (`name=value&…`), and the fields of an `Authorization` header
/// (`…, Signature=hex`). Matches whole names only (`Signature` is not `SignatureMethod`).
pub fn wire_values(sent: &[u8], name: &str) -> Vec<String> {
    let text = String::from_utf8_lossy(sent);
    let pattern = format!("{name}=");
    let mut values = Vec::new();
    let mut from = 0;
    while let Some(found) = text[from..].find(&pattern) {
        let start = from + found;
        from = start + pattern.len();
        let starts_name = text[..start]
            .chars()
            .next_back()
            .is_none_or(|c| matches!(c, '?' | '&' | ' ' | ',' | '\n'));
        if !starts_name {
            continue;
        }
        let rest = &text[from..];
        let end = rest
            .find(['&', ' ', '\r', '\n', ',', ';'])
            .unwrap_or(rest.len());
        if end > 0 {
            values.push(percent_decode(&rest[..end]));
        }
    }
    values
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_every_form() {
        let mut needles = Needles::new();
        needles.add("key", "a+b/c=d e*f~012345");
        let haystack = "x a%2Bb%2Fc%3Dd%20e%2Af~012345 y";
        assert_eq!(needles.found_in(haystack), ["key (percent-encoded)"]);
        assert_eq!(
            needles.found_in("a%2bb%2fc%3dd%20e%2af~012345"),
            ["key (percent-encoded (lower hex))"]
        );
        assert_eq!(
            needles.found_in("a%2Bb%2Fc%3Dd+e*f%7E012345"),
            ["key (form-encoded)"]
        );
        assert!(needles.found_in("a+b/c=d e*f~01234").is_empty());
    }

    #[test]
    fn extracts_whole_parameter_names() {
        let sent = b"GET /v2/index.php?Action=X&SignatureMethod=HmacSHA1&ticket=t%2A1&Signature=ab%2Bc%3D HTTP/1.1\r\n\
            Authorization: TC3-HMAC-SHA256 Credential=AKID/x, SignedHeaders=host, Signature=00ff\r\n\r\n";
        assert_eq!(wire_values(sent, "Signature"), ["ab+c=", "00ff"]);
        assert_eq!(wire_values(sent, "ticket"), ["t*1"]);
    }

    #[test]
    fn random_secrets_differ() {
        let a = random_secret("k");
        assert_eq!(a.len(), 33);
        assert_ne!(a, random_secret("k"));
    }
}
