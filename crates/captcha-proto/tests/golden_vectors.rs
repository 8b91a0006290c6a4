//! Known-answer vectors of docs/protocol.md, "Known-answer vectors" (V1–V4, published by Tencent and its SDKs) and
//! "Derived csec vectors" (D1–D3, derived for csec). Every vector is checked step by step: the string to
//! sign, then the signature, then the encoded URL or body, so a failure names the step.

mod common;

use captcha_proto::UserInfo;
use captcha_proto::api2::{FORM_CONTENT_TYPE, REQUEST_CLIENT};
use captcha_proto::v1::{self, SignatureMethod};
use captcha_proto::{
    Api2Action, Api2Config, Api2RawAction, CaptchaCheck, CaptchaIframeQuery, CaptchaType,
    ClientType, Credential, DisturbLevel, EncodeError, Endpoint, HttpMethod, IsHttps, SecretKey,
    Stamp,
};
use common::{NONCE, SECRET_ID, TIMESTAMP, as_pairs, credential, secret_key};
use http::header::CONTENT_TYPE;

const CVM_V2: &str = "https://cvm.api.qcloud.com/v2/index.php";
const CSEC_V2: &str = "https://csec.api.qcloud.com/v2/index.php";

fn stamp() -> Stamp {
    Stamp::new(TIMESTAMP, NONCE).unwrap()
}

/// The three steps of one vector encoded through `Config`, asserted one after the other.
/// `wire` is the full URL for GET and the form body for POST.
fn assert_config_steps<A: Api2Action>(
    config: &Api2Config,
    action: &A,
    stamp: Stamp,
    string_to_sign: &str,
    signature: &str,
    wire: &str,
) {
    let text = config.string_to_sign(action, stamp).unwrap();
    assert_eq!(text, string_to_sign, "step 1: string to sign");

    let signed = v1::sign(
        config.credential().secret_key(),
        config.signature_method(),
        &text,
    );
    assert_eq!(signed.expose_secret(), signature, "step 2: signature");

    let request = config.encode(action, stamp).unwrap();
    match config.http_method() {
        HttpMethod::Get => {
            assert_eq!(request.method(), http::Method::GET);
            assert_eq!(request.uri().to_string(), wire, "step 3: URL");
            assert!(request.body().is_empty(), "GET carries no body");
        }
        HttpMethod::Post => {
            assert_eq!(request.method(), http::Method::POST);
            assert_eq!(
                std::str::from_utf8(request.body()).unwrap(),
                wire,
                "step 3: form body"
            );
            assert_eq!(request.uri().to_string(), config.endpoint().as_str());
            assert_eq!(request.uri().query(), None, "POST leaves the query empty");
            assert_eq!(request.headers()[CONTENT_TYPE], FORM_CONTENT_TYPE);
        }
    }

    // A server that parses the wire form accepts the request.
    let params = common::wire_params(&request);
    v1::verify(
        config.credential().secret_key(),
        config.http_method().as_str(),
        config.endpoint().host(),
        config.endpoint().path(),
        as_pairs(&params),
    )
    .expect("the encoded request verifies");
}

/// Config as the published vectors use it: no RequestClient, fixed endpoint.
fn vector_config(credential: Credential, endpoint: &str) -> Api2Config {
    Api2Config::new(credential)
        .with_endpoint(endpoint.parse::<Endpoint>().unwrap())
        .with_request_client(None)
}

// ---------------------------------------------------------------------------------------
// "Known-answer vectors" V1 — HmacSHA1, GET, lower-case legacy parameters.

const V1_STRING: &str = "GETcvm.api.qcloud.com/v2/index.php?Action=DescribeInstances&Nonce=11886&Region=gz&SecretId=AKIDz8krbsJ5yKBZQpn74WFkmLPx3gnPhESA&Timestamp=1465185768&instanceIds.0=ins-09dx96dg&limit=20&offset=0";
const V1_SIGNATURE: &str = "NSI3UqqD99b/UJb4tbG/xZpRW64=";
const V1_SIGNATURE_ENCODED: &str = "NSI3UqqD99b%2FUJb4tbG%2FxZpRW64%3D";

const V1_PARAMS: [(&str, &str); 8] = [
    ("Action", "DescribeInstances"),
    ("Nonce", "11886"),
    ("Region", "gz"),
    ("SecretId", SECRET_ID),
    ("Timestamp", "1465185768"),
    ("instanceIds.0", "ins-09dx96dg"),
    ("limit", "20"),
    ("offset", "0"),
];

