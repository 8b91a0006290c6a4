//! The JS flows: `CaptchaIframeQuery` hands out a one-time script URL, `CaptchaQuery` returns
//! the script as JSON or as raw JavaScript.

mod support;

use captcha_proto::{
    Api2Action, CaptchaIframeQuery, CaptchaQuery, CaptchaType, ClientType, DisturbLevel, IsHttps,
    ScriptFormat,
};
use http::StatusCode;
use http::header::CONTENT_TYPE;
use support::common;

#[tokio::test]
async fn iframe_query_hands_out_a_one_time_script_url() {
    let h = support::start().await;
    let query = CaptchaIframeQuery::new(
        CaptchaType::Slider,
        DisturbLevel::Low,
        IsHttps::Http,
        ClientType::PcWeb,
    )
    .user_ip("203.0.113.7".parse().unwrap());
    let answer = h.send(h.config().encode(&query, h.stamp(1)).unwrap()).await;
    let url = query.decode_response(&answer.to_response()).unwrap();
    let uri = url.uri();
    assert_eq!(uri.path(), captcha_emulator::SCRIPT_PATH);
    let fetch = || {
        http::Request::get(uri.path_and_query().unwrap().as_str())
            .body(Vec::new())
            .unwrap()
    };
    let script = h.send(fetch()).await;
    assert_eq!(script.status, StatusCode::OK);
    assert!(
        script.headers[CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("application/javascript")
    );
    let source = script.text();
    assert!(
        source.contains("capInit") && source.contains(r#""userIp":"203.0.113.7""#),
        "{source}"
    );
    assert!(source.contains(&format!("{}/emulator/tickets", h.emulator.base_url())));
    assert_eq!(
        h.send(fetch()).await.status,
        StatusCode::NOT_FOUND,
        "one-time"
    );
    assert_eq!(h.emulator.stats().script_fetches, 2);
}

#[tokio::test]
async fn iframe_query_requires_its_five_parameters() {
    let h = support::start().await;
    let all = [
        ("captchaType", "9"),
        ("disturbLevel", "1"),
        ("isHttps", "1"),
        ("clientType", "2"),
        ("accountType", "0"),
    ];
    let nonces = ["1", "2", "3", "4", "5"];
    for (nonce, (missing, _)) in nonces.iter().zip(all) {
        let mut params = common("CaptchaIframeQuery", "1700000000", nonce);
        params.extend(all.into_iter().filter(|(k, _)| *k != missing));
        let answer = h.get_signed(&params).await;
        assert_eq!(answer.code(), 4000, "{missing}");
        assert!(answer.message().contains(missing), "{}", answer.message());
    }
    let mut params = common("CaptchaIframeQuery", "1700000000", "6");
    params.extend(all);
    params[5].1 = "slider";
    assert_eq!(
        h.get_signed(&params).await.code(),
        4000,
        "non-numeric captchaType"
    );
}

#[tokio::test]
async fn captcha_query_returns_json_or_raw_javascript() {
    let h = support::start().await;
    let ip = "121.14.96.121".parse().unwrap();
    let json = CaptchaQuery::new(
        ip,
        CaptchaType::Standard,
        1,
        1_440_416_972,
        ScriptFormat::Json,
    );
    let answer = h.send(h.config().encode(&json, h.stamp(1)).unwrap()).await;
    assert_eq!(answer.code(), 0);
    let script = json.decode_response(&answer.to_response()).unwrap();
    assert!(script.as_str().contains("capInit"));

    let raw = CaptchaQuery::new(
        ip,
        CaptchaType::Standard,
        1,
        1_440_416_972,
        ScriptFormat::JavaScript,
    )
    .call_back("onCaptchaError");
    let answer = h.send(h.config().encode(&raw, h.stamp(2)).unwrap()).await;
    assert!(
        answer.headers[CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("application/javascript")
    );
    assert!(answer.text().contains(r#""callBack":"onCaptchaError""#));
    let script = raw.decode_response(&answer.to_response()).unwrap();
    assert!(
        script
            .as_str()
            .starts_with("/* Tencent captcha API 2.0 emulator")
    );
}

#[tokio::test]
async fn captcha_query_requires_its_parameters() {
    let h = support::start().await;
    let all = [
        ("registerTime", "1440416972"),
        ("userIp", "121.14.96.121"),
        ("captchaType", "1"),
        ("script", "0"),
        ("businessId", "1"),
    ];
    let nonces = ["1", "2", "3", "4", "5"];
    for (nonce, (missing, _)) in nonces.iter().zip(all) {
        let mut params = common("CaptchaQuery", "1700000000", nonce);
        params.extend(all.into_iter().filter(|(k, _)| *k != missing));
        let answer = h.get_signed(&params).await;
        assert_eq!(answer.code(), 4000, "{missing}");
        assert!(answer.message().contains(missing), "{}", answer.message());
    }
    for (nonce, key, bad) in [("6", "script", "2"), ("7", "callBack", "alert(1)")] {
        let mut params = common("CaptchaQuery", "1700000000", nonce);
        params.extend(all);
        params.retain(|(k, _)| *k != key);
        params.push((key, bad));
        let answer = h.get_signed(&params).await;
        assert_eq!(answer.code(), 4000, "{key}");
        assert!(answer.message().contains(key), "{}", answer.message());
    }
}
