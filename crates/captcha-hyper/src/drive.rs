//! The one loop every call runs: encode → send → read (bounded) → decode, under one
//! deadline, retrying only what the shared
//! [`RetryPolicy`](captcha_proto::transport::RetryPolicy) allows, inside one tracing span.

use http::{Request, Response};
use tokio::time::Instant;
use tracing::Instrument;
use tracing::field::Empty;

use captcha_proto::redact::Redacted;
use captcha_proto::transport::{Attempts, Error};

use crate::client::Client;

/// What the loop needs to know about a call.
pub(crate) struct Call<'a> {
    /// Shown in the span.
    pub(crate) action: &'a str,
    /// Whether a failed attempt may be followed by another.
    pub(crate) attempts: Attempts,
}

impl Client {
    /// Runs one call: `encode` makes each attempt's request, `decode` reads the response.
    pub(crate) async fn drive<T>(
        &self,
        call: Call<'_>,
        mut encode: impl FnMut() -> Result<Request<Vec<u8>>, Error>,
        decode: impl Fn(Response<Vec<u8>>) -> Result<T, Error>,
    ) -> Result<T, Error> {
        let span = tracing::info_span!(
            "captcha_call",
            action = call.action,
            attempt = Empty,
            latency_ms = Empty,
            status = Empty,
            code = Empty,
            outcome = Empty,
        );
        let timeout = self.timeout();
        async move {
            let started = Instant::now();
            let deadline = started + timeout;
            let mut attempt: u32 = 0;
            let result = loop {
                attempt += 1;
                tracing::Span::current().record("attempt", attempt);
                let attempted = tokio::time::timeout_at(deadline, async {
                    let response = self.round_trip(encode()?).await?;
                    tracing::Span::current().record("status", response.status().as_u16());
                    decode(response)
                })
                .await
                .unwrap_or(Err(Error::Timeout { after: timeout }));
                let error = match attempted {
                    Ok(value) => break Ok(value),
                    Err(error) => error,
                };
                let next = call
                    .attempts
                    .next_delay(attempt, &error, started.elapsed(), timeout);
                let Some(wait) = next else { break Err(error) };
                tracing::debug!(
                    error = %error,
                    delay_ms = wait.as_millis() as u64,
                    "request never sent; retrying re-signed"
                );
                tokio::time::sleep(wait).await;
            };
            record_outcome(&result, started);
            result
        }
        .instrument(span)
        .await
    }

    /// One attempt on the wire: send through the pool and read the bounded body.
    async fn round_trip(&self, request: Request<Vec<u8>>) -> Result<Response<Vec<u8>>, Error> {
        tracing::debug!(request = %Redacted(&request), "sending");
        self.transmitter().send(request).await
    }
}

/// Fills the span's result fields and logs the end of the call (never the body).
fn record_outcome<T>(result: &Result<T, Error>, started: Instant) {
    let span = tracing::Span::current();
    let latency_ms = started.elapsed().as_millis() as u64;
    span.record("latency_ms", latency_ms);
    match result {
        Ok(_) => {
            span.record("outcome", "ok");
            tracing::debug!(latency_ms, "call succeeded");
        }
        Err(error) => {
            span.record("outcome", error.phase().as_str());
            if let Some(api) = error.api() {
                span.record("code", api.code());
            }
            tracing::debug!(latency_ms, error = %error, "call failed");
        }
    }
}
