//! The ticket-check decoders against a reference that reads the same bodies through a
//! `serde_json::Value` tree (the simplest correct reading, and slow): on any body, under
//! any status, both give the same result or the same error.
//!
//! Where the reference differs it says so: an integral float counts as an integer below
//! 9.2e18 (the crate's lenient numbers), and a risk object sent as an array has the wrong
//! type (serde would fill the struct from it by position).

use http::StatusCode;
use proptest::prelude::*;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::*;
use crate::error::{DecodeError, DecodeErrorKind, ResponseError};

fn decode_error(kind: DecodeErrorKind, status: StatusCode, body: &[u8]) -> ResponseError {
    DecodeError::new(kind, status, body).into()
}

fn envelope(status: StatusCode, body: &[u8]) -> Result<Map<String, Value>, ResponseError> {
    let error = |kind| decode_error(kind, status, body);
    let value: Value = match serde_json::from_slice(body) {
        Ok(value) => value,
        Err(_) if !status.is_success() => return Err(error(DecodeErrorKind::Status)),
        Err(e) => {
            let kind = if std::str::from_utf8(body).is_err() {
                DecodeErrorKind::NotUtf8
            } else {
                DecodeErrorKind::NotJson {
                    reason: crate::api2::reply::json_reason(&e),
                }
            };
            return Err(error(kind));
        }
    };
    let response = match value {
        Value::Object(mut envelope) => envelope.remove("Response"),
        _ => None,
    };
    let mut response = match response {
        Some(Value::Object(response)) => response,
        Some(_) if status.is_success() => {
            return Err(error(DecodeErrorKind::InvalidField {
                field: "Response",
                reason: "is not an object",
            }));
        }
        None if status.is_success() => {
            return Err(error(DecodeErrorKind::MissingField { field: "Response" }));
        }
        _ => return Err(error(DecodeErrorKind::Status)),
    };
    if let Some(e) = response.remove("Error") {
        let Value::Object(e) = e else {
            return Err(error(DecodeErrorKind::InvalidField {
                field: "Error",
                reason: "is not an object",
            }));
        };
        let code = match e.get("Code") {
            Some(Value::String(code)) if !code.is_empty() => code.clone(),
            Some(_) => {
                return Err(error(DecodeErrorKind::InvalidField {
                    field: "Error.Code",
                    reason: "is not a non-empty string",
                }));
            }
            None => {
                return Err(error(DecodeErrorKind::MissingField {
                    field: "Error.Code",
                }));
            }
        };
        let message = e.get("Message").and_then(Value::as_str).unwrap_or("");
        let request_id = response.get("RequestId").and_then(Value::as_str);
        return Err(Api3Error::new(code, message, request_id.map(str::to_owned)).into());
    }
    if !status.is_success() {
        return Err(error(DecodeErrorKind::Status));
    }
    Ok(response)
}

fn verdict(
    object: &Map<String, Value>,
    status: StatusCode,
    body: &[u8],
    disaster: bool,
) -> Result<CaptchaResult, ResponseError> {
    let invalid = |field, reason| {
        decode_error(
            DecodeErrorKind::InvalidField { field, reason },
            status,
            body,
        )
    };
    let missing = |field| decode_error(DecodeErrorKind::MissingField { field }, status, body);
    let int = |field| -> Result<Option<i64>, ResponseError> {
        let value = match object.get(field) {
            None | Some(Value::Null) => return Ok(None),
            Some(value) => value,
        };
        let number = match value {
            Value::Number(n) => n.as_i64().or_else(|| {
                n.as_f64()
                    .filter(|f| f.fract() == 0.0 && f.abs() < 9.2e18)
                    .map(|f| f as i64)
            }),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        };
        number
            .map(Some)
            .ok_or_else(|| invalid(field, "is not an integer"))
    };
    let string = |field| match object.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(invalid(field, "is not a string")),
    };
    let code = int("CaptchaCode")?.ok_or_else(|| missing("CaptchaCode"))?;
    let request_id = string("RequestId")?.ok_or_else(|| missing("RequestId"))?;
    Ok(CaptchaResult {
        verdict: Verdict::from_code(code, disaster),
        code,
        message: string("CaptchaMsg")?,
        evil_level: int("EvilLevel")?,
        get_captcha_time: int("GetCaptchaTime")?,
        submit_captcha_time: int("SubmitCaptchaTime")?,
        evil_bitmap: int("EvilBitmap")?,
        device_risk_category: string("DeviceRiskCategory")?,
        score: int("Score")?,
        request_id,
    })
}

