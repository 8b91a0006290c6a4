//! The `api2_decode` target: the API 2.0 response decoders on arbitrary bodies and statuses.

use std::net::{IpAddr, Ipv4Addr};

use captcha_proto::{
    Api2Action, Api2RawAction, CaptchaCheck, CaptchaGetUrl, CaptchaIframeQuery, CaptchaQuery,
    CaptchaType, CaptchaUrl, CaptchaVerify, CheckVerdict, ClientType, DisturbLevel, IsHttps,
    ResponseError, ScriptFormat, VerifyVerdict,
};
use http::StatusCode;

use crate::Checks;
use crate::common::{Selected, check_decode_error};

/// The API 2.0 decoders [`api2_decode`] picks from.
pub const API2_DECODERS: [&str; 7] = [
    "CaptchaCheck",
    "CaptchaGetUrl",
    "CaptchaIframeQuery",
    "CaptchaVerify",
    "CaptchaQuery (JSON)",
    "CaptchaQuery (script)",
    "Api2RawAction",
];

/// Feeds a response body to API 2.0 decoders and checks every result against the bytes.
/// `data` is a [`Selected`](crate::Selected) input: with [`Checks::Quick`] the decoder and
/// status it names run once; with [`Checks::Full`] every decoder of [`API2_DECODERS`] runs
/// under status 200, 502 and the named one.
pub fn api2_decode(data: &[u8], checks: Checks) {
    Selected::read(data).decode_with(checks, API2_DECODERS.len(), decode_one);
}

fn decode_one(decoder: usize, status: StatusCode, body: &[u8]) {
    let ip = IpAddr::V4(Ipv4Addr::LOCALHOST);
    match decoder {
        0 => check_captcha_check(status, body, ip),
        1 => {
            let get_url = CaptchaGetUrl::new().decode(status, body);
            check_common(status, body, &get_url);
            if let Ok(url) = &get_url {
                check_url(url, body);
            }
        }
        2 => {
            let iframe = CaptchaIframeQuery::new(
                CaptchaType::Slider,
                DisturbLevel::Low,
                IsHttps::Https,
                ClientType::PcWeb,
            )
            .decode(status, body);
            check_common(status, body, &iframe);
            if let Ok(url) = &iframe {
                check_url(url, body);
            }
        }
        3 => check_captcha_verify(status, body),
        4 => check_captcha_query(status, body, ip, ScriptFormat::Json),
        5 => check_captcha_query(status, body, ip, ScriptFormat::JavaScript),
        _ => {
            let raw = Api2RawAction::new("DescribeInstances").decode(status, body);
            check_common(status, body, &raw);
            if let Ok(map) = &raw {
                let code = map.get("code").and_then(lenient_int);
                assert_eq!(code, Some(0), "a raw success needs code 0");
            }
        }
    }
}

fn check_captcha_check(status: StatusCode, body: &[u8], ip: IpAddr) {
    let check = CaptchaCheck::new("t03FuzzTicketValue", ip, CaptchaType::Slider);
    let result = check.decode(status, body);
    check_common(status, body, &result);
    match result {
        Ok(CheckVerdict::Pass) => assert_eq!(json_code(body), Some(0), "Pass needs code 0"),
        Ok(CheckVerdict::Fail { .. }) => {
            assert_eq!(json_code(body), Some(5100), "Fail needs code 5100");
        }
        Err(_) => {}
    }
}

fn check_captcha_verify(status: StatusCode, body: &[u8]) {
    let verify = CaptchaVerify::new("fuzzCaptchaSig", "abcd").decode(status, body);
    check_common(status, body, &verify);
    if let Ok(verdict) = verify {
        let expected = match verdict {
            VerifyVerdict::Right => 1,
            VerifyVerdict::Wrong => 0,
        };
        assert_eq!(json_code(body), Some(0), "a verdict needs code 0");
        assert_eq!(
            json_is_right(body),
            Some(expected),
            "verdict must follow is_right"
        );
    }
}

