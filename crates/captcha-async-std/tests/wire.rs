//! What goes on the wire: request target, `Host`, `User-Agent`, the POST form untouched,
//! a fresh signature per call, `send` and `fetch_image`.

mod support;

use captcha_async_std::DEFAULT_USER_AGENT;
use captcha_async_std::{
    Api2Action, Api2RawAction, CaptchaCheck, CaptchaGetUrl, CaptchaType, Error, HttpMethod, Stamp,
};
use support::{Act, TestServer, json, ok, user_ip};

fn query_value<'a>(line: &'a str, name: &str) -> Option<&'a str> {
    let query = line.split_whitespace().nth(1)?.split_once('?')?.1;
    query
        .split('&')
        .find_map(|pair| pair.strip_prefix(name)?.strip_prefix('='))
}

#[async_std::test]
async fn get_sends_origin_form_host_and_user_agent() {
    let server = TestServer::always(ok()).await;
    let client = server.builder().build().unwrap();
    let check = CaptchaCheck::new("t03wire", user_ip(), CaptchaType::Slider);
    assert!(client.captcha_check(&check).await.unwrap().is_pass());
    let seen = &server.requests()[0];
    let line = seen.request_line();
    assert!(line.starts_with("GET /v2/index.php?"), "{line}");
    assert!(line.ends_with(" HTTP/1.1"), "{line}");
    assert_eq!(query_value(line, "Action"), Some("CaptchaCheck"));
    assert!(query_value(line, "Signature").is_some());
    assert_eq!(
        seen.header("host").as_deref(),
        Some(server.addr.to_string().as_str())
    );
    assert_eq!(
        seen.header("user-agent").as_deref(),
        Some(DEFAULT_USER_AGENT)
    );
    assert!(seen.body.is_empty());
}

