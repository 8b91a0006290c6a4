//! What the harnesses share: the statuses the decoders run under, the checks every
//! `DecodeError` must pass, and the signing form of a parameter name.

use captcha_proto::DecodeError;
use captcha_proto::redact::{self, MASK, SNIPPET_BYTES};
use http::StatusCode;

use crate::Checks;

/// Statuses the decoder harnesses pick from.
const STATUSES: [u16; 12] = [200, 201, 204, 301, 400, 403, 404, 429, 500, 502, 503, 504];

/// The input of a harness that drives one of several parsers: two bytes that pick the
/// parser and the HTTP status (`STATUSES[byte % 12]`: 200, 201, 204, 301, 400, 403, 404,
/// 429, 500, 502, 503, 504), then the bytes to parse. Shorter inputs pick parser 0 under
/// status 200 with an empty body, so every byte string is an input.
#[derive(Debug, Clone, Copy)]
pub struct Selected<'a> {
    choice: u8,
    /// The status the body is decoded under.
    pub status: StatusCode,
    /// The bytes to parse.
    pub body: &'a [u8],
}

impl<'a> Selected<'a> {
    /// Splits `data` into the two selector bytes and the body.
    pub fn read(data: &'a [u8]) -> Self {
        let (choice, status, body) = match data {
            [choice, status, body @ ..] => (*choice, *status, body),
            _ => (0, 0, &[][..]),
        };
        let status = STATUSES[usize::from(status) % STATUSES.len()];
        Self {
            choice,
            status: StatusCode::from_u16(status).expect("listed statuses are valid"),
            body,
        }
    }

    /// Writes the bytes of an input that picks parser `choice` (an index below 256) under
    /// `status` (one of the listed statuses, else 200) for `body`: how seeds are made.
    pub fn write(choice: usize, status: u16, body: &[u8]) -> Vec<u8> {
        let status = STATUSES.iter().position(|s| *s == status).unwrap_or(0);
        let mut bytes = vec![choice as u8, status as u8];
        bytes.extend_from_slice(body);
        bytes
    }

    /// The parser picked among `count`.
    pub fn choice(&self, count: usize) -> usize {
        usize::from(self.choice) % count
    }

    /// The statuses a full check decodes under: 200, 502 and the selected one.
    pub fn statuses(&self) -> [StatusCode; 3] {
        [StatusCode::OK, StatusCode::BAD_GATEWAY, self.status]
    }

    /// Runs `decode(decoder, status, body)` of a harness with `count` decoders: with
    /// [`Checks::Quick`] the selected decoder under the selected status; with
    /// [`Checks::Full`] every decoder under each of [`Self::statuses`].
    pub(crate) fn decode_with(
        &self,
        checks: Checks,
        count: usize,
        decode: impl Fn(usize, StatusCode, &[u8]),
    ) {
        match checks {
            Checks::Quick => decode(self.choice(count), self.status, self.body),
            Checks::Full => {
                for status in self.statuses() {
                    for decoder in 0..count {
                        decode(decoder, status, self.body);
                    }
                }
            }
        }
    }
}

/// A parameter name as it is signed: every `_` byte read as `.` (two names equal in this
/// form are the same parameter to the server).
// Mirrors signature v1's rule for keys (docs/protocol.md, "Signature v1", step 3).
pub(crate) fn signing_key_bytes(key: &str) -> impl Iterator<Item = u8> + '_ {
    key.bytes().map(|b| if b == b'_' { b'.' } else { b })
}

/// A decode error keeps its status, a bounded snippet, and no secret of the body.
pub(crate) fn check_decode_error(status: StatusCode, body: &[u8], e: &DecodeError) {
    assert_eq!(e.status(), status, "decode error with another status");
    let snippet = e.snippet();
    assert!(
        snippet.len() <= SNIPPET_BYTES,
        "snippet of {} bytes",
        snippet.len()
    );
    let _ = e.to_string();
    // Masking is textual; its promise is for JSON bodies (it cannot know what a stray
    // `"ticket":"a":"b"` means), complete or cut anywhere by the snippet.
    if serde_json::from_slice::<serde::de::IgnoredAny>(body).is_err() {
        return;
    }
    let text = String::from_utf8_lossy(body);
    for secret in sensitive_json_values(&text) {
        assert!(
            !snippet.contains(secret),
            "snippet {snippet:?} shows the secret {secret:?}"
        );
    }
}

/// Values of `"name": "value"` pairs of `text` whose name is sensitive (`ticket`,
/// `captchaSig`, `Signature`, …), kept only when showing them could be nothing but a leak:
/// the value occurs once in `text`, has no escape, and cannot be produced by the mask.
fn sensitive_json_values(text: &str) -> Vec<&str> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(offset) = text[from..].find('"') {
        let name_start = from + offset + 1;
        from = name_start;
        let name_len = bytes[name_start..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
            .count();
        let name_end = name_start + name_len;
        if name_len == 0 || bytes.get(name_end) != Some(&b'"') {
            continue;
        }
        if !redact::is_sensitive_name(&text[name_start..name_end]) {
            continue;
        }
        let mut i = skip_json_space(bytes, name_end + 1);
        if bytes.get(i) != Some(&b':') {
            continue;
        }
        i = skip_json_space(bytes, i + 1);
        if bytes.get(i) != Some(&b'"') {
            continue;
        }
        let value_start = i + 1;
        let Some(value_len) = text[value_start..].find(['"', '\\']) else {
            continue;
        };
        let value = &text[value_start..value_start + value_len];
        if text.as_bytes()[value_start + value_len] != b'"' || value.is_empty() {
            continue;
        }
        let mask_made = value.contains(['[', ']', '\u{fffd}']) || MASK.contains(value);
        if !mask_made && text.matches(value).count() == 1 {
            found.push(value);
        }
    }
    found
}

fn skip_json_space(bytes: &[u8], mut i: usize) -> usize {
    while bytes
        .get(i)
        .is_some_and(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
    {
        i += 1;
    }
    i
}
