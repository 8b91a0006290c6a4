//! The layer against the emulator: the handler runs on a pass and only then, every refusal
//! has its status, and the two policies (disaster recovery, outages) do what they say.

mod support;

use std::time::Duration;

use axum::response::{Html, IntoResponse};
use captcha_axum::{CaptchaGuard, DisasterRecoveryPolicy, Refusal, WhenUnavailable};
use captcha_emulator::{DEMO_APP_SECRET_KEY, DEMO_CAPTCHA_APP_ID, Fault};
use captcha_hyper::{CaptchaType, Credential};
use http::{Request, StatusCode, header};
use support::{USER, form_of, form_request, form_urlencoded, layered, peer, send, user};

#[tokio::test]
async fn a_solved_captcha_runs_the_handler_once_and_a_reused_ticket_is_refused() {
    let emulator = support::emulator().await;
    let (router, runs) = layered(support::guard(&emulator).build(), peer(USER));
    let minted = support::mint(&emulator, user());

    let (status, body) = send(&router, form_request(form_of(&minted))).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        body,
        "verified ip=203.0.113.7 evil=Some(0) let_through=false"
    );

    let (status, body) = send(&router, form_request(form_of(&minted))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let json: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(json["error"], "rejected");
    assert!(
        json["message"].as_str().unwrap().contains("CaptchaCode 9"),
        "{body}"
    );
    assert!(!body.contains(minted.ticket.expose_secret()));
    assert_eq!(runs.count(), 1);
}

#[tokio::test]
async fn tickets_are_read_from_json_and_from_headers() {
    let emulator = support::emulator().await;
    let (router, runs) = layered(support::guard(&emulator).build(), peer(USER));

    let minted = support::mint(&emulator, user());
    let json = serde_json::json!({
        "ticket": minted.ticket.expose_secret(),
        "randstr": minted.randstr,
    });
    let request = Request::post("/protected")
        .header(header::CONTENT_TYPE, "application/json")
        .body(json.to_string().into())
        .unwrap();
    assert_eq!(send(&router, request).await.0, StatusCode::OK);

    let minted = support::mint(&emulator, user());
    let request = Request::post("/protected")
        .header("x-captcha-ticket", minted.ticket.expose_secret())
        .header("x-captcha-randstr", &minted.randstr)
        .body("not read".into())
        .unwrap();
    assert_eq!(send(&router, request).await.0, StatusCode::OK);
    assert_eq!(runs.count(), 2);
}

