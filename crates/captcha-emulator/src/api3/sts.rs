//! STS 2018-08-13 at `/` (what `sts.tencentcloudapi.com` answers), so that credential
//! providers can be tested end to end: a request whose `X-TC-Action` is `AssumeRole` or
//! `AssumeRoleWithWebIdentity` is served here instead of by the captcha actions.
//!
//! - `AssumeRole`: TC3-signed for service `sts` by any key the emulator accepts, temporary
//!   ones it issued included (with their `X-TC-Token`): role chaining from a CVM role.
//! - `AssumeRoleWithWebIdentity`: sent unsigned (`Authorization: SKIP`, no token) with a
//!   `WebIdentityToken` configured with
//!   [`EmulatorBuilder::web_identity_token`](crate::EmulatorBuilder::web_identity_token);
//!   any other token, or an expired one, is `InvalidParameter.WebIdentityTokenError`.
//!   A TC3-signed request is accepted too.
//!
//! Both answer `{"Response":{"Credentials":{"Token","TmpSecretId","TmpSecretKey"},
//! "ExpiredTime","Expiration","RequestId"}}` with a credential issued here, valid for
//! `DurationSeconds` (default 7200, at most 43200) of the emulator clock. Only POST with a
//! JSON body is served (signature v1 is not).

use std::collections::HashMap;
use std::sync::{PoisonError, RwLock};

use bytes::Bytes;
use captcha_proto::api3::{ACTION_HEADER, VERSION_HEADER};
use captcha_proto::tc3::TIMESTAMP_HEADER;
use http::header::AUTHORIZATION;
use http::request::Parts;
use http::{HeaderMap, Method};
use serde_json::{Map, Value};

use super::envelope::{
    self, INVALID_PARAMETER, MISSING_PARAMETER, NO_SUCH_VERSION, REQUEST_LIMIT_EXCEEDED,
    REQUEST_SIZE_LIMIT_EXCEEDED, UNKNOWN_PARAMETER,
};
use super::{Refusal, authenticate, check_skew, describe, is_json, required_header};
use crate::common::shorten;
use crate::error::StartError;
use crate::incoming::BodyError;
use crate::issued_keys::{Issued, rfc3339};
use crate::json::JsonObject;
use crate::metadata::is_name_byte;
use crate::reply::Reply;
use crate::state::State;

/// The TC3 service of STS.
const STS_SERVICE: &str = "sts";
/// The only STS version served.
const STS_VERSION: &str = "2018-08-13";
const ASSUME_ROLE: &str = "AssumeRole";
const WITH_WEB_IDENTITY: &str = "AssumeRoleWithWebIdentity";
/// The refusal of a `WebIdentityToken` that is not configured or has expired.
const WEB_IDENTITY_TOKEN_ERROR: &str = "InvalidParameter.WebIdentityTokenError";
/// The refusal of an unsigned request for an action that must be signed.
const INVALID_AUTHORIZATION: &str = "AuthFailure.InvalidAuthorization";
/// `DurationSeconds` when absent, and its largest value.
const DEFAULT_DURATION: u64 = 7200;
const MAX_DURATION: u64 = 43_200;

/// True when the request names an STS action (`X-TC-Action`).
pub(crate) fn is_sts(headers: &HeaderMap) -> bool {
    headers.get(&ACTION_HEADER).is_some_and(|v| {
        v.as_bytes() == ASSUME_ROLE.as_bytes() || v.as_bytes() == WITH_WEB_IDENTITY.as_bytes()
    })
}

/// The web-identity tokens accepted, each with its expiry (UNIX seconds; `None`: never).
/// Secrets: never logged or shown.
pub(crate) struct WebIdentityTokens(RwLock<HashMap<String, Option<u64>>>);

impl WebIdentityTokens {
    /// The builder's tokens, each non-empty without surrounding whitespace.
    pub(crate) fn new(tokens: &[(String, Option<u64>)]) -> Result<Self, StartError> {
        let mut map = HashMap::with_capacity(tokens.len());
        for (index, (token, expires_at)) in tokens.iter().enumerate() {
            check_token_text(token)
                .map_err(|reason| StartError::WebIdentityToken { index, reason })?;
            map.insert(token.clone(), *expires_at);
        }
        Ok(Self(RwLock::new(map)))
    }

