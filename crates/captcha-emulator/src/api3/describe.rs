//! `DescribeCaptchaResult` (docs/protocol.md, "DescribeCaptchaResult"): reads the field map strictly (known
//! fields only, right types, `CaptchaType` 9), then checks the ticket and answers its `CaptchaCode`.
//! The map comes from the JSON body ([`parse_body`]) or from a query or form
//! (`super::query`), so every mode checks the same way.

use std::net::IpAddr;

use captcha_proto::api3::DISASTER_RECOVERY_PREFIX;
use serde_json::{Map, Value};

use super::envelope::{self, INVALID_PARAMETER, MISSING_PARAMETER, UNKNOWN_PARAMETER};
use super::tickets::{Outcome, Presented};
use crate::common::shorten;
use crate::json::JsonObject;
use crate::reply::Reply;
use crate::state::State;

/// Every field the action defines; any other is refused (`UnknownParameter`).
const FIELDS: [&str; 11] = [
    "CaptchaType",
    "Ticket",
    "UserIp",
    "Randstr",
    "CaptchaAppId",
    "AppSecretKey",
    "BusinessId",
    "SceneId",
    "MacAddress",
    "Imei",
    "NeedGetCaptchaTime",
];

/// The fields whose value is an integer: a number in JSON, digits in a query or form.
pub(crate) const NUMERIC_FIELDS: [&str; 5] = [
    "CaptchaType",
    "CaptchaAppId",
    "BusinessId",
    "SceneId",
    "NeedGetCaptchaTime",
];

/// The one documented `CaptchaType`.
const CAPTCHA_TYPE: u64 = 9;

/// A refusal before any ticket is looked at.
struct Refusal {
    code: &'static str,
    message: String,
}

impl Refusal {
    fn new(code: &'static str, message: String) -> Self {
        Self { code, message }
    }
}

/// The checked body. Borrowed from the parsed JSON: nothing secret is copied.
struct Input<'a> {
    ticket: &'a str,
    randstr: &'a str,
    user_ip: IpAddr,
    captcha_app_id: u64,
    app_secret_key: &'a str,
    need_get_captcha_time: bool,
}

/// The fields of a JSON body, or the refusal (code and message) of a body that is not a
/// JSON object.
pub(crate) fn parse_body(body: &[u8]) -> Result<Map<String, Value>, (&'static str, String)> {
    parse_object(body).map_err(|refusal| (refusal.code, refusal.message))
}

/// Answers one authenticated `DescribeCaptchaResult` with the fields `object` at server
/// time `now`.
pub(crate) fn run(state: &State, object: &Map<String, Value>, now: u64, request_id: &str) -> Reply {
    let input = match read_input(object) {
        Ok(input) => input,
        Err(refusal) => return envelope::error(refusal.code, &refusal.message, request_id),
    };
    let (outcome, minted_at) = if input.ticket.starts_with(DISASTER_RECOVERY_PREFIX) {
        (None, None)
    } else {
        let presented = Presented {
            ticket: input.ticket,
            randstr: input.randstr,
            captcha_app_id: input.captcha_app_id,
            app_secret_matches: state
                .apps
                .key_matches(input.captcha_app_id, input.app_secret_key),
            user_ip: input.user_ip,
        };
        let checked = state.v3_tickets.check(&presented, now);
        (Some(checked.outcome), checked.minted_at)
    };
    let (code, message) = captcha_code(outcome);
    tracing::debug!(
        target: "captcha_emulator::v3",
        captcha_app_id = input.captcha_app_id,
        known_app = state.apps.contains(input.captcha_app_id),
        code,
        "DescribeCaptchaResult checked"
    );
    let minted_at = i64::try_from(minted_at.unwrap_or(0)).unwrap_or(i64::MAX);
    let mut fields = JsonObject::new()
        .int("CaptchaCode", code)
        .str("CaptchaMsg", message)
        .int("EvilLevel", 0);
    if input.need_get_captcha_time {
        fields = fields.int("GetCaptchaTime", minted_at);
    }
    let fields = fields
        .int("SubmitCaptchaTime", minted_at)
        .int("EvilBitmap", 0);
    envelope::response(fields, request_id).with_code(code)
}

