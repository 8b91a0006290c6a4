//! TC3-HMAC-SHA256 golden vectors: Tencent's published example (docs/protocol.md,
//! "Known-answer vector") step by step through `debug_steps` (the step functions themselves
//! are checked in `src/tc3/sign.rs`), the UTC date of the credential scope, and signatures computed by an independent
//! implementation (Tencent's own Python SDK).

use captcha_proto::api3::{Api3Config, Api3RawAction, DescribeCaptchaResult, Language};
use captcha_proto::tc3::{self, UtcDate, VerifyError};
use captcha_proto::{Credential, EncodeError, Endpoint, Stamp};
use http::Request;
use sha2::Digest as _;

const SECRET_ID: &str = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE";
const SECRET_KEY: &str = "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE";
/// The published payload: literal `\u` escapes, exactly as Python's `json.dumps` writes them.
const CVM_PAYLOAD: &str =
    r#"{"Limit": 1, "Filters": [{"Values": ["\u672a\u547d\u540d"], "Name": "instance-name"}]}"#;
const CVM_TIMESTAMP: u64 = 1551113065;
const CVM_PAYLOAD_HASH: &str = "35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064";
const CVM_CANONICAL_REQUEST: &str = "POST\n/\n\ncontent-type:application/json; charset=utf-8\nhost:cvm.tencentcloudapi.com\n\ncontent-type;host\n35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064";
const CVM_CANONICAL_HASH: &str = "5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031";
const CVM_STRING_TO_SIGN: &str = "TC3-HMAC-SHA256\n1551113065\n2019-02-25/cvm/tc3_request\n5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031";
const CVM_SIGNATURE: &str = "72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168";
const CVM_AUTHORIZATION: &str = "TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2019-02-25/cvm/tc3_request, SignedHeaders=content-type;host, Signature=72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168";

fn credential() -> Credential {
    Credential::new(SECRET_ID, SECRET_KEY).unwrap()
}

/// The request of the published example, as the doc shows it (before signing).
fn cvm_request() -> Request<Vec<u8>> {
    Request::post("https://cvm.tencentcloudapi.com/")
        .header("content-type", "application/json; charset=utf-8")
        .header("host", "cvm.tencentcloudapi.com")
        .header("x-tc-action", "DescribeInstances")
        .header("x-tc-version", "2017-03-12")
        .header("x-tc-region", "ap-guangzhou")
        .body(CVM_PAYLOAD.as_bytes().to_vec())
        .unwrap()
}

#[test]
fn published_vector_through_debug_steps() {
    let steps = tc3::debug_steps(&cvm_request(), &credential(), "cvm", CVM_TIMESTAMP).unwrap();
    assert_eq!(steps.hashed_payload(), CVM_PAYLOAD_HASH);
    assert_eq!(steps.canonical_request(), CVM_CANONICAL_REQUEST);
    assert_eq!(steps.hashed_canonical_request(), CVM_CANONICAL_HASH);
    assert_eq!(steps.date(), UtcDate::from_timestamp(CVM_TIMESTAMP));
    assert_eq!(steps.credential_scope(), "2019-02-25/cvm/tc3_request");
    assert_eq!(steps.string_to_sign(), CVM_STRING_TO_SIGN);
    assert_eq!(steps.signature().expose_secret(), CVM_SIGNATURE);
    assert_eq!(steps.expose_authorization(), CVM_AUTHORIZATION);
    assert_eq!(steps.host(), "cvm.tencentcloudapi.com");
    let shown = format!("{steps:?}");
    assert!(shown.contains(CVM_CANONICAL_HASH), "{shown}");
    assert!(!shown.contains(CVM_SIGNATURE), "{shown}");
    assert!(!shown.contains(&hex::encode(steps.signing_key().expose_secret())));
}

