//! The loop every call runs: encode afresh for each attempt (new Timestamp and Nonce) →
//! send → read (bounded) → decode, under one deadline, retrying only what the shared
//! [`RetryPolicy`](captcha_proto::transport::RetryPolicy) allows, inside one tracing span
//! with secrets masked.

use std::time::{Duration, Instant};

use captcha_proto::redact::Redacted;
use captcha_proto::transport::{Attempts, Error};
use http::{Request, Response};
use tracing::Instrument;
use tracing::field::Empty;

use crate::runtime::AsyncStd;
use crate::time::{self, Deadlines};
use captcha_http1::Transmitter;

/// One call as the loop sees it.
pub(crate) struct Call<'a> {
    /// Sends one attempt.
    pub(crate) transmitter: &'a Transmitter<AsyncStd>,
    /// The client's shared deadline timer: a timer per call would cost a reactor wake-up.
    pub(crate) deadlines: &'a Deadlines,
    /// The whole-call deadline (every attempt and backoff included).
    pub(crate) timeout: Duration,
    /// Shown in the span.
    pub(crate) action: &'a str,
    /// Whether a failed attempt may be followed by another.
    pub(crate) attempts: Attempts,
}

impl Call<'_> {
    /// Runs the call: `encode` makes each attempt's request, `decode` reads the response.
    pub(crate) async fn drive<T>(
        self,
        mut encode: impl FnMut() -> Result<Request<Vec<u8>>, Error>,
        decode: impl Fn(Response<Vec<u8>>) -> Result<T, Error>,
    ) -> Result<T, Error> {
        let span = tracing::info_span!(
            "captcha_call",
            action = self.action,
            attempt = Empty,
            latency_ms = Empty,
            status = Empty,
            code = Empty,
            outcome = Empty,
        );
        async move {
            let started = Instant::now();
            let mut attempt: u32 = 0;
            let result = loop {
                attempt += 1;
                tracing::Span::current().record("attempt", attempt);
                let remaining = self.timeout.saturating_sub(started.elapsed());
                let attempted = self
                    .deadlines
                    .within(remaining, async {
                        let request = encode()?;
                        tracing::debug!(request = %Redacted(&request), "sending");
                        // Boxed: keeps every call's future small (one allocation per attempt).
                        let response = Box::pin(self.transmitter.send(request)).await?;
                        tracing::Span::current().record("status", response.status().as_u16());
                        decode(response)
                    })
                    .await
                    .unwrap_or(Err(Error::Timeout {
                        after: self.timeout,
                    }));
                let error = match attempted {
                    Ok(value) => break Ok(value),
                    Err(error) => error,
                };
                let next =
                    self.attempts
                        .next_delay(attempt, &error, started.elapsed(), self.timeout);
                let Some(wait) = next else { break Err(error) };
                tracing::debug!(
                    error = %error,
                    delay_ms = millis(wait),
                    "request never sent; retrying re-signed"
                );
                time::sleep(wait).await;
            };
            record_outcome(&result, started);
            result
        }
        .instrument(span)
        .await
    }
}

/// Fills the span's result fields and logs the end of the call (never the body).
fn record_outcome<T>(result: &Result<T, Error>, started: Instant) {
    let span = tracing::Span::current();
    let latency_ms = millis(started.elapsed());
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

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}
