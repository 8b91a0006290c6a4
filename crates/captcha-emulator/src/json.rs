//! [`JsonObject`]: writes the flat JSON objects the API answers with, without a
//! serialisation framework on the hot path.

use std::fmt::Write as _;

use bytes::Bytes;

/// A flat JSON object under construction: `{"key":value,…}`.
pub(crate) struct JsonObject {
    out: String,
}

impl JsonObject {
    pub(crate) fn new() -> Self {
        let mut out = String::with_capacity(128);
        out.push('{');
        Self { out }
    }

    fn key(&mut self, key: &str) {
        if self.out.len() > 1 {
            self.out.push(',');
        }
        push_string(&mut self.out, key);
        self.out.push(':');
    }

    /// Adds an integer field.
    pub(crate) fn int(mut self, key: &str, value: i64) -> Self {
        self.key(key);
        let _ = write!(self.out, "{value}");
        self
    }

    /// Adds a string field (escaped).
    pub(crate) fn str(mut self, key: &str, value: &str) -> Self {
        self.key(key);
        push_string(&mut self.out, value);
        self
    }

    /// Adds a field whose value is already JSON text.
    pub(crate) fn raw(mut self, key: &str, json: &str) -> Self {
        self.key(key);
        self.out.push_str(json);
        self
    }

    /// Adds a nested object field.
    pub(crate) fn object(mut self, key: &str, value: JsonObject) -> Self {
        self.key(key);
        self.out.push_str(&value.finish_string());
        self
    }

    /// The finished object as text.
    pub(crate) fn finish_string(mut self) -> String {
        self.out.push('}');
        self.out
    }

    /// The finished object as a response body.
    pub(crate) fn finish(self) -> Bytes {
        Bytes::from(self.finish_string())
    }
}

/// Appends `value` as a JSON string literal. `<`, `>` and `&` are escaped too, so the text is
/// also safe inside an HTML `<script>` element.
fn push_string(out: &mut String, value: &str) {
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if u32::from(c) < 0x20 || matches!(c, '<' | '>' | '&' | '\u{2028}' | '\u{2029}') => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_strings() {
        let text = JsonObject::new()
            .int("code", -5)
            .str("message", "a\"b\\c\n</script>\u{1}")
            .finish_string();
        assert_eq!(
            text,
            r#"{"code":-5,"message":"a\"b\\c\n\u003c/script\u003e\u0001"}"#
        );
        let nested = JsonObject::new()
            .object("Response", JsonObject::new().int("A", 1))
            .object("Empty", JsonObject::new())
            .finish_string();
        assert_eq!(nested, r#"{"Response":{"A":1},"Empty":{}}"#);
    }
}
