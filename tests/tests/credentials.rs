//! The credential sources end to end, against the emulator's metadata service and STS on
//! 127.0.0.1, through both transports: the CVM role, AssumeRole chained from it, a web
//! identity whose token file rotates between refreshes, and a chain whose metadata service
//! is unreachable. The captcha API accepts each temporary credential with its own token.

use std::io::Write;
use std::net::TcpListener;
use std::time::{Duration, Instant};

use captcha_client::credentials::{CredentialEndpoints, CredentialSource, WebIdentity};
use captcha_emulator::{BackgroundEmulator, Emulator};
use captcha_hyper::ClientBuilder;
use captcha_tests::emulator::{api3_check, mint_api3, start};
use captcha_tests::{TestClient, Transport};

const ROLE: &str = "CaptchaRole";
const ROLE_ARN: &str = "qcs::cam::uin/100000000001:roleName/captcha-backend";
const WEB_TOKEN_A: &str = "eyJ-web-identity-token-A";
const WEB_TOKEN_B: &str = "eyJ-web-identity-token-B";

fn endpoints(emulator: &BackgroundEmulator) -> CredentialEndpoints {
    CredentialEndpoints {
        metadata: emulator.metadata_endpoint(),
        sts: emulator.sts_endpoint(),
        ..CredentialEndpoints::default()
    }
}

fn client(
    transport: Transport,
    emulator: &BackgroundEmulator,
    source: CredentialSource,
) -> TestClient {
    let settings = ClientBuilder::new()
        .credential_source(source)
        .api2_endpoint(emulator.endpoint())
        .api3_endpoint(emulator.api3_endpoint())
        .settings()
        .expect("valid client settings");
    transport.client(settings)
}

fn role_emulator(lifetime: Duration) -> BackgroundEmulator {
    start(
        Emulator::builder()
            .cvm_role(ROLE, lifetime)
            .without_api3_rate_limit(),
    )
}

#[test]
fn the_cvm_role_and_assume_role_chained_from_it_sign_checks() {
    for transport in Transport::ALL {
        let emulator = role_emulator(Duration::from_secs(3600));
        let cvm = CredentialSource::cvm_role(endpoints(&emulator));
        let chained = CredentialSource::assume_role(
            cvm.clone(),
            ROLE_ARN,
            "captcha-backend",
            endpoints(&emulator),
        )
        .expect("a CVM role may be chained");
        for (source, expected) in [(cvm, "CVM role"), (chained, "AssumeRole from CVM role")] {
            let name = format!("{} {expected}", transport.name());
            let client = client(transport, &emulator, source);
            let (first, again, report) = transport.block_on_one_thread(async {
                let check = api3_check(&mint_api3(&emulator));
                (
                    client.describe_result(&check).await,
                    client
                        .describe_result(&api3_check(&mint_api3(&emulator)))
                        .await,
                    client.credential_report().await,
                )
            });
            assert!(
                first.unwrap_or_else(|e| panic!("{name}: {e}")).is_pass(),
                "{name}"
            );
            assert!(
                again.unwrap_or_else(|e| panic!("{name}: {e}")).is_pass(),
                "{name}"
            );
            let report = report.unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(report.source, expected, "{name}");
            assert!(
                report.has_token && report.expires_at.is_some(),
                "{name}: {report:?}"
            );
            assert_eq!(
                client.credential_fetches(),
                1,
                "{name}: fetched once, then cached"
            );
        }
        let stats = emulator.stats();
        assert_eq!(stats.sts_credentials_issued, 1, "one AssumeRole");
        assert_eq!((stats.token_mismatches, stats.expired_credentials), (0, 0));
        emulator.shutdown();
    }
}

