//! The https listener's rustls configuration, with the ring provider passed explicitly
//! (no process-wide default provider is installed or needed).

use std::sync::Arc;

use rustls::ServerConfig;
use rustls::crypto::ring;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};

use crate::builder::TlsSource;
use crate::error::StartError;

fn tls_error(reason: impl Into<String>) -> StartError {
    StartError::Tls {
        reason: reason.into(),
    }
}

fn is_pem(bytes: &[u8]) -> bool {
    bytes.windows(11).any(|w| w == b"-----BEGIN ")
}

/// The server configuration for `source`: PEM or DER chain and key, HTTP/1.1 over ALPN.
pub(crate) fn server_config(source: &TlsSource) -> Result<Arc<ServerConfig>, StartError> {
    let chain: Vec<CertificateDer<'static>> = if is_pem(&source.cert_chain) {
        CertificateDer::pem_slice_iter(&source.cert_chain)
            .collect::<Result<_, _>>()
            .map_err(|e| tls_error(format!("certificate chain: {e}")))?
    } else {
        vec![CertificateDer::from(source.cert_chain.clone())]
    };
    if chain.is_empty() || chain.iter().any(|c| c.is_empty()) {
        return Err(tls_error("certificate chain: no certificate found"));
    }
    let key: PrivateKeyDer<'static> = if is_pem(&source.private_key) {
        PrivateKeyDer::from_pem_slice(&source.private_key)
            .map_err(|e| tls_error(format!("private key: {e}")))?
    } else {
        PrivateKeyDer::try_from(source.private_key.clone())
            .map_err(|e| tls_error(format!("private key: {e}")))?
    };
    let mut config = ServerConfig::builder_with_provider(Arc::new(ring::default_provider()))
        .with_safe_default_protocol_versions()
        .map_err(|e| tls_error(e.to_string()))?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(|e| tls_error(format!("certificate and key: {e}")))?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}