#[test]
fn published_vector_through_sign_request_gives_the_documented_request() {
    let mut request = cvm_request();
    tc3::sign_request(&mut request, &credential(), "cvm", CVM_TIMESTAMP).unwrap();
    let headers = request.headers();
    assert_eq!(headers["authorization"], CVM_AUTHORIZATION);
    assert!(headers["authorization"].is_sensitive());
    assert_eq!(headers["x-tc-timestamp"], "1551113065");
    assert_eq!(headers["content-type"], "application/json; charset=utf-8");
    assert_eq!(headers["host"], "cvm.tencentcloudapi.com");
    assert_eq!(headers["x-tc-region"], "ap-guangzhou");
    assert!(headers.get("x-tc-token").is_none());
    assert_eq!(request.body().as_slice(), CVM_PAYLOAD.as_bytes());
    tc3::verify_request(&request, &credential(), "cvm").unwrap();
}

#[test]
fn the_signer_takes_the_host_from_the_uri_and_adds_the_header() {
    let mut request = cvm_request();
    request.headers_mut().remove("host");
    tc3::sign_request(&mut request, &credential(), "cvm", CVM_TIMESTAMP).unwrap();
    assert_eq!(request.headers()["host"], "cvm.tencentcloudapi.com");
    assert_eq!(request.headers()["authorization"], CVM_AUTHORIZATION);

    // A port never reaches the signed host when it comes from the URI.
    let mut local = Request::post("http://127.0.0.1:8080/")
        .header("content-type", "application/json; charset=utf-8")
        .body(Vec::new())
        .unwrap();
    tc3::sign_request(&mut local, &credential(), "captcha", 1).unwrap();
    assert_eq!(local.headers()["host"], "127.0.0.1");
}

#[test]
fn header_values_are_trimmed_and_lowercased_in_the_canonical_request() {
    let mut request = cvm_request();
    let headers = request.headers_mut();
    headers.insert("host", " CVM.TencentCloudAPI.com ".parse().unwrap());
    headers.insert(
        "content-type",
        "Application/JSON; charset=UTF-8".parse().unwrap(),
    );
    let steps = tc3::debug_steps(&request, &credential(), "cvm", CVM_TIMESTAMP).unwrap();
    assert_eq!(steps.canonical_request(), CVM_CANONICAL_REQUEST);
    assert_eq!(steps.signature().expose_secret(), CVM_SIGNATURE);
}

#[test]
fn signing_errors_leave_the_request_untouched() {
    let mut request = cvm_request();
    request.headers_mut().remove("content-type");
    let before = format!("{:?}", request.headers());
    assert_eq!(
        tc3::sign_request(&mut request, &credential(), "cvm", CVM_TIMESTAMP),
        Err(EncodeError::EmptyField {
            field: "Content-Type"
        })
    );
    assert_eq!(format!("{:?}", request.headers()), before);

    let mut request = cvm_request();
    for bad in ["", "c v m", "cvm/x"] {
        assert!(tc3::sign_request(&mut request, &credential(), bad, CVM_TIMESTAMP).is_err());
    }
    assert!(request.headers().get("authorization").is_none());

    // A SecretId that cannot go into a header fails before anything is written.
    let odd = Credential::new("AKID\u{7f}x", "k").unwrap();
    let mut request = cvm_request();
    assert_eq!(
        tc3::sign_request(&mut request, &odd, "cvm", CVM_TIMESTAMP),
        Err(EncodeError::InvalidValue {
            field: "SecretId",
            reason: "must be visible ASCII without control characters"
        })
    );
    assert!(request.headers().get("x-tc-timestamp").is_none());

    let mut request = cvm_request();
    request
        .headers_mut()
        .append("host", "other.example".parse().unwrap());
    assert!(matches!(
        tc3::sign_request(&mut request, &credential(), "cvm", CVM_TIMESTAMP),
        Err(EncodeError::InvalidValue { field: "Host", .. })
    ));
}

#[test]
fn token_is_sent_sensitive_and_removed_when_the_credential_has_none() {
    let with_token = credential().with_token("session-token-value").unwrap();
    let mut request = cvm_request();
    tc3::sign_request(&mut request, &with_token, "cvm", CVM_TIMESTAMP).unwrap();
    assert_eq!(request.headers()["x-tc-token"], "session-token-value");
    assert!(request.headers()["x-tc-token"].is_sensitive());
    // The token is not part of the signature (PY3 signs only content-type;host).
    assert_eq!(request.headers()["authorization"], CVM_AUTHORIZATION);
    tc3::sign_request(&mut request, &credential(), "cvm", CVM_TIMESTAMP).unwrap();
    assert!(request.headers().get("x-tc-token").is_none());
}

