//! Golden vectors for the other API 3.0 modes (TC3 over GET, signature v1 `HmacSHA1` /
//! `HmacSHA256` over POST or GET): for pinned inputs, `Api3Config::encode` must build the
//! very request the official Python SDK (`tencentcloud-sdk-python-common` 3.1.195) builds —
//! URL, body, headers and signature, byte for byte.
//!
//! The vectors were printed by this script (`time.time` and `random.randint` pinned, so
//! timestamp and nonce are fixed; the request client set to a fixed string):
//!
//! ```python
//! from unittest import mock
//! from tencentcloud.common import credential
//! from tencentcloud.common.profile.client_profile import ClientProfile
//! from tencentcloud.common.profile.http_profile import HttpProfile
//! from tencentcloud.common.abstract_client import AbstractClient
//! from tencentcloud.common.http.request import RequestInternal
//!
//! class Captcha(AbstractClient):
//!     _apiVersion, _endpoint, _service = "2019-07-22", "captcha.tencentcloudapi.com", "captcha"
//!
//! class Cvm(AbstractClient):
//!     _apiVersion, _endpoint, _service = "2017-03-12", "cvm.tencentcloudapi.com", "cvm"
//!
//! ID, KEY = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE", "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE"
//! check = {"CaptchaType": 9, "Ticket": "t03ticket*~", "UserIp": "203.0.113.7", "Randstr": "@Vki",
//!          "CaptchaAppId": 199999164, "AppSecretKey": "app-secret/+="}
//! nested = {"Filters": [{"Name": "zone", "Values": ["ap-guangzhou-1", "ap-guangzhou-3"]}], "Limit": 1.5}
//! cases = [
//!     (Captcha, check, "TC3-HMAC-SHA256", "GET", None, "ap-guangzhou", "en-US"),
//!     (Captcha, check, "HmacSHA1", "POST", None, "ap-guangzhou", "en-US"),
//!     (Captcha, check, "HmacSHA256", "GET", None, "ap-guangzhou", "en-US"),
//!     (Cvm, nested, "TC3-HMAC-SHA256", "GET", "sts-token", None, None),
//!     (Cvm, nested, "HmacSHA256", "POST", "sts-token", "ap-guangzhou", None),
//! ]
//! for cls, params, sign, method, token, region, language in cases:
//!     cp = ClientProfile(signMethod=sign, httpProfile=HttpProfile(reqMethod=method))
//!     cp.language = language
//!     client = cls(credential.Credential(ID, KEY, token), region, cp)
//!     client.request_client = "SDK_PYTHON_3.1.195"
//!     req = RequestInternal(client._get_endpoint(), method, client._requestPath, header={})
//!     with mock.patch("time.time", return_value=1700000000.5), \
//!          mock.patch("random.randint", return_value=424242):
//!         client._build_req_inter("DescribeCaptchaResult" if cls is Captcha else "DescribeInstances", dict(params), req)
//!     print("==", cls.__name__, sign, method, "token" if token else "", region, language)
//!     print("url", "https://%s%s%s" % (client._get_endpoint(), req.uri, "?" + req.data if method == "GET" else ""))
//!     print("body", req.data if method == "POST" else "")
//!     for k in sorted(req.header):
//!         print("header", k, req.header[k])
//! ```
//!
//! The Python SDK url-encodes with `quote_plus` and we with RFC 3986: they differ only for
//! a space (`+` against `%20`), so the pinned values hold none; it also writes booleans
//! as `True`/`False` where we write `true`/`false`, so they hold none either.

use captcha_proto::api3::{
    Api3Config, Api3RawAction, Api3Signature, DescribeCaptchaResult, Language,
};
use captcha_proto::{Credential, HttpMethod, Stamp};

const ID: &str = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE";
const KEY: &str = "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE";
const PYTHON_CLIENT: &str = "SDK_PYTHON_3.1.195";

fn stamp() -> Stamp {
    Stamp::new(1_700_000_000, 424_242).unwrap()
}

fn check() -> DescribeCaptchaResult {
    DescribeCaptchaResult::new(
        "t03ticket*~",
        "@Vki",
        "203.0.113.7".parse().unwrap(),
        199_999_164,
        "app-secret/+=",
    )
}

