//! Server-side TC3 verification: parse `Authorization`, check scope and headers, recompute
//! the signature and compare it in constant time. The emulator uses it; so can any proxy.

use std::fmt;

use http::Request;
use http::header::AUTHORIZATION;

use super::date::UtcDate;
use super::sign::{
    self, ALGORITHM, PartError, SCOPE_TERMINATOR, SIGNED_HEADERS, TIMESTAMP_HEADER, signed_parts,
    single_header,
};
use crate::credential::Credential;
use crate::secret::SecretKey;

/// Longest attacker-supplied text an error repeats (service names).
const ECHO_LIMIT: usize = 64;

/// Why a request does not carry a valid TC3 signature. Never contains the signature, a
/// key or a token.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum VerifyError {
    /// A header the signature needs is absent.
    MissingHeader {
        /// Its name, e.g. `Authorization`.
        name: &'static str,
    },
    /// A header is present but unusable (not ASCII, repeated, not a number, …).
    InvalidHeader {
        /// Its name.
        name: &'static str,
        /// What is wrong.
        reason: &'static str,
    },
    /// `Authorization` does not start with `TC3-HMAC-SHA256 `.
    UnsupportedAlgorithm,
    /// `Authorization` is not `TC3-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…`.
    MalformedAuthorization {
        /// What is wrong.
        reason: &'static str,
    },
    /// `SignedHeaders` is not a list of lowercase header names in ascending order, without
    /// repeats, that includes `content-type` and `host`.
    UnsupportedSignedHeaders,
    /// A header listed in `SignedHeaders` is absent or repeated.
    MissingSignedHeader {
        /// Its name (cut to 64 characters).
        name: String,
    },
    /// `Signature` is not 64 hex digits.
    MalformedSignature,
    /// The credential scope names another service.
    ServiceMismatch {
        /// The service this server is.
        expected: String,
        /// The service in the scope (cut to 64 characters).
        found: String,
    },
    /// The scope's date is not the UTC date of `X-TC-Timestamp` (often a local date).
    DateMismatch {
        /// The date in the credential scope (cut to 64 characters).
        scope: String,
        /// The UTC date of the timestamp.
        timestamp: String,
    },
    /// No key is known for the SecretId.
    UnknownSecretId,
    /// The signature does not match the request and key.
    Mismatch,
}

impl VerifyError {
    /// The closest documented API 3.0 common error code, for servers that answer with the
    /// 3.0 error envelope: `AuthFailure.SecretIdNotFound` for an unknown SecretId,
    /// `AuthFailure.SignatureFailure` for a wrong signature, scope or date, and
    /// `AuthFailure.InvalidAuthorization` for an unreadable `Authorization` or header.
    ///
    /// ```
    /// assert_eq!(captcha_proto::tc3::VerifyError::Mismatch.tencent_code(), "AuthFailure.SignatureFailure");
    /// ```
    pub fn tencent_code(&self) -> &'static str {
        match self {
            Self::UnknownSecretId => "AuthFailure.SecretIdNotFound",
            Self::Mismatch
            | Self::ServiceMismatch { .. }
            | Self::DateMismatch { .. }
            | Self::MissingSignedHeader { .. } => "AuthFailure.SignatureFailure",
            Self::MissingHeader { .. }
            | Self::InvalidHeader { .. }
            | Self::UnsupportedAlgorithm
            | Self::MalformedAuthorization { .. }
            | Self::UnsupportedSignedHeaders
            | Self::MalformedSignature => "AuthFailure.InvalidAuthorization",
        }
    }
}

