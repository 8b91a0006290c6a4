//! The decoders of all 18 actions of captcha 2019-07-22 never panic and never leak: for
//! arbitrary bytes, for `{"Response": <arbitrary JSON>}`, for a valid answer with one node
//! replaced by arbitrary JSON, and for a valid answer with a secret planted in a wrongly
//! typed field, each action's `decode` returns `Ok` or an error that is
//! `ResponseError::Decode` or `ResponseError::Api3` (never `Api2`), and the planted secret
//! shows in no error's path, reason, `Display` or `Debug` except in the body snippet; where
//! the snippet's masking applies (the field's name is sensitive) it shows nowhere at all.
//!
//! Each property runs 1,000 cases and every case runs all 18 decoders, so every decoder
//! sees 1,000 inputs per property (5,000 in all).

use captcha_proto::api3::{
    Api3Action, DescribeCaptchaAppIdInfo, DescribeCaptchaData, DescribeCaptchaDataSum,
    DescribeCaptchaMiniData, DescribeCaptchaMiniDataSum, DescribeCaptchaMiniOperData,
    DescribeCaptchaMiniResult, DescribeCaptchaMiniRiskResult, DescribeCaptchaOperData,
    DescribeCaptchaRceResult, DescribeCaptchaResult, DescribeCaptchaTicketData,
    DescribeCaptchaUserAllAppId, GetRequestStatistics, GetTicketStatistics,
    GetTotalRequestStatistics, GetTotalTicketStatistics, UpdateCaptchaAppIdInfo,
};
use captcha_proto::redact::is_sensitive_name;
use captcha_proto::{DecodeErrorKind, ResponseError};
use http::StatusCode;
use proptest::prelude::*;
use proptest::sample::Index;
use serde_json::{Value, json};
use std::sync::LazyLock;

fn config() -> ProptestConfig {
    ProptestConfig::with_cases(1_000)
}

type Decode = fn(StatusCode, &[u8]) -> Result<(), ResponseError>;

/// One action's decoder and a valid `Response` object for it.
struct Decoder {
    name: &'static str,
    decode: Decode,
    valid: fn() -> Value,
}

fn serde_decode<T: Api3Action + Default>(
    status: StatusCode,
    body: &[u8],
) -> Result<(), ResponseError> {
    T::default().decode(status, body).map(drop)
}

fn web_check() -> DescribeCaptchaResult {
    DescribeCaptchaResult::new(
        "t03ticket",
        "@Vki",
        "203.0.113.7".parse().unwrap(),
        199999164,
        "app-secret-key",
    )
}

fn mini_check() -> DescribeCaptchaMiniResult {
    DescribeCaptchaMiniResult::new(
        "t03mini",
        "203.0.113.7".parse().unwrap(),
        199999164,
        "app-secret-key",
    )
}

fn app_id_info() -> Value {
    json!({
        "SchemeColor": "blue", "Language": 1, "SceneType": "2", "EvilInterceptGrade": 3,
        "SmartVerify": 0, "SmartEngine": 1, "CapType": 9, "AppName": "shop",
        "DomainLimit": "example.com", "MailAlarm": ["ops@example.com"], "TrafficThreshold": "100",
        "EncryptKey": "k3y", "TopFullScreen": 0, "CaptchaCode": 0, "CaptchaMsg": "ok",
        "RequestId": "r-1",
    })
}

fn outcome() -> Value {
    json!({"CaptchaCode": 0, "CaptchaMsg": "ok", "RequestId": "r-1"})
}

fn user_all_app_ids() -> Value {
    json!({
        "Data": [{"CaptchaAppId": 199999164, "AppName": "shop", "TcAppId": "1250000000", "ChannelInfo": "web"}],
        "CaptchaCode": 0, "CaptchaMsg": "ok", "RequestId": "r-1",
    })
}

fn data_series() -> Value {
    json!({
        "CaptchaCode": 0,
        "Data": [{"Cnt": 12, "Date": "2019-11-29 00:00"}, {"Cnt": "3", "Date": "2019-11-29 00:01"}],
        "CaptchaMsg": "ok", "RequestId": "r-1",
    })
}

fn data_summary() -> Value {
    json!({
        "GetSum": 10, "VfySuccSum": 8, "VfySum": "9", "AttackSum": 1, "CaptchaMsg": "ok",
        "CaptchaCode": 0, "CheckTicketSum": 8, "TicketThroughputSum": 7, "TicketInterceptSum": 1,
        "RequestId": "r-1",
    })
}

