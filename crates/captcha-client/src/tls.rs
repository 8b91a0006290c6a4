//! The rustls client configuration of every client: the ring
//! provider passed explicitly (no process-wide default is read or installed), webpki roots
//! unless turned off, the operating system's store with `native-roots`, plus the settings'
//! extra DER roots.

use std::sync::Arc;

use rustls::pki_types::CertificateDer;
use rustls::{ClientConfig, RootCertStore};

use crate::error::BuildError;
use crate::settings::ClientSettings;

/// The TLS configuration for `settings`. An https endpoint with no trusted root at all is
/// refused here rather than failing every handshake later.
pub fn tls_config(settings: &ClientSettings) -> Result<ClientConfig, BuildError> {
    let roots = root_store(settings)?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| invalid("tls", format!("no usable TLS version: {e}")))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(config)
}

fn root_store(settings: &ClientSettings) -> Result<RootCertStore, BuildError> {
    let mut roots = RootCertStore::empty();
    if settings.webpki_roots {
        roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    }
    #[cfg(feature = "native-roots")]
    {
        // Unreadable entries in the OS store are skipped, as browsers do.
        let native = rustls_native_certs::load_native_certs();
        roots.add_parsable_certificates(native.certs);
    }
    for (index, der) in settings.extra_root_certificates.iter().enumerate() {
        roots
            .add(CertificateDer::from(der.as_slice()).into_owned())
            .map_err(|e| {
                invalid(
                    "extra_root_certificates",
                    format!("certificate #{} is not a usable DER root: {e}", index + 1),
                )
            })?;
    }
    // Refused only when no endpoint could be reached: a client may use one API over http.
    if roots.is_empty()
        && settings.api2.endpoint().is_https()
        && settings.api3.endpoint().is_https()
    {
        return Err(invalid(
            "webpki_roots",
            "no root certificate is trusted, so no https endpoint can be verified; \
             keep the webpki roots or add a root certificate"
                .to_owned(),
        ));
    }
    Ok(roots)
}

fn invalid(setting: &'static str, reason: String) -> BuildError {
    BuildError::InvalidSetting { setting, reason }
}