#[test]
fn get_requests_sign_the_query_as_sent_and_an_empty_payload() {
    let mut request =
        Request::get("https://cvm.tencentcloudapi.com/?Limit=10&Offset=0&Name=%E6%9C%AA")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Vec::new())
            .unwrap();
    let steps = tc3::debug_steps(&request, &credential(), "cvm", CVM_TIMESTAMP).unwrap();
    assert_eq!(
        steps.canonical_request(),
        format!(
            "GET\n/\nLimit=10&Offset=0&Name=%E6%9C%AA\ncontent-type:application/x-www-form-urlencoded\nhost:cvm.tencentcloudapi.com\n\ncontent-type;host\n{}",
            hex::encode(sha2::Sha256::digest(b""))
        )
    );
    tc3::sign_request(&mut request, &credential(), "cvm", CVM_TIMESTAMP).unwrap();
    tc3::verify_request(&request, &credential(), "cvm").unwrap();
    // The query is signed: changing it breaks the signature.
    let (mut parts, body) = request.into_parts();
    parts.uri = "https://cvm.tencentcloudapi.com/?Limit=11&Offset=0&Name=%E6%9C%AA"
        .parse()
        .unwrap();
    let tampered = Request::from_parts(parts, body);
    assert_eq!(
        tc3::verify_request(&tampered, &credential(), "cvm"),
        Err(VerifyError::Mismatch)
    );
}

#[test]
fn unsigned_payload_header_signs_the_literal() {
    let mut request = cvm_request();
    request
        .headers_mut()
        .insert("x-tc-content-sha256", "UNSIGNED-PAYLOAD".parse().unwrap());
    let steps = tc3::debug_steps(&request, &credential(), "cvm", CVM_TIMESTAMP).unwrap();
    assert_eq!(
        steps.hashed_payload(),
        hex::encode(sha2::Sha256::digest(b"UNSIGNED-PAYLOAD"))
    );
    tc3::sign_request(&mut request, &credential(), "cvm", CVM_TIMESTAMP).unwrap();
    *request.body_mut() = b"anything".to_vec();
    let verified = tc3::verify_request(&request, &credential(), "cvm").unwrap();
    assert!(verified.unsigned_payload);
}

#[test]
fn scope_date_follows_utc_not_local_time() {
    // 2019-02-25 23:59:59 UTC is already 2019-02-26 07:59:59 in Beijing (UTC+8):
    // the scope must still say 2019-02-25.
    let cases = [
        (1551139199, "2019-02-25"),
        (1551139200, "2019-02-26"),
        (1551081600, "2019-02-25"), // 2019-02-25 08:00 UTC = 16:00 Beijing
        (1546300799, "2018-12-31"),
        (1546300800, "2019-01-01"),
        (1704067199, "2023-12-31"),
        (1704067200, "2024-01-01"),
        (951782399, "2000-02-28"),
        (951782400, "2000-02-29"), // 2000 is a leap year (divisible by 400)
        (951868799, "2000-02-29"),
        (951868800, "2000-03-01"),
        (1582934399, "2020-02-28"),
        (1582934400, "2020-02-29"),
        (1583020800, "2020-03-01"),
        (4107542399, "2100-02-28"),
        (4107542400, "2100-03-01"), // 2100 is not (divisible by 100, not 400)
        (253402300799, "9999-12-31"),
        (0, "1970-01-01"),
    ];
    for (timestamp, date) in cases {
        assert_eq!(
            UtcDate::from_timestamp(timestamp).to_string(),
            date,
            "{timestamp}"
        );
        let steps = tc3::debug_steps(&cvm_request(), &credential(), "cvm", timestamp).unwrap();
        assert_eq!(steps.credential_scope(), format!("{date}/cvm/tc3_request"));
        assert!(steps.string_to_sign().starts_with(&format!(
            "TC3-HMAC-SHA256\n{timestamp}\n{date}/cvm/tc3_request\n"
        )));
    }
    // Around midnight the signatures differ only through the date: both verify.
    for timestamp in [1551139199, 1551139200] {
        let mut request = cvm_request();
        tc3::sign_request(&mut request, &credential(), "cvm", timestamp).unwrap();
        assert_eq!(
            tc3::verify_request(&request, &credential(), "cvm")
                .unwrap()
                .date
                .to_string(),
            UtcDate::from_timestamp(timestamp).to_string()
        );
    }
}