/// The `CaptchaCode` and `CaptchaMsg` of an outcome (`None`: a disaster-recovery ticket).
/// The messages are Tencent's (docs/protocol.md, "DescribeCaptchaResult").
fn captcha_code(outcome: Option<Outcome>) -> (i64, &'static str) {
    match outcome {
        None => (21, "diff"),
        Some(Outcome::Pass) => (1, "OK"),
        Some(Outcome::RandstrMismatch) => (7, "captcha no match"),
        Some(Outcome::Expired) => (8, "ticket expired"),
        Some(Outcome::Used) => (9, "ticket reused"),
        Some(Outcome::IpMismatch) => (13, "verify ip no match"),
        Some(Outcome::Unknown) => (15, "decrypt fail"),
        Some(Outcome::AppMismatch) => (16, "appid-ticket mismatch"),
        Some(Outcome::SecretMismatch) => (100, "appid-secretkey-ticket mismatch"),
    }
}

fn parse_object(body: &[u8]) -> Result<Map<String, Value>, Refusal> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(object)) => Ok(object),
        Ok(_) => Err(Refusal::new(
            INVALID_PARAMETER,
            "the request body must be a JSON object".to_owned(),
        )),
        Err(e) => Err(Refusal::new(
            INVALID_PARAMETER,
            format!(
                "the request body is not valid JSON (line {}, column {})",
                e.line(),
                e.column()
            ),
        )),
    }
}

fn read_input(object: &Map<String, Value>) -> Result<Input<'_>, Refusal> {
    if let Some(unknown) = object.keys().find(|key| !FIELDS.contains(&key.as_str())) {
        return Err(Refusal::new(
            UNKNOWN_PARAMETER,
            format!(
                "the parameter `{}` is not defined for DescribeCaptchaResult",
                shorten(unknown)
            ),
        ));
    }
    let captcha_type = required_uint(object, "CaptchaType")?;
    if captcha_type != CAPTCHA_TYPE {
        return Err(Refusal::new(
            INVALID_PARAMETER,
            format!(
                "CaptchaType must be {CAPTCHA_TYPE} (the only documented value), not {captcha_type}"
            ),
        ));
    }
    let ticket = required_str(object, "Ticket")?;
    let user_ip_text = required_str(object, "UserIp")?;
    let user_ip = user_ip_text.trim().parse::<IpAddr>().map_err(|_| {
        Refusal::new(
            INVALID_PARAMETER,
            format!(
                "UserIp {:?} is not an IPv4 or IPv6 address",
                shorten(user_ip_text)
            ),
        )
    })?;
    let randstr = required_str(object, "Randstr")?;
    let captcha_app_id = required_uint(object, "CaptchaAppId")?;
    if captcha_app_id == 0 {
        return Err(Refusal::new(
            INVALID_PARAMETER,
            "CaptchaAppId must be positive".to_owned(),
        ));
    }
    let app_secret_key = required_str(object, "AppSecretKey")?;
    optional_uint(object, "BusinessId")?;
    optional_uint(object, "SceneId")?;
    optional_str(object, "MacAddress")?;
    optional_str(object, "Imei")?;
    let need_get_captcha_time = match optional_uint(object, "NeedGetCaptchaTime")? {
        None | Some(0) => false,
        Some(1) => true,
        Some(other) => {
            return Err(Refusal::new(
                INVALID_PARAMETER,
                format!("NeedGetCaptchaTime must be 0 or 1, not {other}"),
            ));
        }
    };
    Ok(Input {
        ticket,
        randstr,
        user_ip,
        captcha_app_id,
        app_secret_key,
        need_get_captcha_time,
    })
}

/// A field's value; `null` counts as absent.
fn field<'a>(object: &'a Map<String, Value>, name: &str) -> Option<&'a Value> {
    object.get(name).filter(|value| !value.is_null())
}

fn missing(name: &str) -> Refusal {
    Refusal::new(
        MISSING_PARAMETER,
        format!("the request is missing the required parameter `{name}`"),
    )
}

fn wrong_type(name: &str, expected: &str) -> Refusal {
    Refusal::new(
        INVALID_PARAMETER,
        format!("the parameter `{name}` must be {expected}"),
    )
}

fn required_str<'a>(object: &'a Map<String, Value>, name: &str) -> Result<&'a str, Refusal> {
    match optional_str(object, name)? {
        None => Err(missing(name)),
        Some("") => Err(Refusal::new(
            MISSING_PARAMETER,
            format!("the required parameter `{name}` is empty"),
        )),
        Some(value) => Ok(value),
    }
}

