//! The captcha emulator for the end-to-end suites (`tests/emulator.rs`,
//! `tests/v3_emulator.rs`): started on 127.0.0.1 on its own thread and tokio runtime, so
//! either transport's client can call it from its own executor.

use std::net::IpAddr;

use captcha_emulator::{BackgroundEmulator, Emulator};
use captcha_hyper::ClientBuilder;

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
