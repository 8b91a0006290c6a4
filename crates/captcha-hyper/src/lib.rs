//! # captcha-hyper
//!
//! The Tencent Cloud captcha (天御) SDK for tokio programs: [`Client`] checks the ticket a
//! user's browser got from `TCaptcha.js` with API 3.0 `DescribeCaptchaResult`, and calls any
//! other API 3.0 or API 2.0 action, over hyper 1 (HTTP/1.1 with a keep-alive pool) and
//! rustls (ring). On async-std or smol, use `captcha-async-std` instead: the same client on
//! another runtime. To send the requests with an HTTP client of your own, use
//! `captcha-proto` alone.
//!
//! ```no_run
//! use captcha_hyper::{Client, DescribeCaptchaResult, Error};
//!
//! # async fn run(ticket: &str, randstr: &str) -> Result<(), Box<dyn std::error::Error>> {
//! // Once, at start-up; clone it freely (one connection pool). The credential comes from
//! // TENCENTCLOUD_SECRET_ID / TENCENTCLOUD_SECRET_KEY unless given to the builder.
//! let client = Client::builder().build()?;
//!
//! let check = DescribeCaptchaResult::new(ticket, randstr, "203.0.113.7".parse()?, 199999164, "app-secret-key");
//! match client.describe_captcha_result(&check).await {
//!     Ok(result) if result.verdict.is_pass() => { /* let the user in */ }
//!     Ok(_) => { /* wrong, expired or reused ticket: ask again */ }
//!     Err(e) if e.is_retryable() => { /* never sent: safe to try later */ }
//!     Err(e) => return Err(e.into()),
//! }
//! # Ok(())
//! # }
//! ```
//!
//! ## Behaviour
//! - **HTTP.** [`Client`] is `captcha_client::Client<Tokio>`: hyper 1's connection API under
//!   `captcha-client`'s keep-alive pool, the same code `captcha-async-std` runs; connections
//!   are opened with hyper-util's TCP connector (DNS off the runtime threads) and
//!   hyper-rustls. The call that used a connection returns it to the pool as soon as the
//!   response is read.
//! - [`Client`] is `Clone + Send + Sync`; its clones share one pool. Idle connections live
//!   50 s (below Tencent's 60 s), connect plus TLS handshake is limited to 5 s, a whole call
//!   to 10 s ([`Client::with_timeout`] per call), a response body to 1 MiB. Knobs come from
//!   the shared [`ClientBuilder`], identical in `captcha-async-std`.
//! - Each attempt is signed afresh (new `Timestamp` and `Nonce`). Automatic retries are off
//!   by default; with a [`RetryPolicy`] only requests that were never written (connect,
//!   DNS, TLS failures) are retried, with jittered backoff, and `DescribeCaptchaResult`,
//!   `CaptchaCheck` and `CaptchaVerify` never are (tickets are single use).
//! - Errors say the phase ([`Error::phase`]): never sent, maybe sent, timeout, body too
//!   large, bad response, API refusal.
//! - One `tracing` span `captcha_call` per call (action, attempt, latency_ms, status,
//!   code, outcome); requests are logged only through [`captcha_proto::redact::Redacted`].
//! - Redirects are not followed; TLS uses ring passed explicitly (no process-wide
//!   provider), the bundled webpki roots, and with the `native-roots` feature also the
//!   operating system's store.
//!
//! ## Bring your own client
//! Everything here is `encode` + send + `decode`; any HTTP client can do the middle step.
//! With a bare hyper connection (no pool, no TLS), for an `http` endpoint:
//!
//! ```no_run
//! use captcha_hyper::{Api2Action, CaptchaGetUrl, Api2Config, Credential, Endpoint, Stamp};
//! use http_body_util::{BodyExt, Full};
//! use hyper_util::rt::TokioIo;
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
//! let endpoint: Endpoint = "http://127.0.0.1:8080/v2/index.php".parse()?;
//! let config = Api2Config::new(Credential::new("AKIDexample", "secret-key")?).with_endpoint(endpoint);
//! let action = CaptchaGetUrl::new();
//! let request = config.encode(&action, Stamp::now())?;
//!
//! let stream = tokio::net::TcpStream::connect(("127.0.0.1", 8080)).await?;
//! let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
//! tokio::spawn(connection);
//! let (mut parts, body) = request.into_parts();
//! parts.headers.insert(http::header::HOST, "127.0.0.1:8080".parse()?);
//! let response = sender.send_request(http::Request::from_parts(parts, Full::new(bytes::Bytes::from(body)))).await?;
//! let status = response.status();
//! let body = response.into_body().collect().await?.to_bytes(); // cap it in real code
//! let url = action.decode(status, &body)?;
//! println!("{url:?}");
//! # Ok(())
//! # }
//! ```

mod classify;
mod runtime;

pub use runtime::Tokio;

/// The captcha client on tokio (see [`captcha_client::Client`] for every method).
pub type Client = captcha_client::Client<Tokio>;
/// The builder of a [`Client`].
pub type ClientBuilder = captcha_client::ClientBuilder<Tokio>;

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
