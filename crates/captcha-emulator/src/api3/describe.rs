//! The four ticket checks (docs/protocol.md, "DescribeCaptchaResult"): `DescribeCaptchaResult`
//! and `DescribeCaptchaRceResult` for web tickets, `DescribeCaptchaMiniResult` and
//! `DescribeCaptchaMiniRiskResult` for mini-program plugin tickets. Reads the field map
//! strictly (`super::schema`: known fields only, right types; then `CaptchaType` 9, a real
//! `UserIp`, a positive `CaptchaAppId`), then checks the ticket and answers its
//! `CaptchaCode`, with the risk objects the Rce and MiniRisk actions add. The map comes from
//! the JSON body ([`parse_body`]) or from a query or form (`super::query`), so every mode
//! checks the same way.

use std::net::IpAddr;

use captcha_proto::api3::{
    DISASTER_RECOVERY_PREFIX, DescribeCaptchaMiniResult, DescribeCaptchaMiniRiskResult,
    DescribeCaptchaRceResult, OutputManageMarketingRiskValue, RceResult,
};
use serde_json::{Map, Value};

use super::envelope::{self, INVALID_PARAMETER};
use super::schema;
use super::tickets::{Outcome, Presented};
use crate::common::shorten;
use crate::json::JsonObject;
use crate::reply::Reply;
use crate::state::State;
use crate::test_keys::TestKey;

/// The one documented `CaptchaType`.
const CAPTCHA_TYPE: u64 = 9;

/// Which ticket check a request is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TicketCheck {
    /// `DescribeCaptchaResult`.
    Web,
    /// `DescribeCaptchaRceResult`: a web check that adds `RceResult`.
    Rce,
    /// `DescribeCaptchaMiniResult`.
    Mini,
    /// `DescribeCaptchaMiniRiskResult`: a mini check that adds `ManageMarketingRiskValue`.
    MiniRisk,
}

impl TicketCheck {
    /// The check `action` names, if it is one.
    pub(crate) fn of(action: &str) -> Option<Self> {
        match action {
            captcha_proto::api3::DESCRIBE_CAPTCHA_RESULT => Some(Self::Web),
            DescribeCaptchaRceResult::ACTION => Some(Self::Rce),
            DescribeCaptchaMiniResult::ACTION => Some(Self::Mini),
            DescribeCaptchaMiniRiskResult::ACTION => Some(Self::MiniRisk),
            _ => None,
        }
    }

    fn action(self) -> &'static str {
        match self {
            Self::Web => captcha_proto::api3::DESCRIBE_CAPTCHA_RESULT,
            Self::Rce => DescribeCaptchaRceResult::ACTION,
            Self::Mini => DescribeCaptchaMiniResult::ACTION,
            Self::MiniRisk => DescribeCaptchaMiniRiskResult::ACTION,
        }
    }

    fn is_web(self) -> bool {
        matches!(self, Self::Web | Self::Rce)
    }
}

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
    /// `None` for the mini-program checks, which carry no Randstr.
    randstr: Option<&'a str>,
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