/// Signatures computed by Tencent's Python SDK (tencentcloud-sdk-python-common 3.1.195),
/// through its own request builder `AbstractClient._build_req_with_tc3_signature`, which
/// calls `_get_tc3_signature` and `Sign.sign_tc3`. Reproduce with:
///
/// ```python
/// import json
/// from unittest import mock
/// import tencentcloud.common.abstract_client as ac
/// from tencentcloud.common import credential
/// from tencentcloud.common.abstract_client import AbstractClient
/// from tencentcloud.common.http.request import RequestInternal
///
/// class CaptchaClient(AbstractClient):
///     _apiVersion = "2019-07-22"; _endpoint = "captcha.tencentcloudapi.com"; _service = "captcha"
///
/// def run(sid, skey, token, ts, params, like_rust):
///     client = CaptchaClient(credential.Credential(sid, skey, token), "")
///     req = RequestInternal(client._get_endpoint(), "POST", "/")
///     with mock.patch("time.time", return_value=ts):
///         if like_rust:  # our content type and compact UTF-8 JSON
///             real = json.dumps
///             with mock.patch.object(ac, "_json_content", "application/json; charset=utf-8"), \
///                  mock.patch.object(ac.json, "dumps",
///                      lambda p, **k: real(p, separators=(",", ":"), ensure_ascii=False)):
///                 client._build_req_with_tc3_signature("DescribeCaptchaResult", params, req)
///         else:          # the SDK's defaults: "application/json", json.dumps(params)
///             client._build_req_with_tc3_signature("DescribeCaptchaResult", params, req)
///     return req.data, req.header["Authorization"]
///
/// V1 = ("AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE", "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE", None, 1729583235,
///       {"CaptchaType": 9, "Ticket": TCCLI_TICKET, "UserIp": "127.0.0.1", "Randstr": "@Vki",
///        "CaptchaAppId": 199999164, "AppSecretKey": "E4kwK9AcXQMHkktiItyMEyQPn", "NeedGetCaptchaTime": 1})
/// V2 = ("AKIDoracleSecondVector0000000000000", "oracleSecretKeyTwo/With+Symbols=", "oracleSessionToken-123",
///       1551139199, {"CaptchaType": 9, "Ticket": "t03\u7968\u636e/+=", "UserIp": "2001:db8::1",
///        "Randstr": "@x\"y", "CaptchaAppId": 2000000001, "AppSecretKey": "0123456789abcdefABCDEF**",
///        "BusinessId": 7, "SceneId": 3})
/// ```
mod python_sdk_oracle {
    use super::*;

    const TCCLI_TICKET: &str = "tr03XaCUZPAlPdIMqv17yvcfdXCzkqvLE09AbCA4ghlWfD8hkySfbU2TZVCyoOCjNI84pAYEMopKv7Uh8XwQDSE9DC0xJpXVC7kmlPENlbFINs_N937qkoEmU6Pl8e-9EkFQzvrrwsZOTKQ*";

    fn v1_credential() -> Credential {
        credential()
    }

    fn v2_credential() -> Credential {
        Credential::new(
            "AKIDoracleSecondVector0000000000000",
            "oracleSecretKeyTwo/With+Symbols=",
        )
        .unwrap()
        .with_token("oracleSessionToken-123")
        .unwrap()
    }

    fn v1_action() -> DescribeCaptchaResult {
        DescribeCaptchaResult::new(
            TCCLI_TICKET,
            "@Vki",
            "127.0.0.1".parse().unwrap(),
            199999164,
            "E4kwK9AcXQMHkktiItyMEyQPn",
        )
        .need_get_captcha_time(true)
    }

    fn v2_action() -> DescribeCaptchaResult {
        DescribeCaptchaResult::new(
            "t03\u{7968}\u{636e}/+=",
            "@x\"y",
            "2001:db8::1".parse().unwrap(),
            2000000001,
            "0123456789abcdefABCDEF**",
        )
        .business_id(7)
        .scene_id(3)
    }

