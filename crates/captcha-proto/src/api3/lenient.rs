//! Numbers as Tencent sends them: a JSON number, or the same digits as a string (some
//! answers quote their counts, and a GET query carries every value as text). Used with
//! `#[serde(deserialize_with = "lenient::number")]` on numeric fields of the typed actions,
//! including `Option` and `Vec` of numbers.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserializer, SeqAccess, Visitor};

use super::json::{Raw, WrongType};

/// Reads a number of type `T` (an integer, a float, or an `Option`/`Vec` of them) that
/// may come as a JSON number or a numeric string.
pub(crate) fn number<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: LenientNumber,
{
    T::read(deserializer)
}

/// A type [`number`] can read.
pub(crate) trait LenientNumber: Sized {
    fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error>;
}

/// A scalar that converts from every JSON number form and from text.
trait Scalar: Sized {
    const EXPECTED: &'static str;
    fn from_i64(value: i64) -> Option<Self>;
    fn from_u64(value: u64) -> Option<Self>;
    fn from_f64(value: f64) -> Option<Self>;
    fn from_text(text: &str) -> Option<Self>;
}

/// Integral floats within ±2^63 convert; `1.5` or `1e30` do not.
fn integral(value: f64) -> Option<f64> {
    (value.fract() == 0.0 && value.abs() < 9.2e18).then_some(value)
}

impl Scalar for i64 {
    const EXPECTED: &'static str = "an integer, or its digits as a string";
    fn from_i64(value: i64) -> Option<Self> {
        Some(value)
    }
    fn from_u64(value: u64) -> Option<Self> {
        i64::try_from(value).ok()
    }
    fn from_f64(value: f64) -> Option<Self> {
        integral(value).map(|v| v as i64)
    }
    fn from_text(text: &str) -> Option<Self> {
        text.trim().parse().ok()
    }
}

impl Scalar for u64 {
    const EXPECTED: &'static str = "a non-negative integer, or its digits as a string";
    fn from_i64(value: i64) -> Option<Self> {
        u64::try_from(value).ok()
    }
    fn from_u64(value: u64) -> Option<Self> {
        Some(value)
    }
    fn from_f64(value: f64) -> Option<Self> {
        integral(value).filter(|v| *v >= 0.0).map(|v| v as u64)
    }
    fn from_text(text: &str) -> Option<Self> {
        text.trim().parse().ok()
    }
}

impl Scalar for f64 {
    const EXPECTED: &'static str = "a number, or its digits as a string";
    fn from_i64(value: i64) -> Option<Self> {
        Some(value as f64)
    }
    fn from_u64(value: u64) -> Option<Self> {
        Some(value as f64)
    }
    fn from_f64(value: f64) -> Option<Self> {
        Some(value)
    }
    fn from_text(text: &str) -> Option<Self> {
        text.trim().parse().ok().filter(|v: &f64| v.is_finite())
    }
}

impl Raw<'_> {
    /// The value as an integer, read as [`number`] reads one: `None` when absent or `null`.
    pub(super) fn integer(&self) -> Result<Option<i64>, WrongType> {
        if self.is_none() {
            return Ok(None);
        }
        self.integer_element().map(Some)
    }

    /// An integer element of a list, which cannot be `null`.
    pub(super) fn integer_element(&self) -> Result<i64, WrongType> {
        let value = match self {
            Self::Int(value) => i64::from_i64(*value),
            Self::UInt(value) => i64::from_u64(*value),
            Self::Float(value) => i64::from_f64(*value),
            Self::Text(text) => i64::from_text(text),
            _ => None,
        };
        value.ok_or(WrongType)
    }
}

struct ScalarVisitor<T>(PhantomData<T>);

