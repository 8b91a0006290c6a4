//! [`CaptchaLayer`]: the check as tower middleware, for a route or a whole router. The
//! wrapped service sees the request only after a pass, with the body as it came (re-made
//! from the bytes when the ticket had to be read from it) and the [`CaptchaPass`] in its
//! extensions.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use axum::body::Body;
use axum::response::Response;
use http::Request;
use tower::{Layer, Service};

use crate::guard::CaptchaGuard;
use crate::verify;

/// Runs a [`CaptchaGuard`]'s check before the service it wraps; refusals are answered
/// here, with the guard's response. Handlers behind it extract
/// [`CaptchaPass`](crate::CaptchaPass) — and, unlike with the
/// [`Captcha`](crate::Captcha) extractor, can still use `Form`, `Json` or any body
/// extractor.
#[derive(Debug, Clone)]
pub struct CaptchaLayer {
    guard: CaptchaGuard,
}

impl CaptchaLayer {
    /// A layer running `guard`'s check.
    pub fn new(guard: CaptchaGuard) -> Self {
        Self { guard }
    }
}

impl<S> Layer<S> for CaptchaLayer {
    type Service = CaptchaService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        CaptchaService {
            inner,
            guard: self.guard.clone(),
        }
    }
}

/// The service made by [`CaptchaLayer`].
#[derive(Debug, Clone)]
pub struct CaptchaService<S> {
    inner: S,
    guard: CaptchaGuard,
}

impl<S> Service<Request<Body>> for CaptchaService<S>
where
    S: Service<Request<Body>, Response = Response> + Clone + Send + 'static,
    S::Future: Send + 'static,
{
    type Response = Response;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Response, S::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<Body>) -> Self::Future {
        // The clone is the one not yet polled ready: keep the ready one for this call.
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        let guard = self.guard.clone();
        Box::pin(async move {
            let (mut parts, body) = request.into_parts();
            let (outcome, body) = verify::check(&guard.settings, &parts, body).await;
            match outcome {
                Ok(pass) => {
                    parts.extensions.insert(pass);
                    inner
                        .call(Request::from_parts(parts, body.into_body()))
                        .await
                }
                Err(refusal) => Ok(guard.settings.render(&refusal)),
            }
        })
    }
}
