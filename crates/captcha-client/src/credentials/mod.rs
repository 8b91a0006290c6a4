//! Where a client's credential comes from, as Tencent's official SDKs find it:
//! [`CredentialSource`] (a fixed credential, the environment, the profile file, the CVM
//! instance role, TKE's OIDC web identity, STS `AssumeRole` on top of any of them, or the
//! default chain of them all) and the cache that refreshes temporary credentials before
//! they expire, one refresh at a time ([`CredentialCache`]).
//!
//! The default chain, first answer wins: environment → profile file → TKE OIDC (when its
//! variables are set) → CVM role. A source that is not configured passes; one that is
//! configured but broken (an empty variable, a malformed file, metadata answering 404 or
//! garbage) stops the chain with an error naming it. The metadata service gets 1 s to
//! answer: off Tencent Cloud the chain moves on at once.

mod cache;
mod error;
mod fetch;
mod leaf;

use std::path::PathBuf;

use captcha_proto::credentials::metadata::DEFAULT_METADATA_ENDPOINT;
use captcha_proto::credentials::sts::{AssumeRole, DEFAULT_STS_ENDPOINT, DEFAULT_STS_REGION};
use captcha_proto::{Api3Config, Credential, Endpoint, Exchange, Stamp};

pub use cache::{CredentialCache, CredentialReport};
// The pure parts, so that one path reaches everything about credentials.
pub use captcha_proto::credentials::{REFRESH_MARGIN_SECS, metadata, profile, refresh_due, sts};
pub use error::CredentialSourceError;
pub(crate) use fetch::Fetcher;
use leaf::Leaf;
pub use leaf::{
    ENV_CREDENTIALS_FILE, ENV_TKE_PROVIDER_ID, ENV_TKE_REGION, ENV_TKE_ROLE_ARN,
    ENV_TKE_WEB_IDENTITY_TOKEN_FILE, METADATA_TIMEOUT, WebIdentity,
};

use crate::runtime::Runtime;

/// Where the metadata service and STS are: Tencent's by default; a local emulator's in
/// tests (`--metadata-endpoint`, `--sts-endpoint` in the CLI).
#[derive(Debug, Clone)]
pub struct CredentialEndpoints {
    /// The CVM metadata service's base URL.
    pub metadata: Endpoint,
    /// STS (`AssumeRole`, `AssumeRoleWithWebIdentity`).
    pub sts: Endpoint,
    /// The region STS calls name.
    pub sts_region: String,
}

impl Default for CredentialEndpoints {
    fn default() -> Self {
        Self {
            metadata: DEFAULT_METADATA_ENDPOINT.parse().expect("a valid URL"),
            sts: DEFAULT_STS_ENDPOINT.parse().expect("a valid URL"),
            sts_region: DEFAULT_STS_REGION.to_owned(),
        }
    }
}

/// A source of credentials. Build one with its constructor and hand it to the client
/// builder's `credential_source` (the builder uses [`CredentialSource::default_chain`]
/// unless given a credential or a source).
///
/// ```
/// use captcha_client::credentials::{CredentialEndpoints, CredentialSource};
/// let chain = CredentialSource::default_chain(CredentialEndpoints::default());
/// assert_eq!(chain.name(), "default chain (environment, profile file, TKE OIDC, CVM role)");
/// let role = CredentialSource::assume_role(
///     CredentialSource::cvm_role(CredentialEndpoints::default()),
///     "qcs::cam::uin/100000000001:roleName/captcha",
///     "captcha-backend",
///     CredentialEndpoints::default(),
/// )?;
/// assert_eq!(role.name(), "AssumeRole from CVM role");
/// # Ok::<(), captcha_client::credentials::CredentialSourceError>(())
/// ```
#[derive(Debug, Clone)]
pub struct CredentialSource(Kind);

/// Kept flat (a chain of leaves, or AssumeRole over one of those) so that fetching needs no
/// boxed recursion and stays `Send` on every runtime.
#[derive(Debug, Clone)]
enum Kind {
    Leaf(Leaf),
    Chain(Vec<Leaf>),
    AssumeRole(Box<RoleChain>),
}

#[derive(Debug, Clone)]
struct RoleChain {
    base: Base,
    call: AssumeRole,
    endpoints: CredentialEndpoints,
}

#[derive(Debug, Clone)]
enum Base {
    Leaf(Leaf),
    Chain(Vec<Leaf>),
}

impl CredentialSource {
    /// Always `credential`.
    pub fn fixed(credential: Credential) -> Self {
        Self(Kind::Leaf(Leaf::Fixed(credential)))
    }

    /// `TENCENTCLOUD_SECRET_ID`, `TENCENTCLOUD_SECRET_KEY` and the session token from
    /// `TENCENTCLOUD_SESSION_TOKEN` or `TENCENTCLOUD_TOKEN`, read at each fetch.
    pub fn environment() -> Self {
        Self(Kind::Leaf(Leaf::Environment))
    }

    /// The profile file: `$TENCENTCLOUD_CREDENTIALS_FILE`, else
    /// `~/.tencentcloud/credentials`, else `/etc/tencentcloud/credentials`.
    pub fn profile() -> Self {
        Self(Kind::Leaf(Leaf::Profile(None)))
    }

    /// The profile file at `path` (it must exist).
    pub fn profile_file(path: impl Into<PathBuf>) -> Self {
        Self(Kind::Leaf(Leaf::Profile(Some(path.into()))))
    }

    /// The CVM instance role, from the metadata service at `endpoints.metadata`.
    pub fn cvm_role(endpoints: CredentialEndpoints) -> Self {
        Self(Kind::Leaf(Leaf::CvmRole(endpoints.metadata)))
    }

