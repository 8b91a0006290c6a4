//! Describes why a connection could not be opened (DNS, TCP, TLS, the HTTP handshake),
//! from the most telling error in hyper-util's and rustls's error chains.

use std::error::Error as StdError;
use std::io;

/// Every error in the chain, including the one an `io::Error` wraps (its `source()`
/// skips it).
fn chain<'a>(
    error: &'a (dyn StdError + 'static),
) -> impl Iterator<Item = &'a (dyn StdError + 'static)> {
    let mut next = Some(error);
    std::iter::from_fn(move || {
        let current = next?;
        next = match current.downcast_ref::<io::Error>() {
            Some(io) => io
                .get_ref()
                .map(|inner| inner as &(dyn StdError + 'static))
                .or_else(|| current.source()),
            None => current.source(),
        };
        Some(current)
    })
}

/// A short description from the most telling error in the chain. Built only from error
/// kinds and library messages: never from the request, so it holds no secret.
pub(crate) fn describe(error: &(dyn StdError + 'static)) -> String {
    let mut io_kind = None;
    let mut hyper_error = None;
    for e in chain(error) {
        if let Some(tls) = e.downcast_ref::<rustls::Error>() {
            return format!("TLS handshake failed: {tls}");
        }
        if let Some(io) = e.downcast_ref::<io::Error>() {
            io_kind.get_or_insert(io.kind());
        }
        if let Some(h) = e.downcast_ref::<hyper::Error>() {
            hyper_error.get_or_insert(h);
        }
    }
    if let Some(kind) = io_kind {
        return match kind {
            io::ErrorKind::ConnectionRefused => "connection refused".to_owned(),
            io::ErrorKind::ConnectionReset => "connection reset by the server".to_owned(),
            io::ErrorKind::ConnectionAborted => "connection aborted".to_owned(),
            io::ErrorKind::UnexpectedEof => "connection closed unexpectedly".to_owned(),
            io::ErrorKind::BrokenPipe => "connection closed while writing".to_owned(),
            io::ErrorKind::TimedOut => "connect timed out".to_owned(),
            other => format!("I/O error: {other}"),
        };
    }
    if let Some(h) = hyper_error {
        if h.is_incomplete_message() {
            return "connection closed before the response was complete".to_owned();
        }
        return format!("HTTP error: {h}");
    }
    let deepest = chain(error).last().unwrap_or(error);
    deepest.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn describes_wrapped_tls_and_refusals() {
        let tls = io::Error::new(
            io::ErrorKind::InvalidData,
            rustls::Error::InvalidCertificate(rustls::CertificateError::UnknownIssuer),
        );
        assert!(describe(&tls).starts_with("TLS handshake failed"));
        let refused = io::Error::from(io::ErrorKind::ConnectionRefused);
        assert_eq!(describe(&refused), "connection refused");
    }
}