fn ticket_data() -> Value {
    json!({
        "CaptchaCode": 0, "CaptchaMsg": "ok",
        "Data": {
            "TicketAmountArray": [{"DateKey": "20240101", "Amount": 5}],
            "TicketThroughArray": [{"DateKey": "20240101", "Through": "4"}],
            "TicketInterceptArray": [{"DateKey": "20240101", "Intercept": 1}],
        },
        "RequestId": "r-1",
    })
}

fn oper_data() -> Value {
    json!({
        "CaptchaCode": 0, "CaptchaMsg": "ok",
        "Data": {
            "OperDataLoadTimeUnitArray": [{"DateKey": "2024010100", "MarketLoadTime": 1.5, "AppIdLoadTime": "0.9"}],
            "OperDataInterceptUnitArray": [{"DateKey": "2024010100", "AllStopCnt": 3.0, "PicStopCnt": 1.0, "StrategyStopCnt": 2.0}],
            "OperDataTryTimesUnitArray": [{"DateKey": "2024010100", "CntPerPass": [1.2, "1.4"], "MarketCntPerPass": 1.3}],
            "OperDataTryTimesDistributeUnitArray": [{"TryCount": 1, "UserCount": "40"}],
        },
        "RequestId": "r-1",
    })
}

fn statistics() -> Value {
    json!({
        "Data": {
            "ActionTotal": 10, "VerifyTotal": 9, "VerifyThroughTotal": 8, "VerifyInterceptTotal": 1,
            "TicketTotal": 8, "TicketThroughTotal": "7", "TicketInterceptTotal": 1,
            "RequestTrend": [{"Ftime": "2024-01-01", "RequestAction": 10, "RequestVerify": 9, "RequestThroughput": 8, "RequestIntercept": 1}],
            "InterceptPerTrend": [{"Ftime": "2024-01-01", "RequestInterceptPer": 0.1, "AnswerInterceptPer": "0.05", "PolicyInterceptPer": 0.05}],
            "TicketCheckTrend": [{"Ftime": "2024-01-01", "TicketCount": 8, "TicketThroughput": 7, "TicketIntercept": 1}],
        },
        "CaptchaCode": 0, "CaptchaMsg": "ok", "RequestId": "r-1",
    })
}

fn captcha_result() -> Value {
    json!({
        "CaptchaCode": 1, "CaptchaMsg": "OK", "EvilLevel": 0, "GetCaptchaTime": 1700000000,
        "EvilBitmap": null, "SubmitCaptchaTime": "1700000005", "DeviceRiskCategory": "none",
        "Score": 10, "RequestId": "r-1",
    })
}

fn rce_result() -> Value {
    let mut value = captcha_result();
    value["RceResult"] = json!({
        "UserId": "u-1", "PostTime": 1700000000, "AssociateAccount": "a", "UserIp": "203.0.113.7",
        "RiskLevel": "pass", "RiskType": [1, "2"], "ConstId": "c-1", "RiskInformation": "none",
    });
    value
}

fn mini_result() -> Value {
    json!({"CaptchaCode": 1, "CaptchaMsg": "OK", "RequestId": "r-1"})
}

fn mini_risk_result() -> Value {
    json!({
        "CaptchaCode": 1, "CaptchaMsg": "OK",
        "ManageMarketingRiskValue": {
            "UserId": "u-1", "PostTime": "1700000000", "AssociateAccount": "a",
            "UserIp": "203.0.113.7", "RiskLevel": "review", "RiskType": [3],
        },
        "RequestId": "r-1",
    })
}

macro_rules! serde_decoders {
    ($($t:ident => $valid:ident),* $(,)?) => {
        [$(Decoder { name: stringify!($t), decode: serde_decode::<$t>, valid: $valid }),*]
    };
}

