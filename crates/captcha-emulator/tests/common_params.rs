//! The common-parameter checks, one crafted request per documented refusal, and the order
//! in which they apply.

mod support;

use std::time::Duration;

use captcha_emulator::Emulator;
use captcha_proto::{
    Api2Action, Api2Config, CaptchaGetUrl, Credential, HttpMethod, SignatureMethod,
};
use http::StatusCode;
use support::{ID, KEY, NOW, common, form, get, post, signed, with_host};

const TS: &str = "1700000000";

#[tokio::test]
async fn a_well_signed_request_is_accepted() {
    let h = support::start().await;
    let answer = h.get_signed(&common("CaptchaGetUrl", TS, "1")).await;
    assert_eq!(answer.code(), 0, "{}", answer.text());
    assert_eq!(answer.status, StatusCode::OK);
}

#[tokio::test]
async fn each_missing_required_parameter_is_4000_naming_it() {
    let h = support::start().await;
    let names = [
        "Action",
        "Region",
        "Timestamp",
        "Nonce",
        "SecretId",
        "Signature",
    ];
    for (i, name) in names.iter().enumerate() {
        let nonce = format!("{}", 100 + i);
        let mut params = common("CaptchaGetUrl", TS, "0");
        params[3].1 = &nonce;
        params.retain(|(k, _)| k != name);
        let mut pairs = signed("GET", "127.0.0.1", KEY, &params);
        if *name == "Signature" {
            pairs.pop();
        }
        let answer = h.send(get(&form(&pairs))).await;
        assert_eq!(answer.code(), 4000, "{name}: {}", answer.text());
        assert!(
            answer.message().contains(name),
            "{name}: {}",
            answer.message()
        );
        assert_eq!(answer.json()["codeDesc"], "InvalidParameter");
    }
}

#[tokio::test]
async fn an_empty_required_parameter_is_4000() {
    let h = support::start().await;
    let mut params = common("CaptchaGetUrl", TS, "1");
    params[1].1 = "";
    let answer = h.get_signed(&params).await;
    assert_eq!(answer.code(), 4000);
    assert!(
        answer.message().contains("Region is empty"),
        "{}",
        answer.message()
    );
}

#[tokio::test]
async fn non_numeric_timestamp_or_nonce_is_4000() {
    let h = support::start().await;
    let answer = h.get_signed(&common("CaptchaGetUrl", "1.7e9", "1")).await;
    assert_eq!(answer.code(), 4000);
    assert!(
        answer.message().contains("Timestamp"),
        "{}",
        answer.message()
    );
    let answer = h.get_signed(&common("CaptchaGetUrl", TS, "-5")).await;
    assert_eq!(answer.code(), 4000);
    assert!(answer.message().contains("Nonce"), "{}", answer.message());
}

#[tokio::test]
async fn a_duplicate_parameter_is_4000() {
    let h = support::start().await;
    let pairs = signed("GET", "127.0.0.1", KEY, &common("CaptchaGetUrl", TS, "1"));
    let query = format!("{}&uid=a&uid=b", form(&pairs));
    let answer = h.send(get(&query)).await;
    assert_eq!(answer.code(), 4000);
    assert!(answer.message().contains("uid"), "{}", answer.message());
    // `_` and `.` name the same signed key.
    let mut params = common("CaptchaGetUrl", TS, "2");
    params.extend([("a.b", "1"), ("a_b", "2")]);
    let answer = h.get_signed(&params).await;
    assert_eq!(answer.code(), 4000, "{}", answer.text());
}

#[tokio::test]
async fn an_unknown_secret_id_is_4104() {
    let h = support::start().await;
    let mut params = common("CaptchaGetUrl", TS, "1");
    params[4].1 = "AKIDnobody";
    let answer = h.get_signed(&params).await;
    assert_eq!(answer.code(), 4104, "{}", answer.text());
}