impl fmt::Display for VerifyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MissingHeader { name } => write!(f, "the {name} header is missing"),
            Self::InvalidHeader { name, reason } => write!(f, "the {name} header {reason}"),
            Self::UnsupportedAlgorithm => {
                write!(f, "the Authorization header does not use {ALGORITHM}")
            }
            Self::MalformedAuthorization { reason } => {
                write!(f, "the Authorization header is malformed: {reason}")
            }
            Self::UnsupportedSignedHeaders => write!(
                f,
                "SignedHeaders must list lowercase header names in ascending order, including content-type and host (e.g. {SIGNED_HEADERS})"
            ),
            Self::MissingSignedHeader { name } => {
                write!(f, "the signed header {name:?} is missing or repeated")
            }
            Self::MalformedSignature => f.write_str("Signature is not 64 hex digits"),
            Self::ServiceMismatch { expected, found } => write!(
                f,
                "the credential scope is for service {found:?}, not {expected:?}"
            ),
            Self::DateMismatch { scope, timestamp } => write!(
                f,
                "the credential scope date {scope:?} is not the UTC date of X-TC-Timestamp ({timestamp})"
            ),
            Self::UnknownSecretId => f.write_str("the SecretId is unknown"),
            Self::Mismatch => f.write_str("the signature does not match"),
        }
    }
}

impl std::error::Error for VerifyError {}

impl From<PartError> for VerifyError {
    fn from(e: PartError) -> Self {
        match e {
            PartError::Missing(name) => Self::MissingHeader { name },
            PartError::Invalid(name, reason) => Self::InvalidHeader { name, reason },
        }
    }
}

fn echo(text: &str) -> String {
    text.chars().take(ECHO_LIMIT).collect()
}

/// A parsed `Authorization` header. The signature is kept as bytes and never shown.
///
/// ```
/// use captcha_proto::tc3::parse_authorization;
/// let auth = parse_authorization("TC3-HMAC-SHA256 Credential=AKIDexample/2019-02-25/cvm/tc3_request, \
///     SignedHeaders=content-type;host, Signature=72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168")?;
/// assert_eq!((auth.secret_id(), auth.date(), auth.service()), ("AKIDexample", "2019-02-25", "cvm"));
/// # Ok::<(), captcha_proto::tc3::VerifyError>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct ParsedAuthorization {
    secret_id: String,
    date: String,
    service: String,
    signed_headers: Vec<String>,
    signature: [u8; 32],
}

impl ParsedAuthorization {
    /// The SecretId of the credential scope.
    pub fn secret_id(&self) -> &str {
        &self.secret_id
    }

    /// The date of the credential scope, as sent (`YYYY-MM-DD` when well formed).
    pub fn date(&self) -> &str {
        &self.date
    }

    /// The service of the credential scope.
    pub fn service(&self) -> &str {
        &self.service
    }

    /// The signed header names, in order (`["content-type", "host"]` from this crate's signer).
    pub fn signed_headers(&self) -> &[String] {
        &self.signed_headers
    }
}

impl fmt::Debug for ParsedAuthorization {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ParsedAuthorization")
            .field("secret_id", &self.secret_id)
            .field("date", &self.date)
            .field("service", &self.service)
            .field("signed_headers", &self.signed_headers)
            .field("signature", &"[redacted]")
            .finish()
    }
}

