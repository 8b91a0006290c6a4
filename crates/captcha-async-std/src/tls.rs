//! The rustls client configuration: the shared one from `captcha_client::tls`
//! (ring passed explicitly, webpki/native/extra roots), announcing HTTP/1.1 over ALPN since
//! that is the only protocol this transport speaks.

use std::sync::Arc;

use captcha_client::{BuildError, ClientSettings};
use rustls::ClientConfig;

/// Builds the TLS configuration every https connection of a client uses.
pub(crate) fn client_config(settings: &ClientSettings) -> Result<Arc<ClientConfig>, BuildError> {
    let mut config = captcha_client::tls_config(settings)?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}