#[tokio::test]
async fn a_bad_signature_is_4100() {
    let h = support::start().await;
    // Wrong key.
    let pairs = signed(
        "GET",
        "127.0.0.1",
        "not-the-key",
        &common("CaptchaGetUrl", TS, "1"),
    );
    let answer = h.send(get(&form(&pairs))).await;
    assert_eq!(answer.code(), 4100, "{}", answer.text());
    assert_eq!(answer.json()["codeDesc"], "AuthFailure");
    // A parameter changed after signing.
    let mut pairs = signed("GET", "127.0.0.1", KEY, &common("CaptchaGetUrl", TS, "2"));
    pairs[1].1 = "sh".to_owned();
    assert_eq!(h.send(get(&form(&pairs))).await.code(), 4100);
    // Not base64.
    let mut pairs = signed("GET", "127.0.0.1", KEY, &common("CaptchaGetUrl", TS, "3"));
    pairs.last_mut().unwrap().1 = "***".to_owned();
    assert_eq!(h.send(get(&form(&pairs))).await.code(), 4100);
    // Signed as POST, sent as GET.
    let pairs = signed("POST", "127.0.0.1", KEY, &common("CaptchaGetUrl", TS, "4"));
    assert_eq!(h.send(get(&form(&pairs))).await.code(), 4100);
}

#[tokio::test]
async fn the_signed_host_is_the_host_header_without_port() {
    let h = support::start().await;
    let pairs = signed("GET", "localhost", KEY, &common("CaptchaGetUrl", TS, "1"));
    let answer = h.send(get(&form(&pairs))).await;
    assert_eq!(
        answer.code(),
        4100,
        "signed for localhost, sent to 127.0.0.1"
    );
    assert!(
        answer.message().contains("127.0.0.1/v2/index.php"),
        "{}",
        answer.message()
    );
    let port = h.addr().port();
    let request = with_host(get(&form(&pairs)), &format!("localhost:{port}"));
    let answer = h.send(request).await;
    assert_eq!(answer.code(), 0, "{}", answer.text());
    assert!(
        answer.json()["url"]
            .as_str()
            .unwrap()
            .starts_with(&format!("http://localhost:{port}/")),
        "URLs use the host the client used"
    );
}

#[tokio::test]
async fn hmac_sha256_is_used_only_when_requested() {
    let h = support::start().await;
    let config = h
        .config()
        .with_signature_method(SignatureMethod::HmacSha256);
    let request = config.encode(&CaptchaGetUrl::new(), h.stamp(1)).unwrap();
    let answer = h.send(request).await;
    assert_eq!(answer.code(), 0, "{}", answer.text());

    // A SHA-256 signature without SignatureMethod=HmacSHA256 is checked as SHA-1.
    let params = common("CaptchaGetUrl", TS, "2");
    let text = captcha_proto::v1::string_to_sign(
        "GET",
        "127.0.0.1",
        "/v2/index.php",
        params.iter().copied(),
    );
    let sha256 = captcha_proto::v1::sign(
        &captcha_proto::SecretKey::new(KEY),
        SignatureMethod::HmacSha256,
        &text,
    );
    let mut pairs: Vec<(String, String)> = params
        .iter()
        .map(|(k, v)| ((*k).into(), (*v).into()))
        .collect();
    pairs.push(("Signature".into(), sha256.expose_secret().into()));
    assert_eq!(h.send(get(&form(&pairs))).await.code(), 4100);

    // Any other SignatureMethod value means SHA-1, and is signed like any parameter.
    let mut params = common("CaptchaGetUrl", TS, "3");
    params.push(("SignatureMethod", "HmacSHA1"));
    assert_eq!(h.get_signed(&params).await.code(), 0);
}

#[tokio::test]
async fn timestamp_skew_beyond_the_limit_is_4500() {
    let h = support::start().await;
    h.clock.set(NOW + 300);
    assert_eq!(
        h.get_signed(&common("CaptchaGetUrl", TS, "1")).await.code(),
        0,
        "300 s is allowed"
    );
    h.clock.set(NOW + 301);
    let answer = h.get_signed(&common("CaptchaGetUrl", TS, "2")).await;
    assert_eq!(answer.code(), 4500, "{}", answer.text());
    assert!(answer.message().contains("301 s"), "{}", answer.message());
    assert_eq!(answer.json()["codeDesc"], "ReplayAttack");
    h.clock.set(NOW - 301);
    assert_eq!(
        h.get_signed(&common("CaptchaGetUrl", TS, "3")).await.code(),
        4500,
        "future"
    );
}

#[tokio::test]
async fn the_skew_limit_is_configurable() {
    let h = support::start_with(
        Emulator::builder()
            .credential(ID, KEY)
            .max_skew(Duration::from_secs(10)),
    )
    .await;
    h.clock.set(NOW + 11);
    assert_eq!(
        h.get_signed(&common("CaptchaGetUrl", TS, "1")).await.code(),
        4500
    );
}