/// Parses `TC3-HMAC-SHA256 Credential=<id>/<date>/<service>/tc3_request,
/// SignedHeaders=content-type;host, Signature=<64 hex>` (spaces after commas optional).
/// `SignedHeaders` may list more headers (Tencent's doc shows `content-type;host;x-tc-action`)
/// as long as they are lowercase, ascending, unique and include `content-type` and `host`.
pub fn parse_authorization(value: &str) -> Result<ParsedAuthorization, VerifyError> {
    let malformed = |reason| VerifyError::MalformedAuthorization { reason };
    let rest = value
        .strip_prefix(ALGORITHM)
        .filter(|rest| rest.starts_with(' '))
        .ok_or(VerifyError::UnsupportedAlgorithm)?;
    let (mut credential, mut signed_headers, mut signature) = (None, None, None);
    for item in rest.split(',') {
        let (key, field_value) = item
            .trim()
            .split_once('=')
            .ok_or(malformed("an item is not key=value"))?;
        let slot = match key {
            "Credential" => &mut credential,
            "SignedHeaders" => &mut signed_headers,
            "Signature" => &mut signature,
            _ => return Err(malformed("unknown item")),
        };
        if slot.replace(field_value).is_some() {
            return Err(malformed("an item occurs twice"));
        }
    }
    let credential = credential.ok_or(malformed("Credential is missing"))?;
    let signed_headers = signed_headers.ok_or(malformed("SignedHeaders is missing"))?;
    let signature = signature.ok_or(malformed("Signature is missing"))?;
    let mut scope = credential.split('/');
    let (Some(secret_id), Some(date), Some(service), Some(terminator), None) = (
        scope.next(),
        scope.next(),
        scope.next(),
        scope.next(),
        scope.next(),
    ) else {
        return Err(malformed(
            "Credential is not SecretId/date/service/tc3_request",
        ));
    };
    if terminator != SCOPE_TERMINATOR {
        return Err(malformed(
            "the credential scope does not end in tc3_request",
        ));
    }
    if secret_id.is_empty() {
        return Err(malformed("the SecretId is empty"));
    }
    let signed_headers = parse_signed_headers(signed_headers)?;
    let mut bytes = [0u8; 32];
    if signature.len() != 64 || hex::decode_to_slice(signature, &mut bytes).is_err() {
        return Err(VerifyError::MalformedSignature);
    }
    Ok(ParsedAuthorization {
        secret_id: secret_id.to_owned(),
        date: date.to_owned(),
        service: service.to_owned(),
        signed_headers,
        signature: bytes,
    })
}

/// What a verified request proves.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Verified {
    /// Whose key signed it.
    pub secret_id: String,
    /// The signed `X-TC-Timestamp`; the caller checks it against its clock (Tencent allows
    /// 5 minutes: [`Api3Error::is_signature_expired`](crate::Api3Error::is_signature_expired)).
    pub timestamp: u64,
    /// The UTC date of the scope.
    pub date: UtcDate,
    /// True when `X-TC-Content-SHA256: UNSIGNED-PAYLOAD` left the body unsigned.
    pub unsigned_payload: bool,
}

/// Verifies a request signed by `credential` for `service` (see [`verify_request_with`]).
///
/// ```
/// use captcha_proto::{Credential, api3, tc3};
/// let credential = Credential::new("AKIDexample", "secret")?;
/// let mut request = http::Request::post("http://127.0.0.1:8080/")
///     .header("content-type", "application/json; charset=utf-8")
///     .body(b"{}".to_vec())?;
/// tc3::sign_request(&mut request, &credential, "captcha", 1_700_000_000)?;
/// assert_eq!(tc3::verify_request(&request, &credential, "captcha")?.timestamp, 1_700_000_000);
/// request.body_mut()[0] = b'[';
/// assert_eq!(tc3::verify_request(&request, &credential, "captcha"), Err(tc3::VerifyError::Mismatch));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn verify_request<B: AsRef<[u8]>>(
    request: &Request<B>,
    credential: &Credential,
    service: &str,
) -> Result<Verified, VerifyError> {
    verify_request_with(request, service, |id| {
        (id == credential.secret_id().as_str()).then(|| credential.secret_key().clone())
    })
}

