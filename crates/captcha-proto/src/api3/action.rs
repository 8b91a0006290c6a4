//! [`Api3Action`]: what an API 3.0 call sends and how its response is read, and
//! [`Api3Exchange`], the form in which transports drive it.

use http::{Request, StatusCode};

use super::config::Api3Config;
use crate::error::{EncodeError, ResponseError};
use crate::exchange::Exchange;
use crate::stamp::Stamp;

/// One API 3.0 action. [`Api3Config::encode`] adds the endpoint, the common `X-TC-*`
/// headers and the TC3 signature; the action supplies its names and its JSON body.
///
/// ```
/// use captcha_proto::api3::{Api3RawAction, Api3Action};
/// let call = Api3RawAction::new("cvm", "2017-03-12", "DescribeInstances").param("Limit", 1);
/// assert_eq!((call.service(), call.version(), call.name()), ("cvm", "2017-03-12", "DescribeInstances"));
/// assert_eq!(call.payload()?, br#"{"Limit":1}"#);
/// # Ok::<(), captcha_proto::EncodeError>(())
/// ```
pub trait Api3Action {
    /// What a successful response decodes to.
    type Output;

    /// The service, first label of the host and part of the credential scope (`captcha`).
    fn service(&self) -> &str;

    /// The API version, `X-TC-Version` (e.g. `2019-07-22`).
    fn version(&self) -> &str;

    /// The action, `X-TC-Action` (e.g. `DescribeCaptchaResult`).
    fn name(&self) -> &str;

    /// The JSON body, after checking the inputs (errors name the field).
    fn payload(&self) -> Result<Vec<u8>, EncodeError>;

    /// Decodes a response. Never panics, whatever the bytes.
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

    /// True when the call spends a single-use proof (a ticket): never sent twice.
    fn single_use(&self) -> bool {
        false
    }

    /// The result, when this call needs no request: see [`Exchange::answer_locally`].
    fn answer_locally(&self) -> Option<Self::Output> {
        None
    }
}

/// An API 3.0 action bound to the config that signs it: the [`Exchange`] transports
/// send (re-encoded per attempt, never re-sent when single-use).
///
/// ```
/// use captcha_proto::{Credential, Stamp, Exchange};
/// use captcha_proto::api3::{DescribeCaptchaResult, Api3Config, Api3Exchange};
/// let config = Api3Config::new(Credential::new("AKIDexample", "secret")?);
/// let action = DescribeCaptchaResult::new("t03ticket", "@Vki", "127.0.0.1".parse()?, 199999164, "app-secret");
/// let exchange = Api3Exchange { config: &config, action: &action };
/// assert!(exchange.single_use());
/// let request = exchange.encode(Stamp::new(1_700_000_000, 1)?)?;
/// assert_eq!(request.uri(), "https://captcha.tencentcloudapi.com/");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct Api3Exchange<'a, A: ?Sized> {
    /// Signs and addresses the request.
    pub config: &'a Api3Config,
    /// The action.
    pub action: &'a A,
}

impl<A: Api3Action + ?Sized> Exchange for Api3Exchange<'_, A> {
    type Output = A::Output;

    fn action_name(&self) -> &str {
        self.action.name()
    }

    fn encode(&self, stamp: Stamp) -> Result<Request<Vec<u8>>, EncodeError> {
        self.config.encode(self.action, stamp)
    }

    fn decode(&self, response: &http::Response<Vec<u8>>) -> Result<A::Output, ResponseError> {
        self.action.decode(response.status(), response.body())
    }

    fn single_use(&self) -> bool {
        self.action.single_use()
    }

    fn answer_locally(&self) -> Option<A::Output> {
        self.action.answer_locally()
    }
}
