//! STS 2018-08-13 (`sts.tencentcloudapi.com`): [`AssumeRole`], signed with any other
//! credential (role chaining: a CVM role's credential assumes another role), and
//! [`AssumeRoleWithWebIdentity`], sent unsigned with the OIDC token TKE mounts in the pod.
//! Both answer a temporary credential with its token and expiry.

use std::fmt;

use http::header::{AUTHORIZATION, CONTENT_TYPE, HOST, HeaderValue};
use http::{Method, Request, StatusCode};
use serde::{Deserialize, Serialize};

use crate::api3::{ACTION_HEADER, Api3Action, VERSION_HEADER};
use crate::credential::Credential;
use crate::endpoint::Endpoint;
use crate::error::{DecodeError, DecodeErrorKind, EncodeError, ResponseError};
use crate::secret::Token;
use crate::stamp::Stamp;
use crate::tc3::TIMESTAMP_HEADER;

/// The STS service name (the TC3 credential scope).
pub const STS_SERVICE: &str = "sts";
/// The STS API version.
pub const STS_VERSION: &str = "2018-08-13";
/// Tencent's STS endpoint.
pub const DEFAULT_STS_ENDPOINT: &str = "https://sts.tencentcloudapi.com/";
/// The region STS calls name unless told otherwise.
pub const DEFAULT_STS_REGION: &str = "ap-guangzhou";
/// The lifetime asked for unless told otherwise (the official SDKs' default).
pub const DEFAULT_DURATION_SECONDS: u64 = 7200;
/// The longest lifetime STS grants.
pub const MAX_DURATION_SECONDS: u64 = 43_200;

/// `RoleSessionName`: 2–128 characters of `[\w+=,.@-]`.
fn check_session_name(name: &str) -> Result<(), EncodeError> {
    let fits = (2..=128).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_+=,.@-".contains(&b));
    if fits {
        Ok(())
    } else {
        Err(EncodeError::InvalidValue {
            field: "RoleSessionName",
            reason: "must be 2 to 128 characters of letters, digits and _+=,.@-",
        })
    }
}

fn check_role(role_arn: &str, duration_seconds: u64) -> Result<(), EncodeError> {
    if role_arn.trim().is_empty() {
        return Err(EncodeError::EmptyField { field: "RoleArn" });
    }
    if !(1..=MAX_DURATION_SECONDS).contains(&duration_seconds) {
        return Err(EncodeError::InvalidValue {
            field: "DurationSeconds",
            reason: "must be between 1 and 43200",
        });
    }
    Ok(())
}

/// `AssumeRole`: a temporary credential of the role `role_arn`, signed with the caller's
/// credential.
///
/// ```
/// use captcha_proto::Api3Action;
/// use captcha_proto::credentials::sts::AssumeRole;
/// let call = AssumeRole::new("qcs::cam::uin/100000000001:roleName/captcha", "captcha-backend");
/// assert_eq!((call.service(), call.name()), ("sts", "AssumeRole"));
/// assert_eq!(call.payload()?, br#"{"RoleArn":"qcs::cam::uin/100000000001:roleName/captcha","RoleSessionName":"captcha-backend","DurationSeconds":7200}"#);
/// let answer = br#"{"Response":{"Credentials":{"Token":"t","TmpSecretId":"AKIDtmp","TmpSecretKey":"k"},"ExpiredTime":1700007200,"Expiration":"2023-11-15T00:13:20Z","RequestId":"r"}}"#;
/// assert_eq!(call.decode(http::StatusCode::OK, answer)?.expires_at(), Some(1_700_007_200));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AssumeRole {
    role_arn: String,
    role_session_name: String,
    duration_seconds: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    policy: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    external_id: Option<String>,
}

impl AssumeRole {
    /// Assumes `role_arn` for the session `role_session_name`, for
    /// [`DEFAULT_DURATION_SECONDS`].
    pub fn new(role_arn: impl Into<String>, role_session_name: impl Into<String>) -> Self {
        Self {
            role_arn: role_arn.into(),
            role_session_name: role_session_name.into(),
            duration_seconds: DEFAULT_DURATION_SECONDS,
            policy: None,
            external_id: None,
        }
    }

    /// Sets `DurationSeconds` (1–43200).
    pub fn duration_seconds(mut self, seconds: u64) -> Self {
        self.duration_seconds = seconds;
        self
    }

    /// Sets `Policy`, a policy that narrows the role's permissions.
    pub fn policy(mut self, policy: impl Into<String>) -> Self {
        self.policy = Some(policy.into());
        self
    }

    /// Sets `ExternalId`, when the role's trust policy asks for one.
    pub fn external_id(mut self, id: impl Into<String>) -> Self {
        self.external_id = Some(id.into());
        self
    }
}

