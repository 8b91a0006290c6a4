//! Flattening a JSON payload into `key=value` parameters, as the official SDKs do for GET
//! and signature v1 requests: `{"Tags":[{"Key":"a"}],"Filter":{"Name":"x"}}` becomes
//! `Tags.0.Key=a`, `Filter.Name=x`.

use std::collections::HashSet;

use serde::de::IgnoredAny;

use crate::error::EncodeError;

/// The flattened parameters of a JSON object, in the order they appear in the document.
///
/// Nested values get dotted keys (list items by index, object members by name); scalars
/// become their text: numbers exactly as written, `true`/`false`, strings raw (unescaped).
/// `null` and empty lists or objects send nothing (like the Python SDK). The payload must
/// be an object; a key that is empty, or that two paths flatten to, is refused.
pub(crate) fn flatten_payload(payload: &[u8]) -> Result<Vec<(String, String)>, EncodeError> {
    // Checked first (which also bounds the nesting the walk below recurses into), so the
    // walk only meets valid JSON.
    serde_json::from_slice::<IgnoredAny>(payload).map_err(|_| not_flattenable())?;
    if !payload.trim_ascii_start().starts_with(b"{") {
        return Err(not_an_object());
    }
    let mut walk = Walk {
        text: payload,
        pos: 0,
        out: Vec::new(),
    };
    walk.value(None).ok_or_else(not_flattenable)?;
    let out = walk.out;
    let mut seen = HashSet::with_capacity(out.len());
    for (key, _) in &out {
        if key.is_empty() {
            return Err(EncodeError::EmptyParameterName);
        }
        if !seen.insert(key.as_str()) {
            return Err(EncodeError::DuplicateParameter { name: key.clone() });
        }
    }
    Ok(out)
}

fn not_flattenable() -> EncodeError {
    EncodeError::InvalidValue {
        field: "payload",
        reason: "is not valid JSON",
    }
}

fn not_an_object() -> EncodeError {
    EncodeError::InvalidValue {
        field: "payload",
        reason: "must be a JSON object to be sent as parameters",
    }
}

/// A walk over valid JSON text, writing the pairs of its scalars. Numbers are taken as
/// their text (a parse to `f64` and back may change the last digit); strings are
/// unescaped by `serde_json`.
struct Walk<'a> {
    text: &'a [u8],
    pos: usize,
    out: Vec<(String, String)>,
}

impl Walk<'_> {
    fn skip_whitespace(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.text.get(self.pos) {
            self.pos += 1;
        }
    }

    /// The next byte after whitespace, consumed.
    fn next(&mut self) -> Option<u8> {
        self.skip_whitespace();
        let byte = *self.text.get(self.pos)?;
        self.pos += 1;
        Some(byte)
    }

    fn peek(&mut self) -> Option<u8> {
        self.skip_whitespace();
        self.text.get(self.pos).copied()
    }

    fn value(&mut self, prefix: Option<&str>) -> Option<()> {
        let child = |name: &str| match prefix {
            Some(prefix) => format!("{prefix}.{name}"),
            None => name.to_owned(),
        };
        match self.peek()? {
            b'{' => {
                self.pos += 1;
                if self.peek()? == b'}' {
                    self.pos += 1;
                    return Some(());
                }
                loop {
                    self.skip_whitespace();
                    let key = self.string()?;
                    (self.next()? == b':').then_some(())?;
                    self.value(Some(&child(&key)))?;
                    match self.next()? {
                        b',' => {}
                        b'}' => return Some(()),
                        _ => return None,
                    }
                }
            }
            b'[' => {
                self.pos += 1;
                if self.peek()? == b']' {
                    self.pos += 1;
                    return Some(());
                }
                for index in 0usize.. {
                    self.value(Some(&child(&index.to_string())))?;
                    match self.next()? {
                        b',' => {}
                        b']' => return Some(()),
                        _ => return None,
                    }
                }
                None
            }
            b'"' => {
                let text = self.string()?;
                self.push(prefix, text)
            }
            b't' => self.literal(b"true", prefix, Some("true")),
            b'f' => self.literal(b"false", prefix, Some("false")),
            b'n' => self.literal(b"null", prefix, None),
            _ => {
                let start = self.pos;
                while let Some(b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E') =
                    self.text.get(self.pos)
                {
                    self.pos += 1;
                }
                let number = std::str::from_utf8(&self.text[start..self.pos]).ok()?;
                (!number.is_empty()).then_some(())?;
                self.push(prefix, number.to_owned())
            }
        }
    }

    fn push(&mut self, prefix: Option<&str>, value: String) -> Option<()> {
        self.out
            .push((prefix.unwrap_or_default().to_owned(), value));
        Some(())
    }

    fn literal(&mut self, word: &[u8], prefix: Option<&str>, value: Option<&str>) -> Option<()> {
        self.text[self.pos..].starts_with(word).then_some(())?;
        self.pos += word.len();
        match value {
            Some(value) => self.push(prefix, value.to_owned()),
            None => Some(()),
        }
    }

    /// A string token at the current position, unescaped.
    fn string(&mut self) -> Option<String> {
        let start = self.pos;
        (self.text.get(self.pos)? == &b'"').then_some(())?;
        self.pos += 1;
        loop {
            match self.text.get(self.pos)? {
                b'\\' => self.pos += 2,
                b'"' => break,
                _ => self.pos += 1,
            }
        }
        self.pos += 1;
        serde_json::from_slice(&self.text[start..self.pos]).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flat(json: &str) -> Vec<(String, String)> {
        flatten_payload(json.as_bytes()).unwrap()
    }

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn nested_values_get_dotted_keys_in_document_order() {
        assert_eq!(
            flat(
                r#"{"Z":1,"Tags":[{"Key":"a","Value":"b c"}],"Filter":{"Name":"x"},"On":true,
                "Off":false,"F":1.5,"N":-3,"Skip":null,"E":[],"O":{}}"#
            ),
            pairs(&[
                ("Z", "1"),
                ("Tags.0.Key", "a"),
                ("Tags.0.Value", "b c"),
                ("Filter.Name", "x"),
                ("On", "true"),
                ("Off", "false"),
                ("F", "1.5"),
                ("N", "-3"),
            ])
        );
        assert_eq!(flat("{}"), pairs(&[]));
        assert_eq!(
            flat(r#"{"L":[[1,2]]}"#),
            pairs(&[("L.0.0", "1"), ("L.0.1", "2")])
        );
        // Numbers as written, escapes undone, whitespace anywhere.
        assert_eq!(
            flat(r#" { "n" : -1.6142751456109105e+244 , "s":"a\"\\\u00e9]{" , "e": 1E2 } "#),
            pairs(&[
                ("n", "-1.6142751456109105e+244"),
                ("s", "a\"\\é]{"),
                ("e", "1E2")
            ])
        );
    }

    #[test]
    fn refuses_what_cannot_be_parameters() {
        for bad in ["[1]", "1", "\"x\"", "{", "{} x", "null"] {
            assert!(
                matches!(
                    flatten_payload(bad.as_bytes()),
                    Err(EncodeError::InvalidValue {
                        field: "payload",
                        ..
                    })
                ),
                "{bad}"
            );
        }
        assert_eq!(
            flatten_payload(br#"{"a.b":1,"a":{"b":2}}"#),
            Err(EncodeError::DuplicateParameter { name: "a.b".into() })
        );
        assert_eq!(
            flatten_payload(br#"{"":1}"#),
            Err(EncodeError::EmptyParameterName)
        );
    }
}
