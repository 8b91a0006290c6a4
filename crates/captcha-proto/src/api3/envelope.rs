//! The API 3.0 response envelope: `{"Response": {…, "RequestId"}}`, or
//! `{"Response": {"Error": {"Code", "Message"}, "RequestId"}}` for a refusal.

use http::StatusCode;
use serde_json::{Map, Value};

use super::error::Api3Error;
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
/// Never panics, whatever the bytes.
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
    let decode_error = |kind| ResponseError::from(DecodeError::new(kind, status, body));
    let value: Value = match serde_json::from_slice(body) {
        Ok(value) => value,
        Err(_) if !status.is_success() => return Err(decode_error(DecodeErrorKind::Status)),
        Err(e) => {
            let kind = if std::str::from_utf8(body).is_err() {
                DecodeErrorKind::NotUtf8
            } else {
                DecodeErrorKind::NotJson {
                    reason: json_reason(&e),
                }
            };
            return Err(decode_error(kind));
        }
    };
    let response = match value {
        Value::Object(mut envelope) => envelope.remove("Response"),
        _ => None,
    };
    let mut response = match response {
        Some(Value::Object(response)) => response,
        Some(_) if status.is_success() => {
            return Err(decode_error(DecodeErrorKind::InvalidField {
                field: "Response",
                reason: "is not an object",
            }));
        }
        None if status.is_success() => {
            return Err(decode_error(DecodeErrorKind::MissingField {
                field: "Response",
            }));
        }
        _ => return Err(decode_error(DecodeErrorKind::Status)),
    };
    if let Some(error) = response.remove("Error") {
        let Value::Object(error) = error else {
            return Err(decode_error(DecodeErrorKind::InvalidField {
                field: "Error",
                reason: "is not an object",
            }));
        };
        let code = match error.get("Code") {
            Some(Value::String(code)) if !code.is_empty() => code.clone(),
            Some(_) => {
                return Err(decode_error(DecodeErrorKind::InvalidField {
                    field: "Error.Code",
                    reason: "is not a non-empty string",
                }));
            }
            None => {
                return Err(decode_error(DecodeErrorKind::MissingField {
                    field: "Error.Code",
                }));
            }
        };
        let message = match error.get("Message") {
            Some(Value::String(message)) => message.clone(),
            _ => String::new(),
        };
        let request_id = match response.get("RequestId") {
            Some(Value::String(id)) => Some(id.clone()),
            _ => None,
        };
        return Err(Api3Error::new(code, message, request_id).into());
    }
    if !status.is_success() {
        return Err(decode_error(DecodeErrorKind::Status));
    }
    Ok(response)
}

/// Reads typed fields of a `Response` object, turning a wrong type into a [`DecodeError`]
/// that names the field.
pub(super) struct Fields<'a> {
    pub object: &'a ResponseObject,
    pub status: StatusCode,
    pub body: &'a [u8],
}

impl Fields<'_> {
    fn invalid(&self, field: &'static str, reason: &'static str) -> ResponseError {
        DecodeError::new(
            DecodeErrorKind::InvalidField { field, reason },
            self.status,
            self.body,
        )
        .into()
    }

    /// A missing-field error.
    pub fn missing(&self, field: &'static str) -> ResponseError {
        DecodeError::new(
            DecodeErrorKind::MissingField { field },
            self.status,
            self.body,
        )
        .into()
    }

    /// An integer: a JSON integer, an integral float or a numeric string; `null` or
    /// absent is `None`.
    pub fn int(&self, field: &'static str) -> Result<Option<i64>, ResponseError> {
        let value = match self.object.get(field) {
            None | Some(Value::Null) => return Ok(None),
            Some(value) => value,
        };
        let number = match value {
            Value::Number(n) => n.as_i64().or_else(|| {
                n.as_f64()
                    .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e18)
                    .map(|f| f as i64)
            }),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        };
        number
            .map(Some)
            .ok_or_else(|| self.invalid(field, "is not an integer"))
    }

    /// A string; `null` or absent is `None`.
    pub fn string(&self, field: &'static str) -> Result<Option<String>, ResponseError> {
        match self.object.get(field) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(self.invalid(field, "is not a string")),
        }
    }
}
