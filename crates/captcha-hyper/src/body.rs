//! Reading a response body without ever holding more than the configured limit.

use http::HeaderMap;
use http::header::CONTENT_LENGTH;
use http_body_util::{BodyExt, Limited};
use hyper::body::Incoming;

use captcha_proto::transport::Error;

use crate::classify;

/// Collects `body`, failing with `BodyTooLarge` as soon as it passes `limit` bytes (at once
/// when `Content-Length` already says so), so memory stays bounded whatever the server sends.
pub(crate) async fn read_limited(
    headers: &HeaderMap,
    body: Incoming,
    limit: usize,
) -> Result<Vec<u8>, Error> {
    let declared = headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|len| len > limit as u64) {
        return Err(Error::BodyTooLarge { limit });
    }
    let collected = Limited::new(body, limit)
        .collect()
        .await
        .map_err(|e| classify::body_error(e, limit))?;
    Ok(Vec::from(collected.to_bytes()))
}
