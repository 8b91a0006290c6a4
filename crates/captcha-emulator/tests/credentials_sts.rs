//! STS 2018-08-13 at the API 3.0 root: `AssumeRole` signed with a CVM-role credential
//! (role chaining), its input checks, and `AssumeRoleWithWebIdentity` sent unsigned with a
//! good, an unknown and an expired token. Issued credentials expire on the manual clock.

mod support;

use std::time::Duration;

use captcha_emulator::{
    DEMO_APP_SECRET_KEY, DEMO_CAPTCHA_APP_ID, Emulator, METADATA_CREDENTIALS_PATH,
};
use captcha_proto::Credential;
use captcha_proto::api3::{Api3Config, Api3RawAction, DescribeCaptchaResult};
use http::Request;
use http::header::{AUTHORIZATION, CONTENT_TYPE};
use serde_json::{Value, json};
use support::{Answer, Harness, NOW};

const ROLE: &str = "CaptchaEmulatorRole";
const ARN: &str = "qcs::cam::uin/100000000001:roleName/CaptchaChecker";
const WEB_TOKEN: &str = "eyJhbGciOiJSUzI1NiJ9.emulator-oidc-token.sig";
const OLD_WEB_TOKEN: &str = "eyJhbGciOiJSUzI1NiJ9.expired-oidc-token.sig";

async fn start() -> Harness {
    support::start_with(
        Emulator::builder()
            .credential(support::ID, support::KEY)
            .cvm_role(ROLE, Duration::from_secs(3600))
            .web_identity_token(WEB_TOKEN)
            .web_identity_token_expiring(OLD_WEB_TOKEN, NOW + 100),
    )
    .await
}

fn assume_role(session: &str) -> Api3RawAction {
    Api3RawAction::new("sts", "2018-08-13", "AssumeRole")
        .param("RoleArn", ARN)
        .param("RoleSessionName", session)
}

/// Calls `action` through `credential`, signed at the clock's time.
async fn call(h: &Harness, credential: &Credential, action: &Api3RawAction) -> Answer {
    let config = Api3Config::new(credential.clone()).with_endpoint(h.emulator.sts_endpoint());
    h.send(config.encode(action, h.stamp(1)).unwrap()).await
}

/// The credential in an STS answer, checking its shape.
fn issued(answer: &Answer, now: u64, duration: u64) -> Credential {
    let response = answer.response();
    assert!(response["Error"].is_null(), "{}", answer.text());
    assert_eq!(response["ExpiredTime"], now + duration);
    assert!(response["Expiration"].as_str().unwrap().ends_with('Z'));
    assert!(support::is_uuid_like(
        response["RequestId"].as_str().unwrap()
    ));
    let c = &response["Credentials"];
    let text = |name: &str| c[name].as_str().unwrap().to_owned();
    assert!(text("TmpSecretId").starts_with("AKID"));
    Credential::new(text("TmpSecretId"), text("TmpSecretKey"))
        .unwrap()
        .with_token(text("Token"))
        .unwrap()
}

async fn cvm_role_credential(h: &Harness) -> Credential {
    let answer = h
        .send(
            Request::get(format!("{METADATA_CREDENTIALS_PATH}{ROLE}"))
                .body(Vec::new())
                .unwrap(),
        )
        .await;
    let json = answer.json();
    let text = |name: &str| json[name].as_str().unwrap().to_owned();
    Credential::new(text("TmpSecretId"), text("TmpSecretKey"))
        .unwrap()
        .with_token(text("Token"))
        .unwrap()
}

/// A ticket check that reaches the ticket (`CaptchaCode` 15: never minted) once the
/// caller is authenticated.
fn fake_check() -> DescribeCaptchaResult {
    DescribeCaptchaResult::new(
        "tr03NotMintedHere*",
        "@Vki",
        "203.0.113.7".parse().unwrap(),
        DEMO_CAPTCHA_APP_ID,
        DEMO_APP_SECRET_KEY,
    )
}

