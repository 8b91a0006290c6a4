//! # captcha-client
//!
//! The client of the Tencent Cloud captcha (天御) SDK, written once for every async runtime:
//! [`Client<R>`](Client) sends what `captcha-proto` encodes and returns what it decodes,
//! over HTTP/1.1 with a keep-alive pool, rustls (ring) for https, a deadline per call,
//! retries only of requests that were never sent, and one tracing span per call with
//! secrets masked. Applications use it through a runtime adapter, which names the client
//! for its runtime: `captcha-hyper` (tokio) or `captcha-async-std` (async-std and smol).
//! Depend on this crate directly only to plug in another runtime: implement [`Runtime`].
//!
//! - [`Client`], its [`ClientBuilder`] and [`ClientSettings`]: identical on every runtime,
//!   because they are the same code.
//! - [`Error`] says the phase a call failed in ([`Phase`]): never sent (safe to retry),
//!   maybe sent, timeout, bad response, refusal. [`RetryPolicy`] retries only never-sent
//!   requests, re-signed, and never a call that spends a ticket.
//! - The pool: hyper 1's connection API ([`hyper::client::conn::http1`]) under a pool of our
//!   own. A connection goes back to the pool as soon as its response body is read, by the
//!   call that used it, so a busy client reuses connections instead of opening more
//!   (hyper-util's pooled client hands connections back from a task it spawns per request,
//!   and under load its calls often find none idle).
//!
//! ```no_run
//! # async fn run<R: captcha_client::Runtime>() -> Result<(), Box<dyn std::error::Error>> {
//! use captcha_client::Client;
//! use captcha_proto::{Credential, DescribeCaptchaResult};
//!
//! let client = Client::<R>::builder()
//!     .credential(Credential::new("AKIDexample", "secret-key")?)
//!     .build()?;
//! let check = DescribeCaptchaResult::new("t03ticket", "@Vki", "203.0.113.7".parse()?, 199999164, "app-secret-key");
//! let result = client.describe_captcha_result(&check).await?;
//! # let _ = result;
//! # Ok(())
//! # }
//! ```

mod body;
mod builder;
mod call;
mod client;
pub mod credentials;
mod error;
mod handshake;
mod origin;
mod pool;
mod retry;
mod runtime;
mod settings;
#[cfg(test)]
mod testing;
mod tls;
mod transmit;

pub use builder::ClientBuilder;
pub use client::Client;
pub use error::{BuildError, Error, Phase, SendError};
pub use handshake::handshake;
pub use origin::Origin;
pub use retry::RetryPolicy;
pub use runtime::{Runtime, Sender};
pub use settings::{ClientSettings, DEFAULT_USER_AGENT};

/// Compiles the README's examples.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