    /// Accepts `token` from now on, until `expires_at` (replacing an earlier expiry).
    pub(crate) fn add(&self, token: String, expires_at: Option<u64>) -> Result<(), &'static str> {
        check_token_text(&token)?;
        self.0
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(token, expires_at);
        Ok(())
    }

    /// True when `token` is configured and has not expired at `now`.
    fn accepts(&self, token: &str, now: u64) -> bool {
        self.0
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(token)
            .is_some_and(|expires_at| expires_at.is_none_or(|at| now < at))
    }
}

fn check_token_text(token: &str) -> Result<(), &'static str> {
    if token.is_empty() {
        Err("the web-identity token is empty")
    } else if token.trim() != token {
        Err("the web-identity token starts or ends with whitespace")
    } else {
        Ok(())
    }
}

/// Answers one STS request (its action already known to be an STS one).
pub(crate) fn run(
    state: &State,
    parts: Parts,
    body: Option<Result<Bytes, BodyError>>,
    local_port: u16,
    now: u64,
    request_id: &str,
) -> Reply {
    match answer(state, parts, body, local_port, now) {
        Ok(fields) => envelope::response(fields, request_id),
        Err((code, message)) => envelope::error(code, &message, request_id),
    }
}

fn answer(
    state: &State,
    parts: Parts,
    body: Option<Result<Bytes, BodyError>>,
    local_port: u16,
    now: u64,
) -> Result<JsonObject, Refusal> {
    let body = match (&parts.method, body) {
        (&Method::POST, Some(Ok(body))) => body,
        (&Method::POST, Some(Err(BodyError::TooLarge))) => {
            return Err((
                REQUEST_SIZE_LIMIT_EXCEEDED,
                "the request body is larger than 10 MiB".to_owned(),
            ));
        }
        (&Method::POST, _) => {
            return Err((
                INVALID_PARAMETER,
                "the request body could not be read".to_owned(),
            ));
        }
        _ => {
            return Err((
                INVALID_PARAMETER,
                "STS is served over POST with a JSON body (TC3-HMAC-SHA256)".to_owned(),
            ));
        }
    };
    let unsigned = parts
        .headers
        .get(AUTHORIZATION)
        .is_some_and(|v| v.as_bytes() == b"SKIP");
    let (action, version, body) = if unsigned {
        unsigned_request(state, &parts, body, now)?
    } else {
        let signed = authenticate(state, parts, body, local_port, now, STS_SERVICE)?;
        (signed.action, signed.version, signed.request.into_body())
    };
    if version != STS_VERSION {
        return Err((
            NO_SUCH_VERSION,
            format!(
                "the version {:?} does not exist for service {STS_SERVICE}; use {STS_VERSION}",
                shorten(&version)
            ),
        ));
    }
    let fields = describe::parse_body(&body)?;
    let duration = if action == ASSUME_ROLE {
        assume_role_input(&fields)?
    } else {
        let duration = web_identity_input(&fields)?;
        let token = fields
            .get("WebIdentityToken")
            .and_then(Value::as_str)
            .unwrap_or_default();
        if !state.web_identity_tokens.accepts(token, now) {
            return Err((
                WEB_IDENTITY_TOKEN_ERROR,
                "the WebIdentityToken is not one this emulator accepts, or it has expired"
                    .to_owned(),
            ));
        }
        duration
    };
    let Ok(issued) = state.issued.issue(now, duration, true) else {
        return Err((
            REQUEST_LIMIT_EXCEEDED,
            "too many temporary credentials are live; retry later".to_owned(),
        ));
    };
    state.stats.sts_issued();
    Ok(answer_fields(&issued))
}

/// The checks of an unsigned (`Authorization: SKIP`) request: only
/// `AssumeRoleWithWebIdentity` may be sent so; a JSON body; `X-TC-Action`, `X-TC-Version`
/// and a decimal `X-TC-Timestamp` within the allowed skew.
fn unsigned_request(
    state: &State,
    parts: &Parts,
    body: Bytes,
    now: u64,
) -> Result<(String, String, Bytes), Refusal> {
    if !is_json(&parts.headers) {
        return Err((
            INVALID_PARAMETER,
            "Content-Type must be application/json".to_owned(),
        ));
    }
    let action = required_header(&parts.headers, &ACTION_HEADER, "X-TC-Action")?.to_owned();
    let version = required_header(&parts.headers, &VERSION_HEADER, "X-TC-Version")?.to_owned();
    let timestamp = required_header(&parts.headers, &TIMESTAMP_HEADER, "X-TC-Timestamp")?;
    if action != WITH_WEB_IDENTITY {
        return Err((
            INVALID_AUTHORIZATION,
            format!(
                "{action} must be signed (TC3-HMAC-SHA256); only {WITH_WEB_IDENTITY} is sent \
                 with Authorization: SKIP"
            ),
        ));
    }
    let timestamp = timestamp
        .bytes()
        .all(|b| b.is_ascii_digit())
        .then(|| timestamp.parse::<u64>().ok())
        .flatten()
        .ok_or_else(|| {
            (
                INVALID_PARAMETER,
                "X-TC-Timestamp must be a UNIX time in whole seconds".to_owned(),
            )
        })?;
    check_skew(state, "X-TC-Timestamp", timestamp, now)?;
    Ok((action, version, body))
}

