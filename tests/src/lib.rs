//! Shared helpers for the cross-crate tests of the Tencent captcha SDK.
//!
//! The reliability tests (`tests/load.rs`, `tests/faults.rs`, `tests/secrets.rs`) run every
//! scenario through both transports, against servers they start on 127.0.0.1 only:
//!
//! - [`transport`]: [`Transport`] names a transport and runs a future on its executor;
//!   [`TestClient`] is either client behind one set of methods.
//! - [`scripted`]: [`ScriptedServer`], a raw HTTP/1.1 server that misbehaves on purpose
//!   (silence, trickled headers, early close, reset, oversized or malformed bodies) and
//!   counts what it received.
//! - [`proxy`]: [`RecordingProxy`], a byte-for-byte TCP relay that keeps what clients sent,
//!   so tests can learn the signatures and tickets that went over the wire.
//! - [`capture`]: a global `tracing` subscriber at TRACE that writes into memory.
//! - [`secrets`]: the needles tests look for (raw and percent-encoded forms) and the
//!   extraction of secret values from recorded requests.
//! - [`cli`]: builds and locates the `tencent-captcha` binary.
//!
//! The end-to-end suites (`tests/emulator.rs`, `tests/v3_emulator.rs`) run every API 2.0
//! and API 3.0 call through both transports against the captcha emulator, started by
//! [`emulator`].

pub mod capture;
pub mod cli;
pub mod emulator;
pub mod proxy;
pub mod runtime;
pub mod scripted;
pub mod secrets;
pub mod transport;

pub use proxy::RecordingProxy;
pub use scripted::{Misbehaviour, ScriptedServer};
pub use secrets::Needles;
pub use transport::{TestClient, Transport};

/// Compiles and runs the README's example.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

/// Compiles the workspace README's examples.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct WorkspaceReadmeDoctests;
