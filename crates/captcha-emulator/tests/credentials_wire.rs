//! captcha-proto's credential codecs against the emulator: the metadata requests and
//! decoders, `AssumeRole` signed with the role's credential, and the unsigned
//! `AssumeRoleWithWebIdentity`, each answer decoded into a credential that then signs a
//! ticket check.

mod support;

use std::time::Duration;

use captcha_emulator::{DEMO_APP_SECRET_KEY, DEMO_CAPTCHA_APP_ID, Emulator};
use captcha_proto::api3::{Api3Action, Api3Config, DescribeCaptchaResult};
use captcha_proto::credentials::metadata::{
    decode_role_credential, decode_role_name, role_credential_request, role_name_request,
};
use captcha_proto::credentials::sts::{AssumeRole, AssumeRoleWithWebIdentity};
use captcha_proto::{Credential, Stamp};
use support::{Harness, NOW};

const ROLE: &str = "CaptchaEmulatorRole";
const ARN: &str = "qcs::cam::uin/100000000001:roleName/captcha";
const WEB_TOKEN: &str = "eyJhbGciOiJSUzI1NiJ9.wire-test.sig";

async fn start() -> Harness {
    support::start_with(
        Emulator::builder()
            .credential(support::ID, support::KEY)
            .cvm_role(ROLE, Duration::from_secs(900))
            .web_identity_token(WEB_TOKEN),
    )
    .await
}

async fn passes_a_ticket_check(h: &Harness, credential: Credential) {
    let user = "203.0.113.7".parse().unwrap();
    let minted = h
        .emulator
        .mint_api3_ticket(DEMO_CAPTCHA_APP_ID, user)
        .unwrap();
    let check = DescribeCaptchaResult::new(
        minted.ticket,
        minted.randstr,
        user,
        DEMO_CAPTCHA_APP_ID,
        DEMO_APP_SECRET_KEY,
    );
    let config = Api3Config::new(credential).with_endpoint(h.emulator.api3_endpoint());
    let answer = h.send(config.encode(&check, h.stamp(1)).unwrap()).await;
    assert_eq!(answer.captcha_code(), 1, "{}", answer.text());
}

#[tokio::test]
async fn metadata_then_assume_role_with_captcha_protos_codecs() {
    let h = start().await;
    let base = h.emulator.metadata_endpoint();
    let name = h.send(role_name_request(&base).unwrap()).await;
    let role = decode_role_name(name.status, &name.body).unwrap();
    assert_eq!(role.as_deref(), Some(ROLE));

    let answer = h.send(role_credential_request(&base, ROLE).unwrap()).await;
    let role_credential = decode_role_credential(answer.status, &answer.body).unwrap();
    assert!(role_credential.token().is_some());
    passes_a_ticket_check(&h, role_credential.clone()).await;

    let call = AssumeRole::new(ARN, "captcha-backend").duration_seconds(1200);
    let config = Api3Config::new(role_credential).with_endpoint(h.emulator.sts_endpoint());
    let answer = h.send(config.encode(&call, h.stamp(2)).unwrap()).await;
    let chained = call.decode(answer.status, &answer.body).unwrap();
    assert_eq!(chained.expires_at(), Some(NOW + 1200));
    passes_a_ticket_check(&h, chained).await;
    assert_eq!(h.emulator.stats().token_mismatches, 0);
}

#[tokio::test]
async fn web_identity_with_captcha_protos_codec() {
    let h = start().await;
    let call =
        AssumeRoleWithWebIdentity::new("OIDC", WEB_TOKEN, ARN, "tke-pod").duration_seconds(600);
    let request = call
        .encode(
            &h.emulator.sts_endpoint(),
            "ap-guangzhou",
            Stamp::new(h.emulator.now_unix(), 1).unwrap(),
        )
        .unwrap();
    let answer = h.send(request).await;
    let credential = call.decode(answer.status, &answer.body).unwrap();
    assert_eq!(credential.expires_at(), Some(NOW + 600));
    passes_a_ticket_check(&h, credential).await;
}
