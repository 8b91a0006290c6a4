//! The API 3.0 response envelope: `{"Response": {…, "RequestId"}}`, or
//! `{"Response": {"Error": {"Code", "Message"}, "RequestId"}}` for a refusal.
//!
//! One reader for every answer ([`read_response`]): it walks the body once, hands each key
//! of `Response` but `Error` to the decoder's [`ResponseBody`], and sorts refusals, failure
//! statuses and malformed envelopes out before the decoder looks at its fields.
//! [`parse_response`] is that reader with a `serde_json::Map` as the body.

use std::borrow::Cow;

use http::StatusCode;
use serde::de::{DeserializeSeed, MapAccess};
use serde_json::{Map, Value};

use super::error::Api3Error;
use super::json::{Key, Raw, Read, Shape, Skip};
use crate::api2::reply::json_reason;
use crate::error::{DecodeError, DecodeErrorKind, ResponseError};

/// The `Response` object of an API 3.0 reply, once it is known not to be a refusal.
pub type ResponseObject = Map<String, Value>;

/// Reads the envelope of any API 3.0 reply.
///
/// - `Response.Error` present → [`ResponseError::Api3`] with its `Code`, `Message` and
///   the `RequestId` (whatever the HTTP status);
/// - otherwise a non-2xx status → [`DecodeErrorKind::Status`];
/// - a body that is not a JSON object with a `Response` object → a [`DecodeError`].
///
/// A key given twice takes its last value. Never panics, whatever the bytes.
///
/// ```
/// use captcha_proto::{ResponseError, api3, tc3};
/// let ok = api3::parse_response(http::StatusCode::OK, br#"{"Response":{"TotalCount":0,"RequestId":"r"}}"#)?;
/// assert_eq!(ok["TotalCount"], 0);
/// let refused = br#"{"Response":{"Error":{"Code":"AuthFailure.SignatureExpire","Message":"expired"},"RequestId":"r-9"}}"#;
/// match api3::parse_response(http::StatusCode::OK, refused) {
///     Err(ResponseError::Api3(e)) => assert!(e.is_signature_expired() && e.request_id() == Some("r-9")),
///     other => panic!("{other:?}"),
/// }
/// # Ok::<(), captcha_proto::ResponseError>(())
/// ```
pub fn parse_response(status: StatusCode, body: &[u8]) -> Result<ResponseObject, ResponseError> {
    let mut object = ResponseObject::new();
    read_response(status, body, &mut object)?;
    Ok(object)
}

/// What a decoder keeps of the `Response` object, filled key by key as the reader meets
/// them (a key given twice: the last value wins).
pub(super) trait ResponseBody<'de> {
    /// Forgets what an earlier `Response` of the same body gave: the last one counts.
    fn reset(&mut self);

    /// Reads the value of `key` (any key of `Response` but `Error`) from `map`. Takes any
    /// JSON value without error: a wrong type is for the decoder to report afterwards, as
    /// `Response.Error` or a failure status take precedence over it.
    fn read_field<A: MapAccess<'de>>(
        &mut self,
        key: Cow<'de, str>,
        map: &mut A,
    ) -> Result<(), A::Error>;

    /// `RequestId`, when it is a string (for a refusal).
    fn request_id(&self) -> Option<&str>;
}

impl<'de> ResponseBody<'de> for ResponseObject {
    fn reset(&mut self) {
        self.clear();
    }

    fn read_field<A: MapAccess<'de>>(
        &mut self,
        key: Cow<'de, str>,
        map: &mut A,
    ) -> Result<(), A::Error> {
        self.insert(key.into_owned(), map.next_value()?);
        Ok(())
    }

    fn request_id(&self) -> Option<&str> {
        self.get("RequestId").and_then(Value::as_str)
    }
}

/// The status and body of a reply, which every decode error carries (the body as a
/// redacted snippet).
#[derive(Clone, Copy)]
pub(super) struct Reply<'a> {
    pub status: StatusCode,
    pub body: &'a [u8],
}

impl Reply<'_> {
    /// A decode error of this reply.
    pub fn error(self, kind: DecodeErrorKind) -> ResponseError {
        DecodeError::new(kind, self.status, self.body).into()
    }

    /// `field` is missing.
    pub fn missing(self, field: &'static str) -> ResponseError {
        self.error(DecodeErrorKind::MissingField { field })
    }

    /// `field` is not what the protocol promises.
    pub fn invalid(self, field: &'static str, reason: &'static str) -> ResponseError {
        self.error(DecodeErrorKind::InvalidField { field, reason })
    }

    /// The value at `path`, inside an object of `Response`, has the wrong type.
    pub fn wrong_type_at(self, path: String) -> ResponseError {
        self.error(DecodeErrorKind::InvalidPath {
            path,
            reason: "has the wrong type",
        })
    }
}

