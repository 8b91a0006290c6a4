//! The `decode_v3` target: the API 3.0 `DescribeCaptchaResult` decoder and envelope on
//! arbitrary bodies and statuses.

use std::net::{IpAddr, Ipv4Addr};

use captcha_proto::ResponseError;
use captcha_proto::api3;
use http::StatusCode;

use crate::common::{check_decode_error, statuses};

/// Feeds `data` as a response body to the API 3.0 decoders (`DescribeCaptchaResult` with a
/// normal and a disaster-recovery ticket, and the bare envelope of [`api3::parse_response`])
/// under status 200, 502 and one chosen by the first byte. Only `CaptchaCode` 1 passes; a
/// refusal is a [`ResponseError::Api3`] carrying `Response.Error.Code`.
pub fn decode_v3_response(data: &[u8]) {
    for status in statuses(data) {
        for ticket in ["t03FuzzTicketValue", "trerrorFuzzTicket"] {
            let ip = IpAddr::V4(Ipv4Addr::LOCALHOST);
            let action = api3::DescribeCaptchaResult::new(ticket, "@Vki", ip, 199_999_164, "k");
            let result = api3::Api3Action::decode(&action, status, data);
            check_v3_common(status, data, &result);
            if let Ok(result) = result {
                let response = v3_response(data).expect("a result needs a Response object");
                let code = response.get("CaptchaCode").and_then(v3_int);
                assert_eq!(code, Some(result.code), "CaptchaCode differs");
                assert_eq!(
                    result.is_pass(),
                    result.code == api3::PASS_CODE,
                    "pass needs 1"
                );
                let id = response.get("RequestId").and_then(|v| v.as_str());
                assert_eq!(id, Some(result.request_id.as_str()), "RequestId differs");
                let recovery = result.verdict
                    == api3::Verdict::Reject(api3::RejectReason::DisasterRecoveryTicket);
                assert_eq!(
                    recovery,
                    result.code == 21 && ticket.starts_with(api3::DISASTER_RECOVERY_PREFIX)
                );
            }
        }
        let envelope = api3::parse_response(status, data);
        check_v3_common(status, data, &envelope);
        if let Ok(object) = envelope {
            assert!(!object.contains_key("Error"), "an Error in a success");
        }
    }
}

fn check_v3_common<T>(status: StatusCode, body: &[u8], result: &Result<T, ResponseError>) {
    match result {
        Ok(_) => assert!(status.is_success(), "success under HTTP {status}"),
        Err(ResponseError::Decode(e)) => check_decode_error(status, body, e),
        Err(ResponseError::Api3(e)) => {
            let code = v3_response(body)
                .and_then(|r| r.get("Error")?.get("Code")?.as_str().map(str::to_owned));
            assert_eq!(code.as_deref(), Some(e.code()), "the error code differs");
            assert!(!e.code().is_empty(), "an empty error code");
            let _ = e.to_string();
        }
        Err(ResponseError::Api2(_)) => panic!("an API 2.0 error from an API 3.0 decoder"),
    }
}

/// The `Response` object of a 3.0 body.
fn v3_response(body: &[u8]) -> Option<serde_json::Map<String, serde_json::Value>> {
    match json_object(body)?.remove("Response")? {
        serde_json::Value::Object(response) => Some(response),
        _ => None,
    }
}

/// An integer as 3.0 bodies carry it: integer, integral float (below 9.2e18 in magnitude,
/// as every lenient number of the crate) or numeric string.
fn v3_int(value: &serde_json::Value) -> Option<i64> {
    match value {
        serde_json::Value::Number(n) => n.as_i64().or_else(|| {
            let f = n.as_f64()?;
            (f.fract() == 0.0 && f.abs() < 9.2e18).then_some(f as i64)
        }),
        serde_json::Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// A JSON object, as API 3.0 bodies are parsed.
fn json_object(body: &[u8]) -> Option<serde_json::Map<String, serde_json::Value>> {
    match serde_json::from_slice(body).ok()? {
        serde_json::Value::Object(map) => Some(map),
        _ => None,
    }
}
