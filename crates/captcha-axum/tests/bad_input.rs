//! Hostile and broken requests: each is a clean 400 or 403 that never reaches the handler,
//! nothing malformed is sent to the captcha service, and a forwarding header from a peer
//! the app does not trust is never believed.

mod support;

use axum::body::Body;
use captcha_axum::IpNet;
use http::{Request, StatusCode, header};
use support::{USER, form_of, form_request, form_urlencoded, layered, peer, send, user};

#[tokio::test]
async fn malformed_requests_are_400_and_never_sent() {
    let emulator = support::emulator().await;
    let (router, runs) = layered(support::guard(&emulator).build(), peer(USER));
    let huge = "t".repeat(100 * 1024);
    let json = |body: &str| {
        Request::post("/protected")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body.to_owned()))
            .unwrap()
    };
    let cases: Vec<(&str, Request<Body>)> = vec![
        ("no ticket", form_request("user=alice&password=x")),
        ("empty ticket", form_request("ticket=&randstr=%40abc")),
        ("no randstr", form_request("ticket=tr03abc")),
        (
            "100 KB ticket in a form",
            form_request(form_urlencoded(&[("ticket", &huge), ("randstr", "@abc")])),
        ),
        (
            "100 KB ticket in a header",
            Request::post("/protected")
                .header("x-captcha-ticket", huge.as_str())
                .header("x-captcha-randstr", "@abc")
                .body(Body::empty())
                .unwrap(),
        ),
        (
            "non-UTF-8 body",
            form_request(Body::from(b"ticket=tr03\xff\xfe&randstr=%40abc".to_vec())),
        ),
        (
            "non-UTF-8 percent-encoded ticket",
            form_request("ticket=tr03%FF%FE&randstr=%40abc"),
        ),
        (
            "JSON with trailing garbage",
            json("{\"ticket\":\"tr03\u{0}\"}\u{0}"),
        ),
        ("JSON that is not an object", json("[\"tr03\"]")),
        (
            "JSON ticket not a string",
            json(r#"{"ticket":1,"randstr":"@a"}"#),
        ),
        (
            "no body type",
            Request::post("/protected")
                .body(Body::from("ticket=tr03abc&randstr=%40abc"))
                .unwrap(),
        ),
    ];
    for (name, request) in cases {
        let (status, body) = send(&router, request).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{name}: {body}");
        let json: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(json["error"], "malformed", "{name}");
    }
    let raw_non_utf8 = Request::post("/protected")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(b"{\"ticket\":\"\xff\"}".to_vec()))
        .unwrap();
    assert_eq!(send(&router, raw_non_utf8).await.0, StatusCode::BAD_REQUEST);
    assert_eq!(runs.count(), 0);
    assert_eq!(emulator.stats().requests("DescribeCaptchaResult"), 0);
}

#[tokio::test]
async fn a_body_over_the_limit_is_refused_before_it_is_read() {
    let emulator = support::emulator().await;
    let guard = support::guard(&emulator).body_limit(1024).build();
    let (router, runs) = layered(guard, peer(USER));
    let minted = support::mint(&emulator, user());
    let padded = format!("{}&pad={}", form_of(&minted), "x".repeat(2048));
    let (status, body) = send(&router, form_request(padded)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.contains("too large"), "{body}");
    assert_eq!(runs.count(), 0);
}

#[tokio::test]
async fn a_spoofed_forwarded_for_from_an_untrusted_peer_is_ignored() {
    let emulator = support::emulator().await;
    let attacker = "198.51.100.1";
    // No trusted proxies at all, then trusted proxies that do not include the peer.
    for trusted in [vec![], vec!["10.0.0.0/8".parse::<IpNet>().unwrap()]] {
        let guard = support::guard(&emulator)
            .trusted_proxies(trusted.clone())
            .build();
        let (router, runs) = layered(guard, peer(attacker));

        // A ticket solved at USER, replayed from the attacker's address claiming to be USER:
        // checked for the attacker's address, so the emulator says "IP mismatch" (13).
        let minted = support::mint(&emulator, user());
        let request = Request::post("/protected")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header("x-forwarded-for", USER)
            .header("x-real-ip", USER)
            .body(Body::from(form_of(&minted)))
            .unwrap();
        let (status, body) = send(&router, request).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{trusted:?}: {body}");
        assert!(body.contains("CaptchaCode 13"), "{body}");

        // The attacker's own solved captcha passes, and the handler sees the real peer.
        let minted = support::mint(&emulator, attacker.parse().unwrap());
        let request = Request::post("/protected")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header("x-forwarded-for", "192.0.2.99")
            .body(Body::from(form_of(&minted)))
            .unwrap();
        let (status, body) = send(&router, request).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert!(body.contains("ip=198.51.100.1 "), "{body}");
        assert_eq!(runs.count(), 1);
    }
}

#[tokio::test]
async fn a_trusted_proxy_names_the_user() {
    let emulator = support::emulator().await;
    let guard = support::guard(&emulator)
        .trusted_proxies(["10.0.0.0/8".parse::<IpNet>().unwrap()])
        .build();
    let (router, runs) = layered(guard, peer("10.1.2.3"));
    let minted = support::mint(&emulator, user());
    let request = Request::post("/protected")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        // The left-most entry is whatever the client sent; the proxy appended USER.
        .header("x-forwarded-for", format!("192.0.2.1, {USER}, 10.9.9.9"))
        .body(Body::from(form_of(&minted)))
        .unwrap();
    let (status, body) = send(&router, request).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.contains("ip=203.0.113.7 "), "{body}");

    let garbage = Request::post("/protected")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("x-forwarded-for", "somewhere")
        .body(Body::from(form_of(&support::mint(&emulator, user()))))
        .unwrap();
    assert_eq!(send(&router, garbage).await.0, StatusCode::BAD_REQUEST);
    assert_eq!(runs.count(), 1);
}