#[test]
fn v1_with_the_v1_functions() {
    // Given in another order: the signer sorts.
    let mut shuffled = V1_PARAMS;
    shuffled.reverse();
    let text = v1::string_to_sign("GET", "cvm.api.qcloud.com", "/v2/index.php", shuffled);
    assert_eq!(text, V1_STRING, "step 1: string to sign");

    let signature = v1::sign(&secret_key(), SignatureMethod::HmacSha1, &text);
    assert_eq!(signature.expose_secret(), V1_SIGNATURE, "step 2: signature");

    let encoded: String =
        percent_encoding::utf8_percent_encode(signature.expose_secret(), RFC3986).collect();
    assert_eq!(
        encoded, V1_SIGNATURE_ENCODED,
        "step 3: URL-encoded signature"
    );

    let mut signed = V1_PARAMS.to_vec();
    signed.push(("Signature", V1_SIGNATURE));
    v1::verify(
        &secret_key(),
        "GET",
        "cvm.api.qcloud.com",
        "/v2/index.php",
        signed,
    )
    .expect("V1 verifies");
}

/// RFC 3986 unreserved characters stay, everything else is percent-encoded.
const RFC3986: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

#[test]
fn v1_through_config_encode() {
    let config = vector_config(credential(), CVM_V2);
    let describe = Api2RawAction::new("DescribeInstances")
        .param("instanceIds.0", "ins-09dx96dg")
        .param("limit", "20")
        .param("offset", "0");
    assert_config_steps(
        &config,
        &describe,
        stamp(),
        V1_STRING,
        V1_SIGNATURE,
        &format!(
            "{CVM_V2}?Action=DescribeInstances&Nonce=11886&Region=gz&SecretId={SECRET_ID}\
             &Timestamp=1465185768&instanceIds.0=ins-09dx96dg&limit=20&offset=0\
             &Signature={V1_SIGNATURE_ENCODED}"
        ),
    );
}

// ---------------------------------------------------------------------------------------
// "Known-answer vectors" V2 — HmacSHA256, and HmacSHA1 with `SignatureMethod=HmacSHA1` signed.

const V2_SHA256_STRING: &str = "GETcvm.api.qcloud.com/v2/index.php?Action=DescribeInstances&InstanceIds.0=ins-09dx96dg&Nonce=11886&Region=ap-guangzhou&SecretId=AKIDz8krbsJ5yKBZQpn74WFkmLPx3gnPhESA&SignatureMethod=HmacSHA256&Timestamp=1465185768";
const V2_SHA256_SIGNATURE: &str = "0EEm/HtGRr/VJXTAD9tYMth1Bzm3lLHz5RCDv1GdM8s=";
const V2_SHA256_ENCODED: &str = "0EEm%2FHtGRr%2FVJXTAD9tYMth1Bzm3lLHz5RCDv1GdM8s%3D";
const V2_SHA1_STRING: &str = "GETcvm.api.qcloud.com/v2/index.php?Action=DescribeInstances&InstanceIds.0=ins-09dx96dg&Nonce=11886&Region=ap-guangzhou&SecretId=AKIDz8krbsJ5yKBZQpn74WFkmLPx3gnPhESA&SignatureMethod=HmacSHA1&Timestamp=1465185768";
const V2_SHA1_SIGNATURE: &str = "nPVnY6njQmwQ8ciqbPl5Qe+Oru4=";

fn v2_params(method: &'static str) -> Vec<(&'static str, &'static str)> {
    vec![
        ("SignatureMethod", method),
        ("Timestamp", "1465185768"),
        ("SecretId", SECRET_ID),
        ("Region", "ap-guangzhou"),
        ("Nonce", "11886"),
        ("InstanceIds.0", "ins-09dx96dg"),
        ("Action", "DescribeInstances"),
    ]
}

