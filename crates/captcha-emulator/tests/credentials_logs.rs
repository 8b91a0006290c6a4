//! The credential paths log what was asked and how it ended, never a secret key, a token or
//! a web-identity token. Alone in its own test binary: a scoped tracing subscriber must not
//! race other tests' callsites.

mod support;

use std::time::Duration;

use captcha_emulator::{Emulator, METADATA_CREDENTIALS_PATH};
use captcha_proto::api3::{Api3Config, Api3RawAction};
use http::Request;
use support::LogCapture;

#[tokio::test]
async fn credential_requests_log_no_secret() {
    let logs = LogCapture::start();
    let web_token = "eyJhbGciOiJSUzI1NiJ9.logged-never.sig";
    let h = support::start_with(
        Emulator::builder()
            .credential(support::ID, support::KEY)
            .cvm_role("CaptchaEmulatorRole", Duration::from_secs(3600))
            .web_identity_token(web_token),
    )
    .await;
    let metadata = h
        .send(
            Request::get(format!("{METADATA_CREDENTIALS_PATH}CaptchaEmulatorRole"))
                .body(Vec::new())
                .unwrap(),
        )
        .await
        .json();
    let role_key = metadata["TmpSecretKey"].as_str().unwrap().to_owned();
    let role_token = metadata["Token"].as_str().unwrap().to_owned();

    let assume = Api3RawAction::new("sts", "2018-08-13", "AssumeRole")
        .param("RoleArn", "qcs::cam::uin/100:roleName/r")
        .param("RoleSessionName", "logs");
    let config = Api3Config::new(h.emulator.credential()).with_endpoint(h.emulator.sts_endpoint());
    let sts = h
        .send(config.encode(&assume, h.stamp(1)).unwrap())
        .await
        .response();
    let sts_key = sts["Credentials"]["TmpSecretKey"]
        .as_str()
        .unwrap()
        .to_owned();
    let sts_token = sts["Credentials"]["Token"].as_str().unwrap().to_owned();

    let unsigned = Request::post("/")
        .header("content-type", "application/json")
        .header("authorization", "SKIP")
        .header("x-tc-action", "AssumeRoleWithWebIdentity")
        .header("x-tc-version", "2018-08-13")
        .header("x-tc-timestamp", h.emulator.now_unix().to_string())
        .body(
            serde_json::to_vec(&serde_json::json!({
                "ProviderId": "OIDC",
                "WebIdentityToken": web_token,
                "RoleArn": "qcs::cam::uin/100:roleName/r",
                "RoleSessionName": "logs",
            }))
            .unwrap(),
        )
        .unwrap();
    assert!(h.send(unsigned).await.response()["Error"].is_null());
    h.emulator.shutdown().await;

    let text = logs.text();
    assert!(text.contains("route=\"metadata\""), "{text}");
    assert!(text.contains("action=\"AssumeRole\""), "{text}");
    assert!(
        text.contains("action=\"AssumeRoleWithWebIdentity\""),
        "{text}"
    );
    for secret in [
        role_key.as_str(),
        role_token.as_str(),
        sts_key.as_str(),
        sts_token.as_str(),
        web_token,
        support::KEY,
    ] {
        assert!(!text.contains(secret), "a secret was logged: {text}");
    }
}
