//! The CVM instance-role metadata paths: the role name (404 without a role), the role's
//! temporary credential as JSON, one new credential per expiry on the manual clock, and
//! the metadata faults.

mod support;

use std::time::Duration;

use captcha_emulator::{Emulator, METADATA_CREDENTIALS_PATH, MetadataFault};
use http::header::CONTENT_TYPE;
use http::{Request, StatusCode};
use support::{Answer, Connection, Harness, NOW};

const ROLE: &str = "CaptchaEmulatorRole";

async fn with_role(lifetime: u64) -> Harness {
    support::start_with(
        Emulator::builder()
            .credential(support::ID, support::KEY)
            .cvm_role(ROLE, Duration::from_secs(lifetime)),
    )
    .await
}

fn get(path: &str) -> Request<Vec<u8>> {
    Request::get(path).body(Vec::new()).unwrap()
}

async fn role_name(h: &Harness) -> Answer {
    h.send(get(METADATA_CREDENTIALS_PATH)).await
}

async fn credentials(h: &Harness, role: &str) -> Answer {
    h.send(get(&format!("{METADATA_CREDENTIALS_PATH}{role}")))
        .await
}

#[tokio::test]
async fn without_a_role_both_paths_are_404() {
    let h = support::start().await;
    assert_eq!(role_name(&h).await.status, StatusCode::NOT_FOUND);
    assert_eq!(credentials(&h, ROLE).await.status, StatusCode::NOT_FOUND);
    assert_eq!(h.emulator.stats().metadata_credentials_issued, 0);
    assert_eq!(
        h.emulator.metadata_endpoint().as_str(),
        format!("http://{}/", h.addr())
    );
}

#[tokio::test]
async fn the_role_name_is_plain_text_and_other_roles_are_404() {
    let h = with_role(3600).await;
    let answer = role_name(&h).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert!(
        answer.headers[CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/plain")
    );
    assert_eq!(answer.text(), ROLE);
    assert_eq!(
        credentials(&h, "OtherRole").await.status,
        StatusCode::NOT_FOUND
    );
    let post = Request::post(METADATA_CREDENTIALS_PATH)
        .body(Vec::new())
        .unwrap();
    assert_eq!(h.send(post).await.status, StatusCode::METHOD_NOT_ALLOWED);
}

#[tokio::test]
async fn the_credentials_json_has_every_field() {
    let h = with_role(600).await;
    let answer = credentials(&h, ROLE).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.headers[CONTENT_TYPE], "application/json");
    let json = answer.json();
    let object = json.as_object().unwrap();
    let mut keys: Vec<&str> = object.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "Code",
            "Expiration",
            "ExpiredTime",
            "TmpSecretId",
            "TmpSecretKey",
            "Token"
        ]
    );
    assert_eq!(json["Code"], "Success");
    assert!(json["TmpSecretId"].as_str().unwrap().starts_with("AKID"));
    assert!(!json["TmpSecretKey"].as_str().unwrap().is_empty());
    assert!(!json["Token"].as_str().unwrap().is_empty());
    assert_eq!(json["ExpiredTime"], NOW + 600);
    // NOW + 600 = 1_700_000_600.
    assert_eq!(json["Expiration"], "2023-11-14T22:23:20Z");
}

#[tokio::test]
async fn one_new_credential_per_expiry() {
    let h = with_role(600).await;
    let first = credentials(&h, ROLE).await.json();
    let again = credentials(&h, ROLE).await.json();
    assert_eq!(first["TmpSecretId"], again["TmpSecretId"]);
    assert_eq!(first["Token"], again["Token"]);

    // 61 s before expiry: still the same one.
    h.clock.set(NOW + 539);
    let late = credentials(&h, ROLE).await.json();
    assert_eq!(late["TmpSecretId"], first["TmpSecretId"]);
    let stats = h.emulator.stats();
    assert_eq!(stats.metadata_credential_fetches, 3);
    assert_eq!(stats.metadata_credentials_issued, 1);

    // 60 s before expiry: a fresh one, with its own lifetime.
    h.clock.set(NOW + 540);
    let fresh = credentials(&h, ROLE).await.json();
    assert_ne!(fresh["TmpSecretId"], first["TmpSecretId"]);
    assert_ne!(fresh["Token"], first["Token"]);
    assert_eq!(fresh["ExpiredTime"], NOW + 540 + 600);
    for _ in 0..3 {
        let same = credentials(&h, ROLE).await.json();
        assert_eq!(same["TmpSecretId"], fresh["TmpSecretId"]);
    }
    // Long after expiry: exactly one more.
    h.clock.set(NOW + 10_000);
    let later = credentials(&h, ROLE).await.json();
    assert_eq!(later["ExpiredTime"], NOW + 10_600);
    credentials(&h, ROLE).await;
    let stats = h.emulator.stats();
    assert_eq!(stats.metadata_credential_fetches, 9);
    assert_eq!(stats.metadata_credentials_issued, 3);
    assert_eq!(h.emulator.stats().requests_by_action.len(), 0);
}

#[tokio::test]
async fn faults_answer_an_error_status_or_garbage() {
    let h = with_role(600).await;
    h.emulator
        .set_metadata_fault(MetadataFault::HttpStatus(500));
    assert_eq!(
        credentials(&h, ROLE).await.status,
        StatusCode::INTERNAL_SERVER_ERROR
    );
    assert_eq!(
        role_name(&h).await.status,
        StatusCode::INTERNAL_SERVER_ERROR
    );
    h.emulator
        .set_metadata_fault(MetadataFault::HttpStatus(404));
    assert_eq!(role_name(&h).await.status, StatusCode::NOT_FOUND);

    h.emulator.set_metadata_fault(MetadataFault::Garbage);
    let garbage = credentials(&h, ROLE).await;
    assert_eq!(garbage.status, StatusCode::OK);
    assert!(serde_json::from_slice::<serde_json::Value>(&garbage.body).is_err());
    assert_eq!(h.emulator.stats().metadata_credentials_issued, 0);

    h.emulator.clear_metadata_fault();
    assert_eq!(credentials(&h, ROLE).await.status, StatusCode::OK);
    assert_eq!(h.emulator.stats().metadata_credentials_issued, 1);
}

#[tokio::test]
async fn a_hanging_metadata_service_never_answers() {
    let h = with_role(600).await;
    h.emulator.set_metadata_fault(MetadataFault::Hang);
    let mut hanging = Connection::open(h.addr()).await;
    let request = support::with_host(
        get(&format!("{METADATA_CREDENTIALS_PATH}{ROLE}")),
        &h.host(),
    );
    let pending = tokio::spawn(async move { hanging.try_send(request).await });
    // Wait until the emulator holds the request (it counts it before reading the fault).
    while h.emulator.stats().metadata_credential_fetches == 0 {
        tokio::task::yield_now().await;
    }
    // Other paths still answer meanwhile.
    h.emulator.clear_metadata_fault();
    assert_eq!(role_name(&h).await.status, StatusCode::OK);
    // The hanging request ends without an answer when the emulator stops.
    h.emulator.shutdown().await;
    assert!(pending.await.unwrap().is_none());
}