#[test]
fn v2_sha256_with_the_v1_functions() {
    let params = v2_params("HmacSHA256");
    let text = v1::string_to_sign("GET", "cvm.api.qcloud.com", "/v2/index.php", params.clone());
    assert_eq!(text, V2_SHA256_STRING, "step 1: string to sign");

    let signature = v1::sign(&secret_key(), SignatureMethod::HmacSha256, &text);
    assert_eq!(
        signature.expose_secret(),
        V2_SHA256_SIGNATURE,
        "step 2: signature"
    );

    let encoded: String =
        percent_encoding::utf8_percent_encode(signature.expose_secret(), RFC3986).collect();
    assert_eq!(encoded, V2_SHA256_ENCODED, "step 3: URL-encoded signature");

    let mut signed = params;
    signed.push(("Signature", V2_SHA256_SIGNATURE));
    v1::verify(
        &secret_key(),
        "GET",
        "cvm.api.qcloud.com",
        "/v2/index.php",
        signed,
    )
    .expect("V2 (SHA-256) verifies");
}

#[test]
fn v2_sha256_through_config_encode() {
    let config = vector_config(credential(), CVM_V2)
        .with_region("ap-guangzhou")
        .with_signature_method(SignatureMethod::HmacSha256);
    let describe = Api2RawAction::new("DescribeInstances").param("InstanceIds.0", "ins-09dx96dg");
    assert_config_steps(
        &config,
        &describe,
        stamp(),
        V2_SHA256_STRING,
        V2_SHA256_SIGNATURE,
        &format!(
            "{CVM_V2}?Action=DescribeInstances&InstanceIds.0=ins-09dx96dg&Nonce=11886\
             &Region=ap-guangzhou&SecretId={SECRET_ID}&SignatureMethod=HmacSHA256\
             &Timestamp=1465185768&Signature={V2_SHA256_ENCODED}"
        ),
    );
}

#[test]
fn v2_sha1_with_signature_method_signed() {
    // Config sends SignatureMethod only for SHA-256, so this variant goes through v1 directly.
    let params = v2_params("HmacSHA1");
    let text = v1::string_to_sign("GET", "cvm.api.qcloud.com", "/v2/index.php", params.clone());
    assert_eq!(text, V2_SHA1_STRING, "step 1: string to sign");

    let signature = v1::sign(&secret_key(), SignatureMethod::HmacSha1, &text);
    assert_eq!(
        signature.expose_secret(),
        V2_SHA1_SIGNATURE,
        "step 2: signature"
    );

    // A server reads `SignatureMethod=HmacSHA1` as SHA-1.
    let mut signed = params;
    signed.push(("Signature", V2_SHA1_SIGNATURE));
    v1::verify(
        &secret_key(),
        "GET",
        "cvm.api.qcloud.com",
        "/v2/index.php",
        signed.clone(),
    )
    .expect("V2 (SHA-1) verifies");
    // The same bytes signed with SHA-256 are a different signature.
    assert_ne!(
        v1::sign(&secret_key(), SignatureMethod::HmacSha256, &text).expose_secret(),
        V2_SHA1_SIGNATURE
    );
}

// ---------------------------------------------------------------------------------------
// "Known-answer vectors" V3 — the PY2 unit tests (`Sign('secretIdFoo','secretKeyBar').make(...)`), with Version.

const V3_STAMP: (u64, u64) = (1512393162, 1290303896666895346);

fn v3_params(signature_method: &'static str) -> Vec<(&'static str, &'static str)> {
    vec![
        ("SecretId", "secretIdFoo"),
        ("Region", "ap-guangzhou"),
        ("SignatureMethod", signature_method),
        ("Nonce", "1290303896666895346"),
        ("Timestamp", "1512393162"),
        ("Action", "DescribeInstances"),
        ("Version", "2017-03-12"),
    ]
}

fn v3_string(method: &str, signature_method: &str) -> String {
    format!(
        "{method}cvm.api.qcloud.com/v2/index.php?Action=DescribeInstances\
         &Nonce=1290303896666895346&Region=ap-guangzhou&SecretId=secretIdFoo\
         &SignatureMethod={signature_method}&Timestamp=1512393162&Version=2017-03-12"
    )
}

