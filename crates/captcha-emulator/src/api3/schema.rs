//! The fields of every action of captcha 2019-07-22 as Tencent checks them: unknown names
//! (`UnknownParameter`), required fields absent or empty (`MissingParameter`), and values
//! of the wrong type (`InvalidParameter`). The same schema tells a query or form which
//! values are numbers (`super::query`).

use serde_json::{Map, Value};

use super::Refusal;
use super::envelope::{INVALID_PARAMETER, MISSING_PARAMETER, UNKNOWN_PARAMETER};
use crate::common::shorten;

/// The type of a field's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Text.
    Str,
    /// A signed integer.
    Int,
    /// A non-negative integer.
    Uint,
}

/// One field of an action's input.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Field {
    pub(crate) name: &'static str,
    pub(crate) kind: Kind,
    pub(crate) required: bool,
}

const fn req(name: &'static str, kind: Kind) -> Field {
    Field {
        name,
        kind,
        required: true,
    }
}

const fn opt(name: &'static str, kind: Kind) -> Field {
    Field {
        name,
        kind,
        required: false,
    }
}

use Kind::{Int, Str, Uint};

/// `DescribeCaptchaResult` and `DescribeCaptchaRceResult`.
const WEB_CHECK: &[Field] = &[
    req("CaptchaType", Uint),
    req("Ticket", Str),
    req("UserIp", Str),
    req("Randstr", Str),
    req("CaptchaAppId", Uint),
    req("AppSecretKey", Str),
    opt("BusinessId", Uint),
    opt("SceneId", Uint),
    opt("MacAddress", Str),
    opt("Imei", Str),
    opt("NeedGetCaptchaTime", Int),
];

const MINI_CHECK: &[Field] = &[
    req("CaptchaType", Uint),
    req("Ticket", Str),
    req("UserIp", Str),
    req("CaptchaAppId", Uint),
    req("AppSecretKey", Str),
    opt("BusinessId", Uint),
    opt("SceneId", Uint),
    opt("MacAddress", Str),
    opt("Imei", Str),
];

const MINI_RISK_CHECK: &[Field] = &[
    req("CaptchaType", Uint),
    req("Ticket", Str),
    req("UserIp", Str),
    req("CaptchaAppId", Uint),
    req("AppSecretKey", Str),
    opt("BusinessId", Uint),
    opt("SceneId", Uint),
    opt("MacAddress", Str),
    opt("Imei", Str),
    opt("SceneCode", Int),
    opt("WeChatOpenId", Str),
];

const DATA: &[Field] = &[
    req("CaptchaAppId", Int),
    req("Start", Int),
    req("End", Int),
    req("Type", Int),
];

const DATA_SUM: &[Field] = &[req("CaptchaAppId", Int), req("Start", Int), req("End", Int)];

const OPER_DATA: &[Field] = &[
    req("CaptchaAppId", Uint),
    req("Start", Uint),
    req("Type", Uint),
    opt("End", Uint),
];

const TICKET_DATA: &[Field] = &[req("CaptchaAppId", Int), req("Start", Int), opt("End", Int)];

const APP_STATISTICS: &[Field] = &[
    req("CaptchaAppId", Str),
    req("StartTimeStr", Str),
    req("EndTimeStr", Str),
    req("Dimension", Str),
];

const TOTAL_STATISTICS: &[Field] = &[
    req("StartTimeStr", Str),
    req("EndTimeStr", Str),
    req("Dimension", Str),
];

const APP_ID_INFO: &[Field] = &[req("CaptchaAppId", Uint)];

const UPDATE_APP_ID_INFO: &[Field] = &[
    req("CaptchaAppId", Int),
    req("AppName", Str),
    req("DomainLimit", Str),
    req("SceneType", Int),
    req("CapType", Int),
    req("EvilInterceptGrade", Int),
    req("SmartVerify", Int),
    req("SmartEngine", Int),
    req("SchemeColor", Str),
    req("CaptchaLanguage", Int),
    req("MailAlarm", Str),
    req("TopFullScreen", Int),
    req("TrafficThreshold", Int),
];

/// The input fields of `action` (one of `captcha_proto::api3::CAPTCHA_ACTIONS`).
pub(crate) fn fields_of(action: &str) -> &'static [Field] {
    match action {
        "DescribeCaptchaResult" | "DescribeCaptchaRceResult" => WEB_CHECK,
        "DescribeCaptchaMiniResult" => MINI_CHECK,
        "DescribeCaptchaMiniRiskResult" => MINI_RISK_CHECK,
        "DescribeCaptchaData" | "DescribeCaptchaMiniData" => DATA,
        "DescribeCaptchaDataSum" | "DescribeCaptchaMiniDataSum" => DATA_SUM,
        "DescribeCaptchaOperData" | "DescribeCaptchaMiniOperData" => OPER_DATA,
        "DescribeCaptchaTicketData" => TICKET_DATA,
        "GetRequestStatistics" | "GetTicketStatistics" => APP_STATISTICS,
        "GetTotalRequestStatistics" | "GetTotalTicketStatistics" => TOTAL_STATISTICS,
        "DescribeCaptchaAppIdInfo" => APP_ID_INFO,
        "UpdateCaptchaAppIdInfo" => UPDATE_APP_ID_INFO,
        // DescribeCaptchaUserAllAppId takes nothing.
        _ => &[],
    }
}