impl Api3Action for AssumeRole {
    type Output = Credential;

    fn service(&self) -> &str {
        STS_SERVICE
    }

    fn version(&self) -> &str {
        STS_VERSION
    }

    fn name(&self) -> &str {
        "AssumeRole"
    }

    fn payload(&self) -> Result<Vec<u8>, EncodeError> {
        check_role(&self.role_arn, self.duration_seconds)?;
        check_session_name(&self.role_session_name)?;
        serde_json::to_vec(self).map_err(|_| EncodeError::InvalidValue {
            field: "payload",
            reason: "cannot be serialised as JSON",
        })
    }

    fn decode(&self, status: StatusCode, body: &[u8]) -> Result<Credential, ResponseError> {
        decode_credentials(status, body)
    }
}

/// `AssumeRoleWithWebIdentity`: a temporary credential of `role_arn` for the holder of an
/// OIDC token (TKE mounts one in the pod and rotates it). Sent unsigned: encode it with
/// [`AssumeRoleWithWebIdentity::encode`]. `Debug` hides the token.
#[derive(Clone)]
pub struct AssumeRoleWithWebIdentity {
    provider_id: String,
    web_identity_token: Token,
    role_arn: String,
    role_session_name: String,
    duration_seconds: u64,
}

impl AssumeRoleWithWebIdentity {
    /// Assumes `role_arn` with the `web_identity_token` of the identity provider
    /// `provider_id`, for [`DEFAULT_DURATION_SECONDS`].
    pub fn new(
        provider_id: impl Into<String>,
        web_identity_token: impl Into<Token>,
        role_arn: impl Into<String>,
        role_session_name: impl Into<String>,
    ) -> Self {
        Self {
            provider_id: provider_id.into(),
            web_identity_token: web_identity_token.into(),
            role_arn: role_arn.into(),
            role_session_name: role_session_name.into(),
            duration_seconds: DEFAULT_DURATION_SECONDS,
        }
    }

    /// Sets `DurationSeconds` (1–43200).
    pub fn duration_seconds(mut self, seconds: u64) -> Self {
        self.duration_seconds = seconds;
        self
    }

    /// The unsigned request (`Authorization: SKIP`, no token header) to `endpoint`, naming
    /// `region`, stamped at `stamp`.
    ///
    /// ```
    /// use captcha_proto::Stamp;
    /// use captcha_proto::credentials::sts::AssumeRoleWithWebIdentity;
    /// let call = AssumeRoleWithWebIdentity::new("OIDC", "eyJhbGciOi…", "qcs::cam::uin/1:roleName/r", "pod-1");
    /// let request = call.encode(&"https://sts.tencentcloudapi.com/".parse()?, "ap-guangzhou", Stamp::new(1_700_000_000, 1)?)?;
    /// assert_eq!(request.headers()["authorization"], "SKIP");
    /// assert_eq!(request.headers()["x-tc-action"], "AssumeRoleWithWebIdentity");
    /// assert!(!format!("{call:?}").contains("eyJhbGciOi"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn encode(
        &self,
        endpoint: &Endpoint,
        region: &str,
        stamp: Stamp,
    ) -> Result<Request<Vec<u8>>, EncodeError> {
        let empty = |field| Err(EncodeError::EmptyField { field });
        if self.provider_id.trim().is_empty() {
            return empty("ProviderId");
        }
        if self.web_identity_token.expose_secret().trim().is_empty() {
            return empty("WebIdentityToken");
        }
        check_role(&self.role_arn, self.duration_seconds)?;
        check_session_name(&self.role_session_name)?;
        #[derive(Serialize)]
        #[serde(rename_all = "PascalCase")]
        struct Body<'a> {
            provider_id: &'a str,
            web_identity_token: &'a str,
            role_arn: &'a str,
            role_session_name: &'a str,
            duration_seconds: u64,
        }
        let body = serde_json::to_vec(&Body {
            provider_id: &self.provider_id,
            web_identity_token: self.web_identity_token.expose_secret(),
            role_arn: &self.role_arn,
            role_session_name: &self.role_session_name,
            duration_seconds: self.duration_seconds,
        })
        .map_err(|_| EncodeError::InvalidValue {
            field: "payload",
            reason: "cannot be serialised as JSON",
        })?;
        let region = HeaderValue::from_str(region).map_err(|_| EncodeError::InvalidValue {
            field: "Region",
            reason: "is not a valid header value",
        })?;
        let host =
            HeaderValue::from_str(endpoint.host()).map_err(|_| EncodeError::InvalidEndpoint {
                url: endpoint.as_str().chars().take(200).collect(),
                reason: "the host is not a valid header value",
            })?;
        Request::builder()
            .method(Method::POST)
            .uri(endpoint.uri())
            .header(HOST, host)
            .header(CONTENT_TYPE, "application/json")
            .header(AUTHORIZATION, "SKIP")
            .header(ACTION_HEADER, "AssumeRoleWithWebIdentity")
            .header(VERSION_HEADER, STS_VERSION)
            .header(TIMESTAMP_HEADER, stamp.timestamp().to_string())
            .header("X-TC-Region", region)
            .body(body)
            .map_err(|_| EncodeError::InvalidEndpoint {
                url: endpoint.as_str().chars().take(200).collect(),
                reason: "cannot form a request",
            })
    }

    /// Reads the answer: the temporary credential, or the refusal.
    pub fn decode(&self, status: StatusCode, body: &[u8]) -> Result<Credential, ResponseError> {
        decode_credentials(status, body)
    }
}

