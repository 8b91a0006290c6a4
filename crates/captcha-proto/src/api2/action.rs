//! [`Api2Action`]: what an API 2.0 call sends and how its response is read, and
//! [`Api2Exchange`], the form in which clients drive it.

use http::{Request, Response, StatusCode};

use super::config::Api2Config;
use crate::error::{EncodeError, ResponseError};
use crate::exchange::Exchange;
use crate::params::Params;
use crate::stamp::Stamp;

/// One API 2.0 action: its name, its own parameters, and the decoder of its response.
///
/// The common parameters (`Action`, `Region`, `Timestamp`, `Nonce`, `SecretId`, …) and the
/// signature are added by [`Api2Config::encode`](crate::Api2Config::encode); an action writes only its own.
pub trait Api2Action {
    /// What a successful response decodes to.
    type Output;

    /// The `Action` parameter, e.g. `CaptchaCheck`.
    fn name(&self) -> &str;

    /// Appends this action's own parameters, checking them; errors name the field.
    fn write_params(&self, params: &mut Params) -> Result<(), EncodeError>;

    /// Decodes a response with `status` and `body`. Never panics, whatever the bytes.
    fn decode(&self, status: StatusCode, body: &[u8]) -> Result<Self::Output, ResponseError>;

    /// Decodes an `http::Response` (any body that is bytes).
    fn decode_response<B: AsRef<[u8]>>(
        &self,
        response: &http::Response<B>,
    ) -> Result<Self::Output, ResponseError>
    where
        Self: Sized,
    {
        self.decode(response.status(), response.body().as_ref())
    }

    /// True when the call spends a single-use proof (a ticket or captcha signature).
    /// Transports never send such a call twice, whatever failed.
    fn single_use(&self) -> bool {
        false
    }
}

/// An API 2.0 action bound to the config that signs it.
#[derive(Debug)]
pub struct Api2Exchange<'a, A: ?Sized> {
    /// Signs and addresses the request.
    pub config: &'a Api2Config,
    /// The action.
    pub action: &'a A,
}

impl<A: Api2Action + ?Sized> Exchange for Api2Exchange<'_, A> {
    type Output = A::Output;

    fn action_name(&self) -> &str {
        self.action.name()
    }

    fn encode(&self, stamp: Stamp) -> Result<Request<Vec<u8>>, EncodeError> {
        self.config.encode(self.action, stamp)
    }

    fn decode(&self, response: &Response<Vec<u8>>) -> Result<A::Output, ResponseError> {
        self.action.decode(response.status(), response.body())
    }

    fn single_use(&self) -> bool {
        self.action.single_use()
    }
}
