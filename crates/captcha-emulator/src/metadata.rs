//! The CVM instance metadata service's role paths (what `http://metadata.tencentyun.com`
//! answers on an instance with a CAM role bound), served on the emulator's own address:
//!
//! - `GET /latest/meta-data/cam/security-credentials/` → the role name as plain text, 404
//!   when no role is bound ([`EmulatorBuilder::cvm_role`](crate::EmulatorBuilder::cvm_role));
//! - `GET /latest/meta-data/cam/security-credentials/<RoleName>` → the role's current
//!   temporary credential as JSON, 404 for any other name.
//!
//! One credential is current per role; a fetch mints a new one when there is none or the
//! current one expires within [`REFRESH_MARGIN`] seconds of the emulator clock, so a client
//! that caches until near expiry causes exactly one mint per lifetime. Earlier credentials
//! stay valid until their own expiry, as on Tencent.

use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use http::{Method, StatusCode};

use crate::error::StartError;
use crate::issued_keys::{Issued, rfc3339};
use crate::json::JsonObject;
use crate::reply::Reply;
use crate::state::State;

/// The path of the role name; the role's credentials are at this path plus its name.
pub const METADATA_CREDENTIALS_PATH: &str = "/latest/meta-data/cam/security-credentials/";
/// A fetch within this many seconds of the current credential's expiry mints a new one.
pub const REFRESH_MARGIN: u64 = 60;
/// The lifetime of the role's credentials when none is given: one hour.
pub const DEFAULT_CVM_ROLE_LIFETIME: Duration = Duration::from_secs(3600);

/// A misbehaviour of the metadata paths (both of them), for testing a credential
/// provider's error handling: set with
/// [`EmulatorHandle::set_metadata_fault`](crate::EmulatorHandle::set_metadata_fault).
/// Separate from the API faults ([`Fault`](crate::Fault)), which never touch these paths.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum MetadataFault {
    /// Answers this HTTP status with a plain-text body (404: as if no role were bound).
    /// An invalid status becomes 502.
    HttpStatus(u16),
    /// Answers 200 with an HTML page instead of the role name or the JSON, as a captive
    /// portal or a misrouted proxy would.
    Garbage,
    /// Never answers: the request waits until the client gives up or the emulator stops.
    Hang,
}

/// The fault in force on the metadata paths.
#[derive(Default)]
pub(crate) struct MetadataFaults(Mutex<Option<MetadataFault>>);

impl MetadataFaults {
    pub(crate) fn set(&self, fault: Option<MetadataFault>) {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner) = fault;
    }

    fn current(&self) -> Option<MetadataFault> {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The CVM role bound to the emulated instance and its current credential.
pub(crate) struct CvmRole {
    name: String,
    lifetime: u64,
    current: Mutex<Option<Issued>>,
}

impl CvmRole {
    /// Checks the name as CAM does (1–128 characters of letters, digits and `+=,.@_-`) and
    /// the lifetime (at least one second).
    pub(crate) fn new(name: &str, lifetime: Duration) -> Result<Self, StartError> {
        let invalid = |reason| Err(StartError::CvmRole { reason });
        if name.is_empty() || name.len() > 128 {
            return invalid("the role name must be 1 to 128 characters long");
        }
        if !name.bytes().all(is_name_byte) {
            return invalid("the role name may hold only letters, digits and +=,.@_-");
        }
        if lifetime.as_secs() == 0 {
            return invalid("the credential lifetime must be at least one second");
        }
        Ok(Self {
            name: name.to_owned(),
            lifetime: lifetime.as_secs(),
            current: Mutex::new(None),
        })
    }

    /// The role's current credential at `now`, minting one when there is none or it
    /// expires within [`REFRESH_MARGIN`]. `None` when the issued-key store is full.
    fn credential(&self, state: &State, now: u64) -> Option<Issued> {
        let mut current = self.current.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(issued) = current.as_ref()
            && issued.expires_at > now.saturating_add(REFRESH_MARGIN)
        {
            return Some(issued.clone());
        }
        let issued = state.issued.issue(now, self.lifetime, true).ok()?;
        state.stats.metadata_issued();
        *current = Some(issued.clone());
        Some(issued)
    }
}

/// Letters, digits and `+=,.@_-`: CAM's role and session name characters.
pub(crate) fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"+=,.@_-".contains(&b)
}

/// True for a path under [`METADATA_CREDENTIALS_PATH`] (the path itself included).
pub(crate) fn is_metadata_path(path: &str) -> bool {
    path.starts_with(METADATA_CREDENTIALS_PATH)
}

/// Answers a request for `path` (under [`METADATA_CREDENTIALS_PATH`]).
pub(crate) async fn serve(state: &State, method: &Method, path: &str) -> Reply {
    let rest = &path[METADATA_CREDENTIALS_PATH.len()..];
    if !rest.is_empty() {
        state.stats.metadata_fetch();
    }
    if method != Method::GET {
        return Reply::text(StatusCode::METHOD_NOT_ALLOWED, "method not allowed\n");
    }
    match state.metadata_faults.current() {
        None => {}
        Some(MetadataFault::HttpStatus(status)) => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_GATEWAY);
            return Reply::text(status, "fault injected by the captcha emulator\n");
        }
        Some(MetadataFault::Garbage) => {
            return Reply::text(
                StatusCode::OK,
                "<html><body>Welcome! Please log in to continue.</body></html>\n",
            );
        }
        Some(MetadataFault::Hang) => std::future::pending::<()>().await,
    }
    let not_found = || Reply::text(StatusCode::NOT_FOUND, "404 - Not Found\n");
    let Some(role) = &state.cvm_role else {
        return not_found();
    };
    if rest.is_empty() {
        return Reply::text_owned(StatusCode::OK, role.name.clone());
    }
    if rest != role.name {
        return not_found();
    }
    let Some(issued) = role.credential(state, state.now()) else {
        return Reply::text(
            StatusCode::SERVICE_UNAVAILABLE,
            "too many temporary credentials are live\n",
        );
    };
    let credential = &issued.credential;
    let body = JsonObject::new()
        .str("TmpSecretId", credential.secret_id().as_str())
        .str("TmpSecretKey", credential.secret_key().expose_secret())
        .str(
            "Token",
            credential.token().map_or("", |t| t.expose_secret()),
        )
        .int(
            "ExpiredTime",
            i64::try_from(issued.expires_at).unwrap_or(i64::MAX),
        )
        .str("Expiration", &rfc3339(issued.expires_at))
        .str("Code", "Success")
        .finish();
    Reply::api3(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_names_are_checked() {
        let ok = |name: &str| CvmRole::new(name, Duration::from_secs(60)).is_ok();
        assert!(ok("CaptchaEmulatorRole"));
        assert!(ok("a+=,.@_-9"));
        assert!(!ok(""));
        assert!(!ok("with/slash"));
        assert!(!ok(&"x".repeat(129)));
        assert!(CvmRole::new("Role", Duration::from_millis(500)).is_err());
        assert!(is_metadata_path(METADATA_CREDENTIALS_PATH));
        assert!(!is_metadata_path(
            "/latest/meta-data/cam/security-credentials"
        ));
    }
}
