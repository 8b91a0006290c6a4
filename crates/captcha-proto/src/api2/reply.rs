//! Parsing of the flat API 2.0 response envelope `{code, message, codeDesc, …}`.

use std::borrow::Cow;
use std::fmt;

use http::StatusCode;
use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};

use super::error::Api2Error;
use crate::error::{DecodeError, DecodeErrorKind, ResponseError};

/// The fields any captcha action may return, borrowed from the body where possible.
#[derive(Debug, Deserialize)]
pub(crate) struct Reply<'a> {
    #[serde(default, deserialize_with = "lenient_int")]
    pub code: Option<i64>,
    /// Lenient, like `codeDesc`: a refusal whose text is not a string still keeps its code.
    #[serde(default, borrow, deserialize_with = "lenient_text")]
    pub message: Option<Cow<'a, str>>,
    #[serde(
        default,
        borrow,
        deserialize_with = "lenient_text",
        rename = "codeDesc",
        alias = "codedesc",
        alias = "CodeDesc"
    )]
    pub code_desc: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    pub url: Option<Cow<'a, str>>,
    #[serde(default, deserialize_with = "lenient_int")]
    pub is_right: Option<i64>,
    #[serde(default, borrow)]
    pub script: Option<Cow<'a, str>>,
}

impl Reply<'_> {
    /// The refusal carried by this reply.
    pub fn api_error(&self) -> Api2Error {
        Api2Error::new(
            self.code.unwrap_or_default(),
            self.message.as_deref().unwrap_or_default(),
            self.code_desc.as_ref().map(|d| d.to_string()),
        )
    }
}

/// Parses the envelope and checks `code` is present. Non-zero codes are left to the caller
/// (CaptchaCheck reads 5100 as a verdict); use [`parse_success`] when any non-zero is a refusal.
pub(crate) fn parse(status: StatusCode, body: &[u8]) -> Result<Reply<'_>, ResponseError> {
    // JSON is UTF-8 (RFC 8259): check it first, as serde_json does not look inside the
    // strings of fields it skips.
    let parsed = std::str::from_utf8(body)
        .map_err(|_| DecodeErrorKind::NotUtf8)
        .and_then(|text| {
            // The envelope is an object; serde would also read a struct from an array (`[0]`).
            if !text
                .trim_start_matches([' ', '\t', '\n', '\r'])
                .starts_with('{')
            {
                return Err(DecodeErrorKind::NotJson {
                    reason: "not a JSON object".to_owned(),
                });
            }
            serde_json::from_str::<Reply<'_>>(text).map_err(|e| DecodeErrorKind::NotJson {
                reason: json_reason(&e),
            })
        });
    let reply = match parsed {
        Ok(reply) => reply,
        Err(_) if !status.is_success() => {
            return Err(DecodeError::new(DecodeErrorKind::Status, status, body).into());
        }
        Err(kind) => return Err(DecodeError::new(kind, status, body).into()),
    };
    match reply.code {
        None => Err(DecodeError::new(
            DecodeErrorKind::MissingField { field: "code" },
            status,
            body,
        )
        .into()),
        Some(code) if code != 0 && !status.is_success() => Err(reply.api_error().into()),
        Some(_) if !status.is_success() => {
            Err(DecodeError::new(DecodeErrorKind::Status, status, body).into())
        }
        Some(_) => Ok(reply),
    }
}

/// Like [`parse`], but any non-zero `code` is an [`Api2Error`].
pub(crate) fn parse_success(status: StatusCode, body: &[u8]) -> Result<Reply<'_>, ResponseError> {
    let reply = parse(status, body)?;
    if reply.code == Some(0) {
        Ok(reply)
    } else {
        Err(reply.api_error().into())
    }
}

/// A message for a JSON syntax error that never quotes the body (it may hold secrets).
pub(crate) fn json_reason(e: &serde_json::Error) -> String {
    use serde_json::error::Category;
    let what = match e.classify() {
        Category::Io => "I/O error",
        Category::Syntax => "syntax error",
        Category::Data => "unexpected shape",
        Category::Eof => "truncated",
    };
    format!("{what} at line {} column {}", e.line(), e.column())
}

