//! [`ReplyBody`]: the response body, able to misbehave on purpose for the fault switches
//! (a body shorter than its `Content-Length`, or padded far beyond the reply).

use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll, ready};
use std::time::Duration;

use bytes::Bytes;
use hyper::body::{Body, Frame, SizeHint};
use tokio::time::Sleep;

/// Padding is sent in chunks of this many spaces, without allocating.
static SPACES: [u8; 16 * 1024] = [b' '; 16 * 1024];

/// How long a truncated body waits, with its partial data flushed, before the connection
/// is cut (so the client surely reads the partial data first).
const TRUNCATE_PAUSE: Duration = Duration::from_millis(50);

pub(crate) enum ReplyBody {
    /// The whole body in one frame.
    Full(Option<Bytes>),
    /// Declares `declared` bytes, sends `data`, then aborts the connection.
    Truncated {
        data: Option<Bytes>,
        declared: u64,
        pause: Pin<Box<Sleep>>,
    },
    /// `head` followed by `padding` spaces (JSON stays valid: trailing whitespace).
    Padded { head: Option<Bytes>, padding: u64 },
}

impl ReplyBody {
    pub(crate) fn full(data: Bytes) -> Self {
        Self::Full(Some(data))
    }

    /// Sends the first half of `data` under a `Content-Length` of all of it, then cuts.
    pub(crate) fn truncated(data: Bytes) -> Self {
        let declared = data.len() as u64;
        let half = data.slice(..data.len() / 2);
        Self::Truncated {
            data: Some(half),
            declared: declared.max(1),
            pause: Box::pin(tokio::time::sleep(TRUNCATE_PAUSE)),
        }
    }

    /// `data` padded with spaces to `total` bytes (or `data` alone when it is longer).
    pub(crate) fn padded(data: Bytes, total: u64) -> Self {
        let padding = total.saturating_sub(data.len() as u64);
        Self::Padded {
            head: Some(data),
            padding,
        }
    }
}

/// The body was cut on purpose (the truncation fault); hyper closes the connection.
#[derive(Debug)]
pub(crate) struct BodyAborted;

impl fmt::Display for BodyAborted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("response body truncated by the emulator's fault switch")
    }
}

impl std::error::Error for BodyAborted {}

impl Body for ReplyBody {
    type Data = Bytes;
    type Error = BodyAborted;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BodyAborted>>> {
        match self.get_mut() {
            Self::Full(data) => Poll::Ready(data.take().map(|d| Ok(Frame::data(d)))),
            Self::Truncated { data, pause, .. } => {
                if let Some(data) = data.take() {
                    return Poll::Ready(Some(Ok(Frame::data(data))));
                }
                ready!(pause.as_mut().poll(cx));
                Poll::Ready(Some(Err(BodyAborted)))
            }
            Self::Padded { head, padding } => {
                if let Some(head) = head.take() {
                    return Poll::Ready(Some(Ok(Frame::data(head))));
                }
                if *padding == 0 {
                    return Poll::Ready(None);
                }
                let n = usize::try_from(*padding).map_or(SPACES.len(), |p| p.min(SPACES.len()));
                *padding -= n as u64;
                Poll::Ready(Some(Ok(Frame::data(Bytes::from_static(&SPACES[..n])))))
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        match self {
            Self::Full(data) => data.is_none(),
            Self::Truncated { .. } => false,
            Self::Padded { head, padding } => head.is_none() && *padding == 0,
        }
    }

    fn size_hint(&self) -> SizeHint {
        match self {
            Self::Full(data) => SizeHint::with_exact(data.as_ref().map_or(0, |d| d.len() as u64)),
            Self::Truncated { declared, .. } => SizeHint::with_exact(*declared),
            Self::Padded { head, padding } => {
                SizeHint::with_exact(head.as_ref().map_or(0, |h| h.len() as u64) + padding)
            }
        }
    }
}
