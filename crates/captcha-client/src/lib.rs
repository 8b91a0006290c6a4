//! The HTTP/1.1 client both transports of the Tencent Cloud captcha SDK share
//! (`captcha-hyper` on tokio, `captcha-async-std` on async-std and smol).
//!
//! hyper 1's connection API ([`hyper::client::conn::http1`]) under a keep-alive pool of our
//! own, and one exchange: request out on a pooled or new connection, the response body
//! read under a size cap, every failure put in the phase that says whether the request
//! may have reached the server. Above them, the whole API call ([`call::exchange`],
//! [`call::send`]): the deadline, the retries, the tracing span. A transport supplies only
//! its [`Runtime`]: how to open a connection, spawn a task and wait.
//!
//! Why not hyper-util's pooled client: it hands a connection back to its pool from a task
//! it spawns for every request, so the next request on a busy client often finds no idle
//! connection and opens another, and every checkout hashes the origin with SipHash. Here a
//! connection goes back to the pool as soon as its response body is read, by the call that
//! used it. On the end-to-end benchmark (BENCHMARKS.md) `captcha-hyper` went from 0.84–0.99×
//! the request rate of a bare hyper-util client to 0.97–1.13×, with less CPU per request than
//! that client although it does more (decoding, a deadline and a span per call).
//!
//! Not a general HTTP client: its API is what the two transports need, and may change
//! with them.

mod body;
pub mod call;
mod handshake;
mod origin;
mod pool;
mod runtime;
#[cfg(test)]
mod testing;
mod transmit;

pub use handshake::handshake;
pub use origin::Origin;
pub use runtime::{Runtime, Sender};
pub use transmit::Transmitter;