fn nested<T: DeserializeOwned>(
    object: &Map<String, Value>,
    name: &'static str,
    status: StatusCode,
    body: &[u8],
) -> Result<Option<T>, ResponseError> {
    let wrong = |path| {
        decode_error(
            DecodeErrorKind::InvalidPath {
                path,
                reason: "has the wrong type",
            },
            status,
            body,
        )
    };
    let value = match object.get(name) {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::Array(_)) => return Err(wrong(name.to_owned())),
        Some(value) => value.clone(),
    };
    serde_path_to_error::deserialize(value)
        .map(Some)
        .map_err(|error| {
            let path = error.path().to_string();
            wrong(if path == "." {
                name.to_owned()
            } else {
                format!("{name}.{path}")
            })
        })
}

fn describe(
    status: StatusCode,
    body: &[u8],
    disaster: bool,
) -> Result<CaptchaResult, ResponseError> {
    verdict(&envelope(status, body)?, status, body, disaster)
}

fn rce(status: StatusCode, body: &[u8]) -> Result<RceCaptchaResult, ResponseError> {
    let object = envelope(status, body)?;
    Ok(RceCaptchaResult {
        result: verdict(&object, status, body, false)?,
        rce_result: nested(&object, "RceResult", status, body)?,
    })
}

fn mini_risk(status: StatusCode, body: &[u8]) -> Result<MiniRiskResult, ResponseError> {
    let object = envelope(status, body)?;
    Ok(MiniRiskResult {
        result: verdict(&object, status, body, false)?,
        manage_marketing_risk_value: nested(&object, "ManageMarketingRiskValue", status, body)?,
    })
}

fn pick(values: &'static [&'static str]) -> impl Strategy<Value = String> {
    prop::sample::select(values).prop_map(str::to_owned)
}

/// Scalars, lists and broken text, as a field of any of these objects may carry.
fn scalar() -> impl Strategy<Value = String> {
    prop_oneof![
        pick(&[
            "0",
            "1",
            "21",
            "-1",
            "1.0",
            "1.5",
            "1e3",
            "-0",
            "9.1e18",
            "9.3e18",
            "1e300",
            "18446744073709551615",
            "-9223372036854775808",
            "9223372036854775807",
        ]),
        pick(&[
            r#""1""#,
            r#"" 7 ""#,
            r#""x""#,
            r#""""#,
            r#""OK""#,
            r#""a\"b""#,
            r#""\u00e9""#,
            r#""\ud800""#,
            "null",
            "true",
            "[]",
            r#"[1,"2",3.0]"#,
            "[1,null]",
            "[[1]]",
            "{}",
            r#"{"a":[{"b":null}]}"#,
        ]),
        any::<i64>().prop_map(|n| n.to_string()),
        "[a-z0-9 ]{0,6}".prop_map(|t| format!("\"{t}\"")),
    ]
}

/// An object of `fields`, some given twice, in any order.
fn object(fields: Vec<BoxedStrategy<(String, String)>>) -> BoxedStrategy<String> {
    let count = fields.len();
    (fields, prop::collection::vec(0..count, 0..3))
        .prop_flat_map(|(fields, twice)| {
            let mut all = fields.clone();
            all.extend(twice.into_iter().map(|i| fields[i].clone()));
            Just(all).prop_shuffle()
        })
        .prop_map(|fields| {
            let fields: Vec<String> = fields
                .iter()
                .filter(|(k, _)| !k.is_empty())
                .map(|(k, v)| format!("\"{k}\":{v}"))
                .collect();
            format!("{{{}}}", fields.join(","))
        })
        .boxed()
}

/// A field `name` (sometimes absent) whose value is mostly `usual`, else anything.
fn field(
    name: &'static str,
    usual: impl Strategy<Value = String> + 'static,
) -> BoxedStrategy<(String, String)> {
    let value = prop_oneof![6 => usual.boxed(), 1 => scalar().boxed()];
    (prop::bool::weighted(0.8), value)
        .prop_map(move |(present, value)| {
            (
                if present {
                    name.to_owned()
                } else {
                    String::new()
                },
                value,
            )
        })
        .boxed()
}

fn text() -> BoxedStrategy<String> {
    pick(&[
        r#""""#,
        r#""pass""#,
        r#""203.0.113.7""#,
        r#""a\"b""#,
        "null",
    ])
    .boxed()
}

fn int() -> BoxedStrategy<String> {
    pick(&[
        "0",
        "1",
        "8",
        "21",
        "1700000000",
        r#""1""#,
        "1.0",
        "9.1e18",
        "null",
    ])
    .boxed()
}

