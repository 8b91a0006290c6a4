//! [`Captcha`]: the extractor. It checks the request itself and, as it has to read the body
//! to find a ticket in a form or JSON, hands the body back for the handler's own fields.

use std::ops::Deref;

use axum::body::Body;
use axum::extract::{FromRef, FromRequest, Request};
use bytes::Bytes;
use serde::de::DeserializeOwned;

use crate::guard::CaptchaGuard;
use crate::pass::CaptchaPass;
use crate::refusal::CaptchaRejection;
use crate::{observe, verify};

/// A request whose captcha passed: the handler runs only then. Put a [`CaptchaGuard`] in
/// the router's state (or make it reachable with [`FromRef`]) and take `Captcha` as the
/// handler's last argument. A refusal answers for the handler: 400, 403 or 503 (see
/// [`Refusal`](crate::Refusal)).
///
/// It derefs to the [`CaptchaPass`]; [`form`](Captcha::form) and [`json`](Captcha::json)
/// read the rest of the body.
#[derive(Debug, Clone)]
pub struct Captcha {
    pass: CaptchaPass,
    body: Bytes,
}

impl Captcha {
    /// The pass: how the request got through, and the verdict's risk fields.
    pub fn pass(&self) -> &CaptchaPass {
        &self.pass
    }

    /// The request body, as read.
    pub fn body(&self) -> &Bytes {
        &self.body
    }

    /// The body as a URL-encoded form of `T` (fields it does not name, like the ticket,
    /// are ignored unless `T` refuses unknown fields).
    pub fn form<T: DeserializeOwned>(&self) -> Result<T, serde_urlencoded::de::Error> {
        serde_urlencoded::from_bytes(&self.body)
    }

    /// The body as JSON of `T`.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        serde_json::from_slice(&self.body)
    }
}

impl Deref for Captcha {
    type Target = CaptchaPass;

    fn deref(&self) -> &CaptchaPass {
        &self.pass
    }
}

impl<S> FromRequest<S> for Captcha
where
    CaptchaGuard: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = CaptchaRejection;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let guard = CaptchaGuard::from_ref(state);
        let settings = &guard.settings;
        let refuse = |refusal| CaptchaRejection::new(refusal, settings.render(&refusal));
        let (parts, body) = request.into_parts();
        // The handler gets the body, so it is read whole before the ticket is spent: a body
        // over the limit is refused without a call, wherever the ticket is.
        let body =
            match verify::read(body, settings.body_limit, verify::declared_length(&parts)).await {
                Ok(bytes) => bytes,
                Err(refusal) => {
                    observe::check(settings, None, &Err(refusal));
                    return Err(refuse(refusal));
                }
            };
        let (outcome, _) = verify::check(settings, &parts, Body::from(body.clone())).await;
        let pass = outcome.map_err(refuse)?;
        Ok(Self { pass, body })
    }
}