/// What a field must hold.
#[derive(Clone, Copy)]
enum Kind {
    Text,
    Number,
    List,
}

/// `AssumeRole`'s fields: (name, kind, required).
const ASSUME_ROLE_FIELDS: [(&str, Kind, bool); 9] = [
    ("RoleArn", Kind::Text, true),
    ("RoleSessionName", Kind::Text, true),
    ("DurationSeconds", Kind::Number, false),
    ("Policy", Kind::Text, false),
    ("ExternalId", Kind::Text, false),
    ("Tags", Kind::List, false),
    ("SourceIdentity", Kind::Text, false),
    ("SerialNumber", Kind::Text, false),
    ("TokenCode", Kind::Text, false),
];

/// `AssumeRoleWithWebIdentity`'s fields.
const WEB_IDENTITY_FIELDS: [(&str, Kind, bool); 5] = [
    ("ProviderId", Kind::Text, true),
    ("WebIdentityToken", Kind::Text, true),
    ("RoleArn", Kind::Text, true),
    ("RoleSessionName", Kind::Text, true),
    ("DurationSeconds", Kind::Number, false),
];

/// Checks `AssumeRole`'s fields; returns the lifetime asked for.
fn assume_role_input(fields: &Map<String, Value>) -> Result<u64, Refusal> {
    check_fields(fields, &ASSUME_ROLE_FIELDS)?;
    check_common(fields)?;
    if let Some(id) = fields.get("ExternalId").and_then(Value::as_str)
        && (!(2..=128).contains(&id.len())
            || !id
                .bytes()
                .all(|b| is_name_byte(b) || b == b':' || b == b'/'))
    {
        return Err((
            INVALID_PARAMETER,
            "ExternalId must be 2 to 128 letters, digits or +=,.@:/_-".to_owned(),
        ));
    }
    duration(fields)
}

/// Checks `AssumeRoleWithWebIdentity`'s fields; returns the lifetime asked for.
fn web_identity_input(fields: &Map<String, Value>) -> Result<u64, Refusal> {
    check_fields(fields, &WEB_IDENTITY_FIELDS)?;
    check_common(fields)?;
    duration(fields)
}

/// Only the action's fields, required ones present and non-empty, each of its kind.
fn check_fields(fields: &Map<String, Value>, known: &[(&str, Kind, bool)]) -> Result<(), Refusal> {
    if let Some(name) = fields
        .keys()
        .find(|name| !known.iter().any(|(k, _, _)| k == name))
    {
        return Err((
            UNKNOWN_PARAMETER,
            format!(
                "the parameter `{}` is not defined for this action",
                shorten(name)
            ),
        ));
    }
    for (name, kind, required) in known {
        let value = match fields.get(*name) {
            None | Some(Value::Null) if *required => {
                return Err((
                    MISSING_PARAMETER,
                    format!("the request is missing the required parameter `{name}`"),
                ));
            }
            None | Some(Value::Null) => continue,
            Some(value) => value,
        };
        let fits = match kind {
            Kind::Text => value.is_string(),
            Kind::Number => value.is_u64(),
            Kind::List => value.is_array(),
        };
        if !fits {
            let what = match kind {
                Kind::Text => "a string",
                Kind::Number => "a non-negative integer",
                Kind::List => "a list",
            };
            return Err((INVALID_PARAMETER, format!("`{name}` must be {what}")));
        }
        if *required && value.as_str() == Some("") {
            return Err((
                MISSING_PARAMETER,
                format!("the required parameter `{name}` is empty"),
            ));
        }
    }
    Ok(())
}

