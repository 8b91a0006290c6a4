//! # captcha-async-std
//!
//! The Tencent Cloud captcha (天御) SDK for [async-std] and [smol] programs: [`Client`] checks
//! the ticket a user's browser got from `TCaptcha.js` with API 3.0 `DescribeCaptchaResult`,
//! and calls any other API 3.0 or API 2.0 action. It is the same client as `captcha-hyper`
//! (tokio) on another runtime — same methods, builder, retry rules and phase-typed errors —
//! so switching runtime is a one-line change of the crate name. To send the requests with
//! an HTTP client of your own, use `captcha-proto` alone.
//!
//! ```no_run
//! use captcha_async_std::{Client, Credential, DescribeCaptchaResult};
//!
//! #[async_std::main]
//! async fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     let client = Client::builder()
//!         .credential(Credential::new("AKIDz8krbsJ5yKBZQpn74WFkmLPx3gnPhESA", "Gu5t9xGARNpq86cd98joQYCN3Cozk1qA")?)
//!         .build()?;
//!     let check = DescribeCaptchaResult::new("t03…", "@Vki", "203.0.113.7".parse()?, 199999164, "app-secret-key");
//!     let result = client.describe_captcha_result(&check).await?;
//!     if result.verdict.is_pass() {
//!         println!("human");
//!     } else {
//!         println!("rejected: {:?}", result.verdict);
//!     }
//!     Ok(())
//! }
//! ```
//!
//! ## Behaviour
//! - **Runtime.** Sockets are `async-io`'s (smol's reactor, which async-std runs on too),
//!   read without `recv` calls that can only fail; names resolve with async-std's resolver;
//!   timers are `async_io::Timer` (the calls of a client share one, in a task of its own);
//!   connection tasks run on async-std's global executor.
//!   The client therefore works under `#[async_std::main]`, `smol::block_on` and
//!   `futures_lite::future::block_on` alike. async-std is sunset upstream in favour of smol
//!   (RUSTSEC-2025-0052, "unmaintained"); nothing here needs more than what smol also runs.
//! - **HTTP.** [`Client`] is `captcha_client::Client<AsyncStd>`: hyper 1's
//!   `client::conn::http1` over a futures-io adapter (`smol_hyper::rt::FuturesIo`), under
//!   `captcha-client`'s keep-alive pool per origin (scheme, host, port), the same code
//!   `captcha-hyper` runs, with this crate's sockets, timers and tasks plugged in. No tokio
//!   runtime, no hyper-util.
//! - **TLS.** rustls with the ring provider passed explicitly, the webpki (Mozilla) roots and
//!   any extra DER roots from the builder.
//! - **Limits.** A connect timeout (DNS, TCP, TLS, HTTP handshake), a whole-call deadline
//!   ([`Client::with_timeout`] per call) and a response body cap read incrementally.
//! - **Retries** follow [`RetryPolicy`]: only requests that were provably never written,
//!   each re-signed with a fresh Timestamp and Nonce; single-use calls
//!   (`DescribeCaptchaResult`, `CaptchaCheck`, `CaptchaVerify`) never.
//! - **Secrets** never reach spans, events or errors: requests are logged through
//!   [`captcha_proto::redact::Redacted`], errors name only scheme, host and port.
//!
//! ## Bring your own client
//! Everything here is `encode` + send + `decode`; any HTTP client can do the middle step.
//! With a bare async-std socket and hyper connection (no pool, no TLS), for an `http`
//! endpoint:
//!
//! ```no_run
//! use captcha_async_std::{Api2Action, CaptchaGetUrl, Api2Config, Credential, Endpoint, Stamp};
//! use http_body_util::{BodyExt, Full};
//! use smol_hyper::rt::FuturesIo;
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
//! let endpoint: Endpoint = "http://127.0.0.1:8080/v2/index.php".parse()?;
//! let config = Api2Config::new(Credential::new("AKIDexample", "secret-key")?).with_endpoint(endpoint);
//! let action = CaptchaGetUrl::new();
//! let request = config.encode(&action, Stamp::now())?;
//!
//! let stream = async_std::net::TcpStream::connect(("127.0.0.1", 8080)).await?;
//! let (mut sender, connection) = hyper::client::conn::http1::handshake(FuturesIo::new(stream)).await?;
//! async_std::task::spawn(connection);
//! let (mut parts, body) = request.into_parts();
//! parts.uri = parts.uri.path_and_query().map_or("/", |pq| pq.as_str()).parse()?;
//! parts.headers.insert(http::header::HOST, "127.0.0.1:8080".parse()?);
//! let response = sender.send_request(http::Request::from_parts(parts, Full::new(bytes::Bytes::from(body)))).await?;
//! let status = response.status();
//! let body = response.into_body().collect().await?.to_bytes(); // cap it in real code
//! let url = action.decode(status, &body)?;
//! println!("{url:?}");
//! # Ok(())
//! # }
//! ```
//!
//! [async-std]: https://docs.rs/async-std
//! [smol]: https://docs.rs/smol

mod connect;
mod runtime;
mod stream;
mod time;

pub use runtime::AsyncStd;

/// The captcha client on async-std and smol (see [`captcha_client::Client`] for every method).
pub type Client = captcha_client::Client<AsyncStd>;
/// The builder of a [`Client`].
pub type ClientBuilder = captcha_client::ClientBuilder<AsyncStd>;

pub use captcha_client::{
    BuildError, ClientSettings, DEFAULT_USER_AGENT, Error, Phase, RetryPolicy, SendError,
};
pub use captcha_proto::*;
// The client's credential sources, which also re-export captcha-proto's pure codecs.
pub use captcha_client::credentials;

/// Compiles the README's examples.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
