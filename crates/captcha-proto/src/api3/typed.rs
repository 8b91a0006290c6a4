//! What every typed console and statistics action shares: the JSON body after a check of
//! its required fields, and the answer read into its typed response, with errors that name
//! the field at fault (never its value).

use http::StatusCode;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::envelope::parse_response;
use crate::error::{DecodeError, DecodeErrorKind, EncodeError, ResponseError};

/// Required text that may be empty: an empty domain limit or alarm address means "none"
/// (Tencent answers `"DomainLimit": ""` itself).
const MAY_BE_EMPTY: [&str; 2] = ["DomainLimit", "MailAlarm"];

/// The JSON body of `request` (fields in declaration order), once every name in `required`
/// holds a value: a non-blank string (except those [`MAY_BE_EMPTY`]), or a positive
/// `CaptchaAppId`.
pub(crate) fn payload<T: Serialize>(
    request: &T,
    required: &'static [&'static str],
) -> Result<Vec<u8>, EncodeError> {
    let value = serde_json::to_value(request).map_err(|_| unserialisable())?;
    let Value::Object(fields) = &value else {
        return Err(unserialisable());
    };
    for &field in required {
        match fields.get(field) {
            None | Some(Value::Null) => return Err(EncodeError::EmptyField { field }),
            Some(Value::String(text))
                if text.trim().is_empty() && !MAY_BE_EMPTY.contains(&field) =>
            {
                return Err(EncodeError::EmptyField { field });
            }
            Some(Value::Number(n))
                if field == "CaptchaAppId" && n.as_u64().is_none_or(|v| v == 0) =>
            {
                return Err(EncodeError::InvalidValue {
                    field,
                    reason: "must be positive",
                });
            }
            Some(_) => {}
        }
    }
    // Written from the struct, not the checked map, to keep the documented field order.
    serde_json::to_vec(request).map_err(|_| unserialisable())
}

fn unserialisable() -> EncodeError {
    EncodeError::InvalidValue {
        field: "payload",
        reason: "cannot be serialised as JSON",
    }
}

/// Reads an answer into `T`: the envelope first (`Response.Error` is
/// [`ResponseError::Api3`]), then the fields of `Response`, ignoring keys `T` does not
/// know. A missing or mistyped field is a [`DecodeErrorKind::InvalidPath`] naming it.
pub(crate) fn decode<T: DeserializeOwned>(
    status: StatusCode,
    body: &[u8],
) -> Result<T, ResponseError> {
    let object = parse_response(status, body)?;
    serde_path_to_error::deserialize(Value::Object(object)).map_err(|error| {
        let (path, reason) = describe(&error);
        DecodeError::new(DecodeErrorKind::InvalidPath { path, reason }, status, body).into()
    })
}

/// Where and what, from a serde error: serde's own message may quote the value (a
/// secret, perhaps), so only the field name of "missing field `X`" is taken from it.
fn describe(error: &serde_path_to_error::Error<serde_json::Error>) -> (String, &'static str) {
    let path = error.path().to_string();
    let message = error.inner().to_string();
    let missing = message
        .strip_prefix("missing field `")
        .and_then(|rest| rest.split('`').next());
    match missing {
        Some(field) if path == "." => (field.to_owned(), "is missing"),
        Some(field) => (format!("{path}.{field}"), "is missing"),
        None => (path, "has the wrong type"),
    }
}

/// Implements [`Api3Action`](super::Api3Action) for typed captcha actions: `$request`
/// is a serde struct whose type name is the action's name, `$required` the wire names of
/// its required fields, and `$response` its answer.
macro_rules! captcha_action {
    ($($request:ident [$($required:literal),*] => $response:ident,)*) => {$(
        impl $crate::api3::Api3Action for $request {
            type Output = $response;

            fn service(&self) -> &str {
                $crate::api3::CAPTCHA_SERVICE
            }

            fn version(&self) -> &str {
                $crate::api3::CAPTCHA_VERSION
            }

            fn name(&self) -> &str {
                stringify!($request)
            }

            fn payload(&self) -> Result<Vec<u8>, $crate::EncodeError> {
                $crate::api3::typed::payload(self, Self::REQUIRED)
            }

            fn decode(
                &self,
                status: http::StatusCode,
                body: &[u8],
            ) -> Result<$response, $crate::ResponseError> {
                $crate::api3::typed::decode(status, body)
            }
        }

        impl $request {
            /// The action's name, `X-TC-Action`.
            pub const ACTION: &'static str = stringify!($request);
            /// The wire names of the fields the action requires (checked by `payload`).
            pub const REQUIRED: &'static [&'static str] = &[$($required),*];
        }
    )*};
}
pub(crate) use captcha_action;

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;

    #[derive(Serialize)]
    #[serde(rename_all = "PascalCase")]
    struct Request {
        captcha_app_id: u64,
        name: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    }

    #[derive(Deserialize, Debug)]
    #[serde(rename_all = "PascalCase")]
    #[allow(dead_code)]
    struct Answer {
        data: Vec<Item>,
        request_id: String,
    }

    #[derive(Deserialize, Debug)]
    #[serde(rename_all = "PascalCase")]
    #[allow(dead_code)]
    struct Item {
        cnt: i64,
    }

    const REQUIRED: &[&str] = &["CaptchaAppId", "Name"];

    #[test]
    fn required_fields_are_checked_by_name() {
        let mut request = Request {
            captcha_app_id: 1,
            name: "app".into(),
            note: None,
        };
        assert_eq!(
            payload(&request, REQUIRED).unwrap(),
            br#"{"CaptchaAppId":1,"Name":"app"}"#
        );
        request.name = " ".into();
        assert_eq!(
            payload(&request, REQUIRED),
            Err(EncodeError::EmptyField { field: "Name" })
        );
        request.captcha_app_id = 0;
        assert!(matches!(
            payload(&request, REQUIRED),
            Err(EncodeError::InvalidValue {
                field: "CaptchaAppId",
                ..
            })
        ));
        assert_eq!(
            payload(&request, &["Note"]),
            Err(EncodeError::EmptyField { field: "Note" })
        );
    }

    fn path_of(body: &str) -> (String, &'static str) {
        match decode::<Answer>(StatusCode::OK, body.as_bytes()) {
            Err(ResponseError::Decode(e)) => match e.kind() {
                DecodeErrorKind::InvalidPath { path, reason } => (path.clone(), reason),
                other => panic!("{other:?}"),
            },
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn decode_errors_name_the_path_and_never_the_value() {
        assert_eq!(
            path_of(r#"{"Response":{"Data":[{"Cnt":1},{}],"RequestId":"r"}}"#),
            ("Data[1].Cnt".to_owned(), "is missing")
        );
        assert_eq!(
            path_of(r#"{"Response":{"Data":[]}}"#),
            ("RequestId".to_owned(), "is missing")
        );
        let (path, reason) =
            path_of(r#"{"Response":{"Data":[{"Cnt":"hunter2"}],"RequestId":"r"}}"#);
        assert_eq!(
            (path.as_str(), reason),
            ("Data[0].Cnt", "has the wrong type")
        );
        let ok: Answer = decode(
            StatusCode::OK,
            br#"{"retcode":0,"Response":{"Data":[{"Cnt":1,"New":2}],"RequestId":"r","Extra":{}}}"#,
        )
        .unwrap();
        assert_eq!(ok.data.len(), 1);
    }
}
