//! The `api3_decode` target: the decoders of all 18 API 3.0 captcha actions and the bare
//! envelope on arbitrary bodies and statuses.

use std::net::{IpAddr, Ipv4Addr};

use captcha_proto::ResponseError;
use captcha_proto::api3::{
    self, Api3Action, CaptchaResult, DescribeCaptchaAppIdInfo, DescribeCaptchaData,
    DescribeCaptchaDataSum, DescribeCaptchaMiniData, DescribeCaptchaMiniDataSum,
    DescribeCaptchaMiniOperData, DescribeCaptchaMiniResult, DescribeCaptchaMiniRiskResult,
    DescribeCaptchaOperData, DescribeCaptchaRceResult, DescribeCaptchaResult,
    DescribeCaptchaTicketData, DescribeCaptchaUserAllAppId, GetRequestStatistics,
    GetTicketStatistics, GetTotalRequestStatistics, GetTotalTicketStatistics,
    UpdateCaptchaAppIdInfo,
};
use http::StatusCode;

use crate::Checks;
use crate::common::{Selected, check_decode_error};

/// The API 3.0 decoders [`api3_decode`] picks from: the four ticket checks (the web check
/// twice: with an ordinary and with a disaster-recovery ticket), the fourteen console, data
/// and statistics actions, and the bare envelope of [`api3::parse_response`].
pub const API3_DECODERS: [&str; 20] = [
    "DescribeCaptchaResult",
    "DescribeCaptchaResult (disaster-recovery ticket)",
    "DescribeCaptchaRceResult",
    "DescribeCaptchaMiniResult",
    "DescribeCaptchaMiniRiskResult",
    "parse_response",
    "DescribeCaptchaAppIdInfo",
    "DescribeCaptchaData",
    "DescribeCaptchaDataSum",
    "DescribeCaptchaMiniData",
    "DescribeCaptchaMiniDataSum",
    "DescribeCaptchaMiniOperData",
    "DescribeCaptchaOperData",
    "DescribeCaptchaTicketData",
    "DescribeCaptchaUserAllAppId",
    "GetRequestStatistics",
    "GetTicketStatistics",
    "GetTotalRequestStatistics",
    "GetTotalTicketStatistics",
    "UpdateCaptchaAppIdInfo",
];

/// Feeds a response body to API 3.0 decoders and checks every result against the bytes.
/// `data` is a [`Selected`] input: with [`Checks::Quick`] the decoder and status it names
/// run once; with [`Checks::Full`] every decoder of [`API3_DECODERS`] runs under status
/// 200, 502 and the named one. Only `CaptchaCode` 1 passes a ticket; a refusal is a
/// [`ResponseError::Api3`] carrying `Response.Error.Code`.
pub fn api3_decode(data: &[u8], checks: Checks) {
    Selected::read(data).decode_with(checks, API3_DECODERS.len(), decode_one);
}

const TICKET: &str = "t03FuzzTicketValue";
const DISASTER_TICKET: &str = "trerror_1001_199999164_1700000000";

fn web_check(ticket: &str) -> DescribeCaptchaResult {
    let ip = IpAddr::V4(Ipv4Addr::LOCALHOST);
    DescribeCaptchaResult::new(ticket, "@Vki", ip, 199_999_164, "k")
}

fn mini_check() -> DescribeCaptchaMiniResult {
    let ip = IpAddr::V4(Ipv4Addr::LOCALHOST);
    DescribeCaptchaMiniResult::new(TICKET, ip, 199_999_164, "k")
}

fn decode_one(decoder: usize, status: StatusCode, body: &[u8]) {
    match decoder {
        0 | 1 => {
            let ticket = if decoder == 0 {
                TICKET
            } else {
                DISASTER_TICKET
            };
            let result = web_check(ticket).decode(status, body);
            check_v3_common(status, body, &result);
            if let Ok(result) = &result {
                check_ticket_result(body, result, ticket);
            }
        }
        2 => {
            let result = DescribeCaptchaRceResult::from(web_check(TICKET)).decode(status, body);
            check_v3_common(status, body, &result);
            if let Ok(result) = &result {
                check_ticket_result(body, &result.result, TICKET);
            }
        }
        3 => {
            let result = mini_check().decode(status, body);
            check_v3_common(status, body, &result);
            if let Ok(result) = &result {
                check_ticket_result(body, result, TICKET);
            }
        }
        4 => {
            let result = DescribeCaptchaMiniRiskResult::from(mini_check()).decode(status, body);
            check_v3_common(status, body, &result);
            if let Ok(result) = &result {
                check_ticket_result(body, &result.result, TICKET);
            }
        }
        5 => {
            let envelope = api3::parse_response(status, body);
            check_v3_common(status, body, &envelope);
            if let Ok(object) = envelope {
                assert!(!object.contains_key("Error"), "an Error in a success");
            }
        }
        6 => serde_action::<DescribeCaptchaAppIdInfo>(status, body),
        7 => serde_action::<DescribeCaptchaData>(status, body),
        8 => serde_action::<DescribeCaptchaDataSum>(status, body),
        9 => serde_action::<DescribeCaptchaMiniData>(status, body),
        10 => serde_action::<DescribeCaptchaMiniDataSum>(status, body),
        11 => serde_action::<DescribeCaptchaMiniOperData>(status, body),
        12 => serde_action::<DescribeCaptchaOperData>(status, body),
        13 => serde_action::<DescribeCaptchaTicketData>(status, body),
        14 => serde_action::<DescribeCaptchaUserAllAppId>(status, body),
        15 => serde_action::<GetRequestStatistics>(status, body),
        16 => serde_action::<GetTicketStatistics>(status, body),
        17 => serde_action::<GetTotalRequestStatistics>(status, body),
        18 => serde_action::<GetTotalTicketStatistics>(status, body),
        _ => serde_action::<UpdateCaptchaAppIdInfo>(status, body),
    }
}

/// A ticket check's verdict follows the body: its `CaptchaCode` and `RequestId`, a pass
/// only for code 1, the disaster-recovery reason exactly for code 21 with a `trerror`
/// ticket.
fn check_ticket_result(body: &[u8], result: &CaptchaResult, ticket: &str) {
    let response = v3_response(body).expect("a result needs a Response object");
    let code = response.get("CaptchaCode").and_then(v3_int);
    assert_eq!(code, Some(result.code), "CaptchaCode differs");
    assert_eq!(
        result.is_pass(),
        result.code == api3::PASS_CODE,
        "pass needs 1"
    );
    let id = response.get("RequestId").and_then(|v| v.as_str());
    assert_eq!(id, Some(result.request_id.as_str()), "RequestId differs");
    let recovery =
        result.verdict == api3::Verdict::Reject(api3::RejectReason::DisasterRecoveryTicket);
    assert_eq!(
        recovery,
        result.code == 21 && ticket.starts_with(api3::DISASTER_RECOVERY_PREFIX)
    );
}

/// A console, data or statistics action: its typed answer is only ever a success for a
/// 2xx status, and its errors obey the common rules.
fn serde_action<A: Api3Action + Default>(status: StatusCode, body: &[u8]) {
    let result = A::default().decode(status, body);
    check_v3_common(status, body, &result);
}

pub(crate) fn check_v3_common<T>(
    status: StatusCode,
    body: &[u8],
    result: &Result<T, ResponseError>,
) {
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
