//! Requests signed by the official API 2.0 Python SDK (`pip install qcloudapi-sdk-python`,
//! version 2.0.15) are accepted. The signatures and wire strings below were produced by
//! its own signer and `urllib.parse.urlencode`, with this script:
//!
//! ```python
//! from urllib.parse import urlencode
//! from QcloudApi.common.sign import Sign
//! ID = "AKIDemulator0000000000000000000000000"
//! KEY = "emulator-secret-key"
//! cases = [
//!   ("GET", "HmacSHA1", {"Action": "CaptchaIframeQuery", "Region": "gz", "Timestamp": 1700000000, "Nonce": 11886,
//!      "SecretId": ID, "RequestClient": "SDK_PYTHON_2.0", "captchaType": 9, "disturbLevel": 1, "isHttps": 1,
//!      "clientType": 2, "accountType": 0, "userIp": "127.0.0.1", "businessId": 1}),
//!   ("POST", "HmacSHA256", {"Action": "CaptchaGetUrl", "Region": "gz", "Timestamp": 1700000100, "Nonce": 1290303896666895346,
//!      "SecretId": ID, "RequestClient": "SDK_PYTHON_2.0", "SignatureMethod": "HmacSHA256", "uid": "用户 42", "appId": "201293"}),
//!   ("GET", "HmacSHA1", {"Action": "CaptchaVerify", "Region": "sz", "Timestamp": 1700000200, "Nonce": 31337,
//!      "SecretId": ID, "RequestClient": "SDK_PYTHON_2.0", "captchaSig": "b01B-QY1Z/x+y=*", "verifyCode": "uazm", "ext_info": "a_b"}),
//!   ("POST", "HmacSHA1", {"Action": "CaptchaQuery", "Region": "gz", "Timestamp": 1700000300, "Nonce": 65535,
//!      "SecretId": ID, "RequestClient": "SDK_PYTHON_2.0", "userIp": "121.14.96.121", "businessId": 1, "captchaType": 1,
//!      "registerTime": 1440416972, "script": 0}),
//! ]
//! for method, sm, params in cases:
//!     sig = Sign(ID, KEY).make("127.0.0.1", "/v2/index.php", params, method, sm)
//!     p = dict(params); p["Signature"] = sig
//!     print(method, sm, sig)
//!     print(urlencode(p))
//! ```

mod support;

use captcha_proto::SecretKey;
use captcha_proto::v1::{self, SignatureMethod};
use support::{KEY, get, post};

struct Vector {
    method: &'static str,
    timestamp: u64,
    signature: &'static str,
    wire: &'static str,
}

const VECTORS: [Vector; 4] = [
    Vector {
        method: "GET",
        timestamp: 1_700_000_000,
        signature: "X4v3735aVyHM09FmiJxgn6/2zc0=",
        wire: "Action=CaptchaIframeQuery&Region=gz&Timestamp=1700000000&Nonce=11886&SecretId=AKIDemulator0000000000000000000000000&RequestClient=SDK_PYTHON_2.0&captchaType=9&disturbLevel=1&isHttps=1&clientType=2&accountType=0&userIp=127.0.0.1&businessId=1&Signature=X4v3735aVyHM09FmiJxgn6%2F2zc0%3D",
    },
    Vector {
        method: "POST",
        timestamp: 1_700_000_100,
        signature: "VAIsq/h2nuwbdtYH0Nqi1Zi+IqnOIeOHkchWiwUJOg0=",
        wire: "Action=CaptchaGetUrl&Region=gz&Timestamp=1700000100&Nonce=1290303896666895346&SecretId=AKIDemulator0000000000000000000000000&RequestClient=SDK_PYTHON_2.0&SignatureMethod=HmacSHA256&uid=%E7%94%A8%E6%88%B7+42&appId=201293&Signature=VAIsq%2Fh2nuwbdtYH0Nqi1Zi%2BIqnOIeOHkchWiwUJOg0%3D",
    },
    Vector {
        method: "GET",
        timestamp: 1_700_000_200,
        signature: "1bXRJp/Nq3d3WEwGwpGes5txGsM=",
        wire: "Action=CaptchaVerify&Region=sz&Timestamp=1700000200&Nonce=31337&SecretId=AKIDemulator0000000000000000000000000&RequestClient=SDK_PYTHON_2.0&captchaSig=b01B-QY1Z%2Fx%2By%3D%2A&verifyCode=uazm&ext_info=a_b&Signature=1bXRJp%2FNq3d3WEwGwpGes5txGsM%3D",
    },
    Vector {
        method: "POST",
        timestamp: 1_700_000_300,
        signature: "2DOy9k5LwIDnfun9KXmYWyTj3AY=",
        wire: "Action=CaptchaQuery&Region=gz&Timestamp=1700000300&Nonce=65535&SecretId=AKIDemulator0000000000000000000000000&RequestClient=SDK_PYTHON_2.0&userIp=121.14.96.121&businessId=1&captchaType=1&registerTime=1440416972&script=0&Signature=2DOy9k5LwIDnfun9KXmYWyTj3AY%3D",
    },
];

#[test]
fn the_core_signer_agrees_with_the_python_sdk() {
    for vector in &VECTORS {
        let pairs: Vec<(String, String)> = form_urlencoded::parse(vector.wire.as_bytes())
            .into_owned()
            .collect();
        let unsigned = pairs
            .iter()
            .filter(|(k, _)| k != "Signature")
            .map(|(k, v)| (k.as_str(), v.as_str()));
        let text = v1::string_to_sign(vector.method, "127.0.0.1", "/v2/index.php", unsigned);
        let method = SignatureMethod::from_parameter(
            pairs
                .iter()
                .find(|(k, _)| k == "SignatureMethod")
                .map(|(_, v)| v.as_str()),
        );
        let signature = v1::sign(&SecretKey::new(KEY), method, &text);
        assert_eq!(signature.expose_secret(), vector.signature, "{text}");
    }
}

#[tokio::test]
async fn the_emulator_accepts_python_sdk_requests() {
    let h = support::start().await;
    for vector in &VECTORS {
        h.clock.set(vector.timestamp + 5);
        let request = match vector.method {
            "GET" => get(vector.wire),
            _ => post(vector.wire),
        };
        let answer = h.send(request).await;
        assert_eq!(
            answer.code(),
            0,
            "{} {}: {}",
            vector.method,
            vector.signature,
            answer.text()
        );
    }
    let stats = h.emulator.stats();
    for action in [
        "CaptchaIframeQuery",
        "CaptchaGetUrl",
        "CaptchaVerify",
        "CaptchaQuery",
    ] {
        assert_eq!(stats.requests(action), 1, "{action}");
    }
}

#[tokio::test]
async fn a_python_sdk_request_altered_in_transit_is_refused() {
    let h = support::start().await;
    h.clock.set(VECTORS[0].timestamp);
    let altered = VECTORS[0]
        .wire
        .replace("userIp=127.0.0.1", "userIp=127.0.0.2");
    assert_eq!(h.send(get(&altered)).await.code(), 4100);
    // Sent as POST although signed as GET.
    let answer = h.send(post(VECTORS[0].wire)).await;
    assert_eq!(answer.code(), 4100, "{}", answer.text());
}
