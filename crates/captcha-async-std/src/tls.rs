//! The rustls client configuration: the shared one from `captcha_proto::transport::tls`
//! (ring passed explicitly, webpki/native/extra roots), announcing HTTP/1.1 over ALPN since
//! that is the only protocol this transport speaks.

use std::sync::Arc;

use captcha_proto::transport::{BuildError, ClientSettings};
use rustls::ClientConfig;

/// Builds the TLS configuration every https connection of a client uses.
pub(crate) fn client_config(settings: &ClientSettings) -> Result<Arc<ClientConfig>, BuildError> {
    let mut config = captcha_proto::transport::tls::client_config(settings)?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}
