//! Exchange wrappers: pin the Timestamp/Nonce, and show each signed request as it is sent.

use captcha_proto::Exchange;
use captcha_proto::{EncodeError, ResponseError, Stamp};
use http::{Request, Response};

/// Something that shows a request about to be sent.
pub type ShowRequest = dyn Fn(&Request<Vec<u8>>) + Sync;

/// An exchange whose stamp parts can be pinned (`--timestamp`, `--nonce`), and whose
/// requests can be shown (redacted) as they are encoded.
pub struct Pinned<'a, E> {
    inner: E,
    timestamp: Option<u64>,
    nonce: Option<u64>,
    show: Option<&'a ShowRequest>,
}

impl<'a, E: Exchange> Pinned<'a, E> {
    /// Wraps `inner`, pinning what is given.
    pub fn new(inner: E, timestamp: Option<u64>, nonce: Option<u64>) -> Self {
        Self {
            inner,
            timestamp,
            nonce,
            show: None,
        }
    }

    /// Calls `show` with every request encoded for sending.
    pub fn showing(mut self, show: &'a ShowRequest) -> Self {
        self.show = Some(show);
        self
    }

    /// The stamp an attempt at `now` uses.
    pub fn stamp(&self, now: Stamp) -> Result<Stamp, EncodeError> {
        Stamp::new(
            self.timestamp.unwrap_or(now.timestamp()),
            self.nonce.unwrap_or(now.nonce()),
        )
    }
}

impl<E: Exchange> Exchange for Pinned<'_, E> {
    type Output = E::Output;

    fn action_name(&self) -> &str {
        self.inner.action_name()
    }

    fn encode(&self, stamp: Stamp) -> Result<Request<Vec<u8>>, EncodeError> {
        let request = self.inner.encode(self.stamp(stamp)?)?;
        if let Some(show) = self.show {
            show(&request);
        }
        Ok(request)
    }

    fn decode(&self, response: &Response<Vec<u8>>) -> Result<E::Output, ResponseError> {
        self.inner.decode(response)
    }

    fn single_use(&self) -> bool {
        self.inner.single_use()
    }
}
