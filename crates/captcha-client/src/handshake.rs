//! The HTTP/1.1 handshake every [`Runtime`](crate::Runtime) does once its stream is
//! connected (and, for https, encrypted).

use std::future::Future;

use bytes::Bytes;
use http_body_util::Full;
use hyper::client::conn::http1;
use hyper::rt::{Read, Write};

use crate::origin::Origin;
use crate::runtime::Sender;

/// Starts HTTP/1.1 over `io`, connected to `origin`: the sender the pool hands out, and the
/// connection's driver for the runtime to spawn. The driver reads and writes the socket
/// until the server closes or every sender is dropped, and logs how the connection ended.
pub async fn handshake<I>(
    origin: &Origin,
    io: I,
) -> Result<(Sender, impl Future<Output = ()> + Send + 'static), hyper::Error>
where
    I: Read + Write + Unpin + Send + 'static,
{
    let (sender, connection) = http1::Builder::new()
        .handshake::<_, Full<Bytes>>(io)
        .await?;
    let shown = origin.to_string();
    let driver = async move {
        match connection.await {
            Ok(()) => tracing::trace!(origin = %shown, "connection closed"),
            Err(e) => {
                tracing::debug!(origin = %shown, error = %e, "connection ended with an error")
            }
        }
    };
    tracing::debug!(origin = %origin, "connected");
    Ok((sender, driver))
}
