//! The API 3.0 answers: `{"Response":{…,"RequestId":"…"}}`, and refusals
//! `{"Response":{"Error":{"Code":"…","Message":"…"},"RequestId":"…"}}`. Both are sent
//! with HTTP 200 and `Content-Type: application/json` (no parameters), as Tencent does
//! (docs/protocol.md, "DescribeCaptchaResult").

use std::fmt::Write as _;

use crate::api2::FAULT_MESSAGE;
use crate::faults::Answer;
use crate::json::JsonObject;
use crate::random;
use crate::reply::Reply;

/// A required parameter or header is absent.
pub(crate) const MISSING_PARAMETER: &str = "MissingParameter";
/// A parameter or header has the wrong type, format or value.
pub(crate) const INVALID_PARAMETER: &str = "InvalidParameter";
/// The body carries a parameter the action does not define.
pub(crate) const UNKNOWN_PARAMETER: &str = "UnknownParameter";
/// `X-TC-Action` names no action of this service.
pub(crate) const INVALID_ACTION: &str = "InvalidAction";
/// `X-TC-Version` is not the service's version.
pub(crate) const NO_SUCH_VERSION: &str = "NoSuchVersion";
/// `X-TC-Timestamp` is too far from the server clock.
pub(crate) const SIGNATURE_EXPIRE: &str = "AuthFailure.SignatureExpire";
/// The temporary credential's `X-TC-Token` is missing or wrong.
pub(crate) const TOKEN_FAILURE: &str = "AuthFailure.TokenFailure";
/// The SecretId of a v1 request is not configured.
pub(crate) const SECRET_ID_NOT_FOUND: &str = "AuthFailure.SecretIdNotFound";
/// A v1 signature does not match.
pub(crate) const SIGNATURE_FAILURE: &str = "AuthFailure.SignatureFailure";
/// The replay guard is full (API 2.0's 4400).
pub(crate) const REQUEST_LIMIT_EXCEEDED: &str = "RequestLimitExceeded";
/// The body is larger than API 3.0 allows.
pub(crate) const REQUEST_SIZE_LIMIT_EXCEEDED: &str = "RequestSizeLimitExceeded";

/// A fresh `RequestId` in Tencent's form: a random (version 4) UUID, lowercase.
pub(crate) fn request_id() -> String {
    let mut bytes = [0u8; 16];
    random::fill(&mut bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let mut id = String::with_capacity(36);
    for (i, b) in bytes.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            id.push('-');
        }
        let _ = write!(id, "{b:02x}");
    }
    id
}

/// A refusal in the 3.0 error envelope, HTTP 200.
pub(crate) fn error(code: &'static str, message: &str, request_id: &str) -> Reply {
    let error = JsonObject::new().str("Code", code).str("Message", message);
    let response = JsonObject::new()
        .object("Error", error)
        .str("RequestId", request_id);
    let body = JsonObject::new().object("Response", response).finish();
    Reply::api3(body).with_error_code(code)
}

/// A successful answer: `fields` plus `RequestId`, inside `Response`, HTTP 200.
pub(crate) fn response(fields: JsonObject, request_id: &str) -> Reply {
    let body = JsonObject::new()
        .object("Response", fields.str("RequestId", request_id))
        .finish();
    Reply::api3(body)
}

/// The answer an answer fault puts in place of the real one. [`Answer::Code`] below 1000
/// is a `DescribeCaptchaResult` with that `CaptchaCode` (so a test can force 1, 21 or 26
/// without a ticket); from 1000 it is the refusal named like the API 2.0 code
/// ([`error_code_of`]). [`Answer::Status`] is a plain-text page, as for API 2.0.
pub(crate) fn fault_reply(answer: Answer, request_id: &str) -> Reply {
    match answer {
        Answer::Code(code) if (0..1000).contains(&code) => {
            let fields = JsonObject::new()
                .int("CaptchaCode", code)
                .str("CaptchaMsg", FAULT_MESSAGE)
                .int("EvilLevel", 0);
            response(fields, request_id).with_code(code)
        }
        Answer::Code(code) => error(error_code_of(code), FAULT_MESSAGE, request_id),
        Answer::Status(status) => Reply::text(status, FAULT_MESSAGE),
    }
}

/// The API 3.0 error code closest to an API 2.0 `code` (docs/protocol.md, "Error codes" and "DescribeCaptchaResult").
pub(crate) fn error_code_of(code: i64) -> &'static str {
    match code {
        4000 => INVALID_PARAMETER,
        4100 | 4110 => "AuthFailure.SignatureFailure",
        4104 => "AuthFailure.SecretIdNotFound",
        4105 => TOKEN_FAILURE,
        4106 => "AuthFailure.MFAFailure",
        4101..=4103 | 4300 => "UnauthorizedOperation",
        4200 | 4500 => SIGNATURE_EXPIRE,
        4400 => "RequestLimitExceeded",
        4600 => "UnsupportedProtocol",
        5000 => "ResourceNotFound",
        6100 => NO_SUCH_VERSION,
        6200 => "ResourceUnavailable",
        _ => "InternalError",
    }
}

#[cfg(test)]
mod tests {
    use http::StatusCode;

    use super::*;

    #[test]
    fn request_ids_look_like_uuids() {
        let a = request_id();
        assert_ne!(a, request_id());
        let groups: Vec<usize> = a.split('-').map(str::len).collect();
        assert_eq!(groups, [8, 4, 4, 4, 12], "{a}");
        assert!(
            a.bytes()
                .all(|b| b == b'-' || b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
        );
        assert_eq!(&a[14..15], "4");
    }

    #[test]
    fn envelopes() {
        let refusal = error(INVALID_ACTION, "no \"such\" action", "r-1");
        assert_eq!(
            refusal.body,
            r#"{"Response":{"Error":{"Code":"InvalidAction","Message":"no \"such\" action"},"RequestId":"r-1"}}"#
        );
        assert_eq!(refusal.status, StatusCode::OK);
        assert_eq!(refusal.content_type, "application/json");
        assert_eq!(refusal.error_code, Some(INVALID_ACTION));
        let ok = response(JsonObject::new().int("CaptchaCode", 1), "r-2");
        assert_eq!(
            ok.body,
            r#"{"Response":{"CaptchaCode":1,"RequestId":"r-2"}}"#
        );
        assert_eq!(ok.content_type, "application/json");
    }

    #[test]
    fn faults_map_to_captcha_codes_or_refusals() {
        let forced = fault_reply(Answer::Code(21), "r");
        assert_eq!(forced.code, Some(21));
        assert!(
            std::str::from_utf8(&forced.body)
                .unwrap()
                .contains(r#""CaptchaCode":21"#)
        );
        assert_eq!(
            fault_reply(Answer::Code(4400), "r").error_code,
            Some("RequestLimitExceeded")
        );
        assert_eq!(error_code_of(6000), "InternalError");
        assert_eq!(error_code_of(5100), "InternalError");
        let page = fault_reply(Answer::Status(StatusCode::BAD_GATEWAY), "r");
        assert_eq!(page.status, StatusCode::BAD_GATEWAY);
    }
}