/// Accepts `0`, `5100`, `"5100"` or `" 0 "` (the envelope is inconsistent across services).
fn lenient_int<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<i64>, D::Error> {
    struct LenientInt;

    impl Visitor<'_> for LenientInt {
        type Value = Option<i64>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an integer or a numeric string")
        }

        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            Ok(Some(v))
        }

        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            i64::try_from(v)
                .map(Some)
                .map_err(|_| E::custom("integer out of range"))
        }

        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            v.trim()
                .parse()
                .map(Some)
                .map_err(|_| E::custom("not a numeric string"))
        }

        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
    }

    deserializer.deserialize_any(LenientInt)
}

/// A string (borrowed from the body when it can be), or `None` for any other value: the
/// text of a refusal only explains its code, and must not cost the caller the code.
fn lenient_text<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Cow<'de, str>>, D::Error> {
    struct LenientText;

    impl<'de> Visitor<'de> for LenientText {
        type Value = Option<Cow<'de, str>>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("any JSON value (only a string is kept)")
        }

        fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
            Ok(Some(Cow::Borrowed(v)))
        }

        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            Ok(Some(Cow::Owned(v.to_owned())))
        }

        fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
            Ok(Some(Cow::Owned(v)))
        }

        fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            while seq.next_element::<de::IgnoredAny>()?.is_some() {}
            Ok(None)
        }

        fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            while map
                .next_entry::<de::IgnoredAny, de::IgnoredAny>()?
                .is_some()
            {}
            Ok(None)
        }
    }

    deserializer.deserialize_any(LenientText)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_as_int_or_string() {
        let ok = StatusCode::OK;
        assert_eq!(parse(ok, br#"{"code":0}"#).unwrap().code, Some(0));
        assert_eq!(
            parse(ok, br#"{"code":"5100","message":"x"}"#).unwrap().code,
            Some(5100)
        );
        let err = parse_success(ok, br#"{"code":"4100","codedesc":"AuthFailure"}"#).unwrap_err();
        let api = err.api2().unwrap();
        assert_eq!((api.code(), api.code_desc()), (4100, Some("AuthFailure")));
    }

    #[test]
    fn classifies_bad_bodies() {
        let ok = StatusCode::OK;
        let kind = |r: Result<Reply<'_>, ResponseError>| match r {
            Err(ResponseError::Decode(e)) => e.kind().clone(),
            _ => panic!("expected a decode error"),
        };
        assert_eq!(
            kind(parse(ok, b"{}")),
            DecodeErrorKind::MissingField { field: "code" }
        );
        assert!(matches!(
            kind(parse(ok, b"<html>")),
            DecodeErrorKind::NotJson { .. }
        ));
        assert_eq!(kind(parse(ok, b"\xff\xfe")), DecodeErrorKind::NotUtf8);
        assert_eq!(
            kind(parse(StatusCode::BAD_GATEWAY, b"<html>502</html>")),
            DecodeErrorKind::Status
        );
        assert_eq!(
            kind(parse(StatusCode::BAD_GATEWAY, br#"{"code":0}"#)),
            DecodeErrorKind::Status
        );
        let err = parse(StatusCode::FORBIDDEN, br#"{"code":4300}"#).unwrap_err();
        assert_eq!(err.api2().unwrap().code(), 4300);
    }

    /// A refusal keeps its code whatever its text fields hold.
    #[test]
    fn a_refusal_with_odd_text_fields_keeps_its_code() {
        let ok = StatusCode::OK;
        for body in [
            br#"{"code":4100,"message":{"a":[1,{"b":null}]}}"#.as_slice(),
            br#"{"code":4100,"message":7,"codeDesc":["x"]}"#,
            br#"{"code":4100,"message":null,"codeDesc":true}"#,
        ] {
            let err = parse_success(ok, body).unwrap_err();
            let api = err.api2().expect("still a refusal");
            assert_eq!((api.code(), api.code_desc()), (4100, None));
        }
        let escaped = parse(ok, br#"{"code":0,"message":"a\"b"}"#).unwrap();
        assert_eq!(escaped.message.as_deref(), Some("a\"b"));
    }
}