fn decoders() -> Vec<Decoder> {
    let mut all = Vec::from(serde_decoders![
        DescribeCaptchaAppIdInfo => app_id_info,
        DescribeCaptchaData => data_series,
        DescribeCaptchaDataSum => data_summary,
        DescribeCaptchaMiniData => data_series,
        DescribeCaptchaMiniDataSum => data_summary,
        DescribeCaptchaMiniOperData => oper_data,
        DescribeCaptchaOperData => oper_data,
        DescribeCaptchaTicketData => ticket_data,
        DescribeCaptchaUserAllAppId => user_all_app_ids,
        GetRequestStatistics => statistics,
        GetTicketStatistics => statistics,
        GetTotalRequestStatistics => statistics,
        GetTotalTicketStatistics => statistics,
        UpdateCaptchaAppIdInfo => outcome,
    ]);
    all.extend([
        Decoder {
            name: "DescribeCaptchaResult",
            decode: |status, body| web_check().decode(status, body).map(drop),
            valid: captcha_result,
        },
        Decoder {
            name: "DescribeCaptchaRceResult",
            decode: |status, body| {
                DescribeCaptchaRceResult::from(web_check())
                    .decode(status, body)
                    .map(drop)
            },
            valid: rce_result,
        },
        Decoder {
            name: "DescribeCaptchaMiniResult",
            decode: |status, body| mini_check().decode(status, body).map(drop),
            valid: mini_result,
        },
        Decoder {
            name: "DescribeCaptchaMiniRiskResult",
            decode: |status, body| {
                DescribeCaptchaMiniRiskResult::from(mini_check())
                    .decode(status, body)
                    .map(drop)
            },
            valid: mini_risk_result,
        },
    ]);
    all
}

/// A decoder with its valid answer, that answer's body and its nodes, made once.
struct Prepared {
    name: &'static str,
    decode: Decode,
    valid: Value,
    body: Vec<u8>,
    nodes: Vec<(String, String)>,
}

static PREPARED: LazyLock<Vec<Prepared>> = LazyLock::new(|| {
    decoders()
        .into_iter()
        .map(|d| {
            let valid = (d.valid)();
            Prepared {
                name: d.name,
                decode: d.decode,
                body: body(&valid),
                nodes: all_nodes(&valid),
                valid,
            }
        })
        .collect()
});

fn body(response: &Value) -> Vec<u8> {
    json!({"Response": response}).to_string().into_bytes()
}

/// Every node below the root of `value`, as JSON pointers, with the key that holds it (or
/// the key of the nearest enclosing object member, for list elements).
fn nodes(value: &Value, pointer: &str, key: &str, out: &mut Vec<(String, String)>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                let p = format!("{pointer}/{k}");
                out.push((p.clone(), k.clone()));
                nodes(v, &p, k, out);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                let p = format!("{pointer}/{i}");
                out.push((p.clone(), key.to_owned()));
                nodes(v, &p, key, out);
            }
        }
        _ => {}
    }
}

fn all_nodes(value: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    nodes(value, "", "", &mut out);
    out
}

/// Fails unless `result` is `Ok` or an error of API 3.0's kinds; returns the error.
fn classify(
    name: &str,
    status: StatusCode,
    result: Result<(), ResponseError>,
) -> Result<Option<ResponseError>, TestCaseError> {
    match result {
        Ok(()) => {
            prop_assert!(status.is_success(), "{}: Ok with HTTP {}", name, status);
            Ok(None)
        }
        Err(ResponseError::Decode(error)) => {
            prop_assert_eq!(error.status(), status, "{}", name);
            Ok(Some(ResponseError::Decode(error)))
        }
        Err(ResponseError::Api3(error)) => {
            prop_assert!(!error.code().is_empty(), "{}: empty code", name);
            Ok(Some(ResponseError::Api3(error)))
        }
        Err(other) => Err(TestCaseError::fail(format!(
            "{name}: an API 3.0 decoder returned {other:?}"
        ))),
    }
}

