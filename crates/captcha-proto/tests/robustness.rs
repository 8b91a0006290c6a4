//! Robustness: `Api2Config::encode` never panics on any input (it encodes, or refuses with a
//! typed `EncodeError`), every decoder never panics on any bytes and status, and a table of
//! envelope cases decodes to the documented verdicts and errors (docs/protocol.md, "API 2.0 answers").

mod common;

use std::net::IpAddr;

use captcha_proto::api2::RESERVED_PARAMETERS;
use captcha_proto::api2::UserInfo;
use captcha_proto::v1::{self, SignatureMethod};
use captcha_proto::{
    AccountType, Api2Action, Api2Config, Api2RawAction, CaptchaCheck, CaptchaGetUrl,
    CaptchaIframeQuery, CaptchaImage, CaptchaQuery, CaptchaType, CaptchaVerify, CheckVerdict,
    ClientType, Credential, DecodeErrorKind, DisturbLevel, EncodeError, Endpoint, HttpMethod,
    IsHttps, ResponseError, ScriptFormat, Stamp, VerifyVerdict,
};
use common::{AWKWARD, as_pairs, proptest_config, text, unicode, wire_params};
use http::StatusCode;
use proptest::prelude::*;

const REGRESSIONS: &str = "proptest-regressions/robustness.txt";

// ---------------------------------------------------------------------------------------
// Generators.

/// Any string a caller could pass: arbitrary Unicode, awkward characters, or empty.
fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => unicode(0..10),
        3 => text(AWKWARD, 0..12),
        1 => Just(String::new()),
        1 => Just(" padded ".to_owned()),
    ]
}

fn opt_text() -> impl Strategy<Value = Option<String>> {
    prop::option::of(any_text())
}

fn user_info() -> BoxedStrategy<UserInfo> {
    (
        (
            prop::option::of(any::<u32>()),
            opt_text(),
            opt_text(),
            opt_text(),
            prop::option::of(any::<u64>()),
            prop::option::of(any::<IpAddr>()),
        ),
        (
            opt_text(),
            opt_text(),
            opt_text(),
            prop::option::of(any::<u64>()),
            prop::option::of(any::<u64>()),
        ),
    )
        .prop_map(
            |(
                (account_type, app_id, uid, associate_account, register_time, user_ip),
                (x_forwarded_for, mac_address, imei, business_id, scene_id),
            )| UserInfo {
                account_type: account_type.map(AccountType::from),
                app_id,
                uid,
                associate_account,
                register_time,
                user_ip,
                x_forwarded_for,
                mac_address,
                imei,
                business_id,
                scene_id,
            },
        )
        .boxed()
}

/// Every action, with arbitrary string inputs.
#[derive(Debug, Clone)]
enum AnyAction {
    Check(CaptchaCheck),
    Verify(CaptchaVerify),
    GetUrl(CaptchaGetUrl),
    IframeQuery(CaptchaIframeQuery),
    Query(CaptchaQuery),
    /// The action and the keys it was given, in order.
    Raw(Api2RawAction, Vec<String>),
}

/// Raw parameter names: arbitrary ones, and the common parameters the encoder reserves.
fn raw_key() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => any_text(),
        1 => prop::sample::select(&RESERVED_PARAMETERS[..]).prop_map(str::to_owned),
        1 => prop::sample::select(&["a_b", "a.b", "captchaType", "x"][..]).prop_map(str::to_owned),
    ]
}