fn check_captcha_query(status: StatusCode, body: &[u8], ip: IpAddr, format: ScriptFormat) {
    let query = CaptchaQuery::new(ip, CaptchaType::Standard, 1, 1_440_416_972, format);
    let script = query.decode(status, body);
    check_common(status, body, &script);
    let Ok(script) = script else { return };
    match envelope(body) {
        Some(object) => {
            assert_eq!(json_code(body), Some(0), "a JSON script needs code 0");
            assert_eq!(
                object.script.as_ref().and_then(|s| s.as_str()),
                Some(script.as_str()),
                "the script must be the JSON field"
            );
        }
        None => {
            assert_eq!(format, ScriptFormat::JavaScript, "JSON mode needs JSON");
            assert_eq!(std::str::from_utf8(body).ok(), Some(script.as_str()));
            assert!(!script.as_str().trim().is_empty(), "an empty script");
        }
    }
}

/// Invariants every decoder shares.
fn check_common<T>(status: StatusCode, body: &[u8], result: &Result<T, ResponseError>) {
    match result {
        Ok(_) => assert!(status.is_success(), "success under HTTP {status}"),
        Err(ResponseError::Decode(e)) => check_decode_error(status, body, e),
        Err(ResponseError::Api2(e)) => {
            assert_ne!(e.code(), 0, "an API error with code 0");
            assert!(envelope(body).is_some(), "an API error without JSON");
            let _ = e.to_string();
        }
        Err(ResponseError::Api3(_)) => panic!("an API 3.0 error from an API 2.0 decoder"),
    }
}

/// A one-time URL is absolute http(s) with a host, and its `Debug` hides the query.
fn check_url(url: &CaptchaUrl, body: &[u8]) {
    let uri = url.uri();
    assert!(
        matches!(uri.scheme_str(), Some("http" | "https")),
        "URL scheme {:?}",
        uri.scheme_str()
    );
    assert!(
        uri.host().is_some_and(|h| !h.is_empty()),
        "URL without host"
    );
    assert_eq!(url.is_https(), uri.scheme_str() == Some("https"));
    assert_eq!(json_code(body), Some(0), "a URL needs code 0");
    let reparsed: http::Uri = url.to_string().parse().expect("a URL displays as a URL");
    assert_eq!(reparsed.host(), uri.host(), "display changes the host");
    if let Some(query) = uri.query() {
        let shown = format!("{url:?}");
        let authority = uri.authority().map_or("", |a| a.as_str());
        let scheme = uri.scheme_str().unwrap_or_default();
        let visible = format!("CaptchaUrl({scheme}://{authority}{}?…)", uri.path());
        if !query.is_empty() && !visible.contains(query) {
            assert!(!shown.contains(query), "Debug {shown:?} shows the query");
        }
    }
}

/// The fields of an API 2.0 envelope the checks need. Parsed like the decoder parses (an
/// object; skipped fields are only checked for JSON syntax), but read independently.
#[derive(serde::Deserialize)]
struct Envelope {
    #[serde(default)]
    code: Option<serde_json::Value>,
    #[serde(default)]
    is_right: Option<serde_json::Value>,
    #[serde(default)]
    script: Option<serde_json::Value>,
}

fn envelope(body: &[u8]) -> Option<Envelope> {
    let start = body
        .iter()
        .position(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r'))?;
    if body[start] != b'{' {
        return None;
    }
    serde_json::from_slice(body).ok()
}

/// `code` read as the envelope allows: an integer or a numeric string.
fn json_code(body: &[u8]) -> Option<i64> {
    envelope(body)?.code.as_ref().and_then(lenient_int)
}

fn json_is_right(body: &[u8]) -> Option<i64> {
    envelope(body)?.is_right.as_ref().and_then(lenient_int)
}

fn lenient_int(value: &serde_json::Value) -> Option<i64> {
    match value {
        serde_json::Value::Number(n) => n.as_i64(),
        serde_json::Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}