/// Reads the envelope of `body` as [`parse_response`] documents, keeping in `into` what
/// `B` keeps of `Response` (filled in place: a decoder's answer is a large struct).
pub(super) fn read_response<'de, B: ResponseBody<'de>>(
    status: StatusCode,
    body: &'de [u8],
    into: &mut B,
) -> Result<(), ResponseError> {
    let reply = Reply { status, body };
    let failure = |kind| {
        reply.error(if status.is_success() {
            kind
        } else {
            DecodeErrorKind::Status
        })
    };
    // Checked once here, so that the parser need not check each string.
    let Ok(text) = std::str::from_utf8(body) else {
        return Err(failure(DecodeErrorKind::NotUtf8));
    };
    let mut error = None;
    let mut parser = serde_json::Deserializer::from_str(text);
    let found = Read(EnvelopeShape {
        body: into,
        error: &mut error,
    })
    .deserialize(&mut parser)
    .and_then(|found| parser.end().map(|()| found));
    match found {
        Ok(Found::Object) => {}
        Ok(Found::Missing) => {
            return Err(failure(DecodeErrorKind::MissingField { field: "Response" }));
        }
        Ok(Found::NotObject) => {
            return Err(failure(DecodeErrorKind::InvalidField {
                field: "Response",
                reason: "is not an object",
            }));
        }
        Err(e) => {
            return Err(failure(DecodeErrorKind::NotJson {
                reason: json_reason(&e),
            }));
        }
    }
    // A refusal whatever the status.
    if let Some(error) = error {
        return Err(refusal(error, into.request_id(), reply));
    }
    if !status.is_success() {
        return Err(reply.error(DecodeErrorKind::Status));
    }
    Ok(())
}

/// `Response.Error` as a refusal, or as the decode error that says what is wrong with it.
fn refusal(error: ErrorObject<'_>, request_id: Option<&str>, reply: Reply<'_>) -> ResponseError {
    let ErrorObject::Object { code, message } = error else {
        return reply.invalid("Error", "is not an object");
    };
    let code = match code {
        Raw::Text(code) if !code.is_empty() => code.into_owned(),
        Raw::Absent => return reply.missing("Error.Code"),
        _ => return reply.invalid("Error.Code", "is not a non-empty string"),
    };
    let message = match message {
        Raw::Text(message) => message.into_owned(),
        _ => String::new(),
    };
    Api3Error::new(code, message, request_id.map(str::to_owned)).into()
}

/// What the last `Response` of the body was.
enum Found {
    /// None (or the body is not an object).
    Missing,
    /// Not an object.
    NotObject,
    /// An object, read into the body and `Error`.
    Object,
}

/// The top-level value.
struct EnvelopeShape<'a, 'de, B> {
    body: &'a mut B,
    error: &'a mut Option<ErrorObject<'de>>,
}

impl<'de, B: ResponseBody<'de>> Shape<'de> for EnvelopeShape<'_, 'de, B> {
    type Value = Found;

    fn value(self, _: Raw<'de>) -> Found {
        Found::Missing
    }

    fn object<A: MapAccess<'de>>(self, mut map: A) -> Result<Found, A::Error> {
        let mut found = Found::Missing;
        let mut again = false;
        while let Some(Key(key)) = map.next_key()? {
            if key == "Response" {
                found = map.next_value_seed(Read(ResponseShape {
                    body: &mut *self.body,
                    error: &mut *self.error,
                    again,
                }))?;
                again = true;
            } else {
                map.next_value::<Skip>()?;
            }
        }
        Ok(found)
    }
}

/// The `Response` value: read into the body, but for `Error`.
struct ResponseShape<'a, 'de, B> {
    body: &'a mut B,
    error: &'a mut Option<ErrorObject<'de>>,
    /// Whether the body had a `Response` before this one.
    again: bool,
}

impl<'de, B: ResponseBody<'de>> Shape<'de> for ResponseShape<'_, 'de, B> {
    type Value = Found;

    fn value(self, _: Raw<'de>) -> Found {
        Found::NotObject
    }

    fn object<A: MapAccess<'de>>(self, mut map: A) -> Result<Found, A::Error> {
        // The last `Response` counts, as for any key given twice.
        if self.again {
            self.body.reset();
            *self.error = None;
        }
        while let Some(Key(key)) = map.next_key()? {
            if key == "Error" {
                *self.error = Some(map.next_value_seed(Read(ErrorShape))?);
            } else {
                self.body.read_field(key, &mut map)?;
            }
        }
        Ok(Found::Object)
    }
}

/// The `Response.Error` value.
enum ErrorObject<'de> {
    NotObject,
    Object { code: Raw<'de>, message: Raw<'de> },
}

struct ErrorShape;

impl<'de> Shape<'de> for ErrorShape {
    type Value = ErrorObject<'de>;

    fn value(self, _: Raw<'de>) -> Self::Value {
        ErrorObject::NotObject
    }

    fn object<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let (mut code, mut message) = (Raw::Absent, Raw::Absent);
        while let Some(Key(key)) = map.next_key()? {
            match &*key {
                "Code" => code = map.next_value()?,
                "Message" => message = map.next_value()?,
                _ => {
                    map.next_value::<Skip>()?;
                }
            }
        }
        Ok(ErrorObject::Object { code, message })
    }
}