fn any_action() -> BoxedStrategy<AnyAction> {
    prop_oneof![
        (
            any_text(),
            any::<IpAddr>(),
            any::<u32>(),
            prop::option::of(any::<u32>()),
            user_info()
        )
            .prop_map(|(ticket, ip, kind, level, user)| {
                let mut check =
                    CaptchaCheck::new(ticket, ip, CaptchaType::from(kind)).with_user_info(user);
                if let Some(level) = level {
                    check = check.disturb_level(DisturbLevel::from(level));
                }
                AnyAction::Check(check)
            }),
        (
            any_text(),
            any_text(),
            prop::option::of(any::<u32>()),
            user_info()
        )
            .prop_map(|(sig, code, kind, user)| {
                let mut verify = CaptchaVerify::new(sig, code).with_user_info(user);
                if let Some(kind) = kind {
                    verify = verify.captcha_type(CaptchaType::from(kind));
                }
                AnyAction::Verify(verify)
            }),
        (
            prop::option::of(any::<u32>()),
            prop::option::of(any::<u32>()),
            prop::option::of(any::<u32>()),
            user_info()
        )
            .prop_map(|(kind, level, https, user)| {
                let mut get_url = CaptchaGetUrl::new().with_user_info(user);
                if let Some(v) = kind {
                    get_url = get_url.captcha_type(CaptchaType::from(v));
                }
                if let Some(v) = level {
                    get_url = get_url.disturb_level(DisturbLevel::from(v));
                }
                if let Some(v) = https {
                    get_url = get_url.is_https(IsHttps::from(v));
                }
                AnyAction::GetUrl(get_url)
            }),
        (any::<[u32; 4]>(), user_info()).prop_map(|([kind, level, https, client], user)| {
            AnyAction::IframeQuery(
                CaptchaIframeQuery::new(
                    CaptchaType::from(kind),
                    DisturbLevel::from(level),
                    IsHttps::from(https),
                    ClientType::from(client),
                )
                .with_user_info(user),
            )
        }),
        (
            any::<IpAddr>(),
            any::<u32>(),
            any::<(u64, u64)>(),
            any::<bool>(),
            opt_text(),
            user_info()
        )
            .prop_map(|(ip, kind, (business, registered), js, call_back, user)| {
                let script = if js {
                    ScriptFormat::JavaScript
                } else {
                    ScriptFormat::Json
                };
                let mut query =
                    CaptchaQuery::new(ip, CaptchaType::from(kind), business, registered, script)
                        .with_user_info(user);
                if let Some(name) = call_back {
                    query = query.call_back(name);
                }
                AnyAction::Query(query)
            }),
        (
            any_text(),
            prop::collection::vec((raw_key(), any_text()), 0..6),
            any::<bool>()
        )
            .prop_map(|(name, params, single_use)| {
                let keys = params.iter().map(|(k, _)| k.clone()).collect();
                let raw = params
                    .into_iter()
                    .fold(Api2RawAction::new(name), |raw, (k, v)| raw.param(k, v));
                AnyAction::Raw(
                    if single_use {
                        raw.mark_single_use()
                    } else {
                        raw
                    },
                    keys,
                )
            }),
    ]
    .boxed()
}

/// A configuration built from arbitrary strings, or `None` when the credential refuses them.
#[derive(Debug, Clone)]
struct AnyConfig {
    secret_id: String,
    secret_key: String,
    token: Option<String>,
    endpoint: EndpointChoice,
    region: String,
    request_client: Option<Option<String>>,
    sha256: bool,
    post: bool,
}

#[derive(Debug, Clone)]
enum EndpointChoice {
    Default,
    Url(String),
    Parts(bool, String, Option<u16>, String),
}

fn any_config() -> BoxedStrategy<AnyConfig> {
    let endpoint = prop_oneof![
        Just(EndpointChoice::Default),
        prop_oneof![
            any_text(),
            any_text().prop_map(|t| format!("http://{t}")),
            any_text().prop_map(|t| format!("https://127.0.0.1:8080/{t}")),
            Just("http://[::1]:9/v2/index.php".to_owned()),
        ]
        .prop_map(EndpointChoice::Url),
        (
            any::<bool>(),
            any_text(),
            prop::option::of(any::<u16>()),
            any_text()
        )
            .prop_map(|(https, host, port, path)| EndpointChoice::Parts(https, host, port, path)),
    ];
    let region = prop_oneof![Just("gz".to_owned()), any_text()];
    let request_client = prop::option::of(prop::option::of(prop_oneof![
        any_text(),
        text(&['a', 'Z', '0', '-', '_', ',', ';', '.'], 0..140),
    ]));
    (
        (
            prop_oneof![Just("AKIDexample".to_owned()), any_text()],
            prop_oneof![Just("key".to_owned()), any_text()],
            opt_text(),
        ),
        endpoint,
        region,
        request_client,
        any::<(bool, bool)>(),
    )
        .prop_map(
            |((secret_id, secret_key, token), endpoint, region, request_client, (sha256, post))| {
                AnyConfig {
                    secret_id,
                    secret_key,
                    token,
                    endpoint,
                    region,
                    request_client,
                    sha256,
                    post,
                }
            },
        )
        .boxed()
}

