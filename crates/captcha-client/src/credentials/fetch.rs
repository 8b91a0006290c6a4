//! [`Fetcher`]: how a credential source reaches the network: through the client's own
//! transmitter (its pool, TLS and runtime), each request bounded by its own limit.

use std::time::Duration;

use http::{Request, Response};

use crate::call;
use crate::error::Error;
use crate::runtime::Runtime;
use crate::transmit::Transmitter;

/// The client's transmitter and the limit of an ordinary call (STS).
pub(crate) struct Fetcher<'a, R> {
    pub(crate) transmitter: &'a Transmitter<R>,
    pub(crate) timeout: Duration,
}

impl<R: Runtime> Fetcher<'_, R> {
    /// Sends `request` once, within `limit`.
    pub(crate) async fn send(
        &self,
        request: Request<Vec<u8>>,
        limit: Duration,
    ) -> Result<Response<Vec<u8>>, Error> {
        call::send(self.transmitter, limit, request).await
    }
}
