//! Root-store settings both transports refuse when the client is built, before any
//! connection: an https endpoint with no trusted root at all, and an extra root that is not
//! a DER certificate (for an https or a plain http endpoint). The handshakes themselves
//! are tested by each crate's `tests/tls.rs` against its own server.

use captcha_client::{BuildError, ClientBuilder};
use captcha_proto::{Credential, Endpoint};
use captcha_tests::{TestClient, Transport};

/// A builder with a throwaway credential aimed at `endpoint` (nothing listens there).
fn builder(endpoint: &str) -> captcha_hyper::ClientBuilder {
    let endpoint: Endpoint = endpoint.parse().expect("a valid endpoint");
    ClientBuilder::new()
        .credential(Credential::new("AKIDtlssettings", "tls-settings-key").unwrap())
        .api2_endpoint(endpoint)
}

/// What `ClientBuilder::build` of `transport` makes of `builder`.
fn build(
    transport: Transport,
    builder: captcha_hyper::ClientBuilder,
) -> Result<TestClient, BuildError> {
    builder.settings().and_then(|s| transport.try_client(s))
}

#[test]
fn https_without_any_root_is_a_build_error() {
    for transport in Transport::ALL {
        let name = transport.name();
        let https = builder("https://127.0.0.1:1/v2/index.php").webpki_roots(false);
        let error = build(transport, https).unwrap_err();
        let names_the_setting = matches!(
            error,
            BuildError::InvalidSetting {
                setting: "webpki_roots",
                ..
            }
        );
        assert!(names_the_setting, "{name}: {error:?}");
    }
}

#[test]
fn a_root_that_is_not_der_is_a_build_error_naming_the_setting() {
    for transport in Transport::ALL {
        let name = transport.name();
        for endpoint in [
            "https://127.0.0.1:1/v2/index.php",
            "http://127.0.0.1:1/v2/index.php",
        ] {
            let garbage = builder(endpoint).add_root_certificate_der(b"not a certificate".to_vec());
            let error = build(transport, garbage).unwrap_err();
            let names_the_setting = matches!(
                error,
                BuildError::InvalidSetting {
                    setting: "extra_root_certificates",
                    ..
                }
            );
            assert!(names_the_setting, "{name}, {endpoint}: {error:?}");
            // Which of the extra roots (1-based) is wrong.
            assert!(error.to_string().contains("#1"), "{name}: {error}");
        }
    }
}