async fn describe_with(h: &Harness, credential: &Credential) -> Answer {
    let config = Api3Config::new(credential.clone()).with_endpoint(h.emulator.api3_endpoint());
    h.send(config.encode(&fake_check(), h.stamp(1)).unwrap())
        .await
}

/// An unsigned `AssumeRoleWithWebIdentity`, built by hand as the SDKs send it.
fn web_identity(h: &Harness, fields: &Value) -> Request<Vec<u8>> {
    Request::post("/")
        .header(CONTENT_TYPE, "application/json")
        .header(AUTHORIZATION, "SKIP")
        .header("X-TC-Action", "AssumeRoleWithWebIdentity")
        .header("X-TC-Version", "2018-08-13")
        .header("X-TC-Timestamp", h.emulator.now_unix().to_string())
        .header("X-TC-Region", "ap-guangzhou")
        .body(serde_json::to_vec(fields).unwrap())
        .unwrap()
}

fn web_fields(token: &str) -> Value {
    json!({
        "ProviderId": "OIDC",
        "WebIdentityToken": token,
        "RoleArn": ARN,
        "RoleSessionName": "tke-pod",
        "DurationSeconds": 1800,
    })
}

#[tokio::test]
async fn assume_role_chains_from_the_cvm_role() {
    let h = start().await;
    assert_eq!(h.emulator.sts_endpoint(), h.emulator.api3_endpoint());
    let base = cvm_role_credential(&h).await;
    let answer = call(
        &h,
        &base,
        &assume_role("captcha-checker").param("DurationSeconds", 900),
    )
    .await;
    let chained = issued(&answer, NOW, 900);
    assert_ne!(chained.secret_id(), base.secret_id());
    // The chained credential signs captcha calls.
    assert_eq!(describe_with(&h, &chained).await.captcha_code(), 15);
    let stats = h.emulator.stats();
    assert_eq!(stats.requests("AssumeRole"), 1);
    assert_eq!(stats.sts_credentials_issued, 1);
    assert_eq!(stats.token_mismatches, 0);

    // It expires after DurationSeconds on the emulator clock.
    h.clock.set(NOW + 900);
    let expired = describe_with(&h, &chained).await;
    assert_eq!(expired.error_code(), "AuthFailure.TokenFailure");
    assert!(expired.error_message().contains("expired"));
    assert_eq!(h.emulator.stats().expired_credentials, 1);
}

#[tokio::test]
async fn assume_role_defaults_to_two_hours_and_accepts_the_optional_fields() {
    let h = start().await;
    let answer = call(
        &h,
        &h.emulator.credential(),
        &assume_role("a+b=c,d.e@f_g-h")
            .param("Policy", "%7B%22version%22%3A%222.0%22%7D")
            .param("ExternalId", "ext:id/1")
            .param("Tags", json!([{"Key": "k", "Value": "v"}])),
    )
    .await;
    issued(&answer, NOW, 7200);
}

#[tokio::test]
async fn assume_role_refuses_bad_input() {
    let h = start().await;
    let cred = h.emulator.credential();
    for (action, code) in [
        (assume_role("x"), "InvalidParameter"),
        (assume_role(&"s".repeat(129)), "InvalidParameter"),
        (assume_role("has space"), "InvalidParameter"),
        (
            assume_role("ok-name").param("DurationSeconds", 43_201),
            "InvalidParameter",
        ),
        (
            assume_role("ok-name").param("DurationSeconds", "60"),
            "InvalidParameter",
        ),
        (
            assume_role("ok-name").param("RoleArn", "not-an-arn"),
            "InvalidParameter",
        ),
        (
            Api3RawAction::new("sts", "2018-08-13", "AssumeRole")
                .param("RoleSessionName", "ok-name"),
            "MissingParameter",
        ),
        (
            Api3RawAction::new("sts", "2018-08-13", "AssumeRole").param("RoleArn", ARN),
            "MissingParameter",
        ),
        (assume_role("ok-name").param("Bogus", 1), "UnknownParameter"),
        (
            Api3RawAction::new("sts", "2019-01-01", "AssumeRole")
                .param("RoleArn", ARN)
                .param("RoleSessionName", "ok-name"),
            "NoSuchVersion",
        ),
        (
            Api3RawAction::new("captcha", "2018-08-13", "AssumeRole")
                .param("RoleArn", ARN)
                .param("RoleSessionName", "ok-name"),
            "AuthFailure.SignatureFailure",
        ),
    ] {
        let answer = call(&h, &cred, &action).await;
        assert_eq!(answer.error_code(), code, "{action:?}: {}", answer.text());
    }
    let stats = h.emulator.stats();
    assert_eq!(stats.sts_credentials_issued, 0);
    assert_eq!(stats.requests("AssumeRole"), 11);
}