/// Every field name of the 18 answers, to steer arbitrary JSON towards the decoders' keys.
const FIELD_NAMES: &[&str] = &[
    "AccountType",
    "ActionTotal",
    "AllStopCnt",
    "Amount",
    "AnswerInterceptPer",
    "AppIdLoadTime",
    "AppName",
    "AssociateAccount",
    "AttackSum",
    "CapType",
    "CaptchaAppId",
    "CaptchaCode",
    "CaptchaMsg",
    "ChannelInfo",
    "CheckTicketSum",
    "Cnt",
    "CntPerPass",
    "Code",
    "ConstId",
    "Data",
    "Date",
    "DateKey",
    "DeviceRiskCategory",
    "DomainLimit",
    "EncryptKey",
    "Error",
    "EvilBitmap",
    "EvilInterceptGrade",
    "EvilLevel",
    "Ftime",
    "GetCaptchaTime",
    "GetSum",
    "Intercept",
    "InterceptPerTrend",
    "Language",
    "MailAlarm",
    "ManageMarketingRiskValue",
    "MarketCntPerPass",
    "MarketLoadTime",
    "Message",
    "OperDataInterceptUnitArray",
    "OperDataLoadTimeUnitArray",
    "OperDataTryTimesDistributeUnitArray",
    "OperDataTryTimesUnitArray",
    "PicStopCnt",
    "PolicyInterceptPer",
    "PostTime",
    "RceResult",
    "RequestAction",
    "RequestId",
    "RequestIntercept",
    "RequestInterceptPer",
    "RequestThroughput",
    "RequestTrend",
    "RequestVerify",
    "RiskInformation",
    "RiskLevel",
    "RiskType",
    "SceneType",
    "SchemeColor",
    "Score",
    "SmartEngine",
    "SmartVerify",
    "StrategyStopCnt",
    "SubmitCaptchaTime",
    "TcAppId",
    "Through",
    "TicketAmountArray",
    "TicketCheckTrend",
    "TicketCount",
    "TicketIntercept",
    "TicketInterceptArray",
    "TicketInterceptSum",
    "TicketInterceptTotal",
    "TicketThroughArray",
    "TicketThroughTotal",
    "TicketThroughput",
    "TicketThroughputSum",
    "TicketTotal",
    "TopFullScreen",
    "TrafficThreshold",
    "TryCount",
    "UserCount",
    "UserId",
    "UserIp",
    "VerifyInterceptTotal",
    "VerifyThroughTotal",
    "VerifyTotal",
    "VfySuccSum",
    "VfySum",
];

/// Arbitrary JSON, with numbers at the edges of the integer types and keys biased towards
/// the decoders' field names.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        prop_oneof![Just(i64::MIN), Just(-1), Just(0), Just(1), Just(i64::MAX)]
            .prop_map(Value::from),
        "[ -~]{0,12}".prop_map(Value::String),
        any::<i64>().prop_map(|n| Value::String(n.to_string())),
        any::<f64>().prop_map(|n| Value::String(n.to_string())),
        prop_oneof![
            Just("1e400"),
            Just("NaN"),
            Just("-inf"),
            Just(" 12 "),
            Just("1.5"),
            Just("18446744073709551616")
        ]
        .prop_map(|s| Value::String(s.to_owned())),
    ];
    let key = prop_oneof![
        3 => proptest::sample::select(FIELD_NAMES).prop_map(str::to_owned),
        1 => "[A-Za-z]{1,8}",
    ];
    leaf.prop_recursive(4, 48, 8, move |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            proptest::collection::btree_map(key.clone(), inner, 0..8)
                .prop_map(|map| Value::Object(map.into_iter().collect())),
        ]
    })
}

fn status() -> impl Strategy<Value = StatusCode> {
    prop_oneof![
        3 => Just(200u16),
        1 => 100u16..600,
    ]
    .prop_map(|code| StatusCode::from_u16(code).unwrap())
}

/// A secret-looking value and the wrongly typed shapes it is planted in.
fn planted() -> impl Strategy<Value = (String, Value)> {
    "[A-Za-z0-9]{8,16}".prop_flat_map(|tail| {
        let secret = format!("SECRET-{tail}");
        let shapes = vec![
            Value::String(secret.clone()),
            json!([secret]),
            json!({ "Note": secret }),
            json!([{ "Note": secret }]),
            json!([1, secret]),
        ];
        (Just(secret), proptest::sample::select(shapes))
    })
}

/// The error's texts with the body snippet cut out: what the decoder itself wrote.
fn texts_without_snippet(error: &ResponseError) -> Vec<String> {
    let display = error.to_string();
    let debug = format!("{error:?}");
    match error {
        ResponseError::Decode(e) => {
            let quoted = format!("{:?}", e.snippet());
            vec![
                display.replace(&quoted, ""),
                debug.replace(&quoted, ""),
                format!("{:?}", e.kind()),
            ]
        }
        _ => vec![display, debug],
    }
}

#[test]
fn the_valid_answers_decode_and_the_decoders_are_the_18() {
    let decoders = decoders();
    let names: std::collections::BTreeSet<&str> = decoders.iter().map(|d| d.name).collect();
    let expected: std::collections::BTreeSet<&str> =
        captcha_proto::api3::CAPTCHA_ACTIONS.into_iter().collect();
    assert_eq!(names, expected);
    for decoder in &decoders {
        let valid = (decoder.valid)();
        assert_eq!(
            (decoder.decode)(StatusCode::OK, &body(&valid)),
            Ok(()),
            "{}",
            decoder.name
        );
    }
}

