//! The sources that read one place: a fixed credential, the environment, the profile
//! file, the CVM metadata service and TKE's OIDC token with STS. Each answers `Ok(None)`
//! when it is not configured (the chain moves on), and an error naming it when it is
//! configured but broken.

use std::path::{Path, PathBuf};
use std::time::Duration;

use captcha_proto::credentials::metadata::{
    decode_role_credential, decode_role_name, role_credential_request, role_name_request,
};
use captcha_proto::credentials::profile::parse_profile;
use captcha_proto::credentials::sts::AssumeRoleWithWebIdentity;
use captcha_proto::{Credential, CredentialError, ENV_SECRET_ID, ENV_SECRET_KEY, Endpoint, Stamp};

use super::CredentialSourceError;
use super::fetch::Fetcher;
use crate::error::{Error, Phase};
use crate::runtime::Runtime;

/// `TENCENTCLOUD_CREDENTIALS_FILE`: the profile file to read instead of the usual places.
pub const ENV_CREDENTIALS_FILE: &str = "TENCENTCLOUD_CREDENTIALS_FILE";
/// TKE's region for STS.
pub const ENV_TKE_REGION: &str = "TKE_REGION";
/// TKE's OIDC identity provider.
pub const ENV_TKE_PROVIDER_ID: &str = "TKE_PROVIDER_ID";
/// The file TKE mounts the (rotating) web-identity token in.
pub const ENV_TKE_WEB_IDENTITY_TOKEN_FILE: &str = "TKE_WEB_IDENTITY_TOKEN_FILE";
/// The role TKE's pods assume.
pub const ENV_TKE_ROLE_ARN: &str = "TKE_ROLE_ARN";

/// The metadata service's connect-and-answer limit: off Tencent Cloud it does not answer,
/// and the chain must move on quickly.
pub const METADATA_TIMEOUT: Duration = Duration::from_secs(1);

/// One place a credential can come from.
#[derive(Debug, Clone)]
pub(crate) enum Leaf {
    Fixed(Credential),
    Environment,
    /// An explicit file, or the usual places.
    Profile(Option<PathBuf>),
    CvmRole(Endpoint),
    /// TKE's variables, read at each fetch; STS at the endpoint.
    WebIdentity(Endpoint),
    /// An explicit web identity; its token file is read at each fetch.
    WebIdentityWith(Box<WebIdentity>),
}

/// `AssumeRoleWithWebIdentity` settings given in code rather than by TKE's variables.
#[derive(Debug, Clone)]
pub struct WebIdentity {
    /// The OIDC identity provider (`ProviderId`).
    pub provider_id: String,
    /// The file holding the web-identity token; read again at every refresh (it rotates).
    pub token_file: PathBuf,
    /// The role to assume (`RoleArn`).
    pub role_arn: String,
    /// The lifetime asked for (`DurationSeconds`, 1–43200).
    pub duration_seconds: u64,
    /// Where STS is, and the region to name.
    pub endpoints: super::CredentialEndpoints,
}

impl Leaf {
    /// The name errors and `tencent-captcha credentials` show.
    pub(crate) fn name(&self) -> String {
        match self {
            Self::Fixed(_) => "fixed credential".to_owned(),
            Self::Environment => "environment".to_owned(),
            Self::Profile(Some(path)) => format!("profile file {}", path.display()),
            Self::Profile(None) => "profile file".to_owned(),
            Self::CvmRole(_) => "CVM role".to_owned(),
            Self::WebIdentity(_) => "TKE OIDC".to_owned(),
            Self::WebIdentityWith(_) => "web identity".to_owned(),
        }
    }

    /// The credential, `None` when this source is not configured, and the name of the
    /// place it came from.
    pub(crate) async fn fetch<R: Runtime>(
        &self,
        fetcher: &Fetcher<'_, R>,
    ) -> Result<Option<(Credential, String)>, CredentialSourceError> {
        let named = |credential: Option<Credential>, name: String| {
            credential.map(|credential| (credential, name))
        };
        match self {
            Self::Fixed(credential) => Ok(Some((credential.clone(), self.name()))),
            Self::Environment => Ok(named(environment()?, self.name())),
            Self::Profile(path) => profile(path.as_deref()),
            Self::CvmRole(endpoint) => Ok(named(cvm_role(endpoint, fetcher).await?, self.name())),
            Self::WebIdentity(endpoint) => {
                Ok(named(web_identity(endpoint, fetcher).await?, self.name()))
            }
            Self::WebIdentityWith(config) => {
                let credential = assume_with_web_identity(
                    "web identity",
                    config,
                    &config.endpoints.sts_region,
                    fetcher,
                )
                .await?;
                Ok(Some((credential, self.name())))
            }
        }
    }
}

