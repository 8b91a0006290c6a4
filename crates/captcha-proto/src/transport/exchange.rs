//! [`Exchange`]: one logical call as a transport sees it (encode per attempt, decode once).

use http::{Request, Response};

use crate::action::Action;
use crate::config::Config;
use crate::error::{EncodeError, ResponseError};
use crate::stamp::Stamp;

/// One call, seen from a transport: it can be encoded afresh for every attempt (new
/// Timestamp and Nonce) and its response decoded. Implemented for API 2.0 actions by
/// [`V1Exchange`]; API 3.0 calls implement it too.
pub trait Exchange {
    /// The decoded result.
    type Output;

    /// The action name, for logs and spans.
    fn action_name(&self) -> &str;

    /// A signed request for one attempt made at `stamp`.
    fn encode(&self, stamp: Stamp) -> Result<Request<Vec<u8>>, EncodeError>;

    /// Decodes the response (status, headers and the whole body).
    fn decode(&self, response: &Response<Vec<u8>>) -> Result<Self::Output, ResponseError>;

    /// True when the call spends a single-use proof: it is then never sent twice.
    fn single_use(&self) -> bool;
}

/// An API 2.0 action bound to the config that signs it.
#[derive(Debug)]
pub struct V1Exchange<'a, A: ?Sized> {
    /// Signs and addresses the request.
    pub config: &'a Config,
    /// The action.
    pub action: &'a A,
}

impl<A: Action + ?Sized> Exchange for V1Exchange<'_, A> {
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
        self.action.consumes_ticket()
    }
}
