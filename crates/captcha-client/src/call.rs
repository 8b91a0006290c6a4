//! [`exchange`] and [`send`]: the whole API call both transports' clients make, with the
//! loop every call runs written once: encode afresh for each attempt (new Timestamp and
//! Nonce) → send → read (bounded) → decode, under one deadline, retrying only what the
//! shared [`RetryPolicy`] allows, inside one tracing span with secrets masked.

use std::time::{Duration, Instant};

use captcha_proto::Exchange;
use captcha_proto::redact::Redacted;

use crate::error::Error;
use crate::retry::{Attempts, RetryPolicy};
use captcha_proto::{EncodeError, Stamp};
use http::{Request, Response};
use tracing::Instrument;
use tracing::field::Empty;

use crate::runtime::Runtime;
use crate::transmit::Transmitter;

/// Runs `exchange` as one call through `transmitter`: encoded and signed afresh for each
/// attempt, retried as `retry` allows (never when the exchange is single-use, except an
/// API 3.0 `RequestLimitExceeded` refusal when `retry_rate_limited` is on), every
/// attempt and backoff within `timeout`. An exchange that answers itself (a
/// disaster-recovery ticket) sends nothing.
pub async fn exchange<R: Runtime, E: Exchange + ?Sized>(
    transmitter: &Transmitter<R>,
    timeout: Duration,
    retry: RetryPolicy,
    retry_rate_limited: bool,
    exchange: &E,
) -> Result<E::Output, Error> {
    if let Some(answer) = exchange.answer_locally() {
        tracing::debug!(
            action = exchange.action_name(),
            "answered without a request (disaster-recovery ticket)"
        );
        return Ok(answer);
    }
    let call = Call {
        transmitter,
        timeout,
        action: exchange.action_name(),
        attempts: Attempts::Retry {
            policy: retry,
            single_use: exchange.single_use(),
            rate_limited: retry_rate_limited,
        },
    };
    call.drive(
        || Ok(exchange.encode(Stamp::now())?),
        |response| exchange.decode(&response).map_err(Error::from),
    )
    .await
}

/// Sends a request the caller encoded through `transmitter`, once (it cannot be re-signed,
/// so it is never retried), within `timeout`.
pub async fn send<R: Runtime>(
    transmitter: &Transmitter<R>,
    timeout: Duration,
    request: Request<Vec<u8>>,
) -> Result<Response<Vec<u8>>, Error> {
    let call = Call {
        transmitter,
        timeout,
        action: "send",
        attempts: Attempts::Once,
    };
    let mut request = Some(request);
    call.drive(
        || {
            request
                .take()
                .ok_or(Error::Encode(EncodeError::InvalidValue {
                    field: "request",
                    reason: "already sent",
                }))
        },
        Ok,
    )
    .await
}

/// One call as the loop sees it.
struct Call<'a, R> {
    /// Sends one attempt.
    transmitter: &'a Transmitter<R>,
    /// The whole-call deadline (every attempt and backoff included).
    timeout: Duration,
    /// Shown in the span.
    action: &'a str,
    /// Whether a failed attempt may be followed by another.
    attempts: Attempts,
}

