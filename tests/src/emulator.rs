//! The captcha emulator for the end-to-end suites (`tests/emulator.rs`,
//! `tests/v3_emulator.rs`): started on 127.0.0.1 on its own thread and tokio runtime, so
//! either transport's client can call it from its own executor.

use std::net::IpAddr;

use captcha_emulator::{
    Api3Ticket, BackgroundEmulator, DEMO_APP_SECRET_KEY, DEMO_CAPTCHA_APP_ID, Emulator,
};
use captcha_hyper::ClientBuilder;
use captcha_proto::DescribeCaptchaResult;

use crate::{TestClient, Transport};

/// The end user's address the suites send (a documentation address, never dialled).
pub const USER_IP: &str = "203.0.113.7";

/// [`USER_IP`] parsed.
pub fn user_ip() -> IpAddr {
    USER_IP.parse().expect("a valid IP address")
}

/// Starts `emulator` (an [`Emulator`] or its builder) on a free port of 127.0.0.1.
pub fn start(emulator: impl Into<Emulator>) -> BackgroundEmulator {
    BackgroundEmulator::start(emulator, "127.0.0.1:0".parse().expect("a socket address"))
        .expect("the emulator starts")
}

/// A client builder aimed at `emulator`: its credential, its API 2.0 endpoint and its
/// API 3.0 root. Tests add their own knobs, then hand it to [`client`].
pub fn builder_for(emulator: &BackgroundEmulator) -> captcha_hyper::ClientBuilder {
    ClientBuilder::new()
        .credential(emulator.credential())
        .api2_endpoint(emulator.endpoint())
        .api3_endpoint(emulator.api3_endpoint())
}

/// A `transport` client built from `builder`'s settings.
pub fn client(transport: Transport, builder: captcha_hyper::ClientBuilder) -> TestClient {
    transport.client(builder.settings().expect("valid client settings"))
}

/// A ticket and Randstr of the demo app for [`USER_IP`], as the front-end callback hands
/// them over.
pub fn mint_api3(emulator: &BackgroundEmulator) -> Api3Ticket {
    emulator
        .mint_api3_ticket(DEMO_CAPTCHA_APP_ID, user_ip())
        .expect("the demo app is configured")
}

/// The check a back-end makes with what the front-end callback gave it.
pub fn api3_check(minted: &Api3Ticket) -> DescribeCaptchaResult {
    api3_check_with_key(minted, DEMO_APP_SECRET_KEY)
}

/// [`api3_check`] with another AppSecretKey.
pub fn api3_check_with_key(minted: &Api3Ticket, app_secret_key: &str) -> DescribeCaptchaResult {
    DescribeCaptchaResult::new(
        minted.ticket.clone(),
        minted.randstr.clone(),
        user_ip(),
        minted.captcha_app_id,
        app_secret_key,
    )
}

/// A `transport` client for `emulator` whose API 3.0 calls use `signature` over `method`.
pub fn client_in_mode(
    transport: Transport,
    emulator: &BackgroundEmulator,
    signature: captcha_proto::api3::Api3Signature,
    method: captcha_proto::HttpMethod,
) -> TestClient {
    let mut settings = builder_for(emulator)
        .settings()
        .expect("valid client settings");
    settings.api3 = settings
        .api3
        .clone()
        .with_signature(signature)
        .with_http_method(method);
    transport.client(settings)
}
