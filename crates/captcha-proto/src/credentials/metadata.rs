//! The CVM instance-role metadata service: `GET …/cam/security-credentials/` answers the
//! name of the role bound to the instance (404: none), `GET …/<RoleName>` its temporary
//! credential as JSON (`TmpSecretId`, `TmpSecretKey`, `Token`, `ExpiredTime`, `Code`).
//! Request builders and answer decoders; the client sends them with a short timeout.

use std::fmt;

use http::{Method, Request, StatusCode};
use serde::Deserialize;

use crate::credential::Credential;
use crate::endpoint::Endpoint;
use crate::error::EncodeError;

/// Where the metadata service answers on a Tencent Cloud instance.
pub const DEFAULT_METADATA_ENDPOINT: &str = "http://metadata.tencentyun.com/";

/// The path of the role name; the role's credential is at this path plus its name.
pub const SECURITY_CREDENTIALS_PATH: &str = "/latest/meta-data/cam/security-credentials/";

/// The metadata service's answer is not what it promises, or says no role is usable.
/// Never contains a key or token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetadataError {
    /// What is wrong, e.g. `answered 500` or `the credential JSON lacks TmpSecretKey`.
    pub reason: String,
}

impl fmt::Display for MetadataError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "metadata {}", self.reason)
    }
}

impl std::error::Error for MetadataError {}

fn error(reason: impl Into<String>) -> MetadataError {
    MetadataError {
        reason: reason.into(),
    }
}

fn get(base: &Endpoint, path: &str) -> Result<Request<Vec<u8>>, EncodeError> {
    let scheme = if base.is_https() { "https" } else { "http" };
    let authority = match base.port() {
        Some(port) => format!("{}:{port}", base.host()),
        None => base.host().to_owned(),
    };
    Request::builder()
        .method(Method::GET)
        .uri(format!("{scheme}://{authority}{path}"))
        .body(Vec::new())
        .map_err(|_| EncodeError::InvalidEndpoint {
            url: base.as_str().chars().take(200).collect(),
            reason: "cannot address the metadata service",
        })
}

/// `GET <base>/latest/meta-data/cam/security-credentials/`: the role's name.
///
/// ```
/// use captcha_proto::credentials::metadata::{role_name_request, DEFAULT_METADATA_ENDPOINT};
/// let request = role_name_request(&DEFAULT_METADATA_ENDPOINT.parse()?)?;
/// assert_eq!(request.uri(), "http://metadata.tencentyun.com/latest/meta-data/cam/security-credentials/");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn role_name_request(base: &Endpoint) -> Result<Request<Vec<u8>>, EncodeError> {
    get(base, SECURITY_CREDENTIALS_PATH)
}

/// `GET <base>/latest/meta-data/cam/security-credentials/<role>`: the role's credential.
/// A role name that is not a plain path segment is refused.
pub fn role_credential_request(
    base: &Endpoint,
    role: &str,
) -> Result<Request<Vec<u8>>, EncodeError> {
    let plain = !role.is_empty()
        && role
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+=,.@_-".contains(&b));
    if !plain {
        return Err(EncodeError::InvalidValue {
            field: "RoleName",
            reason: "must be letters, digits and +=,.@_- only",
        });
    }
    get(base, &format!("{SECURITY_CREDENTIALS_PATH}{role}"))
}