impl<R: Runtime> Call<'_, R> {
    /// Runs the call: `encode` makes each attempt's request, `decode` reads the response.
    async fn drive<T>(
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
                    .transmitter
                    .runtime()
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
                    "retrying re-signed (request never sent, or refused by the rate limit)"
                );
                R::sleep(wait).await;
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
            if let Some(refusal) = error.api2() {
                span.record("code", refusal.code());
            } else if let Some(refusal) = error.api3() {
                span.record("code", refusal.code());
            }
            tracing::debug!(latency_ms, error = %error, "call failed");
        }
    }
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU32, Ordering};

    use crate::ClientSettings;
    use captcha_proto::{Credential, ResponseError};

    use super::*;
    use crate::testing::{NeverOpens, TokioPlain};

    fn settings() -> ClientSettings {
        ClientSettings::new(Credential::new("AKIDx", "k").unwrap())
    }

    /// A call to a port nobody listens on that counts its encodes.
    struct Refused {
        uri: String,
        encodes: AtomicU32,
        single_use: bool,
    }

    impl Exchange for Refused {
        type Output = ();

        fn action_name(&self) -> &str {
            "Refused"
        }

        fn encode(&self, stamp: Stamp) -> Result<Request<Vec<u8>>, EncodeError> {
            self.encodes.fetch_add(1, Ordering::Relaxed);
            let uri = format!("{}?Nonce={}", self.uri, stamp.nonce());
            Ok(Request::get(uri).body(Vec::new()).unwrap())
        }

        fn decode(&self, _: &Response<Vec<u8>>) -> Result<(), ResponseError> {
            Ok(())
        }

        fn single_use(&self) -> bool {
            self.single_use
        }
    }

    /// A port on 127.0.0.1 that refuses connections (bound, then closed).
    async fn refused_uri() -> String {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        drop(listener);
        format!("http://127.0.0.1:{port}/v2/index.php")
    }

    #[tokio::test]
    async fn a_request_never_sent_is_encoded_again_for_each_retry() {
        let transmitter = Transmitter::new(&settings(), TokioPlain).unwrap();
        let retry = RetryPolicy {
            base_delay: Duration::from_millis(1),
            ..RetryPolicy::with_retries(2)
        };
        let refused = Refused {
            uri: refused_uri().await,
            encodes: AtomicU32::new(0),
            single_use: false,
        };
        let error = exchange(
            &transmitter,
            Duration::from_secs(10),
            retry,
            false,
            &refused,
        )
        .await
        .unwrap_err();
        assert!(matches!(error, Error::NeverSent(_)), "{error:?}");
        assert_eq!(
            refused.encodes.load(Ordering::Relaxed),
            3,
            "one try, two retries"
        );

        let spends_a_ticket = Refused {
            single_use: true,
            encodes: AtomicU32::new(0),
            ..refused
        };
        exchange(
            &transmitter,
            Duration::from_secs(10),
            retry,
            true,
            &spends_a_ticket,
        )
        .await
        .unwrap_err();
        assert_eq!(
            spends_a_ticket.encodes.load(Ordering::Relaxed),
            1,
            "never retried"
        );
    }

    /// No limit is too large: a call with `Duration::MAX` for its timeout and backoff ends
    /// with the server's refusal, not a panic on `Instant` arithmetic.
    #[tokio::test]
    async fn limits_near_duration_max_do_not_panic() {
        let transmitter = Transmitter::new(&settings(), TokioPlain).unwrap();
        let retry = RetryPolicy {
            base_delay: Duration::ZERO,
            max_delay: Duration::MAX,
            deadline: Duration::MAX,
            max_retries: 1,
        };
        let refused = Refused {
            uri: refused_uri().await,
            encodes: AtomicU32::new(0),
            single_use: false,
        };
        let error = exchange(&transmitter, Duration::MAX, retry, true, &refused)
            .await
            .unwrap_err();
        assert!(matches!(error, Error::NeverSent(_)), "{error:?}");
        assert_eq!(refused.encodes.load(Ordering::Relaxed), 2);
        let request = Request::get(refused.uri.as_str()).body(Vec::new()).unwrap();
        let error = send(&transmitter, Duration::MAX, request)
            .await
            .unwrap_err();
        assert!(matches!(error, Error::NeverSent(_)), "{error:?}");
    }

    #[tokio::test]
    async fn a_call_ends_at_its_deadline_even_while_connecting() {
        let mut settings = settings();
        settings.connect_timeout = Duration::from_secs(60);
        let transmitter = Transmitter::new(&settings, NeverOpens).unwrap();
        let request = Request::get("http://127.0.0.1:9/v2/index.php?ticket=t03secret")
            .body(Vec::new())
            .unwrap();
        let limit = Duration::from_millis(50);
        let error = send(&transmitter, limit, request).await.unwrap_err();
        assert!(
            matches!(error, Error::Timeout { after } if after == limit),
            "{error:?}"
        );
    }
}