impl<T: Scalar> Visitor<'_> for ScalarVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(T::EXPECTED)
    }

    // The messages name the expected type only, never the value: it may be a secret.
    fn visit_i64<E: de::Error>(self, value: i64) -> Result<T, E> {
        T::from_i64(value).ok_or_else(|| E::custom(format_args!("expected {}", T::EXPECTED)))
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<T, E> {
        T::from_u64(value).ok_or_else(|| E::custom(format_args!("expected {}", T::EXPECTED)))
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<T, E> {
        T::from_f64(value).ok_or_else(|| E::custom(format_args!("expected {}", T::EXPECTED)))
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<T, E> {
        T::from_text(text).ok_or_else(|| E::custom(format_args!("expected {}", T::EXPECTED)))
    }
}

macro_rules! scalar_lenient {
    ($($t:ty),*) => {$(
        impl LenientNumber for $t {
            fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                deserializer.deserialize_any(ScalarVisitor::<$t>(PhantomData))
            }
        }
    )*};
}
scalar_lenient!(i64, u64, f64);

impl<T: LenientNumber> LenientNumber for Option<T> {
    fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct OptionVisitor<T>(PhantomData<T>);
        impl<'de, T: LenientNumber> Visitor<'de> for OptionVisitor<T> {
            type Value = Option<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a number or null")
            }
            fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(None)
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(None)
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
                T::read(d).map(Some)
            }
        }
        deserializer.deserialize_option(OptionVisitor(PhantomData))
    }
}

impl<T: LenientNumber> LenientNumber for Vec<T> {
    fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Element<T>(T);
        impl<'de, T: LenientNumber> de::Deserialize<'de> for Element<T> {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                T::read(d).map(Element)
            }
        }
        struct SeqVisitor<T>(PhantomData<T>);
        impl<'de, T: LenientNumber> Visitor<'de> for SeqVisitor<T> {
            type Value = Vec<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a list of numbers")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                // Capped: a length hint comes from the peer.
                let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1024));
                while let Some(Element(value)) = seq.next_element::<Element<T>>()? {
                    out.push(value);
                }
                Ok(out)
            }
        }
        deserializer.deserialize_seq(SeqVisitor(PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    #[derive(Deserialize, Debug, PartialEq)]
    struct Sample {
        #[serde(deserialize_with = "super::number")]
        int: i64,
        #[serde(default, deserialize_with = "super::number")]
        uint: Option<u64>,
        #[serde(default, deserialize_with = "super::number")]
        floats: Option<Vec<f64>>,
    }

    fn read(json: &str) -> Result<Sample, String> {
        serde_json::from_str(json).map_err(|e| e.to_string())
    }

    #[test]
    fn numbers_and_numeric_strings_read_alike() {
        let expected = Sample {
            int: -3,
            uint: Some(7),
            floats: Some(vec![1.5, 2.0]),
        };
        assert_eq!(
            read(r#"{"int":-3,"uint":7,"floats":[1.5,2]}"#),
            Ok(expected)
        );
        let expected = Sample {
            int: -3,
            uint: Some(7),
            floats: Some(vec![1.5, 2.0]),
        };
        assert_eq!(
            read(r#"{"int":"-3","uint":" 7 ","floats":["1.5","2"]}"#),
            Ok(expected)
        );
        assert_eq!(read(r#"{"int":4.0,"uint":null}"#).unwrap().uint, None);
        assert_eq!(read(r#"{"int":4}"#).unwrap().floats, None);
    }

    #[test]
    fn wrong_values_are_refused_without_quoting_them() {
        for json in [
            r#"{"int":"secret-ticket"}"#,
            r#"{"int":1.5}"#,
            r#"{"int":true}"#,
            r#"{"int":1,"uint":-1}"#,
            r#"{"int":1,"floats":["NaN"]}"#,
            r#"{"int":18446744073709551615}"#,
        ] {
            let error = read(json).expect_err(json);
            assert!(!error.contains("secret"), "{error}");
        }
        assert!(
            read(r#"{"uint":1}"#)
                .unwrap_err()
                .contains("missing field `int`")
        );
    }
}