#[test]
fn a_web_identity_token_file_is_read_again_at_each_refresh() {
    let emulator = start(
        Emulator::builder()
            .web_identity_token(WEB_TOKEN_A)
            .without_api3_rate_limit(),
    );
    let dir = std::env::temp_dir().join(format!("captcha-oidc-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    let token_file = dir.join("token");
    std::fs::write(&token_file, WEB_TOKEN_A).expect("the token is written");
    let source = CredentialSource::web_identity_with(WebIdentity {
        provider_id: "OIDC".to_owned(),
        token_file: token_file.clone(),
        role_arn: ROLE_ARN.to_owned(),
        // Refreshed at half its lifetime: after 1 s.
        duration_seconds: 2,
        endpoints: endpoints(&emulator),
    });
    let client = client(Transport::Hyper, &emulator, source);
    let check = |client: &TestClient| {
        let action = api3_check(&mint_api3(&emulator));
        Transport::Hyper.block_on_one_thread(async { client.describe_result(&action).await })
    };
    assert!(check(&client).expect("token A works").is_pass());
    // TKE rotates the token: the old one is no longer accepted, the new one is.
    emulator
        .allow_web_identity_token(WEB_TOKEN_B, None)
        .expect("a valid token");
    emulator
        .allow_web_identity_token(WEB_TOKEN_A, Some(1))
        .expect("a valid token");
    std::fs::write(&token_file, WEB_TOKEN_B).expect("the token is rotated");
    std::thread::sleep(Duration::from_millis(1200));
    assert!(
        check(&client)
            .expect("token B works after the refresh")
            .is_pass()
    );
    assert_eq!(client.credential_fetches(), 2, "one fetch, one refresh");
    // Issued twice only if the refresh read token B from the file: A is revoked.
    assert_eq!(emulator.stats().sts_credentials_issued, 2);
    // A file that vanishes while the credential is still valid: the valid one is kept.
    std::fs::remove_file(&token_file).expect("the token file is removed");
    assert!(
        check(&client)
            .expect("the current credential still serves")
            .is_pass()
    );
    let _ = std::fs::remove_dir_all(&dir);
    emulator.shutdown();
}

#[test]
fn an_unreachable_metadata_service_lets_the_chain_move_on_quickly() {
    // One listener that never accepts (a black hole) and one port nobody listens on.
    let black_hole = TcpListener::bind("127.0.0.1:0").expect("a listener");
    let closed = TcpListener::bind("127.0.0.1:0").expect("a listener");
    let closed_port = closed.local_addr().expect("an address").port();
    drop(closed);
    for (what, port) in [
        (
            "black hole",
            black_hole.local_addr().expect("an address").port(),
        ),
        ("nothing listening", closed_port),
    ] {
        let endpoints = CredentialEndpoints {
            metadata: format!("http://127.0.0.1:{port}/").parse().expect("a URL"),
            ..CredentialEndpoints::default()
        };
        let source = CredentialSource::cvm_role(endpoints);
        let emulator = start(Emulator::demo());
        let client = client(Transport::Hyper, &emulator, source);
        let started = Instant::now();
        let error = Transport::Hyper
            .block_on_one_thread(async { client.credential_report().await })
            .expect_err("no credential");
        let took = started.elapsed();
        let shown = error.to_string();
        assert!(
            shown.contains("CVM role: not configured"),
            "{what}: {shown}"
        );
        // A figure for the report, not an assertion: the limit is the metadata timeout.
        let _ = writeln!(
            std::io::stderr(),
            "metadata {what}: the source gave up after {took:?}"
        );
        emulator.shutdown();
    }
}

#[test]
fn a_broken_metadata_service_is_an_error_naming_the_source() {
    let emulator = start(Emulator::demo());
    let endpoints = endpoints(&emulator);
    // No role is bound: the metadata service answers 404.
    let client = client(
        Transport::Hyper,
        &emulator,
        CredentialSource::cvm_role(endpoints),
    );
    let error = Transport::Hyper
        .block_on_one_thread(async { client.credential_report().await })
        .expect_err("no role");
    let shown = error.to_string();
    assert!(
        shown.contains("CVM role") && shown.contains("404"),
        "{shown}"
    );
    assert_eq!(shown.lines().count(), 1, "{shown}");
    emulator.shutdown();
}
