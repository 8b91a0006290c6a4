//! Vectors from an independent oracle: the official API 2.0 Python SDK
//! (`pip install qcloudapi-sdk-python`, version 2.0.15), whose
//! `QcloudApi/common/sign.py` `Sign(id, key).make(host, path, params, method, sign_method)`
//! signed each call below. The string to sign is the SDK's own (captured by wrapping
//! `hmac.new`), the wire form is Python's `urllib.parse.quote(v, safe='')` (RFC 3986) of
//! each key and value in signing order with `Signature` last.
//!
//! The calls carry `RequestClient` and non-ASCII, reserved-character values (no `userIp`
//! trickery: it is a plain IPv4 address). Our encoder agrees on every step.
//!
//! ```python
//! from urllib.parse import quote
//! from QcloudApi.common.sign import Sign
//! import hmac
//! from QcloudApi.common import sign as _sign
//! _real = hmac.new
//! def _spy(key, msg, digestmod):
//!     print('  to_sign  :', msg.decode('utf-8'))
//!     return _real(key, msg, digestmod)
//! _sign.hmac.new = _spy
//!
//! SID, KEY = 'AKIDz8krbsJ5yKBZQpn74WFkmLPx3gnPhESA', 'Gu5t9xGARNpq86cd98joQYCN3Cozk1qA'
//! HOST, PATH = 'csec.api.qcloud.com', '/v2/index.php'
//! COMMON = {'Region': 'gz', 'Timestamp': 1700000000, 'Nonce': 424242,
//!           'SecretId': SID, 'RequestClient': 'SDK_RUST_0.1.0'}
//!
//! def wire(params, sig):
//!     keys = sorted(params, key=lambda k: k.replace('_', '.'))
//!     pairs = [(k, str(params[k])) for k in keys] + [('Signature', sig)]
//!     return '&'.join(quote(k, safe='') + '=' + quote(v, safe='') for k, v in pairs)
//!
//! def vector(name, action, own, method, sign_method, token=None):
//!     params = dict(COMMON, Action=action, **own)
//!     if sign_method == 'HmacSHA256':
//!         params['SignatureMethod'] = 'HmacSHA256'
//!     if token:
//!         params['Token'] = token
//!     sig = Sign(SID, KEY).make(HOST, PATH, params, method, sign_method)
//!     print(name, method, sign_method)
//!     print('  signature:', sig)
//!     print('  wire     :', wire(params, sig))
//!
//! check = {'ticket': 't03Oracle/ticket+=', 'captchaType': 9, 'accountType': 0,
//!          'userIp': '203.0.113.7', 'uid': '用户 1', 'businessId': 1}
//! vector('O1', 'CaptchaCheck', check, 'GET', 'HmacSHA1')
//! vector('O2', 'CaptchaCheck', check, 'POST', 'HmacSHA256')
//! vector('O3', 'CaptchaCheck', dict(check, appId='wx_app', associateAccount='账号 ä&x=1',
//!        sceneId=3, xForwardedFor='198.51.100.1, 10.0.0.1'), 'GET', 'HmacSHA256',
//!        token='sts-tok/en=')
//! vector('O4', 'CaptchaCheck', dict(check, ticket='🎫 t+%/?#'), 'POST', 'HmacSHA1')
//! vector('O5', 'DescribeThings', {'Placement_Zone': 'CN_GUANGZHOU', 'instanceIds.0': 'ins-1',
//!        'limit': 20}, 'GET', 'HmacSHA1')
//! ```

mod common;

use captcha_proto::UserInfo;
use captcha_proto::api2::FORM_CONTENT_TYPE;
use captcha_proto::v1::{self, SignatureMethod};
use captcha_proto::{
    Api2Action, Api2Config, Api2RawAction, CaptchaCheck, CaptchaType, Credential, HttpMethod, Stamp,
};
use common::{SECRET_ID, SECRET_KEY, as_pairs};

const ENDPOINT: &str = "https://csec.api.qcloud.com/v2/index.php";

fn stamp() -> Stamp {
    Stamp::new(1700000000, 424242).unwrap()
}

fn config(
    credential: Credential,
    signature_method: SignatureMethod,
    http_method: HttpMethod,
) -> Api2Config {
    Api2Config::new(credential)
        .with_request_client(Some("SDK_RUST_0.1.0"))
        .with_signature_method(signature_method)
        .with_http_method(http_method)
}

fn credential() -> Credential {
    Credential::new(SECRET_ID, SECRET_KEY).unwrap()
}

/// The check of O1, O2 and O4.
fn check(ticket: &str) -> CaptchaCheck {
    CaptchaCheck::new(ticket, "203.0.113.7".parse().unwrap(), CaptchaType::Slider).with_user_info(
        UserInfo {
            uid: Some("用户 1".into()),
            business_id: Some(1),
            ..UserInfo::default()
        },
    )
}