#[tokio::test]
async fn assume_role_must_be_signed_with_the_token_of_a_temporary_credential() {
    let h = start().await;
    let base = cvm_role_credential(&h).await;
    let bare =
        Credential::new(base.secret_id().as_str(), base.secret_key().expose_secret()).unwrap();
    let answer = call(&h, &bare, &assume_role("chain")).await;
    assert_eq!(answer.error_code(), "AuthFailure.TokenFailure");
    assert_eq!(h.emulator.stats().token_mismatches, 1);

    let mut unsigned = web_identity(&h, &json!({"RoleArn": ARN, "RoleSessionName": "chain"}));
    unsigned
        .headers_mut()
        .insert("X-TC-Action", "AssumeRole".parse().unwrap());
    assert_eq!(
        h.send(unsigned).await.error_code(),
        "AuthFailure.InvalidAuthorization"
    );
}

#[tokio::test]
async fn web_identity_unsigned_with_a_configured_token() {
    let h = start().await;
    let answer = h.send(web_identity(&h, &web_fields(WEB_TOKEN))).await;
    let credential = issued(&answer, NOW, 1800);
    assert_eq!(describe_with(&h, &credential).await.captcha_code(), 15);

    // Without DurationSeconds: two hours.
    let mut fields = web_fields(WEB_TOKEN);
    fields.as_object_mut().unwrap().remove("DurationSeconds");
    issued(&h.send(web_identity(&h, &fields)).await, NOW, 7200);

    let stats = h.emulator.stats();
    assert_eq!(stats.requests("AssumeRoleWithWebIdentity"), 2);
    assert_eq!(stats.sts_credentials_issued, 2);
}

#[tokio::test]
async fn web_identity_refuses_unknown_and_expired_tokens() {
    let h = start().await;
    let unknown = h
        .send(web_identity(&h, &web_fields("not-a-configured-token")))
        .await;
    assert_eq!(
        unknown.error_code(),
        "InvalidParameter.WebIdentityTokenError"
    );
    assert!(!unknown.text().contains("not-a-configured-token"));

    // Good until its expiry, refused from then on.
    issued(
        &h.send(web_identity(&h, &web_fields(OLD_WEB_TOKEN))).await,
        NOW,
        1800,
    );
    h.clock.set(NOW + 100);
    let expired = h.send(web_identity(&h, &web_fields(OLD_WEB_TOKEN))).await;
    assert_eq!(
        expired.error_code(),
        "InvalidParameter.WebIdentityTokenError"
    );

    // A rotated token is accepted once allowed.
    h.emulator
        .allow_web_identity_token("rotated-token", None)
        .unwrap();
    issued(
        &h.send(web_identity(&h, &web_fields("rotated-token"))).await,
        NOW + 100,
        1800,
    );

    let mut missing = web_fields(WEB_TOKEN);
    missing.as_object_mut().unwrap().remove("ProviderId");
    assert_eq!(
        h.send(web_identity(&h, &missing)).await.error_code(),
        "MissingParameter"
    );
    let mut stale = web_identity(&h, &web_fields(WEB_TOKEN));
    stale
        .headers_mut()
        .insert("X-TC-Timestamp", (NOW - 1000).to_string().parse().unwrap());
    assert_eq!(
        h.send(stale).await.error_code(),
        "AuthFailure.SignatureExpire"
    );
    assert_eq!(h.emulator.stats().sts_credentials_issued, 2);
}
