//! Reading a response body with a size cap: memory stays bounded by the limit whatever
//! the server sends or announces.

use crate::{Error, SendError};
use http::HeaderMap;
use http::header::CONTENT_LENGTH;
use http_body_util::BodyExt;
use hyper::body::Incoming;

/// Collects `body` into memory, refusing more than `limit` bytes. A failure while reading
/// is [`Error::MaybeSent`]: the request was written and the server may have acted on it.
pub(crate) async fn collect(
    headers: &HeaderMap,
    mut body: Incoming,
    limit: usize,
) -> Result<Vec<u8>, Error> {
    let announced = headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if announced.is_some_and(|n| n > limit as u64) {
        return Err(Error::BodyTooLarge { limit });
    }
    let capacity = announced.map_or(0, |n| usize::try_from(n).unwrap_or(limit).min(limit));
    let mut bytes = Vec::with_capacity(capacity);
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|e| {
            Error::MaybeSent(SendError::new(
                "reading the response body failed",
                Some(Box::new(e)),
            ))
        })?;
        if let Ok(data) = frame.into_data() {
            if data.len() > limit - bytes.len() {
                return Err(Error::BodyTooLarge { limit });
            }
            bytes.extend_from_slice(&data);
        }
    }
    Ok(bytes)
}