#[tokio::test]
async fn a_replayed_nonce_is_4500() {
    let h = support::start_with(
        Emulator::builder()
            .credential(ID, KEY)
            .credential("AKIDsecond", "second-key"),
    )
    .await;
    let query = form(&signed(
        "GET",
        "127.0.0.1",
        KEY,
        &common("CaptchaGetUrl", TS, "77"),
    ));
    assert_eq!(h.send(get(&query)).await.code(), 0);
    let replay = h.send(get(&query)).await;
    assert_eq!(replay.code(), 4500, "{}", replay.text());
    assert!(replay.message().contains("Nonce"), "{}", replay.message());
    // Same nonce, other action and timestamp: still a replay inside the window.
    let answer = h
        .get_signed(&common("CaptchaVerify", "1700000001", "77"))
        .await;
    assert_eq!(answer.code(), 4500);
    // Same nonce with another SecretId: fine.
    let mut params = common("CaptchaGetUrl", TS, "77");
    params[4].1 = "AKIDsecond";
    let pairs = signed("GET", "127.0.0.1", "second-key", &params);
    assert_eq!(h.send(get(&form(&pairs))).await.code(), 0);
    // Once no request with the old timestamp could pass, the nonce may come back.
    h.clock.set(NOW + 302);
    let answer = h
        .get_signed(&common("CaptchaGetUrl", "1700000302", "77"))
        .await;
    assert_eq!(answer.code(), 0, "{}", answer.text());
}

#[tokio::test]
async fn an_unknown_action_is_4000_naming_it() {
    let h = support::start().await;
    let answer = h.get_signed(&common("CaptchaIframeCheck", TS, "1")).await;
    assert_eq!(answer.code(), 4000);
    assert!(
        answer.message().contains("CaptchaIframeCheck"),
        "{}",
        answer.message()
    );
    assert_eq!(
        h.emulator
            .stats()
            .requests(captcha_emulator::UNKNOWN_ACTION),
        1
    );
}

#[tokio::test]
async fn checks_apply_in_the_documented_order() {
    let h = support::start().await;
    h.clock.set(NOW + 1000);
    // Unknown SecretId wins over a bad signature and a skewed timestamp.
    let mut params = common("Nope", TS, "1");
    params[4].1 = "AKIDnobody";
    assert_eq!(h.get_signed(&params).await.code(), 4104);
    // A bad signature wins over skew and an unknown action.
    let pairs = signed("GET", "127.0.0.1", "wrong", &common("Nope", TS, "2"));
    assert_eq!(h.send(get(&form(&pairs))).await.code(), 4100);
    // Skew wins over an unknown action (and the nonce is not recorded).
    assert_eq!(h.get_signed(&common("Nope", TS, "3")).await.code(), 4500);
    h.clock.set(NOW);
    // Replay wins over an unknown action; the nonce of a skewed request was not spent.
    assert_eq!(h.get_signed(&common("Nope", TS, "3")).await.code(), 4000);
    assert_eq!(h.get_signed(&common("Nope", TS, "3")).await.code(), 4500);
    // Missing parameters come first of all.
    let mut params = common("Nope", TS, "4");
    params[4].1 = "AKIDnobody";
    params.remove(1);
    assert_eq!(h.get_signed(&params).await.code(), 4000);
}

#[tokio::test]
async fn temporary_credentials_need_their_token() {
    let h = support::start_with(Emulator::builder().credential_with_token(
        "AKIDtemp",
        "temp-key",
        "sts-token",
    ))
    .await;
    let temp = Credential::new("AKIDtemp", "temp-key").unwrap();
    let endpoint = h.emulator.endpoint();
    let without = Api2Config::new(temp.clone()).with_endpoint(endpoint.clone());
    let request = without.encode(&CaptchaGetUrl::new(), h.stamp(1)).unwrap();
    assert_eq!(h.send(request).await.code(), 4105);
    let wrong =
        Api2Config::new(temp.clone().with_token("other").unwrap()).with_endpoint(endpoint.clone());
    let request = wrong.encode(&CaptchaGetUrl::new(), h.stamp(2)).unwrap();
    assert_eq!(h.send(request).await.code(), 4105);
    let right = Api2Config::new(temp.with_token("sts-token").unwrap()).with_endpoint(endpoint);
    let request = right.encode(&CaptchaGetUrl::new(), h.stamp(3)).unwrap();
    assert_eq!(h.send(request).await.code(), 0);
}

