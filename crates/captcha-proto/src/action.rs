//! The [`Action`] trait: what an API 2.0 call sends and how its response is read.

use http::StatusCode;

use crate::error::{EncodeError, ResponseError};
use crate::params::{DirectParams, Params};

/// One API 2.0 action: its name, its own parameters, and the decoder of its response.
///
/// The common parameters (`Action`, `Region`, `Timestamp`, `Nonce`, `SecretId`, …) and the
/// signature are added by [`Config::encode`](crate::Config::encode); an action writes only its own.
pub trait Action {
    /// What a successful response decodes to.
    type Output;

    /// The `Action` parameter, e.g. `CaptchaCheck`.
    fn name(&self) -> &str;

    /// Appends this action's own parameters, checking them; errors name the field.
    fn write_params(&self, params: &mut Params) -> Result<(), EncodeError>;

    /// Whether [`write_direct`](Action::write_direct) writes the parameters: `false`, the
    /// default, sends the call through `write_params`; leave it so.
    #[doc(hidden)]
    fn writes_direct(&self) -> bool {
        false
    }

    /// The typed actions' faster path: writes the same parameters as
    /// [`write_params`](Action::write_params) straight into the request. Called only when
    /// [`writes_direct`](Action::writes_direct) says so; `None` then falls back to
    /// `write_params` all the same.
    #[doc(hidden)]
    fn write_direct(&self, direct: &mut DirectParams) -> Option<Result<(), EncodeError>> {
        let _ = direct;
        None
    }

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
    fn consumes_ticket(&self) -> bool {
        false
    }
}