/// One PY2 case: string, signature, and that a server verifies it.
fn assert_v3(method: &str, signature_method: SignatureMethod, expected: &str) {
    let key = SecretKey::new("secretKeyBar");
    let params = v3_params(signature_method.as_str());
    let text = v1::string_to_sign(
        method,
        "cvm.api.qcloud.com",
        "/v2/index.php",
        params.clone(),
    );
    assert_eq!(
        text,
        v3_string(&method.to_ascii_uppercase(), signature_method.as_str()),
        "step 1: string to sign ({method} {signature_method})"
    );

    let signature = v1::sign(&key, signature_method, &text);
    assert_eq!(
        signature.expose_secret(),
        expected,
        "step 2: signature ({method} {signature_method})"
    );

    let mut signed = params;
    signed.push(("Signature", expected));
    v1::verify(&key, method, "cvm.api.qcloud.com", "/v2/index.php", signed)
        .expect("the PY2 vector verifies");
}

#[test]
fn v3_post_sha1() {
    assert_v3(
        "POST",
        SignatureMethod::HmacSha1,
        "p3n+pxBqF5JGZtDSxoVn5tGngf0=",
    );
}

#[test]
fn v3_lower_case_post_is_upper_cased() {
    assert_v3(
        "post",
        SignatureMethod::HmacSha1,
        "p3n+pxBqF5JGZtDSxoVn5tGngf0=",
    );
}

#[test]
fn v3_post_sha256() {
    assert_v3(
        "POST",
        SignatureMethod::HmacSha256,
        "B2T37FRSP6Fk0/q/cdfrTE0p3zX5ooB/2BPWZUFpsj4=",
    );
}

#[test]
fn v3_get_sha1() {
    assert_v3(
        "GET",
        SignatureMethod::HmacSha1,
        "5HAq1BOKNLEE2/uauWnp6Zv9Z3c=",
    );
}

#[test]
fn v3_post_sha256_through_config_encode() {
    let config = vector_config(
        Credential::new("secretIdFoo", "secretKeyBar").unwrap(),
        CVM_V2,
    )
    .with_region("ap-guangzhou")
    .with_signature_method(SignatureMethod::HmacSha256)
    .with_http_method(HttpMethod::Post);
    let describe = Api2RawAction::new("DescribeInstances").param("Version", "2017-03-12");
    assert_config_steps(
        &config,
        &describe,
        Stamp::new(V3_STAMP.0, V3_STAMP.1).unwrap(),
        &v3_string("POST", "HmacSHA256"),
        "B2T37FRSP6Fk0/q/cdfrTE0p3zX5ooB/2BPWZUFpsj4=",
        "Action=DescribeInstances&Nonce=1290303896666895346&Region=ap-guangzhou\
         &SecretId=secretIdFoo&SignatureMethod=HmacSHA256&Timestamp=1512393162\
         &Version=2017-03-12&Signature=B2T37FRSP6Fk0%2Fq%2FcdfrTE0p3zX5ooB%2F2BPWZUFpsj4%3D",
    );
}

// ---------------------------------------------------------------------------------------
// "Known-answer vectors" V4 — the v1 signature on an API 3.0 host (path `/`), and the Go test's extra vector.

const V4_STRING: &str = "GETcvm.tencentcloudapi.com/?Action=DescribeInstances&InstanceIds.0=ins-09dx96dg&Limit=20&Nonce=11886&Offset=0&Region=ap-guangzhou&SecretId=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE&Timestamp=1465185768&Version=2017-03-12";
const V4_SIGNATURE: &str = "EliP9YW3pW28FpsEdkXt/+WcGeI=";
const V4_KEY: &str = "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE";
const V4_ID: &str = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE";

#[test]
fn v4_with_the_v1_functions() {
    let params = [
        ("Version", "2017-03-12"),
        ("Timestamp", "1465185768"),
        ("SecretId", V4_ID),
        ("Region", "ap-guangzhou"),
        ("Offset", "0"),
        ("Nonce", "11886"),
        ("Limit", "20"),
        ("InstanceIds.0", "ins-09dx96dg"),
        ("Action", "DescribeInstances"),
    ];
    let text = v1::string_to_sign("GET", "cvm.tencentcloudapi.com", "/", params);
    assert_eq!(text, V4_STRING, "step 1: string to sign");

    let signature = v1::sign(&SecretKey::new(V4_KEY), SignatureMethod::HmacSha1, &text);
    assert_eq!(signature.expose_secret(), V4_SIGNATURE, "step 2: signature");

    let encoded: String =
        percent_encoding::utf8_percent_encode(signature.expose_secret(), RFC3986).collect();
    assert_eq!(
        encoded, "EliP9YW3pW28FpsEdkXt%2F%2BWcGeI%3D",
        "step 3: URL-encoded signature"
    );
}