#[tokio::test]
async fn get_and_post_from_the_core_encoder_are_accepted() {
    let h = support::start().await;
    for (nonce, method) in [(1, HttpMethod::Get), (2, HttpMethod::Post)] {
        let action = CaptchaGetUrl::new();
        let request = h
            .config()
            .with_http_method(method)
            .encode(&action, h.stamp(nonce))
            .unwrap();
        let answer = h.send(request).await;
        let url = action.decode_response(&answer.to_response()).unwrap();
        assert!(url.to_string().starts_with(&h.emulator.base_url()), "{url}");
    }
    assert_eq!(h.emulator.stats().requests("CaptchaGetUrl"), 2);
}

#[tokio::test]
async fn a_post_reads_only_its_body() {
    let h = support::start().await;
    let body = form(&signed(
        "POST",
        "127.0.0.1",
        KEY,
        &common("CaptchaGetUrl", TS, "1"),
    ));
    let mut request = post(&body);
    *request.uri_mut() = "/v2/index.php?Action=Bogus&Nonce=1".parse().unwrap();
    assert_eq!(h.send(request).await.code(), 0, "query ignored");
    let query = form(&signed(
        "POST",
        "127.0.0.1",
        KEY,
        &common("CaptchaGetUrl", TS, "2"),
    ));
    let mut request = post("");
    *request.uri_mut() = format!("/v2/index.php?{query}").parse().unwrap();
    let answer = h.send(request).await;
    assert_eq!(answer.code(), 4000);
    assert!(answer.message().contains("Action"), "{}", answer.message());
}

#[tokio::test]
async fn post_needs_a_bounded_form_body() {
    let h = support::start().await;
    let body = form(&signed(
        "POST",
        "127.0.0.1",
        KEY,
        &common("CaptchaGetUrl", TS, "1"),
    ));
    let mut request = post(&body);
    request.headers_mut().insert(
        http::header::CONTENT_TYPE,
        "application/json".parse().unwrap(),
    );
    let answer = h.send(request).await;
    assert_eq!(answer.code(), 4000);
    assert!(
        answer.message().contains("x-www-form-urlencoded"),
        "{}",
        answer.message()
    );

    let huge = format!(
        "{body}&pad={}",
        "x".repeat(captcha_emulator::MAX_BODY_BYTES)
    );
    let answer = h.send(post(&huge)).await;
    assert_eq!(answer.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(answer.code(), 4000);
}

#[tokio::test]
async fn other_methods_and_paths_are_refused() {
    let h = support::start().await;
    let mut request = get("Action=CaptchaGetUrl");
    *request.method_mut() = http::Method::PUT;
    let answer = h.send(request).await;
    assert_eq!(
        (answer.status, answer.code()),
        (StatusCode::METHOD_NOT_ALLOWED, 4000)
    );
    let request = http::Request::get("/v3/index.php")
        .body(Vec::new())
        .unwrap();
    assert_eq!(h.send(request).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn more_than_a_thousand_parameters_is_4000() {
    let h = support::start().await;
    let pairs = signed("GET", "127.0.0.1", KEY, &common("CaptchaGetUrl", TS, "1"));
    let padding: String = (0..1000).map(|i| format!("&p{i}=x")).collect();
    let answer = h.send(post(&format!("{}{padding}", form(&pairs)))).await;
    assert_eq!(answer.code(), 4000);
    assert!(
        answer.message().contains("1000 parameters"),
        "{}",
        answer.message()
    );
}

#[tokio::test]
async fn garbage_gets_a_json_refusal_and_the_server_carries_on() {
    let h = support::start().await;
    let nasty: [&[u8]; 8] = [
        b"%",
        b"Action=%ZZ&Nonce=%",
        b"=&&==&Action",
        b"Action=\xff\xfe&Region=gz",
        b"Timestamp=99999999999999999999999&Nonce=1&Action=a&Region=b&SecretId=c&Signature=d",
        b"Signature=%00%01%02",
        b"a[]=1&a[]=2",
        b"Action=CaptchaCheck&Action=CaptchaVerify",
    ];
    for body in nasty {
        let mut request = post("");
        *request.body_mut() = body.to_vec();
        let answer = h.send(request).await;
        assert_eq!(
            answer.code(),
            4000,
            "{:?}: {}",
            String::from_utf8_lossy(body),
            answer.text()
        );
    }
    let mut request = get("");
    *request.uri_mut() = "/v2/index.php?%C0%80=%E0%80".parse().unwrap();
    assert_eq!(h.send(request).await.code(), 4000);
    assert_eq!(
        h.get_signed(&common("CaptchaGetUrl", TS, "1")).await.code(),
        0
    );
}