/// Verifies the TC3 signature of `request` for `service`, fetching the SecretKey of the
/// SecretId in its scope with `lookup` (a server with many keys). Checks, in order: the
/// `Authorization` format, the service, `X-TC-Timestamp` and that the scope date is its
/// UTC date, the SecretId, and finally the signature over method, path, query,
/// `Content-Type`, `Host` and body, compared in constant time. It does not check the
/// clock (no clock in this crate): compare [`Verified::timestamp`] with yours.
///
/// ```
/// use captcha_proto::{SecretKey, api3, tc3};
/// let request = http::Request::post("/").header("authorization", "Basic abc").body(Vec::<u8>::new())?;
/// let lookup = |_: &str| Some(SecretKey::new("secret"));
/// assert_eq!(tc3::verify_request_with(&request, "captcha", lookup), Err(tc3::VerifyError::UnsupportedAlgorithm));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn verify_request_with<B: AsRef<[u8]>>(
    request: &Request<B>,
    service: &str,
    lookup: impl FnOnce(&str) -> Option<SecretKey>,
) -> Result<Verified, VerifyError> {
    let headers = request.headers();
    let authorization = single_header(headers, &AUTHORIZATION, "Authorization")?.ok_or(
        VerifyError::MissingHeader {
            name: "Authorization",
        },
    )?;
    let parsed = parse_authorization(authorization)?;
    if parsed.service != service {
        return Err(VerifyError::ServiceMismatch {
            expected: echo(service),
            found: echo(&parsed.service),
        });
    }
    let timestamp_text = single_header(headers, &TIMESTAMP_HEADER, "X-TC-Timestamp")?.ok_or(
        VerifyError::MissingHeader {
            name: "X-TC-Timestamp",
        },
    )?;
    let timestamp = parse_timestamp(timestamp_text)?;
    let date = UtcDate::from_timestamp(timestamp);
    if parsed.date != date.to_string() {
        return Err(VerifyError::DateMismatch {
            scope: echo(&parsed.date),
            timestamp: date.to_string(),
        });
    }
    let key = lookup(&parsed.secret_id).ok_or(VerifyError::UnknownSecretId)?;
    let parts = signed_parts(request)?;
    let mut signed = Vec::with_capacity(parsed.signed_headers.len());
    for name in &parsed.signed_headers {
        let value = match name.as_str() {
            "content-type" => parts.content_type,
            "host" => &*parts.host,
            other => signed_header_value(request, other)?,
        };
        signed.push((name.as_str(), value));
    }
    let canonical = sign::canonical_request_with(
        parts.method,
        parts.path,
        parts.query,
        &signed,
        parts.hashed_payload.as_str(),
    );
    let date_text = date.to_string();
    let text = sign::string_to_sign(
        timestamp,
        &sign::credential_scope(&date_text, service),
        &canonical,
    );
    let signing_key = sign::signing_key(&key, &date_text, service);
    if !sign::verify_signature(&signing_key, &text, &parsed.signature) {
        return Err(VerifyError::Mismatch);
    }
    Ok(Verified {
        secret_id: parsed.secret_id,
        timestamp,
        date,
        unsigned_payload: parts.unsigned_payload,
    })
}

/// A canonical decimal: digits only, no sign, no leading zero (so that the text signed
/// and the number checked cannot differ).
fn parse_timestamp(text: &str) -> Result<u64, VerifyError> {
    let invalid = VerifyError::InvalidHeader {
        name: "X-TC-Timestamp",
        reason: "is not a decimal UNIX time",
    };
    if text.is_empty()
        || !text.bytes().all(|b| b.is_ascii_digit())
        || (text.len() > 1 && text.starts_with('0'))
    {
        return Err(invalid);
    }
    text.parse().map_err(|_| invalid)
}

/// `a;b;c`: lowercase names (letters, digits, `-`), strictly ascending, with
/// `content-type` and `host` among them.
fn parse_signed_headers(list: &str) -> Result<Vec<String>, VerifyError> {
    let names: Vec<&str> = list.split(';').collect();
    let well_formed = names.iter().all(|name| {
        !name.is_empty()
            && name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    });
    let ascending = names.windows(2).all(|pair| pair[0] < pair[1]);
    if !(well_formed && ascending && names.contains(&"content-type") && names.contains(&"host")) {
        return Err(VerifyError::UnsupportedSignedHeaders);
    }
    Ok(names.into_iter().map(str::to_owned).collect())
}

/// The single value of an extra signed header.
fn signed_header_value<'r, B>(request: &'r Request<B>, name: &str) -> Result<&'r str, VerifyError> {
    let mut values = request.headers().get_all(name).iter();
    match (values.next(), values.next()) {
        (Some(value), None) => value.to_str().map_err(|_| VerifyError::InvalidHeader {
            name: "SignedHeaders",
            reason: "names a header that is not visible ASCII",
        }),
        _ => Err(VerifyError::MissingSignedHeader { name: echo(name) }),
    }
}