fn list() -> BoxedStrategy<String> {
    prop_oneof![
        pick(&["[]", "[1,2]", r#"["3",4.0]"#, "null"]),
        prop::collection::vec(prop_oneof![6 => int(), 1 => scalar()], 0..4)
            .prop_map(|v| format!("[{}]", v.join(","))),
    ]
    .boxed()
}

fn risk() -> BoxedStrategy<String> {
    let fields = vec![
        field("UserId", text()),
        field("PostTime", int()),
        field("AssociateAccount", text()),
        field("UserIp", text()),
        field("RiskLevel", text()),
        field("RiskType", list()),
        field("ConstId", text()),
        field("RiskInformation", text()),
        field("Other", scalar()),
        field("Risk\\u0054ype", list()),
    ];
    prop_oneof![8 => object(fields), 1 => scalar()].boxed()
}

fn error() -> BoxedStrategy<String> {
    let code = pick(&[r#""InternalError""#, r#""AuthFailure""#]);
    let fields = vec![
        field("Code", code),
        field("Message", text()),
        field("Other", scalar()),
    ];
    prop_oneof![4 => object(fields), 1 => scalar()].boxed()
}

fn response() -> BoxedStrategy<String> {
    let fields = vec![
        field("CaptchaCode", int()),
        field("CaptchaMsg", text()),
        field("EvilLevel", int()),
        field("GetCaptchaTime", int()),
        field("SubmitCaptchaTime", int()),
        field("EvilBitmap", int()),
        field("DeviceRiskCategory", text()),
        field("Score", int()),
        field("RequestId", pick(&[r#""r-1""#])),
        (prop::bool::weighted(0.15), error())
            .prop_map(|(p, v)| (if p { "Error".to_owned() } else { String::new() }, v))
            .boxed(),
        field("RceResult", risk()),
        field("ManageMarketingRiskValue", risk()),
        field("Captcha\\u0043ode", int()),
        field("X", scalar()),
    ];
    prop_oneof![12 => object(fields), 1 => scalar()].boxed()
}

/// Envelopes whose every field takes every type, duplicated, reordered, cut.
fn body() -> impl Strategy<Value = Vec<u8>> {
    let top = object(vec![
        field("Response", response()),
        field("retcode", scalar()),
        field("Respons\\u0065", response()),
    ]);
    (
        prop_oneof![8 => top, 1 => scalar().boxed()],
        prop::bool::weighted(0.1),
        any::<prop::sample::Index>(),
    )
        .prop_map(|(body, cut, at)| {
            let mut body = body.into_bytes();
            if cut {
                body.truncate(at.index(body.len() + 1));
            }
            body
        })
}

fn status() -> impl Strategy<Value = StatusCode> {
    prop::sample::select(&[200u16, 204, 400, 502][..])
        .prop_map(|s| StatusCode::from_u16(s).unwrap())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    #[test]
    fn ticket_decoders_agree_with_the_value_reading(body in body(), status in status()) {
        for disaster in [false, true] {
            prop_assert_eq!(
                decode_captcha_result(status, &body, disaster),
                describe(status, &body, disaster)
            );
        }
        let ip = "127.0.0.1".parse().unwrap();
        let check = DescribeCaptchaResult::new("t03", "@r", ip, 1, "k");
        prop_assert_eq!(DescribeCaptchaRceResult::from(check).decode(status, &body), rce(status, &body));
        let mini = DescribeCaptchaMiniResult::new("t03", ip, 1, "k");
        prop_assert_eq!(mini.decode(status, &body), describe(status, &body, false));
        let mini_risk_check = DescribeCaptchaMiniRiskResult::from(mini);
        prop_assert_eq!(mini_risk_check.decode(status, &body), mini_risk(status, &body));
        prop_assert_eq!(parse_response(status, &body), envelope(status, &body));
    }
}

#[test]
fn bodies_that_are_not_json_stay_so() {
    let deep = format!(r#"{{"X":{}{}}}"#, "[".repeat(200), "]".repeat(200));
    let bodies = [
        br#"{"Response":{"CaptchaCode":1,"RequestId":"r","X":"\ud800"}}"#.to_vec(),
        format!(
            r#"{{"Response":{{"CaptchaCode":1,"RequestId":"r","X":{}}}}}"#,
            &deep[5..deep.len() - 1]
        )
        .into_bytes(),
        b"{\"Response\":{\"CaptchaCode\":1,\"RequestId\":\"r\",\"X\":\"\xff\"}}".to_vec(),
        br#"{"Response":{"CaptchaCode":1,"RequestId":"r"}} x"#.to_vec(),
    ];
    for body in bodies {
        for status in [StatusCode::OK, StatusCode::BAD_GATEWAY] {
            let result = decode_captcha_result(status, &body, false);
            assert!(result.is_err(), "{result:?}");
            assert_eq!(result, describe(status, &body, false));
        }
    }
}