/// `RoleArn` a CAM role ARN; `RoleSessionName` 2–128 characters of `[\w+=,.@-]`.
fn check_common(fields: &Map<String, Value>) -> Result<(), Refusal> {
    let arn = fields
        .get("RoleArn")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if !arn.starts_with("qcs::cam::uin/") || !arn.contains(":role") {
        return Err((
            INVALID_PARAMETER,
            format!(
                "RoleArn {:?} is not a role ARN (qcs::cam::uin/<uin>:roleName/<name>)",
                shorten(arn)
            ),
        ));
    }
    let session = fields
        .get("RoleSessionName")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if !(2..=128).contains(&session.len()) || !session.bytes().all(is_name_byte) {
        return Err((
            INVALID_PARAMETER,
            "RoleSessionName must be 2 to 128 letters, digits or +=,.@_-".to_owned(),
        ));
    }
    Ok(())
}

/// `DurationSeconds`: 1 to 43200, default 7200.
fn duration(fields: &Map<String, Value>) -> Result<u64, Refusal> {
    match fields.get("DurationSeconds").and_then(Value::as_u64) {
        None => Ok(DEFAULT_DURATION),
        Some(seconds @ 1..=MAX_DURATION) => Ok(seconds),
        Some(seconds) => Err((
            INVALID_PARAMETER,
            format!("DurationSeconds {seconds} is out of range: 1 to {MAX_DURATION}"),
        )),
    }
}

/// `Credentials`, `ExpiredTime` and `Expiration` of an issued credential.
fn answer_fields(issued: &Issued) -> JsonObject {
    let credential = &issued.credential;
    let credentials = JsonObject::new()
        .str(
            "Token",
            credential.token().map_or("", |t| t.expose_secret()),
        )
        .str("TmpSecretId", credential.secret_id().as_str())
        .str("TmpSecretKey", credential.secret_key().expose_secret());
    JsonObject::new()
        .object("Credentials", credentials)
        .int(
            "ExpiredTime",
            i64::try_from(issued.expires_at).unwrap_or(i64::MAX),
        )
        .str("Expiration", &rfc3339(issued.expires_at))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn object(json: &str) -> Map<String, Value> {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn assume_role_fields_are_checked() {
        let code = |json: &str| assume_role_input(&object(json)).map_err(|(code, _)| code);
        let arn = r#""RoleArn":"qcs::cam::uin/100:roleName/r""#;
        assert_eq!(
            code(&format!(r#"{{{arn},"RoleSessionName":"s1"}}"#)),
            Ok(7200)
        );
        assert_eq!(
            code(&format!(
                r#"{{{arn},"RoleSessionName":"a.b@c","DurationSeconds":900}}"#
            )),
            Ok(900)
        );
        assert_eq!(code(r#"{"RoleSessionName":"s1"}"#), Err(MISSING_PARAMETER));
        assert_eq!(
            code(&format!(r#"{{{arn},"RoleSessionName":""}}"#)),
            Err(MISSING_PARAMETER)
        );
        for bad in [
            r#""RoleSessionName":"x""#,
            r#""RoleSessionName":"has space""#,
            r#""RoleSessionName":"s1","DurationSeconds":43201"#,
            r#""RoleSessionName":"s1","DurationSeconds":0"#,
            r#""RoleSessionName":"s1","DurationSeconds":"60""#,
            r#""RoleSessionName":"s1","ExternalId":"x""#,
        ] {
            assert_eq!(
                code(&format!("{{{arn},{bad}}}")),
                Err(INVALID_PARAMETER),
                "{bad}"
            );
        }
        assert_eq!(
            code(r#"{"RoleArn":"role","RoleSessionName":"s1"}"#),
            Err(INVALID_PARAMETER)
        );
        assert_eq!(
            code(&format!(r#"{{{arn},"RoleSessionName":"s1","Nope":1}}"#)),
            Err(UNKNOWN_PARAMETER)
        );
    }

    #[test]
    fn web_identity_tokens_expire() {
        let tokens = WebIdentityTokens::new(&[("t1".to_owned(), Some(100))]).unwrap();
        assert!(tokens.accepts("t1", 99));
        assert!(!tokens.accepts("t1", 100));
        assert!(!tokens.accepts("t2", 0));
        tokens.add("t2".to_owned(), None).unwrap();
        assert!(tokens.accepts("t2", u64::MAX));
        assert!(tokens.add(" t3".to_owned(), None).is_err());
        assert!(WebIdentityTokens::new(&[(String::new(), None)]).is_err());
    }
}
