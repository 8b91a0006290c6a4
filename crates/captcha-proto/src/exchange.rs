//! [`Exchange`]: the sans-IO description of one call, as a client's call loop drives it:
//! encoded afresh for every attempt (new Timestamp and Nonce), decoded once, and never sent
//! twice when it spends something single-use.

use http::{Request, Response};

use crate::error::{EncodeError, ResponseError};
use crate::stamp::Stamp;

/// One call, seen from a transport: it can be encoded afresh for every attempt (new
/// Timestamp and Nonce) and its response decoded. Implemented by
/// [`Api2Exchange`](crate::Api2Exchange), [`Api3Exchange`](crate::Api3Exchange) and
/// [`ImageExchange`](crate::ImageExchange).
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

    /// The result, when the call is answered without sending anything (a disaster-recovery
    /// ticket the caller did not ask to send): a client returns it and makes no request.
    fn answer_locally(&self) -> Option<Self::Output> {
        None
    }
}