impl AnyConfig {
    /// The configuration, or `None` when the credential or endpoint is refused (with a typed
    /// error, which is all this test asks of them).
    fn build(&self) -> Option<Api2Config> {
        let mut credential =
            Credential::new(self.secret_id.as_str(), self.secret_key.as_str()).ok()?;
        if let Some(token) = &self.token {
            credential = credential.with_token(token.as_str()).ok()?;
        }
        let endpoint = match &self.endpoint {
            EndpointChoice::Default => Endpoint::default(),
            EndpointChoice::Url(url) => url.parse::<Endpoint>().ok()?,
            EndpointChoice::Parts(https, host, port, path) => {
                Endpoint::new(*https, host, *port, path).ok()?
            }
        };
        let mut config = Api2Config::new(credential)
            .with_endpoint(endpoint)
            .with_region(self.region.as_str());
        if let Some(client) = &self.request_client {
            config = config.with_request_client(client.as_deref());
        }
        if self.sha256 {
            config = config.with_signature_method(SignatureMethod::HmacSha256);
        }
        if self.post {
            config = config.with_http_method(HttpMethod::Post);
        }
        Some(config)
    }
}

/// Encodes `action`; a success must verify as a server parses it, a refusal must be typed.
fn check_encode<A: Api2Action>(
    config: &Api2Config,
    action: &A,
    raw_keys: &[String],
    stamp: Stamp,
) -> Result<(), TestCaseError> {
    // Two raw keys that differ only in `_` versus `.` sign as one parameter: the encoder
    // must refuse them rather than send a request no server can verify.
    let mut signed_keys: Vec<String> = raw_keys.iter().map(|k| k.replace('_', ".")).collect();
    signed_keys.sort();
    let keys_collide = signed_keys.windows(2).any(|pair| pair[0] == pair[1]);
    let request = match config.encode(action, stamp) {
        Ok(request) => request,
        Err(e) => {
            // A typed refusal; its message names a field and is printable.
            prop_assert!(!e.to_string().is_empty());
            return Ok(());
        }
    };
    prop_assert!(
        !keys_collide,
        "keys that sign as one were encoded: {raw_keys:?}"
    );
    let params = wire_params(&request);
    let verdict = v1::verify(
        config.credential().secret_key(),
        request.method().as_str(),
        config.endpoint().host(),
        config.endpoint().path(),
        as_pairs(&params),
    );
    if let Err(e) = verdict {
        prop_assert!(false, "an encoded request does not verify: {e}");
    }
    // Encoding is deterministic.
    let again = config.encode(action, stamp).unwrap();
    prop_assert_eq!(again.uri(), request.uri());
    prop_assert_eq!(again.body(), request.body());
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Encode never panics.

proptest! {
    #![proptest_config(proptest_config(REGRESSIONS))]

    #[test]
    fn encode_never_panics(
        config in any_config(),
        action in any_action(),
        timestamp in any::<u64>(),
        nonce in prop_oneof![Just(0u64), 1u64..],
    ) {
        let stamp = match Stamp::new(timestamp, nonce) {
            Ok(stamp) => stamp,
            Err(e) => {
                prop_assert_eq!(nonce, 0);
                let names_nonce = matches!(e, EncodeError::InvalidValue { field: "Nonce", .. });
                prop_assert!(names_nonce, "{e:?}");
                return Ok(());
            }
        };
        let Some(config) = config.build() else { return Ok(()) };
        match &action {
            AnyAction::Check(a) => check_encode(&config, a, &[], stamp)?,
            AnyAction::Verify(a) => check_encode(&config, a, &[], stamp)?,
            AnyAction::GetUrl(a) => check_encode(&config, a, &[], stamp)?,
            AnyAction::IframeQuery(a) => check_encode(&config, a, &[], stamp)?,
            AnyAction::Query(a) => check_encode(&config, a, &[], stamp)?,
            AnyAction::Raw(a, keys) => check_encode(&config, a, keys, stamp)?,
        }
    }
}

// ---------------------------------------------------------------------------------------
// Decode never panics.

fn status() -> impl Strategy<Value = StatusCode> {
    prop_oneof![
        3 => prop::sample::select(&[200u16, 201, 204, 400, 403, 404, 500, 502, 503][..]),
        1 => 100u16..=999,
    ]
    .prop_map(|code| StatusCode::from_u16(code).expect("100..=999 is a status"))
}

/// Runs every decoder on `body` and checks what each returns is well-formed.
fn decode_all(status: StatusCode, body: &[u8]) -> Result<(), TestCaseError> {
    let ip: IpAddr = "127.0.0.1".parse().unwrap();
    let check = CaptchaCheck::new("t", ip, CaptchaType::Slider);
    let verify = CaptchaVerify::new("s", "c");
    let get_url = CaptchaGetUrl::new();
    let iframe = CaptchaIframeQuery::new(
        CaptchaType::Slider,
        DisturbLevel::Low,
        IsHttps::Https,
        ClientType::PcWeb,
    );
    let query_json = CaptchaQuery::new(ip, CaptchaType::Standard, 1, 1, ScriptFormat::Json);
    let query_js = CaptchaQuery::new(ip, CaptchaType::Standard, 1, 1, ScriptFormat::JavaScript);
    let raw = Api2RawAction::new("DescribeInstances");

    inspect(status, check.decode(status, body))?;
    inspect(status, verify.decode(status, body))?;
    inspect(status, get_url.decode(status, body))?;
    inspect(status, iframe.decode(status, body))?;
    inspect(status, query_json.decode(status, body))?;
    inspect(status, query_js.decode(status, body))?;
    inspect(status, raw.decode(status, body))?;
    let _ = format!(
        "{:?}",
        CaptchaImage::decode(status, &http::HeaderMap::new(), body)
    );
    Ok(())
}

/// A result is a success only for a 2xx status; errors keep the status and print.
fn inspect<T: std::fmt::Debug>(
    status: StatusCode,
    result: Result<T, ResponseError>,
) -> Result<(), TestCaseError> {
    match result {
        Ok(value) => {
            prop_assert!(status.is_success(), "success {value:?} on HTTP {status}");
        }
        Err(ResponseError::Decode(e)) => {
            prop_assert_eq!(e.status(), status);
            let _ = (e.to_string(), format!("{e:?}"));
        }
        Err(ResponseError::Api2(e)) => {
            prop_assert_ne!(e.code(), 0, "code 0 is not a refusal");
            let _ = (
                e.to_string(),
                e.meaning(),
                e.is_auth_failure(),
                e.is_retryable(),
            );
        }
        Err(e) => prop_assert!(false, "unexpected error from an API 2.0 decoder: {e:?}"),
    }
    Ok(())
}

/// JSON-ish bodies: envelopes whose fields take every type, duplicated, reordered, cut.
fn json_ish() -> impl Strategy<Value = Vec<u8>> {
    let scalar = prop_oneof![
        Just("0".to_owned()),
        Just("5100".to_owned()),
        Just("4100".to_owned()),
        Just("-1".to_owned()),
        Just("\"0\"".to_owned()),
        Just("\" 5100 \"".to_owned()),
        Just("\"5100x\"".to_owned()),
        Just("18446744073709551615".to_owned()),
        Just("-9223372036854775808".to_owned()),
        Just("1e3".to_owned()),
        Just("0.0".to_owned()),
        Just("null".to_owned()),
        Just("true".to_owned()),
        Just("[]".to_owned()),
        Just("{\"code\":0}".to_owned()),
        any::<i64>().prop_map(|n| n.to_string()),
        any_text().prop_map(|t| serde_json::to_string(&t).unwrap()),
        Just("\"https://captcha.guard.qcloud.com/x?asig=1\"".to_owned()),
        Just("\"ftp://x\"".to_owned()),
        Just("\"http://\"".to_owned()),
        Just("\"var a=1;\"".to_owned()),
    ];
    let name = prop::sample::select(
        &[
            "code", "code", "message", "codeDesc", "codedesc", "CodeDesc", "url", "is_right",
            "script", "ticket", "Response", "extra",
        ][..],
    );
    (
        prop::collection::vec((name, scalar), 0..7),
        any::<bool>(),
        any::<prop::sample::Index>(),
    )
        .prop_map(|(fields, truncate, cut)| {
            let inner: Vec<String> = fields
                .into_iter()
                .map(|(k, v)| format!("\"{k}\":{v}"))
                .collect();
            let mut body = format!("{{{}}}", inner.join(",")).into_bytes();
            if truncate {
                body.truncate(cut.index(body.len() + 1));
            }
            body
        })
}

proptest! {
    #![proptest_config(proptest_config(REGRESSIONS))]

    #[test]
    fn decode_never_panics_on_bytes(
        status in status(),
        body in prop::collection::vec(any::<u8>(), 0..300),
    ) {
        decode_all(status, &body)?;
    }

    #[test]
    fn decode_never_panics_on_json_ish_bodies(status in status(), body in json_ish()) {
        decode_all(status, &body)?;
    }

    #[test]
    fn image_decode_never_panics(
        status in status(),
        cookies in prop::collection::vec(any_text(), 0..3),
        body in prop::collection::vec(any::<u8>(), 0..64),
    ) {
        let mut headers = http::HeaderMap::new();
        for cookie in cookies {
            if let Ok(value) = http::HeaderValue::from_str(&cookie) {
                headers.append(http::header::SET_COOKIE, value);
            }
        }
        match CaptchaImage::decode(status, &headers, &body) {
            Ok(image) => {
                prop_assert!(status.is_success());
                prop_assert!(!image.bytes.is_empty());
            }
            Err(e) => prop_assert_eq!(e.status(), status),
        }
    }
}

// ---------------------------------------------------------------------------------------
// Decode table: the envelope cases of docs/protocol.md, "API 2.0 answers".

const OK: StatusCode = StatusCode::OK;

fn check() -> CaptchaCheck {
    CaptchaCheck::new("t03", "127.0.0.1".parse().unwrap(), CaptchaType::Slider)
}

fn decode_kind<T: std::fmt::Debug>(result: Result<T, ResponseError>) -> DecodeErrorKind {
    match result {
        Err(ResponseError::Decode(e)) => e.kind().clone(),
        other => panic!("expected a decode error, got {other:?}"),
    }
}

#[test]
fn check_code_0_passes_and_5100_fails() {
    let pass = check().decode(OK, br#"{"code":0,"message":"No Error","is_right":0}"#);
    assert_eq!(
        pass,
        Ok(CheckVerdict::Pass),
        "is_right is not read for CaptchaCheck"
    );
    assert_eq!(
        check().decode(OK, br#"{"code":5100,"message":"verify failed"}"#),
        Ok(CheckVerdict::Fail {
            message: "verify failed".into()
        })
    );
    assert_eq!(
        check().decode(OK, br#"{"code":"5100","message":"(100004)projectId"}"#),
        Ok(CheckVerdict::Fail {
            message: "(100004)projectId".into()
        }),
        "code as a string"
    );
    assert_eq!(
        check().decode(OK, br#"{"code":"0"}"#),
        Ok(CheckVerdict::Pass)
    );
    assert_eq!(
        check().decode(OK, br#"{"code":5100}"#),
        Ok(CheckVerdict::Fail {
            message: String::new()
        }),
        "a missing message is empty"
    );
}

#[test]
fn auth_failure_is_an_api_error_with_its_meaning() {
    for body in [
        r#"{"code":4100,"message":"鉴权失败，请参考文档中鉴权部分。","codeDesc":"AuthFailure"}"#,
        r#"{"codeDesc":"AuthFailure","message":"Authentication failed. SecretId does not exist","code":4100}"#,
        r#"{"code":"4100","codedesc":"AuthFailure","message":"x"}"#,
        r#"{"code":4100,"CodeDesc":"AuthFailure","message":"x"}"#,
    ] {
        let err = check().decode(OK, body.as_bytes()).unwrap_err();
        let api = err.api2().unwrap_or_else(|| panic!("{body}: {err:?}"));
        assert_eq!(api.code(), 4100, "{body}");
        assert_eq!(
            api.code_desc(),
            Some("AuthFailure"),
            "codeDesc spelling in {body}"
        );
        assert_eq!(api.meaning(), Some("authentication failed"));
        assert!(api.is_auth_failure() && !api.is_retryable() && !err.is_retryable());
        assert!(err.to_string().contains("4100"));
    }
    // The same refusal decodes the same way for every action.
    let body = br#"{"code":4104,"message":"key","codeDesc":"AuthFailure"}"#;
    assert!(
        CaptchaGetUrl::new()
            .decode(OK, body)
            .unwrap_err()
            .api2()
            .unwrap()
            .is_auth_failure()
    );
    let quota = CaptchaVerify::new("s", "c")
        .decode(OK, br#"{"code":4400}"#)
        .unwrap_err();
    assert!(quota.is_retryable());
    let replay = Api2RawAction::new("X")
        .decode(OK, br#"{"code":4500}"#)
        .unwrap_err();
    assert!(replay.api2().unwrap().is_replay_or_skew());
}

#[test]
fn code_desc_value_in_any_case_and_extra_fields_are_ignored() {
    for body in [
        r#"{"code":0,"codeDesc":"success","message":""}"#,
        r#"{"code":0,"codeDesc":"Success","message":"OK"}"#,
        r#"{"code":0,"codedesc":"SUCCESS","message":"success"}"#,
        r#"{"code":0,"message":"No Error","RequestId":"abc","data":{"nested":[1,2,{"x":null}]},"is_right":7}"#,
        r#"  {"extra":true, "code" : 0 }  "#,
    ] {
        assert_eq!(
            check().decode(OK, body.as_bytes()),
            Ok(CheckVerdict::Pass),
            "{body}"
        );
    }
}

#[test]
fn verify_reads_is_right() {
    let verify = CaptchaVerify::new("sig", "uazm");
    let decode = |body: &str| verify.decode(OK, body.as_bytes());
    assert_eq!(
        decode(r#"{"code":0,"message":"No Error","is_right":1}"#),
        Ok(VerifyVerdict::Right)
    );
    assert_eq!(
        decode(r#"{"code":0,"message":"No Error","is_right":0}"#),
        Ok(VerifyVerdict::Wrong)
    );
    assert_eq!(
        decode(r#"{"code":0,"is_right":"1"}"#),
        Ok(VerifyVerdict::Right)
    );
    assert_eq!(
        decode_kind(decode(r#"{"code":0,"is_right":2}"#)),
        DecodeErrorKind::InvalidField {
            field: "is_right",
            reason: "is neither 0 nor 1"
        }
    );
    assert_eq!(
        decode_kind(decode(r#"{"code":0}"#)),
        DecodeErrorKind::MissingField { field: "is_right" }
    );
    assert_eq!(
        decode(r#"{"code":5100,"is_right":1}"#)
            .unwrap_err()
            .api2()
            .unwrap()
            .code(),
        5100
    );
}

#[test]
fn url_actions_need_an_http_url() {
    let iframe = CaptchaIframeQuery::new(
        CaptchaType::Slider,
        DisturbLevel::Low,
        IsHttps::Https,
        ClientType::PcWeb,
    );
    let good = br#"{"code":0,"message":"No Error","url":"https://captcha.guard.qcloud.com/template/TCapIframeApi.js?appid=1251001047&clientype=1&lang=2052&asig=-DhJ**"}"#;
    let url = iframe.decode(OK, good).unwrap();
    assert!(url.is_https());
    assert_eq!(url.uri().host(), Some("captcha.guard.qcloud.com"));
    assert!(
        !format!("{url:?}").contains("asig"),
        "the one-time query is not shown"
    );

    let image = CaptchaGetUrl::new()
        .decode(
            OK,
            br#"{"code":"0","url":"http://captcha.guard.qcloud.com/getcap_new?asig=x"}"#,
        )
        .unwrap();
    assert!(!image.is_https());

    for action in [&iframe as &dyn DecodeUrl, &CaptchaGetUrl::new()] {
        assert_eq!(
            decode_kind(action.decode_url(br#"{"code":0,"message":"No Error"}"#)),
            DecodeErrorKind::MissingField { field: "url" }
        );
        for bad in [
            "ftp://x",
            "javascript:alert(1)",
            "/relative/path",
            "http://",
            "not a url",
        ] {
            let body = format!(
                r#"{{"code":0,"url":{}}}"#,
                serde_json::to_string(bad).unwrap()
            );
            assert!(
                matches!(
                    decode_kind(action.decode_url(body.as_bytes())),
                    DecodeErrorKind::InvalidField { field: "url", .. }
                ),
                "{bad}"
            );
        }
    }
    assert_eq!(
        decode_kind(CaptchaGetUrl::new().decode(OK, br#"{"code":0,"url":"ftp://x"}"#)),
        DecodeErrorKind::InvalidField {
            field: "url",
            reason: "is not an http or https URL"
        }
    );
}

/// The two URL actions behind one interface, for the table above.
trait DecodeUrl {
    fn decode_url(&self, body: &[u8]) -> Result<captcha_proto::CaptchaUrl, ResponseError>;
}

impl<A: Api2Action<Output = captcha_proto::CaptchaUrl>> DecodeUrl for A {
    fn decode_url(&self, body: &[u8]) -> Result<captcha_proto::CaptchaUrl, ResponseError> {
        self.decode(OK, body)
    }
}

#[test]
fn gateway_pages_are_status_errors_with_a_snippet() {
    let page = b"<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>";
    let err = check().decode(StatusCode::BAD_GATEWAY, page).unwrap_err();
    let ResponseError::Decode(e) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(e.kind(), &DecodeErrorKind::Status);
    assert_eq!(e.status(), StatusCode::BAD_GATEWAY);
    assert!(
        e.snippet()
            .starts_with("<html><head><title>502 Bad Gateway"),
        "{}",
        e.snippet()
    );
    assert!(err.to_string().contains("502"));
    assert!(
        !err.is_retryable(),
        "a decode error is not a refusal to retry"
    );

    // A large page is cut to the snippet bound.
    let big = vec![b'x'; 10_000];
    let ResponseError::Decode(e) = check().decode(StatusCode::BAD_GATEWAY, &big).unwrap_err()
    else {
        panic!()
    };
    assert_eq!(e.snippet().len(), captcha_proto::redact::SNIPPET_BYTES);

    // Code 0 on an error status is not a success; a refusal on an error status is an API error.
    assert_eq!(
        decode_kind(check().decode(StatusCode::INTERNAL_SERVER_ERROR, br#"{"code":0}"#)),
        DecodeErrorKind::Status
    );
    let refused = check().decode(
        StatusCode::FORBIDDEN,
        br#"{"code":4300,"message":"banned"}"#,
    );
    assert_eq!(refused.unwrap_err().api2().unwrap().code(), 4300);
}

#[test]
fn malformed_bodies_are_typed_decode_errors() {
    assert_eq!(
        decode_kind(check().decode(OK, b"{}")),
        DecodeErrorKind::MissingField { field: "code" }
    );
    assert_eq!(
        decode_kind(check().decode(OK, b"\xff\xfe\x00")),
        DecodeErrorKind::NotUtf8
    );
    assert!(matches!(
        decode_kind(check().decode(OK, b"<html>")),
        DecodeErrorKind::NotJson { .. }
    ));
    assert!(matches!(
        decode_kind(check().decode(OK, b"")),
        DecodeErrorKind::NotJson { .. }
    ));
    assert!(matches!(
        decode_kind(check().decode(OK, br#"{"code":"zero"}"#)),
        DecodeErrorKind::NotJson { .. }
    ));
    // The parser's reason gives positions, never body text.
    let ResponseError::Decode(e) = check().decode(OK, br#"{"code":"t03secret"}"#).unwrap_err()
    else {
        panic!()
    };
    let DecodeErrorKind::NotJson { reason } = e.kind() else {
        panic!()
    };
    assert!(!reason.contains("t03secret"), "{reason}");
}

#[test]
fn query_script_modes() {
    let ip: IpAddr = "121.14.96.121".parse().unwrap();
    let js = CaptchaQuery::new(
        ip,
        CaptchaType::Standard,
        1,
        1440416972,
        ScriptFormat::JavaScript,
    );
    let json = CaptchaQuery::new(ip, CaptchaType::Standard, 1, 1440416972, ScriptFormat::Json);
    let source = "var capInit = function(){ /* … */ };\n";

    // script=1: the body is the JavaScript itself.
    let script = js.decode(OK, source.as_bytes()).unwrap();
    assert_eq!(script.as_str(), source);
    assert!(!format!("{script:?}").contains("capInit"));
    // … but a refusal is still JSON.
    assert_eq!(
        js.decode(OK, br#"{"code":4100,"message":"auth"}"#)
            .unwrap_err()
            .api2()
            .unwrap()
            .code(),
        4100
    );
    assert_eq!(
        decode_kind(js.decode(OK, b"  \n")),
        DecodeErrorKind::MissingField { field: "script" }
    );
    assert_eq!(
        decode_kind(js.decode(OK, b"\xff\xfe")),
        DecodeErrorKind::NotUtf8
    );
    assert_eq!(
        decode_kind(js.decode(StatusCode::BAD_GATEWAY, source.as_bytes())),
        DecodeErrorKind::Status
    );

    // script=0: JSON whose `script` field holds the JavaScript.
    let body = serde_json::json!({"code": 0, "message": "No Error", "script": source}).to_string();
    assert_eq!(
        json.decode(OK, body.as_bytes()).unwrap().into_string(),
        source
    );
    assert!(matches!(
        decode_kind(json.decode(OK, source.as_bytes())),
        DecodeErrorKind::NotJson { .. }
    ));
    assert_eq!(
        decode_kind(json.decode(OK, br#"{"code":0}"#)),
        DecodeErrorKind::MissingField { field: "script" }
    );
}

#[test]
fn raw_action_returns_the_whole_object() {
    let raw = Api2RawAction::new("DescribeInstances");
    let map = raw
        .decode(
            OK,
            br#"{"code":0,"message":"","instanceSet":[{"id":"ins-1"}],"totalCount":1}"#,
        )
        .unwrap();
    assert_eq!(map["totalCount"], 1);
    assert_eq!(map["instanceSet"][0]["id"], "ins-1");
    let err = raw
        .decode(
            OK,
            r#"{"code":4000,"message":"(100004)projectId不正确"}"#.as_bytes(),
        )
        .unwrap_err();
    let api = err.api2().unwrap();
    assert_eq!(
        (api.code(), api.message()),
        (4000, "(100004)projectId不正确")
    );
    assert_eq!(api.meaning(), Some("invalid request parameter"));
}

#[test]
fn encode_refusals_name_the_field() {
    let config = Api2Config::new(Credential::new("AKIDexample", "key").unwrap());
    let stamp = Stamp::new(1, 1).unwrap();
    let ip: IpAddr = "127.0.0.1".parse().unwrap();
    let err = |r: Result<http::Request<Vec<u8>>, EncodeError>| r.unwrap_err();

    assert_eq!(
        err(config.encode(&CaptchaCheck::new("", ip, CaptchaType::Slider), stamp)),
        EncodeError::EmptyField { field: "ticket" }
    );
    assert_eq!(
        err(config.encode(&CaptchaVerify::new("", "x"), stamp)),
        EncodeError::EmptyField {
            field: "captchaSig"
        }
    );
    assert_eq!(
        err(config.encode(&CaptchaVerify::new("s", ""), stamp)),
        EncodeError::EmptyField {
            field: "verifyCode"
        }
    );
    assert_eq!(
        err(config.encode(
            &CaptchaGetUrl::new().with_user_info(UserInfo {
                uid: Some(String::new()),
                ..UserInfo::default()
            }),
            stamp
        )),
        EncodeError::EmptyField { field: "uid" }
    );
    assert_eq!(
        err(config.encode(&Api2RawAction::new(""), stamp)),
        EncodeError::EmptyField { field: "Action" }
    );
    assert_eq!(
        err(config.encode(&Api2RawAction::new("X").param("", "v"), stamp)),
        EncodeError::EmptyParameterName
    );
    for reserved in RESERVED_PARAMETERS {
        assert_eq!(
            err(config.encode(&Api2RawAction::new("X").param(reserved, "v"), stamp)),
            EncodeError::ReservedParameter {
                name: reserved.to_owned()
            },
        );
    }
    assert_eq!(
        err(config.encode(
            &Api2RawAction::new("X").param("a", "1").param("a", "2"),
            stamp
        )),
        EncodeError::DuplicateParameter {
            name: "a".to_owned()
        }
    );
    for region in ["", "g z", "gz\n"] {
        assert!(matches!(
            err(config
                .clone()
                .with_region(region)
                .encode(&Api2RawAction::new("X"), stamp)),
            EncodeError::EmptyField { field: "Region" }
                | EncodeError::InvalidValue {
                    field: "Region",
                    ..
                }
        ));
    }
}

/// A JSON array is not the envelope, yet serde maps `[0]` onto the fields by position, so
/// it reads as code 0: a `CaptchaCheck` would pass on a body that is not a reply at all.
/// Ignored until `reply::parse` refuses non-objects (the fix is in the test report).
#[test]
fn arrays_are_not_envelopes() {
    for body in [&b"[0]"[..], b"[5100, \"m\"]", b"[0, null, null, null, 1]"] {
        assert!(
            matches!(
                decode_kind(check().decode(OK, body)),
                DecodeErrorKind::NotJson { .. }
            ),
            "{}",
            String::from_utf8_lossy(body)
        );
        let verify = CaptchaVerify::new("s", "c");
        assert!(verify.decode(OK, body).is_err());
    }
}

/// `a_b` and `a.b` are one parameter to a server (PHP reads `.` as `_`; the signer reads `_`
/// as `.`), so a request with both is ambiguous and `v1::verify` refuses it as a duplicate.
/// The encoder should refuse it first. Ignored until `Params` compares signing forms (the
/// fix is in the test report).
#[test]
fn keys_equal_up_to_underscore_are_duplicates() {
    let config = Api2Config::new(Credential::new("AKIDexample", "key").unwrap());
    let raw = Api2RawAction::new("X").param("a_b", "1").param("a.b", "2");
    assert_eq!(
        config.encode(&raw, Stamp::new(1, 1).unwrap()).unwrap_err(),
        EncodeError::DuplicateParameter {
            name: "a.b".to_owned()
        }
    );
}
