//! Reading a JSON answer in one pass, keeping only what a decoder needs: scalars as
//! [`Raw`] values that borrow their text from the body, objects through a [`Shape`] that
//! opens them, everything else read past ([`Skip`]) without being kept.
//!
//! Every value goes through `deserialize_any`, as `serde_json::Value` does: what counts as
//! JSON (escapes, surrogates, number range, nesting depth) is the same whatever a decoder
//! keeps of it. The readers accept any value where they expect one type, so a wrong type
//! is noted here and reported by the decoder once the envelope is known not to be a
//! refusal (`Response.Error` wins over a malformed field).

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserialize, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

/// One JSON value as a decoder keeps it: scalars as read (text borrowed from the body when
/// it has no escape), arrays and objects only as their kind.
#[derive(Debug, Default, PartialEq)]
pub(super) enum Raw<'de> {
    /// The key was not in the object.
    #[default]
    Absent,
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool,
    /// An integer, as a signed one (serde_json gives the negative ones so).
    Int(i64),
    /// An integer, as an unsigned one (serde_json gives the others so).
    UInt(u64),
    /// A number with a fraction or an exponent, or too large for 64 bits.
    Float(f64),
    /// A string.
    Text(Cow<'de, str>),
    /// An array (read past).
    Array,
    /// An object (read past).
    Object,
}

/// A value that has the wrong type for its field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct WrongType;

impl Raw<'_> {
    /// `None` when absent or `null`.
    pub(super) fn is_none(&self) -> bool {
        matches!(self, Self::Absent | Self::Null)
    }

    /// A string, `None` when absent or `null`.
    pub(super) fn into_text(self) -> Result<Option<String>, WrongType> {
        match self {
            Self::Absent | Self::Null => Ok(None),
            Self::Text(text) => Ok(Some(text.into_owned())),
            _ => Err(WrongType),
        }
    }

    /// The text, if the value is a string.
    pub(super) fn as_text(&self) -> Option<&str> {
        match self {
            Self::Text(text) => Some(text),
            _ => None,
        }
    }
}

/// How a reader takes one JSON value: arrays and objects go to [`array`](Self::array) and
/// [`object`](Self::object), which by default read past them; anything else comes to
/// [`value`](Self::value) as a [`Raw`].
pub(super) trait Shape<'de>: Sized {
    /// What the reader makes of the value.
    type Value;

    /// A scalar, `null`, or an array or object the reader does not open.
    fn value(self, raw: Raw<'de>) -> Self::Value;

    /// An array.
    fn array<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<Skip>()?.is_some() {}
        Ok(self.value(Raw::Array))
    }

    /// An object.
    fn object<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        while map.next_entry::<Skip, Skip>()?.is_some() {}
        Ok(self.value(Raw::Object))
    }
}

/// Reads one value with the [`Shape`] `S`.
pub(super) struct Read<S>(pub S);