    /// TKE's OIDC web identity: `TKE_REGION`, `TKE_PROVIDER_ID`,
    /// `TKE_WEB_IDENTITY_TOKEN_FILE` (read again at each refresh) and `TKE_ROLE_ARN`, with
    /// `AssumeRoleWithWebIdentity` at `endpoints.sts`.
    pub fn web_identity(endpoints: CredentialEndpoints) -> Self {
        Self(Kind::Leaf(Leaf::WebIdentity(endpoints.sts)))
    }

    /// A web identity given in code: `AssumeRoleWithWebIdentity` with the token in
    /// `config.token_file` (read again at every refresh).
    pub fn web_identity_with(config: WebIdentity) -> Self {
        Self(Kind::Leaf(Leaf::WebIdentityWith(Box::new(config))))
    }

    /// environment → profile file → TKE OIDC → CVM role.
    pub fn default_chain(endpoints: CredentialEndpoints) -> Self {
        Self(Kind::Chain(vec![
            Leaf::Environment,
            Leaf::Profile(None),
            Leaf::WebIdentity(endpoints.sts),
            Leaf::CvmRole(endpoints.metadata),
        ]))
    }

    /// STS `AssumeRole` of `role_arn` signed with what `base` gives (role chaining, e.g.
    /// from the CVM role), for 7200 s; [`CredentialSource::with_duration`] changes that.
    /// `base` may not itself be an `AssumeRole`.
    pub fn assume_role(
        base: CredentialSource,
        role_arn: impl Into<String>,
        role_session_name: impl Into<String>,
        endpoints: CredentialEndpoints,
    ) -> Result<Self, CredentialSourceError> {
        let base = match base.0 {
            Kind::Leaf(leaf) => Base::Leaf(leaf),
            Kind::Chain(leaves) => Base::Chain(leaves),
            Kind::AssumeRole(_) => {
                return Err(CredentialSourceError::new(
                    "AssumeRole",
                    "the base source may not itself be an AssumeRole",
                ));
            }
        };
        Ok(Self(Kind::AssumeRole(Box::new(RoleChain {
            base,
            call: AssumeRole::new(role_arn, role_session_name),
            endpoints,
        }))))
    }

    /// For an `AssumeRole` source: the `DurationSeconds` asked for (1–43200).
    pub fn with_duration(mut self, seconds: u64) -> Self {
        if let Kind::AssumeRole(chain) = &mut self.0 {
            chain.call = chain.call.clone().duration_seconds(seconds);
        }
        self
    }

    /// A name for messages: the source, or the sources of a chain.
    pub fn name(&self) -> String {
        let list = |leaves: &[Leaf]| leaves.iter().map(Leaf::name).collect::<Vec<_>>().join(", ");
        match &self.0 {
            Kind::Leaf(leaf) => leaf.name(),
            Kind::Chain(leaves) => format!("default chain ({})", list(leaves)),
            Kind::AssumeRole(chain) => match &chain.base {
                Base::Leaf(leaf) => format!("AssumeRole from {}", leaf.name()),
                Base::Chain(leaves) => format!("AssumeRole from the chain ({})", list(leaves)),
            },
        }
    }

    /// Fetches a credential now, and says which source answered.
    pub(crate) async fn fetch<R: Runtime>(
        &self,
        fetcher: &Fetcher<'_, R>,
    ) -> Result<(Credential, String), CredentialSourceError> {
        match &self.0 {
            Kind::Leaf(leaf) => leaf
                .fetch(fetcher)
                .await?
                .ok_or_else(|| CredentialSourceError::new(leaf.name(), "not configured")),
            Kind::Chain(leaves) => chain(leaves, fetcher).await,
            Kind::AssumeRole(role) => {
                let (base, from) = match &role.base {
                    Base::Leaf(leaf) => leaf
                        .fetch(fetcher)
                        .await?
                        .ok_or_else(|| CredentialSourceError::new(leaf.name(), "not configured"))?,
                    Base::Chain(leaves) => chain(leaves, fetcher).await?,
                };
                let credential = assume(role, base, fetcher).await?;
                Ok((credential, format!("AssumeRole from {from}")))
            }
        }
    }
}

async fn chain<R: Runtime>(
    leaves: &[Leaf],
    fetcher: &Fetcher<'_, R>,
) -> Result<(Credential, String), CredentialSourceError> {
    for leaf in leaves {
        if let Some(found) = leaf.fetch(fetcher).await? {
            return Ok(found);
        }
    }
    let tried = leaves.iter().map(Leaf::name).collect::<Vec<_>>().join(", ");
    Err(CredentialSourceError::new(
        "credential chain",
        format!("no source has a credential (tried {tried})"),
    ))
}

async fn assume<R: Runtime>(
    role: &RoleChain,
    base: Credential,
    fetcher: &Fetcher<'_, R>,
) -> Result<Credential, CredentialSourceError> {
    let fail = |reason: String| CredentialSourceError::new("AssumeRole", reason);
    let config = Api3Config::new(base)
        .with_endpoint(role.endpoints.sts.clone())
        .with_region(role.endpoints.sts_region.clone());
    let exchange = captcha_proto::Api3Exchange {
        config: &config,
        action: &role.call,
    };
    let request = exchange
        .encode(Stamp::now())
        .map_err(|e| fail(e.to_string()))?;
    let answer = fetcher
        .send(request, fetcher.timeout)
        .await
        .map_err(|e| fail(format!("STS request failed: {e}")))?;
    let credential = exchange
        .decode(&answer)
        .map_err(|e| fail(format!("STS refused: {e}")))?;
    leaf::check_not_expired(&credential).map_err(fail)?;
    Ok(credential)
}