/// Asserts the oracle's string to sign, signature and wire form, one step at a time.
fn assert_oracle<A: Api2Action>(
    config: &Api2Config,
    action: &A,
    string_to_sign: &str,
    signature: &str,
    wire: &str,
) {
    let text = config.string_to_sign(action, stamp()).unwrap();
    assert_eq!(text, string_to_sign, "step 1: string to sign");

    let signed = v1::sign(
        config.credential().secret_key(),
        config.signature_method(),
        &text,
    );
    assert_eq!(signed.expose_secret(), signature, "step 2: signature");

    let request = config.encode(action, stamp()).unwrap();
    let sent = match config.http_method() {
        HttpMethod::Get => {
            let uri = request.uri().to_string();
            uri.strip_prefix(&format!("{ENDPOINT}?"))
                .expect("GET sends everything in the query")
                .to_owned()
        }
        HttpMethod::Post => {
            assert_eq!(request.uri(), ENDPOINT, "POST sends nothing in the query");
            assert_eq!(
                request.headers()[http::header::CONTENT_TYPE],
                FORM_CONTENT_TYPE
            );
            String::from_utf8(request.body().clone()).unwrap()
        }
    };
    assert_eq!(sent, wire, "step 3: wire form");

    let params = common::wire_params(&request);
    v1::verify(
        config.credential().secret_key(),
        config.http_method().as_str(),
        "csec.api.qcloud.com",
        "/v2/index.php",
        as_pairs(&params),
    )
    .expect("the oracle's request verifies");
}

#[test]
fn o1_check_get_sha1() {
    assert_oracle(
        &config(credential(), SignatureMethod::HmacSha1, HttpMethod::Get),
        &check("t03Oracle/ticket+="),
        "GETcsec.api.qcloud.com/v2/index.php?Action=CaptchaCheck&Nonce=424242&Region=gz\
         &RequestClient=SDK_RUST_0.1.0&SecretId=AKIDz8krbsJ5yKBZQpn74WFkmLPx3gnPhESA\
         &Timestamp=1700000000&accountType=0&businessId=1&captchaType=9\
         &ticket=t03Oracle/ticket+=&uid=用户 1&userIp=203.0.113.7",
        "17RqhdSKxTKfOCtJlI5q8LCxTKM=",
        "Action=CaptchaCheck&Nonce=424242&Region=gz&RequestClient=SDK_RUST_0.1.0\
         &SecretId=AKIDz8krbsJ5yKBZQpn74WFkmLPx3gnPhESA&Timestamp=1700000000&accountType=0\
         &businessId=1&captchaType=9&ticket=t03Oracle%2Fticket%2B%3D\
         &uid=%E7%94%A8%E6%88%B7%201&userIp=203.0.113.7\
         &Signature=17RqhdSKxTKfOCtJlI5q8LCxTKM%3D",
    );
}

#[test]
fn o2_check_post_sha256() {
    assert_oracle(
        &config(credential(), SignatureMethod::HmacSha256, HttpMethod::Post),
        &check("t03Oracle/ticket+="),
        "POSTcsec.api.qcloud.com/v2/index.php?Action=CaptchaCheck&Nonce=424242&Region=gz\
         &RequestClient=SDK_RUST_0.1.0&SecretId=AKIDz8krbsJ5yKBZQpn74WFkmLPx3gnPhESA\
         &SignatureMethod=HmacSHA256&Timestamp=1700000000&accountType=0&businessId=1\
         &captchaType=9&ticket=t03Oracle/ticket+=&uid=用户 1&userIp=203.0.113.7",
        "YgiTf0K4U/umgdRI8tONwqQnCtsEPcTjDaNwuwyAfaA=",
        "Action=CaptchaCheck&Nonce=424242&Region=gz&RequestClient=SDK_RUST_0.1.0\
         &SecretId=AKIDz8krbsJ5yKBZQpn74WFkmLPx3gnPhESA&SignatureMethod=HmacSHA256\
         &Timestamp=1700000000&accountType=0&businessId=1&captchaType=9\
         &ticket=t03Oracle%2Fticket%2B%3D&uid=%E7%94%A8%E6%88%B7%201&userIp=203.0.113.7\
         &Signature=YgiTf0K4U%2FumgdRI8tONwqQnCtsEPcTjDaNwuwyAfaA%3D",
    );
}