    /// The SDK's default request (`application/json`, `json.dumps` spacing and `\u`
    /// escapes), re-signed by our `sign_request`.
    fn sdk_default_request(body: &str) -> Request<Vec<u8>> {
        Request::post("https://captcha.tencentcloudapi.com/")
            .header("content-type", "application/json")
            .header("host", "captcha.tencentcloudapi.com")
            .body(body.as_bytes().to_vec())
            .unwrap()
    }

    #[test]
    fn sdk_default_requests_sign_alike() {
        let cases = [
            (
                v1_credential(),
                1729583235,
                format!(
                    r#"{{"CaptchaType": 9, "Ticket": "{TCCLI_TICKET}", "UserIp": "127.0.0.1", "Randstr": "@Vki", "CaptchaAppId": 199999164, "AppSecretKey": "E4kwK9AcXQMHkktiItyMEyQPn", "NeedGetCaptchaTime": 1}}"#
                ),
                "TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2024-10-22/captcha/tc3_request, SignedHeaders=content-type;host, Signature=4b77a806e6e4152589fe8ef1ebaa6f73d3e498c32deb1624f8b201bd5da68f07",
            ),
            (
                v2_credential(),
                1551139199,
                r#"{"CaptchaType": 9, "Ticket": "t03\u7968\u636e/+=", "UserIp": "2001:db8::1", "Randstr": "@x\"y", "CaptchaAppId": 2000000001, "AppSecretKey": "0123456789abcdefABCDEF**", "BusinessId": 7, "SceneId": 3}"#.to_owned(),
                "TC3-HMAC-SHA256 Credential=AKIDoracleSecondVector0000000000000/2019-02-25/captcha/tc3_request, SignedHeaders=content-type;host, Signature=b9a22314bcce383ddc070a30ae2328b60cfb462b1fcb6e46650132eab1a18cb3",
            ),
        ];
        for (credential, timestamp, body, expected) in cases {
            let mut request = sdk_default_request(&body);
            tc3::sign_request(&mut request, &credential, "captcha", timestamp).unwrap();
            assert_eq!(request.headers()["authorization"], expected);
            tc3::verify_request(&request, &credential, "captcha").unwrap();
        }
    }

    #[test]
    fn describe_captcha_result_encodes_what_the_sdk_signs() {
        let cases = [
            (
                v1_credential(),
                v1_action(),
                1729583235,
                format!(
                    r#"{{"CaptchaType":9,"Ticket":"{TCCLI_TICKET}","UserIp":"127.0.0.1","Randstr":"@Vki","CaptchaAppId":199999164,"AppSecretKey":"E4kwK9AcXQMHkktiItyMEyQPn","NeedGetCaptchaTime":1}}"#
                ),
                "TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2024-10-22/captcha/tc3_request, SignedHeaders=content-type;host, Signature=e8ac8fe7f139986c431c1e333472b55e9438048d71c964936b2f34edb301bac7",
            ),
            (
                v2_credential(),
                v2_action(),
                1551139199,
                "{\"CaptchaType\":9,\"Ticket\":\"t03\u{7968}\u{636e}/+=\",\"UserIp\":\"2001:db8::1\",\"Randstr\":\"@x\\\"y\",\"CaptchaAppId\":2000000001,\"AppSecretKey\":\"0123456789abcdefABCDEF**\",\"BusinessId\":7,\"SceneId\":3}".to_owned(),
                "TC3-HMAC-SHA256 Credential=AKIDoracleSecondVector0000000000000/2019-02-25/captcha/tc3_request, SignedHeaders=content-type;host, Signature=64ea4e379126b312bb3e122c9173ef5a99b8add9883e68951f353bdd1a30bf18",
            ),
        ];
        for (credential, action, timestamp, body, expected) in cases {
            let config = Api3Config::new(credential.clone());
            let request = config
                .encode(&action, Stamp::new(timestamp, 1).unwrap())
                .unwrap();
            assert_eq!(String::from_utf8(request.body().clone()).unwrap(), body);
            assert_eq!(request.headers()["authorization"], expected);
            assert_eq!(
                request.headers()["x-tc-timestamp"],
                timestamp.to_string().as_str()
            );
            match credential.token() {
                Some(token) => assert_eq!(request.headers()["x-tc-token"], token.expose_secret()),
                None => assert!(request.headers().get("x-tc-token").is_none()),
            }
        }
    }
}