/// A variable's value: `None` when unset; an error when set but not UTF-8.
fn variable(name: &'static str) -> Result<Option<String>, CredentialSourceError> {
    match std::env::var_os(name) {
        None => Ok(None),
        Some(value) => value.into_string().map(Some).map_err(|_| {
            CredentialSourceError::new("environment", CredentialError::NotUnicode { name })
        }),
    }
}

/// The environment is configured when either key variable is set (even empty: a
/// half-configured source is a mistake to report, not to skip).
fn environment() -> Result<Option<Credential>, CredentialSourceError> {
    if variable(ENV_SECRET_ID)?.is_none() && variable(ENV_SECRET_KEY)?.is_none() {
        return Ok(None);
    }
    Credential::from_env()
        .map(Some)
        .map_err(|e| CredentialSourceError::new("environment", e))
}

/// `$TENCENTCLOUD_CREDENTIALS_FILE` (set but empty is an error), else
/// `~/.tencentcloud/credentials`, else `/etc/tencentcloud/credentials`, if present.
fn profile_path() -> Result<Option<PathBuf>, CredentialSourceError> {
    if let Some(path) = variable(ENV_CREDENTIALS_FILE)? {
        if path.trim().is_empty() {
            return Err(CredentialSourceError::new(
                "profile file",
                format!("{ENV_CREDENTIALS_FILE} is empty"),
            ));
        }
        return Ok(Some(PathBuf::from(path)));
    }
    let home = variable("HOME")?
        .filter(|home| !home.is_empty())
        .map(|home| Path::new(&home).join(".tencentcloud/credentials"));
    let system = Some(PathBuf::from("/etc/tencentcloud/credentials"));
    Ok([home, system]
        .into_iter()
        .flatten()
        .find(|path| path.is_file()))
}

fn profile(explicit: Option<&Path>) -> Result<Option<(Credential, String)>, CredentialSourceError> {
    let path = match explicit {
        Some(path) => path.to_owned(),
        None => match profile_path()? {
            Some(path) => path,
            None => return Ok(None),
        },
    };
    let name = format!("profile file {}", path.display());
    // A small local file: read in place (a blocking read of a few bytes).
    let text = std::fs::read_to_string(&path).map_err(|e| {
        let reason = match e.kind() {
            std::io::ErrorKind::NotFound => "does not exist".to_owned(),
            std::io::ErrorKind::InvalidData => "is not UTF-8".to_owned(),
            _ => format!("cannot be read ({})", e.kind()),
        };
        CredentialSourceError::new(name.clone(), reason)
    })?;
    let credential =
        parse_profile(&text).map_err(|e| CredentialSourceError::new(name.clone(), e))?;
    Ok(Some((credential, name)))
}

/// The metadata service did not answer at all: not on Tencent Cloud.
fn unreachable(error: &Error) -> bool {
    matches!(
        error.phase(),
        Phase::NeverSent | Phase::Timeout | Phase::MaybeSent
    )
}

async fn cvm_role<R: Runtime>(
    endpoint: &Endpoint,
    fetcher: &Fetcher<'_, R>,
) -> Result<Option<Credential>, CredentialSourceError> {
    let fail = |reason: String| CredentialSourceError::new("CVM role", reason);
    let request = role_name_request(endpoint).map_err(|e| fail(e.to_string()))?;
    let answer = match fetcher.send(request, METADATA_TIMEOUT).await {
        Ok(answer) => answer,
        Err(e) if unreachable(&e) => {
            tracing::debug!(error = %e, "metadata service unreachable: not on Tencent Cloud");
            return Ok(None);
        }
        Err(e) => return Err(fail(format!("metadata request failed: {e}"))),
    };
    let role = match decode_role_name(answer.status(), answer.body()) {
        Ok(Some(role)) => role,
        Ok(None) => {
            return Err(fail(
                "metadata answered 404: no role is bound to this instance".to_owned(),
            ));
        }
        Err(e) => return Err(fail(e.to_string())),
    };
    let request = role_credential_request(endpoint, &role).map_err(|e| fail(e.to_string()))?;
    let answer = fetcher
        .send(request, METADATA_TIMEOUT)
        .await
        .map_err(|e| fail(format!("metadata request failed: {e}")))?;
    let credential =
        decode_role_credential(answer.status(), answer.body()).map_err(|e| fail(e.to_string()))?;
    check_not_expired(&credential).map_err(fail)?;
    Ok(Some(credential))
}

