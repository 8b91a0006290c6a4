//! What every transport shares, kept here so that `captcha-hyper` and `captcha-async-std`
//! behave identically and switching runtime is a one-line change: the [`Exchange`] a call
//! performs, the client [`ClientSettings`] and their [`ClientBuilder`], the [`RetryPolicy`],
//! and the phase-typed [`Error`]. Still no I/O: transports do the sending.

mod builder;
mod error;
mod exchange;
mod image;
mod methods;
mod retry;
mod settings;
#[cfg(feature = "rustls")]
pub mod tls;

pub use crate::v3::V3Exchange;
pub use builder::{BuildClient, ClientBuilder};
pub use error::{BuildError, Error, Phase, SendError};
pub use exchange::{Exchange, V1Exchange};
pub use image::ImageExchange;
pub use retry::{Attempts, RetryPolicy};
pub use settings::{ClientSettings, DEFAULT_USER_AGENT};