#[tokio::test]
async fn field_and_header_names_are_configurable() {
    let emulator = support::emulator().await;
    let guard = support::guard(&emulator)
        .fields("captcha_ticket", "captcha_rand")
        .headers(
            http::HeaderName::from_static("x-t"),
            http::HeaderName::from_static("x-r"),
        )
        .build();
    let (router, runs) = layered(guard, peer(USER));
    let minted = support::mint(&emulator, user());
    // The default names are not read any more.
    let (status, _) = send(&router, form_request(form_of(&minted))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let body = form_urlencoded(&[
        ("captcha_ticket", minted.ticket.expose_secret()),
        ("captcha_rand", &minted.randstr),
    ]);
    assert_eq!(send(&router, form_request(body)).await.0, StatusCode::OK);
    let minted = support::mint(&emulator, user());
    let request = Request::post("/protected")
        .header("x-t", minted.ticket.expose_secret())
        .header("x-r", &minted.randstr)
        .body(axum::body::Body::empty())
        .unwrap();
    assert_eq!(send(&router, request).await.0, StatusCode::OK);
    assert_eq!(runs.count(), 2);
}

#[tokio::test]
async fn disaster_recovery_tickets_follow_the_policy() {
    let emulator = support::emulator().await;
    let ticket = format!("trerror_1001_{DEMO_CAPTCHA_APP_ID}_1700000000");
    let body = form_urlencoded(&[("ticket", &ticket), ("randstr", "@abc")]);

    let (router, runs) = layered(support::guard(&emulator).build(), peer(USER));
    let (status, text) = send(&router, form_request(body.clone())).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "rejected by default: {text}");
    assert_eq!(runs.count(), 0);

    let guard = support::guard(&emulator)
        .disaster_recovery(DisasterRecoveryPolicy::Accept)
        .build();
    let (router, runs) = layered(guard, peer(USER));
    let (status, text) = send(&router, form_request(body)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(text.starts_with("disaster_recovery "), "{text}");
    assert_eq!(runs.count(), 1);
    // Answered without a call to the captcha service.
    assert_eq!(emulator.stats().requests("DescribeCaptchaResult"), 0);
}

#[tokio::test]
async fn an_unreachable_service_is_a_503_unless_the_app_lets_requests_through() {
    let emulator = support::emulator().await;
    let (closed, closed_runs) = layered(support::guard(&emulator).build(), peer(USER));
    let open_guard = support::guard(&emulator)
        .when_unavailable(WhenUnavailable::LetThrough)
        .build();
    let (open, open_runs) = layered(open_guard, peer(USER));
    for fault in [
        Fault::DropConnection,
        Fault::HttpStatus(502),
        Fault::TruncatedBody,
    ] {
        emulator.clear_faults();
        emulator.set_fault(fault);
        let minted = support::mint(&emulator, user());
        let (status, body) = send(&closed, form_request(form_of(&minted))).await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{fault:?}: {body}");
        assert!(body.contains("\"unavailable\""), "{body}");

        let minted = support::mint(&emulator, user());
        let (status, body) = send(&open, form_request(form_of(&minted))).await;
        assert_eq!(status, StatusCode::OK, "{fault:?}: {body}");
        assert!(body.contains("let_through=true"), "{body}");
    }
    assert_eq!(closed_runs.count(), 0);
    assert_eq!(open_runs.count(), 3);

    // A service that answers "busy" is an outage too; a forged ticket is not.
    emulator.clear_faults();
    emulator.set_fault(Fault::Code(6200));
    let minted = support::mint(&emulator, user());
    let (status, _) = send(&closed, form_request(form_of(&minted))).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
}

#[tokio::test]
async fn a_timeout_is_a_503() {
    let emulator = support::emulator().await;
    emulator.set_fault(Fault::Latency(Duration::from_secs(30)));
    let client = support::client_builder(&emulator)
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let guard =
        CaptchaGuard::describe_captcha_result(client, DEMO_CAPTCHA_APP_ID, DEMO_APP_SECRET_KEY)
            .build();
    let (router, runs) = layered(guard, peer(USER));
    let minted = support::mint(&emulator, user());
    let (status, _) = send(&router, form_request(form_of(&minted))).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(runs.count(), 0);
}

#[tokio::test]
async fn a_refused_credential_is_never_let_through() {
    let emulator = support::emulator().await;
    let client = support::client_builder(&emulator)
        .credential(Credential::new("AKIDnobody000000000000000000000000000", "wrong").unwrap())
        .build()
        .unwrap();
    let guard =
        CaptchaGuard::describe_captcha_result(client, DEMO_CAPTCHA_APP_ID, DEMO_APP_SECRET_KEY)
            .when_unavailable(WhenUnavailable::LetThrough)
            .build();
    let (router, runs) = layered(guard, peer(USER));
    let minted = support::mint(&emulator, user());
    let (status, _) = send(&router, form_request(form_of(&minted))).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(runs.count(), 0);
}

#[tokio::test]
async fn other_rejections_are_403_with_their_code() {
    let emulator = support::emulator().await;
    let (router, runs) = layered(support::guard(&emulator).build(), peer(USER));
    let minted = support::mint(&emulator, user());
    let cases = [
        (
            form_urlencoded(&[
                ("ticket", minted.ticket.expose_secret()),
                ("randstr", "@zzz"),
            ]),
            "CaptchaCode 7",
        ),
        (
            form_urlencoded(&[("ticket", "tr03forged"), ("randstr", "@abc")]),
            "CaptchaCode 15",
        ),
    ];
    for (body, needle) in cases {
        let (status, text) = send(&router, form_request(body)).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert!(text.contains(needle), "{text}");
    }
    let guard = CaptchaGuard::describe_captcha_result(
        support::client(&emulator),
        DEMO_CAPTCHA_APP_ID,
        "not-the-app-key",
    )
    .build();
    let (wrong_key, wrong_runs) = layered(guard, peer(USER));
    let minted = support::mint(&emulator, user());
    let (status, text) = send(&wrong_key, form_request(form_of(&minted))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(text.contains("CaptchaCode 100"), "{text}");
    assert_eq!(runs.count() + wrong_runs.count(), 0);
}

#[tokio::test]
async fn the_app_replaces_the_refusal_body_but_not_its_status() {
    let emulator = support::emulator().await;
    let guard = support::guard(&emulator)
        .refusal_response(|refusal: &Refusal| {
            // Tries to hide the refusal behind a 200: the status stays the refusal's.
            (
                StatusCode::OK,
                Html(format!("<p class=refusal>{refusal}</p>")),
            )
                .into_response()
        })
        .build();
    let (router, _) = layered(guard, peer(USER));
    let (status, body) = send(&router, form_request("user=alice")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        body,
        "<p class=refusal>no captcha ticket in the request</p>"
    );
}

#[tokio::test]
async fn api2_captcha_check_guards_too() {
    let emulator = support::emulator().await;
    let guard =
        CaptchaGuard::captcha_check(support::client(&emulator), CaptchaType::Slider).build();
    let (router, runs) = layered(guard, peer(USER));
    let ticket = emulator.mint_ticket(user(), CaptchaType::Slider.value());
    let body = form_urlencoded(&[("ticket", &ticket)]);
    let (status, text) = send(&router, form_request(body.clone())).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    assert!(
        text.starts_with("verified ip=203.0.113.7 evil=None"),
        "{text}"
    );
    let (status, _) = send(&router, form_request(body)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(runs.count(), 1);
}