/// True when `name` is a numeric field of `action`.
pub(crate) fn is_numeric(action: &str, name: &str) -> bool {
    fields_of(action)
        .iter()
        .any(|field| field.name == name && field.kind != Kind::Str)
}

/// Checks `object` against the fields of `action`, in Tencent's order: unknown names,
/// then each field in the documented order (absent, empty or of the wrong type).
pub(crate) fn check(action: &str, object: &Map<String, Value>) -> Result<(), Refusal> {
    let fields = fields_of(action);
    if let Some(unknown) = object
        .keys()
        .find(|key| !fields.iter().any(|field| field.name == key.as_str()))
    {
        return Err((
            UNKNOWN_PARAMETER,
            format!(
                "the parameter `{}` is not defined for {action}",
                shorten(unknown)
            ),
        ));
    }
    for field in fields {
        let name = field.name;
        let value = match object.get(name) {
            None | Some(Value::Null) if field.required => {
                return Err((
                    MISSING_PARAMETER,
                    format!("the request is missing the required parameter `{name}`"),
                ));
            }
            None | Some(Value::Null) => continue,
            Some(value) => value,
        };
        let fits = match field.kind {
            Str => value.is_string(),
            Int => value.is_i64(),
            Uint => value.is_u64(),
        };
        if !fits {
            let expected = match field.kind {
                Str => "a string",
                Int => "an integer",
                Uint => "a non-negative integer",
            };
            return Err((
                INVALID_PARAMETER,
                format!("the parameter `{name}` must be {expected}"),
            ));
        }
        // An empty domain limit or alarm address means "none".
        let may_be_empty = matches!(name, "DomainLimit" | "MailAlarm");
        if field.required
            && !may_be_empty
            && value.as_str().is_some_and(|text| text.trim().is_empty())
        {
            return Err((
                MISSING_PARAMETER,
                format!("the required parameter `{name}` is empty"),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use captcha_proto::api3::CAPTCHA_ACTIONS;
    use serde_json::json;

    use super::*;

    fn object(value: Value) -> Map<String, Value> {
        match value {
            Value::Object(map) => map,
            _ => unreachable!("test objects are objects"),
        }
    }

    #[test]
    fn every_action_but_one_has_fields() {
        let empty: Vec<_> = CAPTCHA_ACTIONS
            .iter()
            .filter(|action| fields_of(action).is_empty())
            .collect();
        assert_eq!(empty, [&"DescribeCaptchaUserAllAppId"]);
    }

    #[test]
    fn refusals_name_the_field() {
        let good =
            json!({"CaptchaAppId": "1", "StartTimeStr": "a", "EndTimeStr": "b", "Dimension": "3"});
        assert_eq!(check("GetRequestStatistics", &object(good)), Ok(()));
        let data = |extra: Value| {
            let mut base = object(json!({"CaptchaAppId": 1, "Start": 1, "End": 2, "Type": 0}));
            for (key, value) in object(extra) {
                if value == json!("<remove>") {
                    base.remove(&key);
                } else {
                    base.insert(key, value);
                }
            }
            check("DescribeCaptchaData", &base)
        };
        assert_eq!(data(json!({})), Ok(()));
        assert_eq!(
            data(json!({"Type": -1})),
            Ok(()),
            "Type is a signed integer"
        );
        let cases = [
            (
                json!({"X": 1}),
                UNKNOWN_PARAMETER,
                "`X` is not defined for DescribeCaptchaData",
            ),
            (json!({"End": "<remove>"}), MISSING_PARAMETER, "`End`"),
            (json!({"End": null}), MISSING_PARAMETER, "`End`"),
            (
                json!({"End": "2"}),
                INVALID_PARAMETER,
                "`End` must be an integer",
            ),
            (json!({"Start": 1.5}), INVALID_PARAMETER, "`Start`"),
        ];
        for (extra, code, words) in cases {
            let (got, message) = data(extra.clone()).expect_err(&extra.to_string());
            assert_eq!(got, code, "{extra}: {message}");
            assert!(message.contains(words), "{extra}: {message}");
        }
        let empty =
            json!({"CaptchaAppId": " ", "StartTimeStr": "a", "EndTimeStr": "b", "Dimension": "3"});
        let (code, message) = check("GetTicketStatistics", &object(empty)).unwrap_err();
        assert_eq!(code, MISSING_PARAMETER);
        assert!(message.contains("`CaptchaAppId` is empty"), "{message}");
        let negative = json!({"CaptchaAppId": -1});
        let (code, _) = check("DescribeCaptchaAppIdInfo", &object(negative)).unwrap_err();
        assert_eq!(code, INVALID_PARAMETER);
    }

    #[test]
    fn numeric_fields_are_known_per_action() {
        assert!(is_numeric("DescribeCaptchaData", "Start"));
        assert!(!is_numeric("GetRequestStatistics", "CaptchaAppId"));
        assert!(is_numeric("DescribeCaptchaAppIdInfo", "CaptchaAppId"));
        assert!(!is_numeric("DescribeCaptchaResult", "Ticket"));
    }
}