/// Refuses a credential that is already expired on this machine's clock.
pub(crate) fn check_not_expired(credential: &Credential) -> Result<(), String> {
    match credential.expires_at() {
        Some(at) if at <= now() => Err(format!("answered a credential that expired at {at}")),
        _ => Ok(()),
    }
}

/// UNIX seconds now.
pub(crate) fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

async fn web_identity<R: Runtime>(
    endpoint: &Endpoint,
    fetcher: &Fetcher<'_, R>,
) -> Result<Option<Credential>, CredentialSourceError> {
    let fail = |reason: String| CredentialSourceError::new("TKE OIDC", reason);
    let names = [
        ENV_TKE_REGION,
        ENV_TKE_PROVIDER_ID,
        ENV_TKE_WEB_IDENTITY_TOKEN_FILE,
        ENV_TKE_ROLE_ARN,
    ];
    let mut values = Vec::with_capacity(names.len());
    for name in names {
        values.push(variable(name)?);
    }
    if values.iter().all(Option::is_none) {
        return Ok(None);
    }
    let mut set = Vec::with_capacity(names.len());
    for (name, value) in names.iter().zip(values) {
        match value {
            Some(value) if !value.trim().is_empty() => set.push(value),
            _ => {
                return Err(fail(format!(
                    "{name} is not set or empty (TKE sets all four)"
                )));
            }
        }
    }
    let [region, provider, token_file, role_arn] = <[String; 4]>::try_from(set)
        .map_err(|_| fail("the TKE variables could not be read".to_owned()))?;
    let config = WebIdentity {
        provider_id: provider,
        token_file: PathBuf::from(token_file),
        role_arn,
        duration_seconds: captcha_proto::credentials::sts::DEFAULT_DURATION_SECONDS,
        endpoints: super::CredentialEndpoints {
            sts: endpoint.clone(),
            ..super::CredentialEndpoints::default()
        },
    };
    let credential = assume_with_web_identity("TKE OIDC", &config, &region, fetcher).await?;
    Ok(Some(credential))
}

/// `AssumeRoleWithWebIdentity` with the token read from its file now.
async fn assume_with_web_identity<R: Runtime>(
    name: &str,
    config: &WebIdentity,
    region: &str,
    fetcher: &Fetcher<'_, R>,
) -> Result<Credential, CredentialSourceError> {
    let fail = |reason: String| CredentialSourceError::new(name, reason);
    let file = config.token_file.display();
    // Read again at every refresh: the token rotates.
    let token = std::fs::read_to_string(&config.token_file).map_err(|e| {
        fail(format!(
            "the token file {file} cannot be read ({})",
            e.kind()
        ))
    })?;
    let token = token.trim();
    if token.is_empty() {
        return Err(fail(format!("the token file {file} is empty")));
    }
    let session = format!("tencent-captcha-rust-{}", now());
    let call = AssumeRoleWithWebIdentity::new(
        config.provider_id.clone(),
        token,
        config.role_arn.clone(),
        session,
    )
    .duration_seconds(config.duration_seconds);
    let request = call
        .encode(&config.endpoints.sts, region, Stamp::now())
        .map_err(|e| fail(e.to_string()))?;
    let answer = fetcher
        .send(request, fetcher.timeout)
        .await
        .map_err(|e| fail(format!("STS request failed: {e}")))?;
    let credential = call
        .decode(answer.status(), answer.body())
        .map_err(|e| fail(format!("STS refused: {e}")))?;
    check_not_expired(&credential).map_err(fail)?;
    Ok(credential)
}
