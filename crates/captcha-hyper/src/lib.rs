//! # captcha-hyper
//!
//! The tokio transport of the Tencent Cloud captcha SDK: [`Client`] sends what
//! [`captcha_proto`] encodes over hyper 1 (HTTP/1.1 with a keep-alive pool, rustls with the
//! ring provider for https) and returns what it decodes. No protocol logic lives here.
//!
//! ```no_run
//! use captcha_hyper::{CaptchaCheck, CaptchaType, Client, Credential, Error};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! // Once, at start-up; clone it freely (one connection pool).
//! let client = Client::builder()
//!     .credential(Credential::new("AKIDexample", "secret-key")?) // or TENCENTCLOUD_SECRET_ID/KEY
//!     .build()?;
//!
//! let check = CaptchaCheck::new("t03ticket…", "203.0.113.7".parse()?, CaptchaType::Slider);
//! match client.check(&check).await {
//!     Ok(verdict) if verdict.is_pass() => { /* let the user in */ }
//!     Ok(_) => { /* wrong or reused ticket: ask again */ }
//!     Err(e) if e.is_retryable() => { /* never sent: safe to try later */ }
//!     Err(e) => return Err(e.into()),
//! }
//! # Ok(())
//! # }
//! ```
//!
//! ## Behaviour
//! - **HTTP.** hyper 1's connection API under the keep-alive pool of `captcha-client`, the
//!   same one `captcha-async-std` uses; connections are opened with hyper-util's TCP
//!   connector (DNS off the runtime threads) and hyper-rustls. Not hyper-util's pooled
//!   client, which the design first named: it hands each connection back to its pool from
//!   a task spawned per request, so under load calls often find no idle connection and open
//!   more, and it cost about 5 µs of CPU per call more than this pool (measured with
//!   `tests/examples/e2e.rs`, see BENCHMARKS.md). Here the call that used a connection
//!   returns it as soon as the response is read.
//! - [`Client`] is `Clone + Send + Sync`; its clones share one pool. Idle connections live
//!   50 s (below Tencent's 60 s), connect plus TLS handshake is limited to 5 s, a whole call
//!   to 10 s ([`Client::with_timeout`] per call), a response body to 1 MiB. Knobs come from
//!   the shared [`ClientBuilder`], identical in `captcha-async-std`.
//! - Each attempt is signed afresh (new `Timestamp` and `Nonce`). Automatic retries are off
//!   by default; with a [`RetryPolicy`] only requests that were never written (connect,
//!   DNS, TLS failures) are retried, with jittered backoff, and `CaptchaCheck` /
//!   `CaptchaVerify` never are (tickets are single use).
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
mod client;
mod runtime;

pub use client::Client;

pub use captcha_proto;
pub use captcha_client::{
    BuildError, ClientBuilder, ClientSettings, Error, Exchange, Phase, RetryPolicy, SendError,
    Api2Exchange,
};
pub use captcha_proto::{
    AccountType, Api2Action, Api2Error, CaptchaCheck, CaptchaGetUrl, CaptchaIframeQuery, CaptchaImage,
    CaptchaQuery, CaptchaScript, CaptchaType, CaptchaUrl, CaptchaVerify, CheckVerdict, ClientType,
    Api2Config, Credential, DecodeError, DisturbLevel, Endpoint, HttpMethod, IsHttps, Api2RawAction,
    ScriptFormat, SignatureMethod, Stamp, VerifyVerdict,
};

/// Compiles the README's examples.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