#[test]
fn o3_check_get_sha256_with_token_and_user_fields() {
    let credential = credential().with_token("sts-tok/en=").unwrap();
    let action = check("t03Oracle/ticket+=").with_user_info(UserInfo {
        app_id: Some("wx_app".into()),
        associate_account: Some("账号 ä&x=1".into()),
        scene_id: Some(3),
        x_forwarded_for: Some("198.51.100.1, 10.0.0.1".into()),
        ..UserInfo::default()
    });
    assert_oracle(
        &config(credential, SignatureMethod::HmacSha256, HttpMethod::Get),
        &action,
        "GETcsec.api.qcloud.com/v2/index.php?Action=CaptchaCheck&Nonce=424242&Region=gz\
         &RequestClient=SDK_RUST_0.1.0&SecretId=AKIDz8krbsJ5yKBZQpn74WFkmLPx3gnPhESA\
         &SignatureMethod=HmacSHA256&Timestamp=1700000000&Token=sts-tok/en=&accountType=0\
         &appId=wx_app&associateAccount=账号 ä&x=1&businessId=1&captchaType=9&sceneId=3\
         &ticket=t03Oracle/ticket+=&uid=用户 1&userIp=203.0.113.7\
         &xForwardedFor=198.51.100.1, 10.0.0.1",
        "k28bwlr08bYwDiVOMcuzubeQaEQGnUWQQAxIGzIUcDc=",
        "Action=CaptchaCheck&Nonce=424242&Region=gz&RequestClient=SDK_RUST_0.1.0\
         &SecretId=AKIDz8krbsJ5yKBZQpn74WFkmLPx3gnPhESA&SignatureMethod=HmacSHA256\
         &Timestamp=1700000000&Token=sts-tok%2Fen%3D&accountType=0&appId=wx_app\
         &associateAccount=%E8%B4%A6%E5%8F%B7%20%C3%A4%26x%3D1&businessId=1&captchaType=9\
         &sceneId=3&ticket=t03Oracle%2Fticket%2B%3D&uid=%E7%94%A8%E6%88%B7%201\
         &userIp=203.0.113.7&xForwardedFor=198.51.100.1%2C%2010.0.0.1\
         &Signature=k28bwlr08bYwDiVOMcuzubeQaEQGnUWQQAxIGzIUcDc%3D",
    );
}

#[test]
fn o4_check_post_sha1_with_an_emoji_ticket() {
    assert_oracle(
        &config(credential(), SignatureMethod::HmacSha1, HttpMethod::Post),
        &check("🎫 t+%/?#"),
        "POSTcsec.api.qcloud.com/v2/index.php?Action=CaptchaCheck&Nonce=424242&Region=gz\
         &RequestClient=SDK_RUST_0.1.0&SecretId=AKIDz8krbsJ5yKBZQpn74WFkmLPx3gnPhESA\
         &Timestamp=1700000000&accountType=0&businessId=1&captchaType=9&ticket=🎫 t+%/?#\
         &uid=用户 1&userIp=203.0.113.7",
        "OkrNfHyrLKNRBouulVlESXREvrY=",
        "Action=CaptchaCheck&Nonce=424242&Region=gz&RequestClient=SDK_RUST_0.1.0\
         &SecretId=AKIDz8krbsJ5yKBZQpn74WFkmLPx3gnPhESA&Timestamp=1700000000&accountType=0\
         &businessId=1&captchaType=9&ticket=%F0%9F%8E%AB%20t%2B%25%2F%3F%23\
         &uid=%E7%94%A8%E6%88%B7%201&userIp=203.0.113.7\
         &Signature=OkrNfHyrLKNRBouulVlESXREvrY%3D",
    );
}

#[test]
fn o5_raw_action_signs_underscore_keys_as_dots() {
    let action = Api2RawAction::new("DescribeThings")
        .param("Placement_Zone", "CN_GUANGZHOU")
        .param("instanceIds.0", "ins-1")
        .param("limit", "20");
    assert_oracle(
        &config(credential(), SignatureMethod::HmacSha1, HttpMethod::Get),
        &action,
        "GETcsec.api.qcloud.com/v2/index.php?Action=DescribeThings&Nonce=424242\
         &Placement.Zone=CN_GUANGZHOU&Region=gz&RequestClient=SDK_RUST_0.1.0\
         &SecretId=AKIDz8krbsJ5yKBZQpn74WFkmLPx3gnPhESA&Timestamp=1700000000\
         &instanceIds.0=ins-1&limit=20",
        "GV9loPaZdHTf62kauueyJdNaKM8=",
        "Action=DescribeThings&Nonce=424242&Placement_Zone=CN_GUANGZHOU&Region=gz\
         &RequestClient=SDK_RUST_0.1.0&SecretId=AKIDz8krbsJ5yKBZQpn74WFkmLPx3gnPhESA\
         &Timestamp=1700000000&instanceIds.0=ins-1&limit=20\
         &Signature=GV9loPaZdHTf62kauueyJdNaKM8%3D",
    );
}