fn optional_str<'a>(
    object: &'a Map<String, Value>,
    name: &str,
) -> Result<Option<&'a str>, Refusal> {
    match field(object, name) {
        None => Ok(None),
        Some(Value::String(value)) => Ok(Some(value)),
        Some(_) => Err(wrong_type(name, "a string")),
    }
}

fn required_uint(object: &Map<String, Value>, name: &str) -> Result<u64, Refusal> {
    optional_uint(object, name)?.ok_or_else(|| missing(name))
}

fn optional_uint(object: &Map<String, Value>, name: &str) -> Result<Option<u64>, Refusal> {
    match field(object, name) {
        None => Ok(None),
        Some(value) => value
            .as_u64()
            .map(Some)
            .ok_or_else(|| wrong_type(name, "a non-negative integer")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(body: &str) -> Result<(), (&'static str, String)> {
        let object = parse_object(body.as_bytes()).map_err(|r| (r.code, r.message))?;
        read_input(&object)
            .map(|_| ())
            .map_err(|r| (r.code, r.message))
    }

    const GOOD: &str = r#""CaptchaType":9,"Ticket":"t","UserIp":"127.0.0.1","Randstr":"@a","CaptchaAppId":5,"AppSecretKey":"k""#;

    #[test]
    fn a_complete_body_reads() {
        assert_eq!(read(&format!("{{{GOOD}}}")), Ok(()));
        let full = format!(
            r#"{{{GOOD},"BusinessId":1,"SceneId":2,"MacAddress":"m","Imei":"i","NeedGetCaptchaTime":1}}"#
        );
        assert_eq!(read(&full), Ok(()));
    }

    #[test]
    fn each_refusal_names_the_field() {
        let cases = [
            ("[]".to_owned(), INVALID_PARAMETER, "JSON object"),
            ("{".to_owned(), INVALID_PARAMETER, "not valid JSON"),
            (
                format!(r#"{{{GOOD},"Extra":1}}"#),
                UNKNOWN_PARAMETER,
                "`Extra`",
            ),
            (
                GOOD.replace(r#""Ticket":"t""#, r#""Ticket":null"#),
                MISSING_PARAMETER,
                "`Ticket`",
            ),
            (
                GOOD.replace(r#""Randstr":"@a""#, r#""Randstr":"""#),
                MISSING_PARAMETER,
                "`Randstr` is empty",
            ),
            (
                GOOD.replace("9", "1"),
                INVALID_PARAMETER,
                "CaptchaType must be 9",
            ),
            (
                GOOD.replace("9", r#""9""#),
                INVALID_PARAMETER,
                "`CaptchaType` must be a non-negative integer",
            ),
            (
                GOOD.replace("127.0.0.1", "localhost"),
                INVALID_PARAMETER,
                "UserIp",
            ),
            (
                GOOD.replace(":5", ":0"),
                INVALID_PARAMETER,
                "CaptchaAppId must be positive",
            ),
            (
                GOOD.replace(":5", ":-5"),
                INVALID_PARAMETER,
                "`CaptchaAppId`",
            ),
            (
                GOOD.replace(r#""k""#, "7"),
                INVALID_PARAMETER,
                "`AppSecretKey` must be a string",
            ),
            (
                format!(r#"{{{GOOD},"NeedGetCaptchaTime":2}}"#),
                INVALID_PARAMETER,
                "0 or 1",
            ),
            (
                format!(r#"{{{GOOD},"Imei":5}}"#),
                INVALID_PARAMETER,
                "`Imei`",
            ),
        ];
        for (body, code, words) in cases {
            let body = if body.starts_with('{') || body.starts_with('[') {
                body
            } else {
                format!("{{{body}}}")
            };
            let (got_code, message) = read(&body).expect_err(&body);
            assert_eq!(got_code, code, "{body}: {message}");
            assert!(message.contains(words), "{body}: {message}");
        }
    }

    #[test]
    fn codes_and_messages_are_tencents() {
        assert_eq!(captcha_code(Some(Outcome::Pass)), (1, "OK"));
        assert_eq!(captcha_code(None), (21, "diff"));
        assert_eq!(
            captcha_code(Some(Outcome::SecretMismatch)),
            (100, "appid-secretkey-ticket mismatch")
        );
    }
}