#[test]
fn v4_through_config_encode() {
    let config = vector_config(
        Credential::new(V4_ID, V4_KEY).unwrap(),
        "https://cvm.tencentcloudapi.com/",
    )
    .with_region("ap-guangzhou");
    let describe = Api2RawAction::new("DescribeInstances")
        .param("InstanceIds.0", "ins-09dx96dg")
        .param("Limit", "20")
        .param("Offset", "0")
        .param("Version", "2017-03-12");
    assert_config_steps(
        &config,
        &describe,
        stamp(),
        V4_STRING,
        V4_SIGNATURE,
        &format!(
            "https://cvm.tencentcloudapi.com/?Action=DescribeInstances&InstanceIds.0=ins-09dx96dg\
             &Limit=20&Nonce=11886&Offset=0&Region=ap-guangzhou&SecretId={V4_ID}\
             &Timestamp=1465185768&Version=2017-03-12&Signature=EliP9YW3pW28FpsEdkXt%2F%2BWcGeI%3D"
        ),
    );
}

#[test]
fn go_test_vector_on_the_api_3_host() {
    let text = v1::string_to_sign(
        "GET",
        "cvm.tencentcloudapi.com",
        "/",
        [
            ("offset", "0"),
            ("limit", "20"),
            ("instanceIds.0", "ins-09dx96dg"),
            ("Timestamp", "1465185768"),
            ("SecretId", SECRET_ID),
            ("Region", "gz"),
            ("Nonce", "11886"),
            ("Action", "DescribeInstances"),
        ],
    );
    assert_eq!(
        text,
        "GETcvm.tencentcloudapi.com/?Action=DescribeInstances&Nonce=11886&Region=gz\
         &SecretId=AKIDz8krbsJ5yKBZQpn74WFkmLPx3gnPhESA&Timestamp=1465185768\
         &instanceIds.0=ins-09dx96dg&limit=20&offset=0",
        "step 1: string to sign"
    );
    let signature = v1::sign(
        &SecretKey::new("Fu5t9xGARNpq86cd98joQYCN3Cozk1qX"),
        SignatureMethod::HmacSha1,
        &text,
    );
    assert_eq!(
        signature.expose_secret(),
        "ZLvslzTWZTUyzVPopuMw3fKMQkg=",
        "step 2: signature"
    );
}

// ---------------------------------------------------------------------------------------
// "Derived csec vectors" D1–D3 — derived csec vectors, through Config (region gz, default endpoint).

const D1_STRING: &str = "GETcsec.api.qcloud.com/v2/index.php?Action=CaptchaIframeQuery&Nonce=11886&Region=gz&SecretId=AKIDz8krbsJ5yKBZQpn74WFkmLPx3gnPhESA&Timestamp=1465185768&accountType=0&businessId=1&captchaType=9&clientType=2&disturbLevel=1&isHttps=1&userIp=127.0.0.1";
const D1_SIGNATURE: &str = "2p+rzpy9SJJ5kXkpt0ubhI182X4=";
const D1_URL: &str = "https://csec.api.qcloud.com/v2/index.php?Action=CaptchaIframeQuery&Nonce=11886&Region=gz&SecretId=AKIDz8krbsJ5yKBZQpn74WFkmLPx3gnPhESA&Timestamp=1465185768&accountType=0&businessId=1&captchaType=9&clientType=2&disturbLevel=1&isHttps=1&userIp=127.0.0.1&Signature=2p%2Brzpy9SJJ5kXkpt0ubhI182X4%3D";

fn d1_query() -> CaptchaIframeQuery {
    CaptchaIframeQuery::new(
        CaptchaType::Slider,
        DisturbLevel::Low,
        IsHttps::Https,
        ClientType::PcWeb,
    )
    .with_user_info(UserInfo {
        user_ip: Some("127.0.0.1".parse().unwrap()),
        business_id: Some(1),
        ..UserInfo::default()
    })
}

/// The default endpoint and region, no RequestClient: the D vectors' setting.
fn csec_config() -> Api2Config {
    let config = Api2Config::new(credential()).with_request_client(None);
    assert_eq!(config.endpoint().as_str(), CSEC_V2);
    assert_eq!(config.region(), "gz");
    config
}