#[test]
fn describe_captcha_result_request_shape() {
    let config = Api3Config::new(credential())
        .with_language(Language::EnUs)
        .with_request_client(None);
    let action = DescribeCaptchaResult::new(
        "t03ticket",
        "@Vki",
        "203.0.113.7".parse().unwrap(),
        199999164,
        "app-secret",
    );
    let request = config
        .encode(&action, Stamp::new(1_700_000_000, 5).unwrap())
        .unwrap();
    assert_eq!(request.method(), http::Method::POST);
    assert_eq!(request.uri(), "https://captcha.tencentcloudapi.com/");
    let headers = request.headers();
    assert_eq!(headers["content-type"], "application/json; charset=utf-8");
    assert_eq!(headers["host"], "captcha.tencentcloudapi.com");
    assert_eq!(headers["x-tc-action"], "DescribeCaptchaResult");
    assert_eq!(headers["x-tc-version"], "2019-07-22");
    assert_eq!(headers["x-tc-timestamp"], "1700000000");
    assert_eq!(headers["x-tc-language"], "en-US");
    assert!(headers.get("x-tc-region").is_none());
    assert!(headers.get("x-tc-requestclient").is_none());
    assert!(headers["authorization"]
        .to_str()
        .unwrap()
        .starts_with("TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2023-11-14/captcha/tc3_request, SignedHeaders=content-type;host, Signature="));
    assert_eq!(
        String::from_utf8(request.body().clone()).unwrap(),
        r#"{"CaptchaType":9,"Ticket":"t03ticket","UserIp":"203.0.113.7","Randstr":"@Vki","CaptchaAppId":199999164,"AppSecretKey":"app-secret"}"#
    );
    tc3::verify_request(&request, &credential(), "captcha").unwrap();

    // Steps agree with the encoded request.
    let steps = tc3::debug_steps(&request, config.credential(), "captcha", 1_700_000_000).unwrap();
    assert_eq!(headers["authorization"], steps.expose_authorization());

    // The default config identifies the SDK; every optional field is sent when set.
    let full = action
        .clone()
        .business_id(1)
        .scene_id(2)
        .mac_address("00:11:22:33:44:55")
        .imei("860000000000001")
        .need_get_captcha_time(false)
        .captcha_type(9);
    let request = Api3Config::new(credential())
        .with_region("ap-guangzhou")
        .encode(&full, Stamp::new(1_700_000_000, 5).unwrap())
        .unwrap();
    assert_eq!(request.headers()["x-tc-region"], "ap-guangzhou");
    assert!(
        request.headers()["x-tc-requestclient"]
            .to_str()
            .unwrap()
            .starts_with("SDK_RUST_")
    );
    assert!(String::from_utf8(request.body().clone()).unwrap().ends_with(
        r#""AppSecretKey":"app-secret","BusinessId":1,"SceneId":2,"MacAddress":"00:11:22:33:44:55","Imei":"860000000000001","NeedGetCaptchaTime":0}"#
    ));
}

#[test]
fn endpoints_sign_for_their_bare_host() {
    let action = DescribeCaptchaResult::new("t", "r", "127.0.0.1".parse().unwrap(), 1, "k");
    let stamp = Stamp::new(1_700_000_000, 1).unwrap();
    let international = Api3Config::international(credential())
        .encode(&action, stamp)
        .unwrap();
    assert_eq!(
        international.uri(),
        "https://captcha.intl.tencentcloudapi.com/"
    );
    assert_eq!(
        international.headers()["host"],
        "captcha.intl.tencentcloudapi.com"
    );

    let local: Endpoint = "http://127.0.0.1:47123/".parse().unwrap();
    let config = Api3Config::new(credential()).with_endpoint(local);
    let request = config.encode(&action, stamp).unwrap();
    assert_eq!(request.uri(), "http://127.0.0.1:47123/");
    assert_eq!(request.headers()["host"], "127.0.0.1");
    let steps =
        tc3::debug_steps(&request, config.credential(), "captcha", stamp.timestamp()).unwrap();
    assert_eq!(steps.host(), "127.0.0.1");
    assert!(steps.canonical_request().contains("\nhost:127.0.0.1\n"));
    tc3::verify_request(&request, &credential(), "captcha").unwrap();
}