impl fmt::Debug for AssumeRoleWithWebIdentity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AssumeRoleWithWebIdentity")
            .field("provider_id", &self.provider_id)
            .field("web_identity_token", &self.web_identity_token)
            .field("role_arn", &self.role_arn)
            .field("role_session_name", &self.role_session_name)
            .field("duration_seconds", &self.duration_seconds)
            .finish()
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Answer {
    credentials: AnswerCredentials,
    #[serde(deserialize_with = "crate::api3::lenient_number")]
    expired_time: u64,
    #[allow(dead_code)]
    request_id: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct AnswerCredentials {
    token: String,
    tmp_secret_id: String,
    tmp_secret_key: String,
}

/// The temporary credential in an STS answer.
fn decode_credentials(status: StatusCode, body: &[u8]) -> Result<Credential, ResponseError> {
    let answer: Answer = crate::api3::typed::decode(status, body)?;
    let unusable = |field| -> ResponseError {
        DecodeError::new(
            DecodeErrorKind::InvalidField {
                field,
                reason: "is not a usable credential value",
            },
            status,
            body,
        )
        .into()
    };
    let credentials = answer.credentials;
    Credential::new(credentials.tmp_secret_id, credentials.tmp_secret_key)
        .map_err(|_| unusable("Credentials.TmpSecretKey"))?
        .with_token(credentials.token)
        .map_err(|_| unusable("Credentials.Token"))
        .map(|credential| credential.with_expiry(answer.expired_time))
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn inputs_are_checked_by_name() {
        let name = |call: AssumeRole| match call.payload() {
            Err(EncodeError::InvalidValue { field, .. } | EncodeError::EmptyField { field }) => {
                field
            }
            other => panic!("{other:?}"),
        };
        assert_eq!(name(AssumeRole::new("", "session")), "RoleArn");
        assert_eq!(name(AssumeRole::new("arn", "x")), "RoleSessionName");
        assert_eq!(name(AssumeRole::new("arn", "a b")), "RoleSessionName");
        assert_eq!(
            name(AssumeRole::new("arn", "ok").duration_seconds(43_201)),
            "DurationSeconds"
        );
        let web = AssumeRoleWithWebIdentity::new("OIDC", " ", "arn", "pod");
        let endpoint: Endpoint = DEFAULT_STS_ENDPOINT.parse().unwrap();
        let stamp = Stamp::new(1_700_000_000, 1).unwrap();
        assert_eq!(
            web.encode(&endpoint, DEFAULT_STS_REGION, stamp)
                .unwrap_err(),
            EncodeError::EmptyField {
                field: "WebIdentityToken"
            }
        );
    }

    #[test]
    fn refusals_and_broken_answers() {
        let call = AssumeRole::new("arn", "session");
        let refused = br#"{"Response":{"Error":{"Code":"InvalidParameter.WebIdentityTokenError","Message":"expired"},"RequestId":"r"}}"#;
        assert!(matches!(
            call.decode(StatusCode::OK, refused),
            Err(ResponseError::Api3(_))
        ));
        let missing = br#"{"Response":{"Credentials":{"Token":"t","TmpSecretId":"AKID"},"ExpiredTime":1,"RequestId":"r"}}"#;
        assert!(matches!(
            call.decode(StatusCode::OK, missing),
            Err(ResponseError::Decode(_))
        ));
        let padded = br#"{"Response":{"Credentials":{"Token":"t","TmpSecretId":" AKID","TmpSecretKey":"k"},"ExpiredTime":"17","RequestId":"r"}}"#;
        assert!(matches!(
            call.decode(StatusCode::OK, padded),
            Err(ResponseError::Decode(_))
        ));
    }

    proptest! {
        #[test]
        fn decode_never_panics(body in proptest::collection::vec(any::<u8>(), 0..300)) {
            let _ = decode_credentials(StatusCode::OK, &body);
        }
    }
}