fn captcha_config(signature: Api3Signature, method: HttpMethod) -> Api3Config {
    Api3Config::new(Credential::new(ID, KEY).unwrap())
        .with_region("ap-guangzhou")
        .with_language(Language::EnUs)
        .with_request_client(Some(PYTHON_CLIENT))
        .with_signature(signature)
        .with_http_method(method)
}

fn nested() -> Api3RawAction {
    Api3RawAction::new("cvm", "2017-03-12", "DescribeInstances")
        .param(
            "Filters",
            serde_json::json!([{"Name": "zone", "Values": ["ap-guangzhou-1", "ap-guangzhou-3"]}]),
        )
        .param("Limit", 1.5)
}

fn cvm_config(signature: Api3Signature, method: HttpMethod) -> Api3Config {
    let credential = Credential::new(ID, KEY)
        .unwrap()
        .with_token("sts-token")
        .unwrap();
    Api3Config::new(credential)
        .with_endpoint("https://cvm.tencentcloudapi.com/".parse().unwrap())
        .with_request_client(Some(PYTHON_CLIENT))
        .with_signature(signature)
        .with_http_method(method)
}

/// Asserts method, URL, body and the whole header set (names lower-cased, sorted).
fn assert_request(
    request: &http::Request<Vec<u8>>,
    method: &str,
    url: &str,
    body: &str,
    headers: &[(&str, &str)],
) {
    assert_eq!(request.method().as_str(), method);
    assert_eq!(request.uri().to_string(), url);
    assert_eq!(std::str::from_utf8(request.body()).unwrap(), body);
    let mut ours: Vec<(String, String)> = request
        .headers()
        .iter()
        .map(|(k, v)| (k.as_str().to_owned(), v.to_str().unwrap().to_owned()))
        .collect();
    ours.sort();
    let mut theirs: Vec<(String, String)> = headers
        .iter()
        .map(|(k, v)| (k.to_ascii_lowercase(), (*v).to_owned()))
        .collect();
    theirs.sort();
    assert_eq!(ours, theirs);
}

#[test]
fn tc3_get_matches_the_python_sdk() {
    let config = captcha_config(Api3Signature::Tc3, HttpMethod::Get);
    let request = config.encode(&check(), stamp()).unwrap();
    assert_request(
        &request,
        "GET",
        "https://captcha.tencentcloudapi.com/?CaptchaType=9&Ticket=t03ticket%2A~\
         &UserIp=203.0.113.7&Randstr=%40Vki&CaptchaAppId=199999164&AppSecretKey=app-secret%2F%2B%3D",
        "",
        &[
            (
                "Authorization",
                "TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2023-11-14/captcha/tc3_request, \
                 SignedHeaders=content-type;host, \
                 Signature=c2b5516a79283d9cd3f87d89e9bd75feb327c56bc6347272680348deebf42183",
            ),
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Host", "captcha.tencentcloudapi.com"),
            ("X-TC-Action", "DescribeCaptchaResult"),
            ("X-TC-Language", "en-US"),
            ("X-TC-Region", "ap-guangzhou"),
            ("X-TC-RequestClient", "SDK_PYTHON_3.1.195"),
            ("X-TC-Timestamp", "1700000000"),
            ("X-TC-Version", "2019-07-22"),
        ],
    );
}

#[test]
fn v1_hmac_sha1_post_matches_the_python_sdk() {
    let config = captcha_config(Api3Signature::HmacSha1, HttpMethod::Post);
    let request = config.encode(&check(), stamp()).unwrap();
    // The Python SDK leaves `Host` to its HTTP library, which sends the endpoint's host.
    assert_request(
        &request,
        "POST",
        "https://captcha.tencentcloudapi.com/",
        "CaptchaType=9&Ticket=t03ticket%2A~&UserIp=203.0.113.7&Randstr=%40Vki\
         &CaptchaAppId=199999164&AppSecretKey=app-secret%2F%2B%3D&Action=DescribeCaptchaResult\
         &RequestClient=SDK_PYTHON_3.1.195&Nonce=424242&Timestamp=1700000000&Version=2019-07-22\
         &Region=ap-guangzhou&SecretId=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE&SignatureMethod=HmacSHA1\
         &Language=en-US&Signature=I4tPyOyt8CpSw6Uv4HqqxLVl5hM%3D",
        &[
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Host", "captcha.tencentcloudapi.com"),
        ],
    );
}