#[async_std::test]
async fn post_keeps_the_form_content_type_and_body() {
    let server = TestServer::always(ok()).await;
    let client = server
        .builder()
        .api2_http_method(HttpMethod::Post)
        .user_agent("my-app/1.0")
        .build()
        .unwrap();
    let check = CaptchaCheck::new("t03post", user_ip(), CaptchaType::Slider);
    assert!(client.captcha_check(&check).await.unwrap().is_pass());
    let seen = &server.requests()[0];
    assert_eq!(seen.request_line(), "POST /v2/index.php HTTP/1.1");
    assert_eq!(
        seen.header("content-type").as_deref(),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(
        seen.header("content-length").as_deref(),
        Some(seen.body.len().to_string().as_str())
    );
    let body = String::from_utf8(seen.body.clone()).unwrap();
    assert!(
        body.contains("Action=CaptchaCheck") && body.contains("ticket=t03post"),
        "{body}"
    );
    assert_eq!(seen.header("user-agent").as_deref(), Some("my-app/1.0"));
}

#[async_std::test]
async fn every_call_is_signed_afresh() {
    let server = TestServer::always(ok()).await;
    let client = server.builder().build().unwrap();
    let action = Api2RawAction::new("DescribeThings").param("limit", "1");
    for _ in 0..5 {
        client.call_api2(&action).await.unwrap();
    }
    let nonces: std::collections::HashSet<String> = server
        .requests()
        .iter()
        .map(|seen| {
            query_value(seen.request_line(), "Nonce")
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(nonces.len(), 5);
}

#[async_std::test]
async fn send_carries_a_request_encoded_elsewhere() {
    let server = TestServer::always(json(r#"{"code":0,"message":"ok","extra":7}"#)).await;
    let client = server.builder().build().unwrap();
    let action = Api2RawAction::new("DescribeThings");
    let mut request = client.api2_config().encode(&action, Stamp::now()).unwrap();
    request
        .headers_mut()
        .insert("user-agent", "caller-agent/2".parse().unwrap());
    let response = client.send(request).await.unwrap();
    assert_eq!(response.status(), 200);
    let output = action.decode_response(&response).unwrap();
    assert_eq!(output["extra"], 7);
    assert_eq!(
        server.requests()[0].header("user-agent").as_deref(),
        Some("caller-agent/2")
    );
}

#[async_std::test]
async fn send_refuses_a_relative_uri_without_showing_its_query() {
    let server = TestServer::always(ok()).await;
    let client = server.builder().build().unwrap();
    let request = http::Request::get("/v2/index.php?ticket=t03secret")
        .body(Vec::new())
        .unwrap();
    let error = client.send(request).await.unwrap_err();
    assert!(matches!(error, Error::Encode(_)), "{error}");
    assert!(!error.to_string().contains("t03secret"), "{error}");
    assert_eq!(server.connections(), 0);
}

#[async_std::test]
async fn get_url_then_fetch_image_reads_the_vsig_cookie() {
    let server = TestServer::start(|_, seen| {
        if seen.request_line().starts_with("GET /getcap") {
            let png = b"\x89PNG\r\n\x1a\nfake";
            let mut response = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nSet-Cookie: vsig=sig*123; PATH=/\r\nContent-Length: {}\r\n\r\n",
                png.len()
            )
            .into_bytes();
            response.extend_from_slice(png);
            Act::Reply(response)
        } else {
            let host = seen.header("host").unwrap();
            Act::Reply(json(&format!(
                r#"{{"code":0,"message":"No Error","url":"http://{host}/getcap?sess=abc"}}"#
            )))
        }
    })
    .await;
    let client = server.builder().build().unwrap();
    let url = client.captcha_get_url(&CaptchaGetUrl::new()).await.unwrap();
    let image = client.fetch_image(&url).await.unwrap();
    assert!(image.bytes.starts_with(b"\x89PNG"));
    assert_eq!(image.content_type.as_deref(), Some("image/png"));
    assert_eq!(image.captcha_sig.expose_secret(), "sig*123");
    assert_eq!(
        server.requests()[1].request_line(),
        "GET /getcap?sess=abc HTTP/1.1"
    );
    assert_eq!(server.connections(), 1, "same origin: same connection");
}

#[async_std::test]
async fn image_without_vsig_is_a_response_error() {
    let server = TestServer::start(|_, seen| {
        if seen.request_line().starts_with("GET /getcap") {
            Act::Reply(b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nimg".to_vec())
        } else {
            let host = seen.header("host").unwrap();
            Act::Reply(json(&format!(
                r#"{{"code":0,"message":"No Error","url":"http://{host}/getcap?x=1"}}"#
            )))
        }
    })
    .await;
    let client = server.builder().build().unwrap();
    let url = client.captcha_get_url(&CaptchaGetUrl::new()).await.unwrap();
    let error = client.fetch_image(&url).await.unwrap_err();
    assert!(matches!(error, Error::Response(_)), "{error}");
}

#[async_std::test]
async fn api_3_exchange_keeps_its_signed_headers_and_is_not_resent() {
    use captcha_async_std::RetryPolicy;
    use captcha_async_std::api3::{Api3Config, Api3Exchange, DescribeCaptchaResult};

    let server = TestServer::start(|n, _| {
        if n == 1 {
            Act::Reply(json(
                r#"{"Response":{"CaptchaCode":1,"CaptchaMsg":"OK","EvilLevel":0,"GetCaptchaTime":0,"RequestId":"req-1"}}"#,
            ))
        } else {
            Act::Close
        }
    })
    .await;
    let client = server
        .builder()
        .retry(RetryPolicy::with_retries(3))
        .build()
        .unwrap();
    let endpoint = format!("http://{}/", server.addr).parse().unwrap();
    let config = Api3Config::new(client.api2_config().credential().clone()).with_endpoint(endpoint);
    let action = DescribeCaptchaResult::new("t03v3", "@rand", user_ip(), 199_999_164, "app-key");
    let exchange = Api3Exchange {
        config: &config,
        action: &action,
    };
    let result = client.exchange(&exchange).await.unwrap();
    assert!(result.is_pass());
    assert_eq!(result.request_id, "req-1");

    let seen = &server.requests()[0];
    assert_eq!(seen.request_line(), "POST / HTTP/1.1");
    assert_eq!(
        seen.header("host").as_deref(),
        Some("127.0.0.1"),
        "the signed Host is kept"
    );
    assert_eq!(
        seen.header("x-tc-action").as_deref(),
        Some("DescribeCaptchaResult")
    );
    assert!(
        seen.header("authorization")
            .is_some_and(|a| a.starts_with("TC3-HMAC-SHA256 ")),
        "{seen:?}"
    );

    let error = client.exchange(&exchange).await.unwrap_err();
    assert_eq!(
        error.phase(),
        captcha_async_std::Phase::MaybeSent,
        "{error}"
    );
    assert_eq!(
        server.requests().len(),
        2,
        "a single-use v3 call is sent once"
    );
}

#[async_std::test]
async fn describe_result_goes_to_the_v3_endpoint() {
    use captcha_async_std::api3::{DescribeCaptchaResult, RejectReason, Verdict};

    let server = TestServer::always(json(
        r#"{"Response":{"CaptchaCode":9,"CaptchaMsg":"ticket reused","RequestId":"req-2"}}"#,
    ))
    .await;
    let client = server
        .builder()
        .api3_endpoint(format!("http://{}/", server.addr).parse().unwrap())
        .build()
        .unwrap();
    let action = DescribeCaptchaResult::new("t03v3", "@rand", user_ip(), 199_999_164, "app-key");
    let result = client.describe_captcha_result(&action).await.unwrap();
    assert!(!result.is_pass());
    assert_eq!(
        result.verdict.reject_reason(),
        Some(RejectReason::TicketReused)
    );
    assert!(matches!(result.verdict, Verdict::Reject(_)), "{result:?}");
    let seen = &server.requests()[0];
    assert_eq!(seen.request_line(), "POST / HTTP/1.1");
    assert!(!String::from_utf8_lossy(&seen.body).is_empty());
}