#[test]
fn d1_iframe_query_get_sha1() {
    assert_config_steps(
        &csec_config(),
        &d1_query(),
        stamp(),
        D1_STRING,
        D1_SIGNATURE,
        D1_URL,
    );
}

#[test]
fn d2_iframe_query_get_sha256() {
    let config = csec_config().with_signature_method(SignatureMethod::HmacSha256);
    assert_config_steps(
        &config,
        &d1_query(),
        stamp(),
        "GETcsec.api.qcloud.com/v2/index.php?Action=CaptchaIframeQuery&Nonce=11886&Region=gz\
         &SecretId=AKIDz8krbsJ5yKBZQpn74WFkmLPx3gnPhESA&SignatureMethod=HmacSHA256\
         &Timestamp=1465185768&accountType=0&businessId=1&captchaType=9&clientType=2\
         &disturbLevel=1&isHttps=1&userIp=127.0.0.1",
        "BO4mVo/56PohtzfavKtO+hooALBlWCbgKyqPIWERYcg=",
        "https://csec.api.qcloud.com/v2/index.php?Action=CaptchaIframeQuery&Nonce=11886\
         &Region=gz&SecretId=AKIDz8krbsJ5yKBZQpn74WFkmLPx3gnPhESA&SignatureMethod=HmacSHA256\
         &Timestamp=1465185768&accountType=0&businessId=1&captchaType=9&clientType=2\
         &disturbLevel=1&isHttps=1&userIp=127.0.0.1\
         &Signature=BO4mVo%2F56PohtzfavKtO%2BhooALBlWCbgKyqPIWERYcg%3D",
    );
}

const D3_TICKET: &str = "t02 a+b/c=d*~";
const D3_SIGNED: &str = "Action=CaptchaCheck&Nonce=11886&Region=gz&SecretId=AKIDz8krbsJ5yKBZQpn74WFkmLPx3gnPhESA&Timestamp=1465185768&accountType=0&businessId=1&captchaType=9&ticket=t02 a+b/c=d*~&userIp=127.0.0.1";
const D3_WIRE: &str = "Action=CaptchaCheck&Nonce=11886&Region=gz&SecretId=AKIDz8krbsJ5yKBZQpn74WFkmLPx3gnPhESA&Timestamp=1465185768&accountType=0&businessId=1&captchaType=9&ticket=t02%20a%2Bb%2Fc%3Dd%2A~&userIp=127.0.0.1";

fn d3_check() -> CaptchaCheck {
    CaptchaCheck::new(D3_TICKET, "127.0.0.1".parse().unwrap(), CaptchaType::Slider).with_user_info(
        UserInfo {
            business_id: Some(1),
            ..UserInfo::default()
        },
    )
}

#[test]
fn d3_check_get_signs_the_raw_ticket_and_sends_it_encoded() {
    assert_config_steps(
        &csec_config(),
        &d3_check(),
        stamp(),
        &format!("GETcsec.api.qcloud.com/v2/index.php?{D3_SIGNED}"),
        "2bmnXCTVsVSMKayEC96E7jz9l2A=",
        &format!("{CSEC_V2}?{D3_WIRE}&Signature=2bmnXCTVsVSMKayEC96E7jz9l2A%3D"),
    );
}

#[test]
fn d3_check_post_puts_everything_in_the_body() {
    let config = csec_config().with_http_method(HttpMethod::Post);
    assert_config_steps(
        &config,
        &d3_check(),
        stamp(),
        &format!("POSTcsec.api.qcloud.com/v2/index.php?{D3_SIGNED}"),
        "Lu9KKGNYMIy3EkpO7nZhr5p3Q5A=",
        &format!("{D3_WIRE}&Signature=Lu9KKGNYMIy3EkpO7nZhr5p3Q5A%3D"),
    );
    let request = config.encode(&d3_check(), stamp()).unwrap();
    assert_eq!(request.uri(), CSEC_V2, "nothing in the query");
    // A server decodes the body back to the raw ticket.
    let params = common::wire_params(&request);
    assert!(params.contains(&("ticket".to_owned(), D3_TICKET.to_owned())));
}

// ---------------------------------------------------------------------------------------
// RequestClient: on by default, signed; off on request.

