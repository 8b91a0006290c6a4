//! Property: the secrets of temporary credentials — a temporary SecretKey, its session token
//! and a web-identity token — never show in `Debug` of what holds them, in a `Redacted` dump
//! of the unsigned `AssumeRoleWithWebIdentity` request, or in any error built from a profile
//! file, a metadata answer or an STS answer that carries them.

use captcha_proto::credentials::metadata::decode_role_credential;
use captcha_proto::credentials::profile::parse_profile;
use captcha_proto::credentials::sts::{AssumeRole, AssumeRoleWithWebIdentity};
use captcha_proto::redact::Redacted;
use captcha_proto::{Api3Action, Credential, Stamp};
use http::StatusCode;
use proptest::prelude::*;

/// A secret: a marker nothing else prints, then 12 to 40 random characters.
fn secret(kind: char) -> impl Strategy<Value = String> {
    "[A-Za-z0-9/+=_.-]{12,40}".prop_map(move |tail| format!("ZQX{kind}{tail}"))
}

fn assert_hidden(what: &str, shown: &str, secrets: &[&str]) -> Result<(), TestCaseError> {
    for secret in secrets {
        prop_assert!(!shown.contains(secret), "{what} shows a secret: {shown}");
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    #[test]
    fn temporary_credential_secrets_never_show(
        key in secret('K'),
        token in secret('T'),
        web in secret('W'),
        broken in 0usize..4,
    ) {
        let secrets = [key.as_str(), token.as_str(), web.as_str()];
        let credential = Credential::new("AKIDtemporary", key.clone())
            .and_then(|c| c.with_token(token.clone()))
            .map(|c| c.with_expiry(1_700_000_600));
        if let Ok(credential) = &credential {
            assert_hidden("Credential", &format!("{credential:?}"), &secrets)?;
        }

        let call = AssumeRoleWithWebIdentity::new("OIDC", web.clone(), "qcs::cam::uin/1:roleName/r", "pod-1");
        assert_hidden("AssumeRoleWithWebIdentity", &format!("{call:?}"), &secrets)?;
        let endpoint = "https://sts.tencentcloudapi.com/".parse().expect("a URL");
        let stamp = Stamp::new(1_700_000_000, 1).expect("a stamp");
        if let Ok(request) = call.encode(&endpoint, "ap-guangzhou", stamp) {
            assert_hidden("the unsigned request", &Redacted(&request).to_string(), &secrets)?;
        }

        // Answers carrying the secrets, whole or broken in one place.
        let metadata = format!(
            r#"{{"TmpSecretId":"AKIDtmp","TmpSecretKey":"{key}","Token":"{token}","ExpiredTime":{},"Code":"Success"}}"#,
            if broken == 0 { "\"soon\"".to_owned() } else { "1700000600".to_owned() }
        );
        let metadata = if broken == 1 { metadata.replace("\"Token\"", "\"Tok\"") } else { metadata };
        if let Err(error) = decode_role_credential(StatusCode::OK, metadata.as_bytes()) {
            assert_hidden("a metadata error", &format!("{error} {error:?}"), &secrets)?;
        }
        let sts = format!(
            r#"{{"Response":{{"Credentials":{{"Token":"{token}","TmpSecretId":"AKIDtmp","TmpSecretKey":{}}},"ExpiredTime":1700007200,"RequestId":"r"}}}}"#,
            if broken == 2 { format!("[\"{key}\"]") } else { format!("\"{key}\"") }
        );
        if let Err(error) = AssumeRole::new("arn", "session").decode(StatusCode::OK, sts.as_bytes()) {
            assert_hidden("an STS error", &format!("{error} {error:?}"), &secrets)?;
        }
        // A duplicated key is refused: the error names the line, never the value.
        let duplicate = if broken == 3 { format!("secret_key = {key}\n") } else { String::new() };
        let profile = format!("[default]\nsecret_id = AKIDa\nsecret_key = {key}\ntoken = {token}\n{duplicate}");
        if let Err(error) = parse_profile(&profile) {
            assert_hidden("a profile error", &format!("{error} {error:?}"), &secrets)?;
        }
    }
}
