//! # captcha-axum
//!
//! Tencent Cloud captcha for [axum](https://docs.rs/axum): a handler runs only when the
//! request's ticket and randstr pass `DescribeCaptchaResult` (API 3.0, or `CaptchaCheck` of
//! API 2.0), checked with a [`captcha_hyper::Client`].
//!
//! - **Where the ticket is.** In the headers `X-Captcha-Ticket` / `X-Captcha-Randstr`, else
//!   in a URL-encoded form or JSON body as `ticket` / `randstr` (the names `TCaptcha.js`
//!   gives them); every name is configurable on the [`CaptchaGuardBuilder`].
//! - **Who the user is.** The TCP peer (axum's `ConnectInfo<SocketAddr>`: serve with
//!   `into_make_service_with_connect_info`). `X-Forwarded-For` / `X-Real-IP` are read only
//!   when the peer is one of the [trusted proxies](CaptchaGuardBuilder::trusted_proxies).
//! - **Fails closed.** Only `CaptchaCode` 1 passes. A timeout or a broken connection is a 503
//!   unless the app opts into [`WhenUnavailable::LetThrough`], and then the handler sees
//!   [`CaptchaPass::was_let_through`]. Disaster-recovery tickets (`trerror_…`) are refused
//!   unless the app sets [`DisasterRecoveryPolicy::Accept`].
//! - **Refusals** ([`Refusal`]) answer for the handler: 400 for a request without a usable
//!   ticket, 403 for a ticket that does not pass, 503 when the service did not answer (500
//!   when the app is set up wrong), with a small JSON body the app can replace
//!   ([`CaptchaGuardBuilder::refusal_response`]).
//! - **Observable.** One `tracing` event per check (target `captcha_axum`: API, source,
//!   outcome, reason, `CaptchaCode`) and, with the `metrics` feature, the counter
//!   [`CHECKS_COUNTER`] by outcome, reason and code. Tickets, randstrs, keys and addresses
//!   are never logged.
//!
//! Two ways in: the [`Captcha`] extractor (the guard in the router's state; it hands the body
//! back, [`Captcha::form`]), or [`CaptchaLayer`] in front of a route (handlers keep `Form`
//! and `Json` and extract [`CaptchaPass`]).
//!
//! ```no_run
//! use std::net::SocketAddr;
//! use axum::{Form, Router, routing::post};
//! use captcha_axum::{CaptchaGuard, CaptchaPass};
//! use captcha_hyper::Client;
//! use serde::Deserialize;
//!
//! #[derive(Deserialize)]
//! struct SignIn { user: String }
//!
//! // Runs only after a pass; the ticket and randstr fields of the form are ignored here.
//! async fn sign_in(pass: CaptchaPass, Form(form): Form<SignIn>) -> String {
//!     format!("welcome, {} (EvilLevel {:?})", form.user, pass.evil_level())
//! }
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! // The credential comes from TENCENTCLOUD_SECRET_ID / TENCENTCLOUD_SECRET_KEY.
//! let client = Client::builder().build()?;
//! let guard = CaptchaGuard::describe_captcha_result(client, 199999164, "app-secret-key").build();
//! let app = Router::new().route("/sign-in", post(sign_in).layer(guard.layer()));
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await?;
//! axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>()).await?;
//! # Ok(()) }
//! ```
//!
//! The extractor, with the guard as the router's state:
//!
//! ```no_run
//! use axum::{Router, routing::post};
//! use captcha_axum::{Captcha, CaptchaGuard};
//!
//! async fn comment(captcha: Captcha) -> String {
//!     let fields: std::collections::HashMap<String, String> = captcha.form().unwrap_or_default();
//!     format!("{} fields, verified: {}", fields.len(), captcha.is_verified())
//! }
//!
//! # fn app(guard: CaptchaGuard) -> Router {
//! Router::new().route("/comment", post(comment)).with_state(guard)
//! # }
//! ```
//!
//! `examples/login.rs` is a whole sign-in page on the captcha emulator:
//! `cargo run -p captcha-axum --example login`.

mod client_ip;
mod extract;
mod fields;
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing;
mod guard;
mod layer;
mod observe;
mod pass;
mod refusal;
mod verify;

pub use captcha_hyper::api3::DisasterRecoveryPolicy;
pub use extract::Captcha;
pub use guard::{
    CaptchaGuard, CaptchaGuardBuilder, DEFAULT_BODY_LIMIT, DEFAULT_MAX_RANDSTR_BYTES,
    DEFAULT_MAX_TICKET_BYTES, DEFAULT_RANDSTR_FIELD, DEFAULT_RANDSTR_HEADER, DEFAULT_TICKET_FIELD,
    DEFAULT_TICKET_HEADER, WhenUnavailable,
};
pub use ipnet::IpNet;
pub use layer::{CaptchaLayer, CaptchaService};
pub use observe::CHECKS_COUNTER;
pub use pass::{CaptchaPass, PassedBy};
pub use refusal::{CaptchaRejection, Malformed, Misconfigured, Refusal, Rejected, Unavailable};

/// Compiles the README's example.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