#[test]
fn request_client_is_sent_and_signed_by_default() {
    assert_eq!(
        REQUEST_CLIENT,
        concat!("SDK_RUST_", env!("CARGO_PKG_VERSION"))
    );
    let config = Api2Config::new(credential());
    assert_eq!(config.request_client(), Some(REQUEST_CLIENT));

    let text = config.string_to_sign(&d1_query(), stamp()).unwrap();
    assert_eq!(
        text,
        D1_STRING.replace(
            "&Region=gz&",
            &format!("&Region=gz&RequestClient={REQUEST_CLIENT}&")
        ),
        "RequestClient is signed, in byte order after Region"
    );

    let request = config.encode(&d1_query(), stamp()).unwrap();
    let params = common::wire_params(&request);
    assert!(params.contains(&("RequestClient".to_owned(), REQUEST_CLIENT.to_owned())));
    v1::verify(
        &secret_key(),
        "GET",
        "csec.api.qcloud.com",
        "/v2/index.php",
        as_pairs(&params),
    )
    .expect("a request with RequestClient verifies");

    // The server signs over what it received: without RequestClient the signature fails.
    let stripped: Vec<_> = params
        .iter()
        .filter(|(k, _)| k != "RequestClient")
        .cloned()
        .collect();
    assert_eq!(
        v1::verify(
            &secret_key(),
            "GET",
            "csec.api.qcloud.com",
            "/v2/index.php",
            as_pairs(&stripped)
        ),
        Err(v1::VerifyError::Mismatch)
    );
}

#[test]
fn request_client_can_be_switched_off_or_replaced() {
    let off = Api2Config::new(credential()).with_request_client(None);
    let request = off.encode(&d1_query(), stamp()).unwrap();
    assert!(!request.uri().to_string().contains("RequestClient"));
    assert_eq!(request.uri().to_string(), D1_URL);

    let custom = Api2Config::new(credential()).with_request_client(Some("my-app_1.0;rust,x"));
    let request = custom.encode(&d1_query(), stamp()).unwrap();
    let params = common::wire_params(&request);
    assert!(params.contains(&("RequestClient".to_owned(), "my-app_1.0;rust,x".to_owned())));
    v1::verify(
        &secret_key(),
        "GET",
        "csec.api.qcloud.com",
        "/v2/index.php",
        as_pairs(&params),
    )
    .unwrap();

    for bad in ["has space", "ünïcode", &"x".repeat(129)] {
        let err = Api2Config::new(credential())
            .with_request_client(Some(bad))
            .encode(&d1_query(), stamp())
            .unwrap_err();
        assert!(
            matches!(
                err,
                EncodeError::InvalidValue {
                    field: "RequestClient",
                    ..
                }
            ),
            "{bad:?}: {err:?}"
        );
    }
    let err = Api2Config::new(credential())
        .with_request_client(Some(""))
        .encode(&d1_query(), stamp())
        .unwrap_err();
    assert_eq!(
        err,
        EncodeError::EmptyField {
            field: "RequestClient"
        }
    );
}

#[test]
fn token_is_signed_between_timestamp_and_the_action_params() {
    let config =
        Api2Config::new(credential().with_token("sts/token=").unwrap()).with_request_client(None);
    let text = config.string_to_sign(&d1_query(), stamp()).unwrap();
    assert_eq!(
        text,
        D1_STRING.replace(
            "&Timestamp=1465185768&",
            "&Timestamp=1465185768&Token=sts/token=&"
        )
    );
    let request = config.encode(&d1_query(), stamp()).unwrap();
    assert!(request.uri().to_string().contains("&Token=sts%2Ftoken%3D&"));
    let params = common::wire_params(&request);
    v1::verify(
        &secret_key(),
        "GET",
        "csec.api.qcloud.com",
        "/v2/index.php",
        as_pairs(&params),
    )
    .unwrap();
}

#[test]
fn a_local_endpoint_signs_the_bare_host_without_port() {
    let config = csec_config().with_endpoint("http://127.0.0.1:8080/v2/index.php".parse().unwrap());
    let text = config.string_to_sign(&d1_query(), stamp()).unwrap();
    assert_eq!(
        text,
        D1_STRING.replace("csec.api.qcloud.com", "127.0.0.1"),
        "no scheme, no port in the signed host"
    );
    let request = config.encode(&d1_query(), stamp()).unwrap();
    assert!(
        request
            .uri()
            .to_string()
            .starts_with("http://127.0.0.1:8080/v2/index.php?Action=CaptchaIframeQuery&")
    );
}
