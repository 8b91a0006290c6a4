//! Shared by the integration tests: an emulator on 127.0.0.1, a client aimed at it, guards,
//! routers with a counted handler, and request builders. Requests go through
//! `tower::ServiceExt::oneshot`, with the peer address set by `MockConnectInfo`.

#![allow(dead_code)]

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::Router;
use axum::body::Body;
use axum::extract::connect_info::MockConnectInfo;
use axum::routing::post;
use captcha_axum::{CaptchaGuardBuilder, CaptchaPass, PassedBy};
use captcha_emulator::{
    Api3Ticket, DEMO_APP_SECRET_KEY, DEMO_CAPTCHA_APP_ID, Emulator, RunningEmulator,
};
use captcha_hyper::{Client, ClientBuilder};
use http::{Request, Response, StatusCode, header};
use tower::ServiceExt;

/// The user's address in the tests (a documentation address, never dialled).
pub const USER: &str = "203.0.113.7";

pub fn user() -> IpAddr {
    USER.parse().unwrap()
}

pub fn peer(ip: &str) -> SocketAddr {
    SocketAddr::new(ip.parse().unwrap(), 50_000)
}

pub async fn emulator() -> RunningEmulator {
    Emulator::demo()
        .start("127.0.0.1:0".parse().unwrap())
        .await
        .expect("the emulator starts")
}

pub fn client_builder(emulator: &RunningEmulator) -> ClientBuilder {
    ClientBuilder::new()
        .credential(emulator.credential())
        .api3_endpoint(emulator.api3_endpoint())
        .api2_endpoint(emulator.endpoint())
}

pub fn client(emulator: &RunningEmulator) -> Client {
    client_builder(emulator).build().unwrap()
}

/// The demo app's guard, with the builder left open for the test's settings.
pub fn guard(emulator: &RunningEmulator) -> CaptchaGuardBuilder {
    captcha_axum::CaptchaGuard::describe_captcha_result(
        client(emulator),
        DEMO_CAPTCHA_APP_ID,
        DEMO_APP_SECRET_KEY,
    )
}

pub fn mint(emulator: &RunningEmulator, ip: IpAddr) -> Api3Ticket {
    emulator.mint_api3_ticket(DEMO_CAPTCHA_APP_ID, ip).unwrap()
}

/// Counts the handler's runs.
#[derive(Clone, Default)]
pub struct Runs(Arc<AtomicUsize>);

impl Runs {
    pub fn count(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }
}

/// What the handler answers: how the request got through.
pub fn describe(pass: &CaptchaPass) -> String {
    let how = match pass.passed_by() {
        PassedBy::Verified => "verified".to_owned(),
        PassedBy::DisasterRecovery => "disaster_recovery".to_owned(),
        PassedBy::LetThrough(why) => format!("let_through:{}", why.name()),
        other => format!("{other:?}"),
    };
    format!(
        "{how} ip={} evil={:?} let_through={}",
        pass.user_ip(),
        pass.evil_level(),
        pass.was_let_through()
    )
}

/// `POST /protected` behind the guard's layer, seen from `from`.
pub fn layered(guard: captcha_axum::CaptchaGuard, from: SocketAddr) -> (Router, Runs) {
    let runs = Runs::default();
    let counter = runs.clone();
    let handler = move |pass: CaptchaPass| {
        let counter = counter.clone();
        async move {
            counter.0.fetch_add(1, Ordering::SeqCst);
            describe(&pass)
        }
    };
    let router = Router::new()
        .route("/protected", post(handler).layer(guard.layer()))
        .layer(MockConnectInfo(from));
    (router, runs)
}

pub fn form_request(body: impl Into<Body>) -> Request<Body> {
    Request::post("/protected")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(body.into())
        .unwrap()
}

pub fn form_of(minted: &Api3Ticket) -> String {
    form_urlencoded(&[
        ("user", "alice"),
        ("ticket", minted.ticket.expose_secret()),
        ("randstr", &minted.randstr),
    ])
}

pub fn form_urlencoded(pairs: &[(&str, &str)]) -> String {
    serde_urlencoded::to_string(pairs).unwrap()
}

/// Sends `request` through `router`; the status and the body as text.
pub async fn send(router: &Router, request: Request<Body>) -> (StatusCode, String) {
    let response: Response<Body> = router.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    (status, String::from_utf8_lossy(&bytes).into_owned())
}