impl<'de, S: Shape<'de>> DeserializeSeed<'de> for Read<S> {
    type Value = S::Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<S::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de, S: Shape<'de>> Visitor<'de> for Read<S> {
    type Value = S::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_unit<E: de::Error>(self) -> Result<S::Value, E> {
        Ok(self.0.value(Raw::Null))
    }

    fn visit_none<E: de::Error>(self) -> Result<S::Value, E> {
        Ok(self.0.value(Raw::Null))
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<S::Value, D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<S::Value, E> {
        Ok(self.0.value(Raw::Bool))
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<S::Value, E> {
        Ok(self.0.value(Raw::Int(value)))
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<S::Value, E> {
        Ok(self.0.value(Raw::UInt(value)))
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<S::Value, E> {
        Ok(self.0.value(Raw::Float(value)))
    }

    fn visit_borrowed_str<E: de::Error>(self, text: &'de str) -> Result<S::Value, E> {
        Ok(self.0.value(Raw::Text(Cow::Borrowed(text))))
    }

    // A string with escapes, unescaped into the parser's scratch space: copied.
    fn visit_str<E: de::Error>(self, text: &str) -> Result<S::Value, E> {
        Ok(self.0.value(Raw::Text(Cow::Owned(text.to_owned()))))
    }

    fn visit_string<E: de::Error>(self, text: String) -> Result<S::Value, E> {
        Ok(self.0.value(Raw::Text(Cow::Owned(text))))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<S::Value, A::Error> {
        self.0.array(seq)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<S::Value, A::Error> {
        self.0.object(map)
    }
}

/// Keeps the value as it comes.
struct AsRaw;

impl<'de> Shape<'de> for AsRaw {
    type Value = Raw<'de>;

    fn value(self, raw: Raw<'de>) -> Raw<'de> {
        raw
    }
}

impl<'de> Deserialize<'de> for Raw<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(Read(AsRaw))
    }
}

/// Any JSON value, read (and so checked) like the others, then dropped. Not
/// `serde::de::IgnoredAny`: serde_json skips that without checking escapes or depth, and a
/// body must not become JSON because a decoder ignores the part that is not.
pub(super) struct Skip;

impl<'de> Deserialize<'de> for Skip {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(Skip)
    }
}

impl<'de> Visitor<'de> for Skip {
    type Value = Skip;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Skip, E> {
        Ok(Skip)
    }

    fn visit_none<E: de::Error>(self) -> Result<Skip, E> {
        Ok(Skip)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Skip, D::Error> {
        deserializer.deserialize_any(Skip)
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Skip, E> {
        Ok(Skip)
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Skip, E> {
        Ok(Skip)
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Skip, E> {
        Ok(Skip)
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Skip, E> {
        Ok(Skip)
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<Skip, E> {
        Ok(Skip)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Skip, A::Error> {
        while seq.next_element::<Skip>()?.is_some() {}
        Ok(Skip)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Skip, A::Error> {
        while map.next_entry::<Skip, Skip>()?.is_some() {}
        Ok(Skip)
    }
}

/// An object key, borrowed from the body unless it has escapes.
pub(super) struct Key<'de>(pub Cow<'de, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;

        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object key")
            }

            fn visit_borrowed_str<E: de::Error>(self, key: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(key)))
            }

            fn visit_str<E: de::Error>(self, key: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(key.to_owned())))
            }

            fn visit_string<E: de::Error>(self, key: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(key)))
            }
        }

        deserializer.deserialize_str(KeyVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(json: &str) -> Raw<'_> {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn scalars_are_kept_and_containers_read_past() {
        assert_eq!(raw("null"), Raw::Null);
        assert_eq!(raw("true"), Raw::Bool);
        assert_eq!(raw("-3"), Raw::Int(-3));
        assert_eq!(raw("3"), Raw::UInt(3));
        assert_eq!(raw("3.0"), Raw::Float(3.0));
        assert_eq!(raw(r#"[1,{"a":[]}]"#), Raw::Array);
        assert_eq!(raw(r#"{"a":[1,2]}"#), Raw::Object);
        assert!(matches!(
            raw(r#""plain""#),
            Raw::Text(Cow::Borrowed("plain"))
        ));
        assert!(matches!(raw(r#""a\"b""#), Raw::Text(Cow::Owned(text)) if text == "a\"b"));
    }

    #[test]
    fn skipped_values_are_checked_as_json() {
        let skip = |json: &str| serde_json::from_str::<Skip>(json).is_ok();
        assert!(skip(r#"{"a":[1,"\u00e9",{"b":null}]}"#));
        // serde_json's `IgnoredAny` takes both of these.
        assert!(serde_json::from_str::<serde::de::IgnoredAny>(r#"["\ud800"]"#).is_ok());
        assert!(!skip(r#"["\ud800"]"#));
        let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
        assert!(serde_json::from_str::<serde::de::IgnoredAny>(&deep).is_ok());
        assert!(!skip(&deep));
    }
}