#[test]
fn a_secret_in_a_numeric_field_is_named_never_quoted() {
    for decoder in decoders() {
        let mut valid = (decoder.valid)();
        valid["CaptchaCode"] = json!("SECRET-1234");
        let error = (decoder.decode)(StatusCode::OK, &body(&valid)).unwrap_err();
        let ResponseError::Decode(decode) = &error else {
            panic!("{}: {error:?}", decoder.name);
        };
        match decode.kind() {
            DecodeErrorKind::InvalidPath { path, .. } => assert_eq!(path, "CaptchaCode"),
            DecodeErrorKind::InvalidField { field, .. } => assert_eq!(*field, "CaptchaCode"),
            other => panic!("{}: {other:?}", decoder.name),
        }
        for text in texts_without_snippet(&error) {
            assert!(!text.contains("SECRET-1234"), "{}: {text}", decoder.name);
        }
    }
    // Under a sensitive name the snippet masks the value too: it shows nowhere.
    for decoder in decoders() {
        let mut valid = (decoder.valid)();
        let Some(Value::Object(data)) = valid.get_mut("Data") else {
            continue;
        };
        let Some(key) = data.keys().find(|k| is_sensitive_name(k)).cloned() else {
            continue;
        };
        data.insert(key.clone(), json!({"Note": "SECRET-1234"}));
        let error = (decoder.decode)(StatusCode::OK, &body(&valid)).unwrap_err();
        assert!(matches!(error, ResponseError::Decode(_)), "{error:?}");
        let shown = format!("{error} {error:?}");
        assert!(
            !shown.contains("SECRET-1234"),
            "{}.{key}: {shown}",
            decoder.name
        );
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn arbitrary_bytes_never_panic(
        bytes in proptest::collection::vec(any::<u8>(), 0..512),
        status in status(),
    ) {
        for decoder in PREPARED.iter() {
            classify(decoder.name, status, (decoder.decode)(status, &bytes))?;
        }
    }

    #[test]
    fn a_mutated_valid_answer_never_panics(
        position in any::<Index>(),
        byte in any::<u8>(),
        cut in any::<Index>(),
        status in status(),
    ) {
        for decoder in PREPARED.iter() {
            let mut bytes = decoder.body.clone();
            let at = position.index(bytes.len());
            bytes[at] = byte;
            bytes.truncate(bytes.len() - cut.index(bytes.len() / 4));
            classify(decoder.name, status, (decoder.decode)(status, &bytes))?;
        }
    }

    #[test]
    fn an_arbitrary_response_never_panics(response in json_value(), status in status()) {
        let bytes = body(&response);
        for decoder in PREPARED.iter() {
            classify(decoder.name, status, (decoder.decode)(status, &bytes))?;
        }
    }

    #[test]
    fn a_valid_answer_with_one_node_replaced_never_panics(
        node in any::<Index>(),
        replacement in json_value(),
    ) {
        for decoder in PREPARED.iter() {
            let mut response = decoder.valid.clone();
            let (pointer, _) = &decoder.nodes[node.index(decoder.nodes.len())];
            *response.pointer_mut(pointer).unwrap() = replacement.clone();
            let result = (decoder.decode)(StatusCode::OK, &body(&response));
            // No `Error` key is ever planted: only a decode error can come out.
            if let Some(error) = classify(decoder.name, StatusCode::OK, result)? {
                prop_assert!(
                    matches!(error, ResponseError::Decode(_)),
                    "{} with {} replaced: {:?}", decoder.name, pointer, error
                );
            }
        }
    }

    #[test]
    fn a_planted_secret_never_shows(node in any::<Index>(), (secret, shape) in planted()) {
        for decoder in PREPARED.iter() {
            let mut response = decoder.valid.clone();
            let (pointer, key) = &decoder.nodes[node.index(decoder.nodes.len())];
            *response.pointer_mut(pointer).unwrap() = shape.clone();
            let result = (decoder.decode)(StatusCode::OK, &body(&response));
            let Some(error) = classify(decoder.name, StatusCode::OK, result)? else {
                continue;
            };
            for text in texts_without_snippet(&error) {
                prop_assert!(
                    !text.contains(&secret),
                    "{}: secret at {} shown in {}", decoder.name, pointer, text
                );
            }
            if is_sensitive_name(key) {
                let shown = format!("{error} {error:?}");
                prop_assert!(
                    !shown.contains(&secret),
                    "{}: secret under {} shown in {}", decoder.name, key, shown
                );
            }
        }
    }
}