/// Answers one authenticated ticket check with the fields `object` at server time `now`.
pub(crate) fn run(
    state: &State,
    check: TicketCheck,
    object: &Map<String, Value>,
    now: u64,
    request_id: &str,
) -> Reply {
    let input = match read_input(check, object) {
        Ok(input) => input,
        Err(refusal) => return envelope::error(refusal.code, &refusal.message, request_id),
    };
    let disaster = check.is_web() && input.ticket.starts_with(DISASTER_RECOVERY_PREFIX);
    let test_key = TestKey::of(input.captcha_app_id);
    let (outcome, minted_at) = if let Some(key) = test_key {
        // A test key answers the same whatever the ticket, once its key is right.
        let matches = state
            .apps
            .key_matches(input.captcha_app_id, input.app_secret_key);
        let outcome = match key {
            _ if !matches => Some(Outcome::SecretMismatch),
            TestKey::Pass => Some(Outcome::Pass),
            TestKey::Fail => Some(Outcome::Unknown),
            TestKey::Spent => Some(Outcome::Used),
            TestKey::DisasterRecovery => None,
        };
        (outcome, Some(now))
    } else if disaster {
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
        action = check.action(),
        captcha_app_id = input.captcha_app_id,
        known_app = state.apps.contains(input.captcha_app_id),
        code,
        "ticket checked"
    );
    let minted_at = i64::try_from(minted_at.unwrap_or(0)).unwrap_or(i64::MAX);
    let mut fields = JsonObject::new()
        .int("CaptchaCode", code)
        .str("CaptchaMsg", message);
    if check.is_web() {
        fields = fields.int("EvilLevel", 0);
        if input.need_get_captcha_time {
            fields = fields.int("GetCaptchaTime", minted_at);
        }
        fields = fields
            .int("SubmitCaptchaTime", minted_at)
            .int("EvilBitmap", 0);
    }
    let risk_level = if code == 1 { "pass" } else { "reject" };
    let user_ip = input.user_ip.to_string();
    match check {
        TicketCheck::Rce => {
            let rce = RceResult {
                user_id: Some(String::new()),
                post_time: Some(minted_at),
                associate_account: Some(String::new()),
                user_ip: Some(user_ip),
                risk_level: Some(risk_level.to_owned()),
                risk_type: Some(Vec::new()),
                const_id: Some(String::new()),
                risk_information: Some(String::new()),
            };
            fields = fields.raw("RceResult", &to_json(&rce));
        }
        TicketCheck::MiniRisk => {
            let risk = OutputManageMarketingRiskValue {
                user_id: Some(String::new()),
                post_time: Some(minted_at),
                associate_account: Some(String::new()),
                user_ip: Some(user_ip),
                risk_level: Some(risk_level.to_owned()),
                risk_type: Some(Vec::new()),
            };
            fields = fields.raw("ManageMarketingRiskValue", &to_json(&risk));
        }
        TicketCheck::Web | TicketCheck::Mini => {}
    }
    envelope::response(fields, request_id).with_code(code)
}

/// A risk object as JSON text (these objects hold strings and integers only).
fn to_json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "null".to_owned())
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

fn read_input(check: TicketCheck, object: &Map<String, Value>) -> Result<Input<'_>, Refusal> {
    schema::check(check.action(), object).map_err(|(code, message)| Refusal::new(code, message))?;
    let text = |name| object.get(name).and_then(Value::as_str);
    let number = |name| object.get(name).and_then(Value::as_u64);
    // The schema has checked presence and types: the lookups below cannot miss.
    let captcha_type = number("CaptchaType").unwrap_or(0);
    if captcha_type != CAPTCHA_TYPE {
        return Err(Refusal::new(
            INVALID_PARAMETER,
            format!(
                "CaptchaType must be {CAPTCHA_TYPE} (the only documented value), not {captcha_type}"
            ),
        ));
    }
    let user_ip_text = text("UserIp").unwrap_or("");
    let user_ip = user_ip_text.trim().parse::<IpAddr>().map_err(|_| {
        Refusal::new(
            INVALID_PARAMETER,
            format!(
                "UserIp {:?} is not an IPv4 or IPv6 address",
                shorten(user_ip_text)
            ),
        )
    })?;
    let captcha_app_id = number("CaptchaAppId").unwrap_or(0);
    if captcha_app_id == 0 {
        return Err(Refusal::new(
            INVALID_PARAMETER,
            "CaptchaAppId must be positive".to_owned(),
        ));
    }
    let need_get_captcha_time = match object.get("NeedGetCaptchaTime").and_then(Value::as_i64) {
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
        ticket: text("Ticket").unwrap_or(""),
        randstr: if check.is_web() {
            Some(text("Randstr").unwrap_or(""))
        } else {
            None
        },
        user_ip,
        captcha_app_id,
        app_secret_key: text("AppSecretKey").unwrap_or(""),
        need_get_captcha_time,
    })
}

#[cfg(test)]
mod tests {
    use super::super::envelope::{MISSING_PARAMETER, UNKNOWN_PARAMETER};
    use super::*;

    fn read(body: &str) -> Result<(), (&'static str, String)> {
        let object = parse_object(body.as_bytes()).map_err(|r| (r.code, r.message))?;
        read_input(TicketCheck::Web, &object)
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
                format!(r#"{{{GOOD},"SceneCode":2}}"#),
                UNKNOWN_PARAMETER,
                "`SceneCode` is not defined for DescribeCaptchaResult",
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
