//! Opening a connection: DNS (async-std's resolver) + TCP (async-io), rustls for https, the hyper
//! HTTP/1.1 handshake, and the connection driver spawned as a task.

use std::sync::Arc;

use async_std::net::ToSocketAddrs;
use captcha_client::{Error, SendError};
use captcha_client::{Origin, Sender};
use futures_rustls::TlsConnector;
use rustls::ClientConfig;
use rustls::pki_types::ServerName;

use crate::stream::{Io, Stream, Tcp};

/// Connects to `origin` (DNS, TCP, TLS and the HTTP handshake; the caller bounds the
/// time). Every failure here happens before a request byte is written: [`Error::NeverSent`].
pub(crate) async fn open(origin: &Origin, tls: &Arc<ClientConfig>) -> Result<Sender, Error> {
    let tcp = connect_tcp(origin)
        .await
        .map_err(|e| never_sent(format!("cannot connect to {origin}"), Some(Box::new(e))))?;
    // Small request/response pairs: do not wait to coalesce segments.
    let _ = tcp.set_nodelay(true);
    let stream = if origin.https {
        let name = ServerName::try_from(origin.host.clone()).map_err(|e| {
            never_sent(
                format!("{:?} is not a valid TLS server name", origin.host),
                Some(Box::new(e)),
            )
        })?;
        let tls = TlsConnector::from(Arc::clone(tls))
            .connect(name, tcp)
            .await
            .map_err(|e| {
                never_sent(
                    format!("TLS handshake with {origin} failed"),
                    Some(Box::new(e)),
                )
            })?;
        Stream::Tls(Box::new(tls))
    } else {
        Stream::Plain(tcp)
    };
    let (sender, driver) = captcha_client::handshake(origin, Io::new(stream))
        .await
        .map_err(|e| {
            never_sent(
                format!("HTTP handshake with {origin} failed"),
                Some(Box::new(e)),
            )
        })?;
    // async-std's global executor runs the driver on async-std and smol alike (both use the
    // async-io reactor).
    async_std::task::spawn(driver);
    Ok(sender)
}

/// Resolves `origin` and connects to its addresses in turn, exactly as async-std's
/// `TcpStream::connect` does (same resolver, same order, the last error, the same error
/// when nothing resolves), but into a [`Tcp`].
async fn connect_tcp(origin: &Origin) -> std::io::Result<Tcp> {
    let mut last_error = None;
    for addr in (origin.host.as_str(), origin.port)
        .to_socket_addrs()
        .await?
    {
        match Tcp::connect(addr).await {
            Ok(tcp) => return Ok(tcp),
            Err(e) => last_error = Some(e),
        }
    }
    Err(last_error.unwrap_or_else(|| {
        std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "could not resolve to any addresses",
        )
    }))
}

fn never_sent(message: String, source: Option<Box<dyn std::error::Error + Send + Sync>>) -> Error {
    Error::NeverSent(SendError::new(message, source))
}