#[test]
fn v1_hmac_sha256_get_matches_the_python_sdk() {
    let config = captcha_config(Api3Signature::HmacSha256, HttpMethod::Get);
    let request = config.encode(&check(), stamp()).unwrap();
    assert_request(
        &request,
        "GET",
        "https://captcha.tencentcloudapi.com/?CaptchaType=9&Ticket=t03ticket%2A~\
         &UserIp=203.0.113.7&Randstr=%40Vki&CaptchaAppId=199999164&AppSecretKey=app-secret%2F%2B%3D\
         &Action=DescribeCaptchaResult&RequestClient=SDK_PYTHON_3.1.195&Nonce=424242\
         &Timestamp=1700000000&Version=2019-07-22&Region=ap-guangzhou\
         &SecretId=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE&SignatureMethod=HmacSHA256&Language=en-US\
         &Signature=l3Pz4M%2FkggTbZyRywiYBL8UCDhe58GtFzu%2BcahLTz7A%3D",
        "",
        &[
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Host", "captcha.tencentcloudapi.com"),
        ],
    );
}

#[test]
fn tc3_get_flattens_nested_params_and_sends_the_token_like_the_python_sdk() {
    let config = cvm_config(Api3Signature::Tc3, HttpMethod::Get);
    let request = config.encode(&nested(), stamp()).unwrap();
    assert_request(
        &request,
        "GET",
        "https://cvm.tencentcloudapi.com/?Filters.0.Name=zone&Filters.0.Values.0=ap-guangzhou-1\
         &Filters.0.Values.1=ap-guangzhou-3&Limit=1.5",
        "",
        &[
            (
                "Authorization",
                "TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2023-11-14/cvm/tc3_request, \
                 SignedHeaders=content-type;host, \
                 Signature=4d8c32f02407dee16c8c7326518ceeb23ac79d4becc4d697416294158cb71503",
            ),
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Host", "cvm.tencentcloudapi.com"),
            ("X-TC-Action", "DescribeInstances"),
            ("X-TC-RequestClient", "SDK_PYTHON_3.1.195"),
            ("X-TC-Timestamp", "1700000000"),
            ("X-TC-Token", "sts-token"),
            ("X-TC-Version", "2017-03-12"),
        ],
    );
}

#[test]
fn v1_hmac_sha256_post_flattens_nested_params_and_sends_the_token_like_the_python_sdk() {
    let config =
        cvm_config(Api3Signature::HmacSha256, HttpMethod::Post).with_region("ap-guangzhou");
    let request = config.encode(&nested(), stamp()).unwrap();
    assert_request(
        &request,
        "POST",
        "https://cvm.tencentcloudapi.com/",
        "Filters.0.Name=zone&Filters.0.Values.0=ap-guangzhou-1&Filters.0.Values.1=ap-guangzhou-3\
         &Limit=1.5&Action=DescribeInstances&RequestClient=SDK_PYTHON_3.1.195&Nonce=424242\
         &Timestamp=1700000000&Version=2017-03-12&Region=ap-guangzhou&Token=sts-token\
         &SecretId=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE&SignatureMethod=HmacSHA256\
         &Signature=oFvsBi3RqK7EEfpWNAGI6Xmnd9Ak2JS%2BnVKKTNP7evs%3D",
        &[
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Host", "cvm.tencentcloudapi.com"),
        ],
    );
}

#[test]
fn v1_refuses_a_payload_key_it_sets_itself_naming_it() {
    let config = captcha_config(Api3Signature::HmacSha1, HttpMethod::Post);
    let action = Api3RawAction::new("captcha", "2019-07-22", "X").param("Nonce", 1);
    assert_eq!(
        config.encode(&action, stamp()).unwrap_err(),
        captcha_proto::EncodeError::ReservedParameter {
            name: "Nonce".into()
        }
    );
}

#[test]
fn debug_still_redacts_the_secret_in_every_mode() {
    for signature in [
        Api3Signature::Tc3,
        Api3Signature::HmacSha1,
        Api3Signature::HmacSha256,
    ] {
        let shown = format!("{:?}", captcha_config(signature, HttpMethod::Get));
        assert!(!shown.contains(KEY), "{shown}");
        assert!(shown.contains("Get"), "{shown}");
    }
}