/// The role name: `Ok(None)` for 404 (no role bound to the instance); an error for any
/// other status or a body that is not one name.
pub fn decode_role_name(status: StatusCode, body: &[u8]) -> Result<Option<String>, MetadataError> {
    if status == StatusCode::NOT_FOUND {
        return Ok(None);
    }
    if !status.is_success() {
        return Err(error(format!(
            "answered {} for the role name",
            status.as_u16()
        )));
    }
    let text =
        std::str::from_utf8(body).map_err(|_| error("answered a role name that is not UTF-8"))?;
    // One role per instance; take the first line as the official SDKs do.
    let name = text.lines().next().unwrap_or("").trim();
    let plain = !name.is_empty()
        && name.len() <= 128
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+=,.@_-".contains(&b));
    if !plain {
        return Err(error("answered something that is not a role name"));
    }
    Ok(Some(name.to_owned()))
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RoleCredential {
    tmp_secret_id: Option<String>,
    tmp_secret_key: Option<String>,
    token: Option<String>,
    expired_time: Option<u64>,
    code: Option<String>,
}

/// The role's temporary credential, with its token and expiry.
///
/// ```
/// use captcha_proto::credentials::metadata::decode_role_credential;
/// let body = br#"{"TmpSecretId":"AKIDtmp","TmpSecretKey":"k","Token":"t","ExpiredTime":1700000600,"Expiration":"2023-11-14T22:23:20Z","Code":"Success"}"#;
/// let credential = decode_role_credential(http::StatusCode::OK, body)?;
/// assert_eq!((credential.secret_id().as_str(), credential.expires_at()), ("AKIDtmp", Some(1_700_000_600)));
/// # Ok::<(), captcha_proto::credentials::metadata::MetadataError>(())
/// ```
pub fn decode_role_credential(
    status: StatusCode,
    body: &[u8],
) -> Result<Credential, MetadataError> {
    if !status.is_success() {
        return Err(error(format!(
            "answered {} for the role's credential",
            status.as_u16()
        )));
    }
    let answer: RoleCredential = serde_json::from_slice(body)
        .map_err(|_| error("answered a credential that is not the expected JSON"))?;
    if let Some(code) = answer.code.as_deref().filter(|code| *code != "Success") {
        let code: String = code
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .take(40)
            .collect();
        return Err(error(format!("answered Code {code}")));
    }
    let field = |value: Option<String>, name: &str| {
        value
            .filter(|v| !v.is_empty())
            .ok_or_else(|| error(format!("credential JSON lacks {name}")))
    };
    let id = field(answer.tmp_secret_id, "TmpSecretId")?;
    let key = field(answer.tmp_secret_key, "TmpSecretKey")?;
    let token = field(answer.token, "Token")?;
    let expires_at = answer
        .expired_time
        .ok_or_else(|| error("credential JSON lacks ExpiredTime"))?;
    Credential::new(id, key)
        .and_then(|credential| credential.with_token(token))
        .map(|credential| credential.with_expiry(expires_at))
        .map_err(|e| error(format!("answered an unusable credential ({})", e.name())))
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn role_names() {
        assert_eq!(decode_role_name(StatusCode::NOT_FOUND, b"<html>"), Ok(None));
        assert_eq!(
            decode_role_name(StatusCode::OK, b"CaptchaRole\n"),
            Ok(Some("CaptchaRole".to_owned()))
        );
        for (status, body) in [
            (StatusCode::INTERNAL_SERVER_ERROR, &b"x"[..]),
            (StatusCode::OK, b""),
            (StatusCode::OK, b"<html>no</html>"),
            (StatusCode::OK, b"\xff"),
        ] {
            assert!(decode_role_name(status, body).is_err(), "{status} {body:?}");
        }
    }

    #[test]
    fn role_credentials_refuse_garbage_without_quoting_it() {
        let good = br#"{"TmpSecretId":"AKIDtmp","TmpSecretKey":"SECRETKEY","Token":"TOKEN","ExpiredTime":1700000600,"Code":"Success"}"#;
        let credential = decode_role_credential(StatusCode::OK, good).unwrap();
        assert_eq!(credential.token().unwrap().expose_secret(), "TOKEN");
        let bad: [&[u8]; 5] = [
            b"garbage SECRETKEY",
            br#"{"TmpSecretId":"AKIDtmp","TmpSecretKey":"SECRETKEY","ExpiredTime":1}"#,
            br#"{"TmpSecretId":"AKIDtmp","TmpSecretKey":"SECRETKEY","Token":"TOKEN"}"#,
            br#"{"TmpSecretId":"AKIDtmp","TmpSecretKey":"SECRETKEY","Token":"TOKEN","ExpiredTime":1,"Code":"Failed"}"#,
            br#"{"TmpSecretId":" AKIDtmp","TmpSecretKey":"SECRETKEY","Token":"TOKEN","ExpiredTime":1}"#,
        ];
        for body in bad {
            let error = decode_role_credential(StatusCode::OK, body).unwrap_err();
            let shown = error.to_string();
            assert!(
                !shown.contains("SECRETKEY") && !shown.contains("TOKEN\""),
                "{shown}"
            );
        }
        assert!(decode_role_credential(StatusCode::NOT_FOUND, good).is_err());
    }

    #[test]
    fn requests_address_the_base() {
        let base: Endpoint = "http://127.0.0.1:8080/".parse().unwrap();
        let request = role_credential_request(&base, "Role-1").unwrap();
        assert_eq!(
            request.uri(),
            "http://127.0.0.1:8080/latest/meta-data/cam/security-credentials/Role-1"
        );
        assert!(role_credential_request(&base, "../etc").is_err());
        assert!(role_credential_request(&base, "").is_err());
    }

    proptest! {
        #[test]
        fn decoders_never_panic(status in 100u16..600, body in proptest::collection::vec(any::<u8>(), 0..200)) {
            let status = StatusCode::from_u16(status).unwrap();
            let _ = decode_role_name(status, &body);
            let _ = decode_role_credential(status, &body);
        }
    }
}