#[test]
fn validation_errors_name_the_field() {
    let ip = "127.0.0.1".parse().unwrap();
    let config = Api3Config::new(credential());
    let stamp = Stamp::new(1_700_000_000, 1).unwrap();
    let field_of = |action: DescribeCaptchaResult| match config.encode(&action, stamp) {
        Err(EncodeError::EmptyField { field } | EncodeError::InvalidValue { field, .. }) => field,
        other => panic!("expected a field error, got {other:?}"),
    };
    assert_eq!(
        field_of(DescribeCaptchaResult::new("", "r", ip, 1, "k")),
        "Ticket"
    );
    assert_eq!(
        field_of(DescribeCaptchaResult::new("t", "", ip, 1, "k")),
        "Randstr"
    );
    assert_eq!(
        field_of(DescribeCaptchaResult::new("t", "r", ip, 0, "k")),
        "CaptchaAppId"
    );
    assert_eq!(
        field_of(DescribeCaptchaResult::new("t", "r", ip, 1, "")),
        "AppSecretKey"
    );
    let ok = DescribeCaptchaResult::new("t", "r", ip, 1, "k");
    assert_eq!(field_of(ok.clone().captcha_type(0)), "CaptchaType");
    assert_eq!(field_of(ok.clone().mac_address("")), "MacAddress");
    assert_eq!(field_of(ok.clone().imei("")), "Imei");

    let region = Api3Config::new(credential()).with_region("ap guangzhou");
    assert!(matches!(
        region.encode(&ok, stamp),
        Err(EncodeError::InvalidValue {
            field: "X-TC-Region",
            ..
        })
    ));
    let client = Api3Config::new(credential()).with_request_client(Some("bad client!"));
    assert!(matches!(
        client.encode(&ok, stamp),
        Err(EncodeError::InvalidValue {
            field: "X-TC-RequestClient",
            ..
        })
    ));
    assert!(matches!(
        "fr-FR".parse::<Language>(),
        Err(EncodeError::InvalidValue {
            field: "X-TC-Language",
            ..
        })
    ));
    let raw = Api3RawAction::new("cvm", "", "DescribeInstances");
    assert_eq!(
        config.encode(&raw, stamp).unwrap_err(),
        EncodeError::EmptyField {
            field: "X-TC-Version"
        }
    );
    let raw = Api3RawAction::new("cvm", "2017-03-12", "Describe Instances");
    assert!(matches!(
        config.encode(&raw, stamp),
        Err(EncodeError::InvalidValue {
            field: "X-TC-Action",
            ..
        })
    ));
    let raw = Api3RawAction::new("", "2017-03-12", "DescribeInstances");
    assert_eq!(
        config.encode(&raw, stamp).unwrap_err(),
        EncodeError::EmptyField { field: "service" }
    );
}

#[test]
fn raw_action_signs_any_service() {
    let call = Api3RawAction::new("cvm", "2017-03-12", "DescribeInstances")
        .param("Limit", 1)
        .param("Offset", 0);
    let config = Api3Config::new(credential())
        .with_endpoint("https://cvm.tencentcloudapi.com/".parse().unwrap())
        .with_region("ap-guangzhou");
    let request = config
        .encode(&call, Stamp::new(CVM_TIMESTAMP, 1).unwrap())
        .unwrap();
    assert_eq!(request.body().as_slice(), br#"{"Limit":1,"Offset":0}"#);
    assert!(
        request.headers()["authorization"]
            .to_str()
            .unwrap()
            .contains("/2019-02-25/cvm/tc3_request,")
    );
    tc3::verify_request(&request, &credential(), "cvm").unwrap();
    assert!(matches!(
        tc3::verify_request(&request, &credential(), "captcha"),
        Err(VerifyError::ServiceMismatch { .. })
    ));
}
