//! The `Captcha` extractor (guard in the router's state): the handler runs on a pass and
//! reads its own form fields from the body handed back; refusals keep their statuses; a
//! router set up wrong is a 500, never an unchecked handler.

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::Router;
use axum::extract::connect_info::MockConnectInfo;
use axum::routing::post;
use captcha_axum::{Captcha, CaptchaGuard, CaptchaPass, WhenUnavailable};
use captcha_emulator::Fault;
use http::StatusCode;
use serde::Deserialize;
use support::{USER, form_of, form_request, peer, send, user};

#[derive(Deserialize)]
struct SignIn {
    user: String,
}

fn router(guard: CaptchaGuard, runs: Arc<AtomicUsize>) -> Router {
    let handler = move |captcha: Captcha| {
        let runs = runs.clone();
        async move {
            runs.fetch_add(1, Ordering::SeqCst);
            let form: SignIn = captcha.form().expect("the form has a user");
            format!(
                "hello {} verified={} let_through={}",
                form.user,
                captcha.is_verified(),
                captcha.was_let_through()
            )
        }
    };
    Router::new()
        .route("/protected", post(handler))
        .with_state(guard)
        .layer(MockConnectInfo(peer(USER)))
}

#[tokio::test]
async fn the_extractor_passes_and_hands_the_body_back() {
    let emulator = support::emulator().await;
    let runs = Arc::new(AtomicUsize::new(0));
    let app = router(support::guard(&emulator).build(), runs.clone());
    let minted = support::mint(&emulator, user());
    let (status, body) = send(&app, form_request(form_of(&minted))).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body, "hello alice verified=true let_through=false");

    for (request, expected) in [
        (form_request(form_of(&minted)), StatusCode::FORBIDDEN),
        (form_request("user=alice"), StatusCode::BAD_REQUEST),
    ] {
        assert_eq!(send(&app, request).await.0, expected);
    }
    emulator.set_fault(Fault::DropConnection);
    let minted = support::mint(&emulator, user());
    let (status, _) = send(&app, form_request(form_of(&minted))).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(runs.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn the_extractor_lets_through_only_when_told_and_says_so() {
    let emulator = support::emulator().await;
    emulator.set_fault(Fault::HttpStatus(503));
    let runs = Arc::new(AtomicUsize::new(0));
    let guard = support::guard(&emulator)
        .when_unavailable(WhenUnavailable::LetThrough)
        .build();
    let app = router(guard, runs.clone());
    let minted = support::mint(&emulator, user());
    let (status, body) = send(&app, form_request(form_of(&minted))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, "hello alice verified=false let_through=true");
}

#[tokio::test]
async fn without_a_peer_address_or_a_layer_it_is_a_500() {
    let emulator = support::emulator().await;
    let runs = Arc::new(AtomicUsize::new(0));
    let counted = runs.clone();
    let app = Router::new()
        .route(
            "/protected",
            post(move |_: Captcha| async move {
                counted.fetch_add(1, Ordering::SeqCst);
            }),
        )
        .with_state(support::guard(&emulator).build());
    let minted = support::mint(&emulator, user());
    let (status, _) = send(&app, form_request(form_of(&minted))).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR, "no ConnectInfo");

    let counted = runs.clone();
    let no_layer = Router::new().route(
        "/protected",
        post(move |_: CaptchaPass| async move {
            counted.fetch_add(1, Ordering::SeqCst);
        }),
    );
    let (status, _) = send(&no_layer, form_request(form_of(&minted))).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR, "no CaptchaLayer");
    assert_eq!(runs.load(Ordering::SeqCst), 0);
}
