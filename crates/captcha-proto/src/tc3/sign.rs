//! The TC3-HMAC-SHA256 signer (docs/protocol.md, "TC3-HMAC-SHA256"), step by step and as one call.
//!
//! The texts of the scheme (canonical request, string to sign) are written by one set of
//! writers into a [`Sink`]: a `String` where a step is shown or checked ([`debug_steps`],
//! the verifier), the hash or the HMAC itself where a request is signed, so that signing
//! builds none of them in memory and both always agree byte for byte.

use std::borrow::Cow;
use std::fmt;
use std::sync::{Mutex, PoisonError};

use bytes::Bytes;
use hmac::{Hmac, Mac};
use http::Request;
use http::header::{AUTHORIZATION, CONTENT_TYPE, HOST, HeaderMap, HeaderName, HeaderValue};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use super::date::{DateText, UtcDate};
use crate::credential::Credential;
use crate::error::EncodeError;
use crate::redact;
use crate::secret::SecretKey;

/// The algorithm name, first word of the `Authorization` header and of the string to sign.
pub(crate) const ALGORITHM: &str = "TC3-HMAC-SHA256";
/// The headers TC3 signs, as listed in `SignedHeaders` (the only set Tencent documents).
pub(crate) const SIGNED_HEADERS: &str = "content-type;host";
/// The last element of the credential scope.
pub(crate) const SCOPE_TERMINATOR: &str = "tc3_request";
/// What `X-TC-Content-SHA256` holds when the body is left out of the signature.
pub(crate) const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";
/// Header with the request's UNIX time, signed through the string to sign.
pub const TIMESTAMP_HEADER: HeaderName = HeaderName::from_static("x-tc-timestamp");
/// Header with the STS session token of temporary credentials.
pub const TOKEN_HEADER: HeaderName = HeaderName::from_static("x-tc-token");
/// Header that, set to [`UNSIGNED_PAYLOAD`], leaves the body out of the signature.
pub(crate) const CONTENT_SHA256_HEADER: HeaderName = HeaderName::from_static("x-tc-content-sha256");

type HmacSha256 = Hmac<Sha256>;

/// Where the writers of the scheme's texts put them: a `String`, or a hash fed directly.
pub(super) trait Sink {
    /// Appends `bytes` (text: ASCII hex digits or pieces of a `str`).
    fn put_bytes(&mut self, bytes: &[u8]);

    /// Appends `text`.
    fn put(&mut self, text: &str) {
        self.put_bytes(text.as_bytes());
    }

    /// Appends `text` lower-cased (ASCII letters only, as Tencent's doc asks), through a
    /// buffer on the stack.
    fn put_lowercase(&mut self, text: &str) {
        if !text.bytes().any(|b| b.is_ascii_uppercase()) {
            return self.put(text);
        }
        let mut rest = text;
        while !rest.is_empty() {
            let mut end = rest.len().min(64);
            while !rest.is_char_boundary(end) {
                end -= 1;
            }
            let mut buffer = [0u8; 64];
            buffer[..end].copy_from_slice(&rest.as_bytes()[..end]);
            buffer[..end].make_ascii_lowercase();
            // Lower-casing ASCII letters keeps the chunk (whole characters) UTF-8.
            self.put_bytes(&buffer[..end]);
            rest = &rest[end..];
        }
    }
}

impl Sink for String {
    fn put_bytes(&mut self, bytes: &[u8]) {
        // Only whole characters are ever written (see `put_bytes`'s callers).
        self.push_str(&String::from_utf8_lossy(bytes));
    }

    fn put(&mut self, text: &str) {
        self.push_str(text);
    }
}

impl Sink for Sha256 {
    fn put_bytes(&mut self, bytes: &[u8]) {
        self.update(bytes);
    }
}

impl Sink for HmacSha256 {
    fn put_bytes(&mut self, bytes: &[u8]) {
        self.update(bytes);
    }
}

/// 64 lowercase hex digits (a SHA-256 digest), on the stack.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct Hex64([u8; 64]);

impl Hex64 {
    fn of(digest: &[u8]) -> Self {
        let mut out = [0u8; 64];
        hex::encode_to_slice(digest, &mut out).expect("64 hex digits hold 32 bytes");
        Self(out)
    }

    /// The digits.
    pub(crate) fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).expect("hex is ASCII")
    }

    /// The digits, as bytes (what the hashes take, without a UTF-8 check).
    pub(crate) fn as_bytes(&self) -> &[u8; 64] {
        &self.0
    }
}

/// Lowercase hex SHA-256 of `bytes` (`HashedRequestPayload`, and the canonical request's).
pub(crate) fn sha256_hex(bytes: &[u8]) -> Hex64 {
    Hex64::of(&Sha256::digest(bytes))
}

/// Lowercase hex SHA-256 of the request body (`HashedRequestPayload`), as text (the
/// step-by-step tests).
#[cfg(test)]
pub(crate) fn hashed_payload(payload: &[u8]) -> String {
    sha256_hex(payload).as_str().to_owned()
}

/// The value of a canonical header line: trimmed and lower-cased, as Tencent's doc asks
/// (borrowed when it is already so).
fn canonical_header_value(value: &str) -> Cow<'_, str> {
    let value = value.trim();
    if value.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(value.to_ascii_lowercase())
    } else {
        Cow::Borrowed(value)
    }
}

/// The canonical request. `content_type` and `host` are trimmed and lower-cased here;
/// `query` is the query string exactly as sent (empty for a POST without one).
#[cfg(test)]
pub(crate) fn canonical_request(
    method: &str,
    path: &str,
    query: &str,
    content_type: &str,
    host: &str,
    hashed_payload: &str,
) -> String {
    canonical_request_with(
        method,
        path,
        query,
        &[("content-type", content_type), ("host", host)],
        hashed_payload,
    )
}

/// The canonical request over any signed headers, given as `(lowercase name, value)` in
/// ascending name order (the verifier accepts requests that sign more than the two).
pub(super) fn canonical_request_with(
    method: &str,
    path: &str,
    query: &str,
    headers: &[(&str, &str)],
    hashed_payload: &str,
) -> String {
    let mut out = String::new();
    write_canonical_request(
        &mut out,
        method,
        path,
        query,
        headers,
        hashed_payload.as_bytes(),
    );
    out
}

/// Writes the canonical request (see [`canonical_request_with`]) into `out`.
pub(super) fn write_canonical_request(
    out: &mut impl Sink,
    method: &str,
    path: &str,
    query: &str,
    headers: &[(&str, &str)],
    hashed_payload: &[u8],
) {
    let path = if path.is_empty() { "/" } else { path };
    for part in [method, "\n", path, "\n", query, "\n"] {
        out.put(part);
    }
    for (name, value) in headers {
        out.put(name);
        out.put(":");
        out.put_lowercase(value.trim());
        out.put("\n");
    }
    out.put("\n");
    for (i, (name, _)) in headers.iter().enumerate() {
        if i > 0 {
            out.put(";");
        }
        out.put(name);
    }
    out.put("\n");
    out.put_bytes(hashed_payload);
}

/// `date/service/tc3_request`.
pub(crate) fn credential_scope(date: &str, service: &str) -> String {
    format!("{date}/{service}/{SCOPE_TERMINATOR}")
}

/// The string to sign: algorithm, timestamp, credential scope and the hex SHA-256 of the
/// canonical request, one per line.
pub(crate) fn string_to_sign(
    timestamp: u64,
    credential_scope: &str,
    canonical_request: &str,
) -> String {
    let mut out = String::new();
    write_string_to_sign(
        &mut out,
        timestamp,
        &[credential_scope.as_bytes()],
        sha256_hex(canonical_request.as_bytes()).as_bytes(),
    );
    out
}

/// Writes the string to sign into `out`; `scope` is the credential scope in pieces.
fn write_string_to_sign(
    out: &mut impl Sink,
    timestamp: u64,
    scope: &[&[u8]],
    hashed_canonical_request: &[u8],
) {
    out.put(ALGORITHM);
    out.put("\n");
    out.put(itoa::Buffer::new().format(timestamp));
    out.put("\n");
    for piece in scope {
        out.put_bytes(piece);
    }
    out.put("\n");
    out.put_bytes(hashed_canonical_request);
}

/// `kSigning`, derived from the SecretKey, the UTC date and the service. It signs every
/// request of that day and service, so it is as secret as the key: zeroized on drop,
/// redacted in `Debug`.
#[derive(Clone)]
pub struct SigningKey(Zeroizing<[u8; 32]>);

impl SigningKey {
    /// The 32 key bytes.
    pub fn expose_secret(&self) -> &[u8; 32] {
        &self.0
    }

    fn mac(&self) -> HmacSha256 {
        <HmacSha256 as Mac>::new_from_slice(self.0.as_slice()).expect("HMAC takes any key length")
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SigningKey([redacted])")
    }
}

fn hmac_bytes(key: &[u8], message: &str) -> Zeroizing<[u8; 32]> {
    let mut mac = <HmacSha256 as Mac>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(message.as_bytes());
    Zeroizing::new(mac.finalize().into_bytes().into())
}

/// `kSigning = HMAC(HMAC(HMAC("TC3" + SecretKey, date), service), "tc3_request")`.
pub(crate) fn signing_key(secret_key: &SecretKey, date: &str, service: &str) -> SigningKey {
    let mut prefixed = Zeroizing::new(String::with_capacity(secret_key.expose_secret().len() + 3));
    prefixed.push_str("TC3");
    prefixed.push_str(secret_key.expose_secret());
    let k_date = hmac_bytes(prefixed.as_bytes(), date);
    let k_service = hmac_bytes(k_date.as_slice(), service);
    SigningKey(hmac_bytes(k_service.as_slice(), SCOPE_TERMINATOR))
}

/// What signs one day's requests for one service: the HMAC keyed with that day's
/// `kSigning` (its inner and outer states, as secret as the key itself) and the scope date.
#[derive(Clone)]
pub(crate) struct DayKey {
    mac: HmacSha256,
    date: DateText,
}

impl DayKey {
    /// Derives the key of the UTC date of `timestamp` for `service`.
    fn derive(secret_key: &SecretKey, timestamp: u64, service: &str) -> Self {
        let date = UtcDate::from_timestamp(timestamp).text();
        Self {
            mac: signing_key(secret_key, date.as_str(), service).mac(),
            date,
        }
    }
}

/// The signing key of the last (secret, UTC date, service) a config signed for, kept so
/// that a call spends one HMAC on its signature instead of four (the derivation of
/// `kSigning` changes only once a day).
///
/// An entry is used only for the very secret it was derived from: every lookup compares
/// the credential's SecretKey with the one the entry holds (in constant time), so a
/// credential that changes (a new key pair, refreshed temporary keys) is never signed for
/// with the old key: its first call derives and keeps the new one. `Debug` shows nothing of
/// it; a clone starts empty, and `Api3Config::with_credential` starts a new one.
#[derive(Default)]
pub(crate) struct KeyCache(Mutex<Option<CachedKey>>);

struct CachedKey {
    secret_key: SecretKey,
    day: u64,
    service: String,
    key: DayKey,
}

impl KeyCache {
    /// The key for `secret_key` on the UTC date of `timestamp` and `service`, from the
    /// cache when it holds that one, else derived and kept.
    pub(crate) fn key(&self, secret_key: &SecretKey, timestamp: u64, service: &str) -> DayKey {
        let day = UtcDate::day_number(timestamp);
        let mut slot = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(cached) = slot.as_ref()
            && cached.day == day
            && cached.service == service
            && same_secret(&cached.secret_key, secret_key)
        {
            return cached.key.clone();
        }
        let key = DayKey::derive(secret_key, timestamp, service);
        *slot = Some(CachedKey {
            secret_key: secret_key.clone(),
            day,
            service: service.to_owned(),
            key: key.clone(),
        });
        key
    }
}

impl Clone for KeyCache {
    fn clone(&self) -> Self {
        Self::default()
    }
}

impl fmt::Debug for KeyCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("KeyCache(..)")
    }
}

/// Whether two secret keys are the same, in time that depends only on their lengths.
fn same_secret(a: &SecretKey, b: &SecretKey) -> bool {
    let (a, b) = (a.expose_secret().as_bytes(), b.expose_secret().as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A TC3 signature: 64 lowercase hex digits. Redacted in `Debug`; with the request it
/// would let anyone replay it inside the 5-minute window.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Signature([u8; 64]);

impl Signature {
    /// The hex text as it goes into the `Authorization` header.
    pub fn expose_secret(&self) -> &str {
        std::str::from_utf8(&self.0).expect("hex is ASCII")
    }
}

impl fmt::Debug for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Signature([redacted])")
    }
}

/// Lowercase hex `HMAC_SHA256(kSigning, string_to_sign)`.
pub(crate) fn signature(key: &SigningKey, string_to_sign: &str) -> Signature {
    let mut mac = key.mac();
    mac.update(string_to_sign.as_bytes());
    signature_of(mac)
}

fn signature_of(mac: HmacSha256) -> Signature {
    Signature(Hex64::of(&mac.finalize().into_bytes()).0)
}

/// Checks `claimed` (the raw 32 bytes of a signature) in constant time.
pub(super) fn verify_signature(key: &SigningKey, string_to_sign: &str, claimed: &[u8]) -> bool {
    let mut mac = key.mac();
    mac.update(string_to_sign.as_bytes());
    mac.verify_slice(claimed).is_ok()
}

/// The `Authorization` header value. It holds the signature: treat it as a secret.
pub(crate) fn authorization(
    secret_id: &str,
    credential_scope: &str,
    signature: &Signature,
) -> String {
    let mut out = String::new();
    write_authorization(
        &mut out,
        secret_id,
        &[credential_scope.as_bytes()],
        signature,
    );
    out
}

/// Writes the `Authorization` value; `scope` is the credential scope in pieces.
fn write_authorization(
    out: &mut impl Sink,
    secret_id: &str,
    scope: &[&[u8]],
    signature: &Signature,
) {
    out.put(ALGORITHM);
    out.put(" Credential=");
    out.put(secret_id);
    out.put("/");
    for piece in scope {
        out.put_bytes(piece);
    }
    out.put(", SignedHeaders=");
    out.put(SIGNED_HEADERS);
    out.put(", Signature=");
    out.put_bytes(&signature.0);
}

/// Counts what [`write_authorization`] writes, to size its buffer exactly.
#[derive(Default)]
struct Length(usize);

impl Sink for Length {
    fn put_bytes(&mut self, bytes: &[u8]) {
        self.0 += bytes.len();
    }
}

/// Collects text into a buffer sized in advance.
struct Buffer(Vec<u8>);

impl Sink for Buffer {
    fn put_bytes(&mut self, bytes: &[u8]) {
        self.0.extend_from_slice(bytes);
    }
}

/// A header or request part the signer needs is missing or unusable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum PartError {
    Missing(&'static str),
    Invalid(&'static str, &'static str),
}

impl From<PartError> for EncodeError {
    fn from(e: PartError) -> Self {
        match e {
            PartError::Missing(field) => EncodeError::EmptyField { field },
            PartError::Invalid(field, reason) => EncodeError::InvalidValue { field, reason },
        }
    }
}

/// What of a request is signed, read the same way by the signer and the verifier.
pub(super) struct SignedParts<'a> {
    pub method: &'a str,
    pub path: &'a str,
    pub query: &'a str,
    pub content_type: &'a str,
    /// The host as signed: the `Host` header, else the URI's host (no port); trimmed and
    /// lower-cased.
    pub host: Cow<'a, str>,
    /// True when there is no `Host` header and the signer must add one.
    pub host_from_uri: bool,
    pub hashed_payload: Hex64,
    pub unsigned_payload: bool,
}

/// The only value of header `name`, as text; `Ok(None)` when absent.
pub(super) fn single_header<'h>(
    headers: &'h HeaderMap,
    name: &HeaderName,
    field: &'static str,
) -> Result<Option<&'h str>, PartError> {
    let mut values = headers.get_all(name).iter();
    let Some(first) = values.next() else {
        return Ok(None);
    };
    if values.next().is_some() {
        return Err(PartError::Invalid(field, "occurs more than once"));
    }
    first
        .to_str()
        .map(Some)
        .map_err(|_| PartError::Invalid(field, "is not visible ASCII"))
}

pub(super) fn signed_parts<B: AsRef<[u8]>>(
    request: &Request<B>,
) -> Result<SignedParts<'_>, PartError> {
    let headers = request.headers();
    let content_type = single_header(headers, &CONTENT_TYPE, "Content-Type")?
        .ok_or(PartError::Missing("Content-Type"))?;
    let (host, host_from_uri) = match single_header(headers, &HOST, "Host")? {
        Some(host) if !host.trim().is_empty() => (canonical_header_value(host), false),
        Some(_) => return Err(PartError::Missing("Host")),
        None => match request.uri().host() {
            Some(host) if !host.is_empty() => (canonical_header_value(host), true),
            _ => return Err(PartError::Missing("Host")),
        },
    };
    let unsigned_payload = single_header(headers, &CONTENT_SHA256_HEADER, "X-TC-Content-SHA256")?
        .is_some_and(|v| v.trim() == UNSIGNED_PAYLOAD);
    let hashed = if unsigned_payload {
        sha256_hex(UNSIGNED_PAYLOAD.as_bytes())
    } else {
        sha256_hex(request.body().as_ref())
    };
    Ok(SignedParts {
        method: request.method().as_str(),
        path: request.uri().path(),
        query: request.uri().query().unwrap_or(""),
        content_type,
        host,
        host_from_uri,
        hashed_payload: hashed,
        unsigned_payload,
    })
}

/// Writes the canonical request of `parts` (the two documented signed headers).
fn write_canonical_parts(out: &mut impl Sink, parts: &SignedParts<'_>) {
    write_canonical_request(
        out,
        parts.method,
        parts.path,
        parts.query,
        &[("content-type", parts.content_type), ("host", &parts.host)],
        parts.hashed_payload.as_bytes(),
    );
}

/// A service name: non-empty, ASCII letters, digits, `-`, `_` or `.` (it goes into the scope).
pub(crate) fn check_service(service: &str) -> Result<(), EncodeError> {
    if service.is_empty() {
        return Err(EncodeError::EmptyField { field: "service" });
    }
    if !service
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
    {
        return Err(EncodeError::InvalidValue {
            field: "service",
            reason: "use only ASCII letters, digits, '-', '_' and '.'",
        });
    }
    Ok(())
}

/// Every intermediate value of one TC3 signature, for debugging and golden tests.
/// `Debug` shows the public steps and hides the key, the signature and the header.
///
/// ```
/// use captcha_proto::{Credential, api3, tc3};
/// let request = http::Request::post("https://cvm.tencentcloudapi.com/")
///     .header("content-type", "application/json; charset=utf-8")
///     .body(b"{}".to_vec())?;
/// let credential = Credential::new("AKIDexample", "secret")?;
/// let steps = tc3::debug_steps(&request, &credential, "cvm", 1551113065)?;
/// assert_eq!(steps.credential_scope(), "2019-02-25/cvm/tc3_request");
/// assert!(steps.string_to_sign().ends_with(steps.hashed_canonical_request()));
/// assert!(!format!("{steps:?}").contains(steps.signature().expose_secret()));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct Tc3Steps {
    timestamp: u64,
    date: UtcDate,
    host: String,
    hashed_payload: String,
    canonical_request: String,
    hashed_canonical_request: String,
    credential_scope: String,
    string_to_sign: String,
    signing_key: SigningKey,
    signature: Signature,
    authorization: Zeroizing<String>,
}

impl Tc3Steps {
    /// The signed UNIX time (`X-TC-Timestamp`).
    pub fn timestamp(&self) -> u64 {
        self.timestamp
    }

    /// The UTC date of the timestamp.
    pub fn date(&self) -> UtcDate {
        self.date
    }

    /// The host as signed (lower-cased, no port unless the `Host` header names one).
    pub fn host(&self) -> &str {
        &self.host
    }

    /// `HashedRequestPayload`.
    pub fn hashed_payload(&self) -> &str {
        &self.hashed_payload
    }

    /// `CanonicalRequest`.
    pub fn canonical_request(&self) -> &str {
        &self.canonical_request
    }

    /// Hex SHA-256 of the canonical request (last line of the string to sign).
    pub fn hashed_canonical_request(&self) -> &str {
        &self.hashed_canonical_request
    }

    /// `CredentialScope`.
    pub fn credential_scope(&self) -> &str {
        &self.credential_scope
    }

    /// `StringToSign`.
    pub fn string_to_sign(&self) -> &str {
        &self.string_to_sign
    }

    /// `kSigning` (secret).
    pub fn signing_key(&self) -> &SigningKey {
        &self.signing_key
    }

    /// The signature (secret).
    pub fn signature(&self) -> &Signature {
        &self.signature
    }

    /// The `Authorization` header value. It carries the signature: every call site is a
    /// place where a secret leaves its box.
    pub fn expose_authorization(&self) -> &str {
        &self.authorization
    }
}

impl fmt::Debug for Tc3Steps {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Tc3Steps")
            .field("timestamp", &self.timestamp)
            .field("date", &self.date.to_string())
            .field("host", &self.host)
            .field("hashed_payload", &self.hashed_payload)
            // A GET query may carry secrets: mask them like any request dump.
            .field(
                "canonical_request",
                &redact::mask_values(&self.canonical_request),
            )
            .field("hashed_canonical_request", &self.hashed_canonical_request)
            .field("credential_scope", &self.credential_scope)
            .field("string_to_sign", &self.string_to_sign)
            .field("signing_key", &self.signing_key)
            .field("signature", &self.signature)
            .field("authorization", &redact::MASK)
            .finish()
    }
}

/// Computes every TC3 step for `request` as [`sign_request`] would, without touching it.
///
/// Signed: the method, the URI path and query (as sent), `Content-Type` and `Host`
/// (trimmed, lower-cased; the URI's host when there is no `Host` header) and the body
/// (or the literal `UNSIGNED-PAYLOAD` when `X-TC-Content-SHA256` says so).
/// Errors name the missing or unusable part.
///
/// ```
/// use captcha_proto::{Credential, api3, tc3};
/// let request = http::Request::get("https://cvm.tencentcloudapi.com/?Limit=10&Offset=0")
///     .header("content-type", "application/x-www-form-urlencoded")
///     .body(Vec::new())?;
/// let steps = tc3::debug_steps(&request, &Credential::new("AKIDexample", "secret")?, "cvm", 1551113065)?;
/// assert!(steps.canonical_request().starts_with("GET\n/\nLimit=10&Offset=0\n"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn debug_steps<B: AsRef<[u8]>>(
    request: &Request<B>,
    credential: &Credential,
    service: &str,
    timestamp: u64,
) -> Result<Tc3Steps, EncodeError> {
    check_service(service)?;
    let parts = signed_parts(request)?;
    Ok(steps_for(
        &parts,
        credential.secret_id().as_str(),
        credential.secret_key(),
        service,
        timestamp,
    ))
}

pub(super) fn steps_for(
    parts: &SignedParts<'_>,
    secret_id: &str,
    secret_key: &SecretKey,
    service: &str,
    timestamp: u64,
) -> Tc3Steps {
    let date = UtcDate::from_timestamp(timestamp);
    let date_text = date.to_string();
    let mut canonical = String::new();
    write_canonical_parts(&mut canonical, parts);
    let scope = credential_scope(&date_text, service);
    let text = string_to_sign(timestamp, &scope, &canonical);
    let key = signing_key(secret_key, &date_text, service);
    let sig = signature(&key, &text);
    let auth = Zeroizing::new(authorization(secret_id, &scope, &sig));
    Tc3Steps {
        timestamp,
        date,
        host: parts.host.clone().into_owned(),
        hashed_payload: parts.hashed_payload.as_str().to_owned(),
        hashed_canonical_request: sha256_hex(canonical.as_bytes()).as_str().to_owned(),
        canonical_request: canonical,
        credential_scope: scope,
        string_to_sign: text,
        signing_key: key,
        signature: sig,
        authorization: auth,
    }
}

/// The signature of `parts` at `timestamp`: the canonical request is hashed as it is
/// written and the string to sign MACed as it is written, neither is built in memory.
/// The same bytes as [`steps_for`] (the golden tests hold both to Tencent's vector).
fn sign_parts(parts: &SignedParts<'_>, key: DayKey, service: &str, timestamp: u64) -> Signature {
    let mut canonical = Sha256::new();
    write_canonical_parts(&mut canonical, parts);
    let hashed_canonical = Hex64::of(&canonical.finalize());
    let DayKey { mut mac, date } = key;
    write_string_to_sign(
        &mut mac,
        timestamp,
        &scope_pieces(&date, service),
        hashed_canonical.as_bytes(),
    );
    signature_of(mac)
}

/// `date/service/tc3_request`, in pieces.
fn scope_pieces<'a>(date: &'a DateText, service: &'a str) -> [&'a [u8]; 5] {
    [
        date.as_bytes(),
        b"/",
        service.as_bytes(),
        b"/",
        SCOPE_TERMINATOR.as_bytes(),
    ]
}

/// What `HeaderValue` accepts: visible ASCII, tab, and bytes above 127.
fn valid_header_text(text: &str) -> bool {
    text.bytes().all(|b| (b >= 32 && b != 127) || b == b'\t')
}

/// The `Authorization` header (marked sensitive), written straight into the buffer the
/// header keeps.
fn authorization_value(
    secret_id: &str,
    date: &DateText,
    service: &str,
    signature: &Signature,
) -> Result<HeaderValue, EncodeError> {
    let invalid = EncodeError::InvalidValue {
        field: "SecretId",
        reason: "must be visible ASCII without control characters",
    };
    // Checked first, so that a refused value never holds the signature.
    if !valid_header_text(secret_id) {
        return Err(invalid);
    }
    let scope = scope_pieces(date, service);
    let mut length = Length::default();
    write_authorization(&mut length, secret_id, &scope, signature);
    let mut buffer = Buffer(Vec::with_capacity(length.0));
    write_authorization(&mut buffer, secret_id, &scope, signature);
    // Exactly as long as its capacity: the header takes the buffer without copying it.
    let mut value = HeaderValue::from_maybe_shared(Bytes::from(buffer.0)).map_err(|_| invalid)?;
    value.set_sensitive(true);
    Ok(value)
}

/// Signs `request` for `service` at `timestamp` (UNIX seconds) with TC3-HMAC-SHA256.
///
/// On `Ok` only headers change: `Authorization` (marked sensitive), `X-TC-Timestamp`,
/// `X-TC-Token` (sensitive; set from the credential's token, removed when it has none)
/// and `Host` when the request had none (the URI's bare host, which is what is signed).
/// On `Err` the request is untouched. The UTC date of the scope comes from `timestamp`.
/// Re-sign on every attempt: Tencent refuses timestamps more than 5 minutes off.
///
/// ```
/// use captcha_proto::{Credential, api3, tc3};
/// let mut request = http::Request::post("https://cvm.tencentcloudapi.com/")
///     .header("content-type", "application/json; charset=utf-8")
///     .header("x-tc-action", "DescribeInstances")
///     .body(br#"{"Limit": 1}"#.to_vec())?;
/// let credential = Credential::new("AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE", "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE")?;
/// tc3::sign_request(&mut request, &credential, "cvm", 1551113065)?;
/// assert_eq!(request.headers()["host"], "cvm.tencentcloudapi.com");
/// assert_eq!(request.headers()["x-tc-timestamp"], "1551113065");
/// assert!(request.headers()["authorization"].is_sensitive());
/// assert!(tc3::verify_request(&request, &credential, "cvm").is_ok());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn sign_request<B: AsRef<[u8]>>(
    request: &mut Request<B>,
    credential: &Credential,
    service: &str,
    timestamp: u64,
) -> Result<(), EncodeError> {
    check_service(service)?;
    let key = DayKey::derive(credential.secret_key(), timestamp, service);
    sign_with_key(request, credential, service, timestamp, key)
}

/// [`sign_request`] with the signing key taken from `keys` (derived and kept there when it
/// does not hold the key of this credential's secret, date and service): how
/// `Api3Config::encode` signs. The service must have been checked.
pub(crate) fn sign_request_cached<B: AsRef<[u8]>>(
    request: &mut Request<B>,
    credential: &Credential,
    service: &str,
    timestamp: u64,
    keys: &KeyCache,
) -> Result<(), EncodeError> {
    let key = keys.key(credential.secret_key(), timestamp, service);
    sign_with_key(request, credential, service, timestamp, key)
}

/// Signs `request` with `key`, the signing key of `credential`'s secret for the UTC date of
/// `timestamp` and `service`.
fn sign_with_key<B: AsRef<[u8]>>(
    request: &mut Request<B>,
    credential: &Credential,
    service: &str,
    timestamp: u64,
    key: DayKey,
) -> Result<(), EncodeError> {
    let parts = signed_parts(request)?;
    let date = key.date;
    let signature = sign_parts(&parts, key, service, timestamp);
    // Build every header value before touching the request (the commit rule).
    let host = match parts.host_from_uri {
        true => {
            Some(
                HeaderValue::from_str(&parts.host).map_err(|_| EncodeError::InvalidValue {
                    field: "Host",
                    reason: "is not a valid header value",
                })?,
            )
        }
        false => None,
    };
    let authorization =
        authorization_value(credential.secret_id().as_str(), &date, service, &signature)?;
    // Digits copied into a buffer of their size (`From<u64>` allocates twice).
    let timestamp_value = HeaderValue::from_bytes(itoa::Buffer::new().format(timestamp).as_bytes())
        .expect("digits are a valid header value");
    let token = match credential.token() {
        Some(token) => {
            let mut value = HeaderValue::from_str(token.expose_secret()).map_err(|_| {
                EncodeError::InvalidValue {
                    field: "Token",
                    reason: "must be visible ASCII without control characters",
                }
            })?;
            value.set_sensitive(true);
            Some(value)
        }
        None => None,
    };
    let headers = request.headers_mut();
    if let Some(host) = host {
        headers.insert(HOST, host);
    }
    headers.insert(TIMESTAMP_HEADER, timestamp_value);
    headers.insert(AUTHORIZATION, authorization);
    match token {
        Some(token) => headers.insert(TOKEN_HEADER, token),
        None => headers.remove(TOKEN_HEADER),
    };
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET_ID: &str = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE";
    const SECRET_KEY: &str = "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE";
    const CVM_PAYLOAD: &str =
        r#"{"Limit": 1, "Filters": [{"Values": ["\u672a\u547d\u540d"], "Name": "instance-name"}]}"#;
    const CVM_TIMESTAMP: u64 = 1551113065;
    const CVM_PAYLOAD_HASH: &str =
        "35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064";
    const CVM_CANONICAL_REQUEST: &str = "POST\n/\n\ncontent-type:application/json; charset=utf-8\nhost:cvm.tencentcloudapi.com\n\ncontent-type;host\n35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064";
    const CVM_CANONICAL_HASH: &str =
        "5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031";
    const CVM_STRING_TO_SIGN: &str = "TC3-HMAC-SHA256\n1551113065\n2019-02-25/cvm/tc3_request\n5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031";
    const CVM_SIGNATURE: &str = "72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168";
    const CVM_AUTHORIZATION: &str = "TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2019-02-25/cvm/tc3_request, SignedHeaders=content-type;host, Signature=72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168";

    /// Tencent's published example (docs/protocol.md, "Known-answer vector"), one step
    /// function at a time.
    #[test]
    fn published_vector_each_step_with_the_step_functions() {
        assert_eq!(CVM_PAYLOAD.len(), 86);
        let hashed = hashed_payload(CVM_PAYLOAD.as_bytes());
        assert_eq!(hashed, CVM_PAYLOAD_HASH);
        let canonical = canonical_request(
            "POST",
            "/",
            "",
            "application/json; charset=utf-8",
            "cvm.tencentcloudapi.com",
            &hashed,
        );
        assert_eq!(canonical, CVM_CANONICAL_REQUEST);
        assert_eq!(hashed_payload(canonical.as_bytes()), CVM_CANONICAL_HASH);
        let date = UtcDate::from_timestamp(CVM_TIMESTAMP).to_string();
        assert_eq!(date, "2019-02-25");
        let scope = credential_scope(&date, "cvm");
        assert_eq!(scope, "2019-02-25/cvm/tc3_request");
        let text = string_to_sign(CVM_TIMESTAMP, &scope, &canonical);
        assert_eq!(text, CVM_STRING_TO_SIGN);
        let key = signing_key(&SecretKey::new(SECRET_KEY), &date, "cvm");
        let signature = signature(&key, &text);
        assert_eq!(signature.expose_secret(), CVM_SIGNATURE);
        assert_eq!(
            authorization(SECRET_ID, &scope, &signature),
            CVM_AUTHORIZATION
        );
    }

    /// A config's kept key signs exactly as a key derived for the call, and follows the
    /// secret, the date and the service.
    #[test]
    fn kept_key_signs_like_a_fresh_one_and_follows_the_secret() {
        let keys = KeyCache::default();
        let request = || {
            Request::post("https://cvm.tencentcloudapi.com/")
                .header("content-type", "application/json; charset=utf-8")
                .body(CVM_PAYLOAD.as_bytes().to_vec())
                .expect("a request")
        };
        let calls = [
            (SECRET_KEY, CVM_TIMESTAMP, "cvm"),
            (SECRET_KEY, CVM_TIMESTAMP + 1, "cvm"),
            ("another-secret", CVM_TIMESTAMP + 2, "cvm"),
            (SECRET_KEY, CVM_TIMESTAMP + 3, "cvm"),
            (SECRET_KEY, CVM_TIMESTAMP + 86_400, "cvm"),
            (SECRET_KEY, CVM_TIMESTAMP + 86_400, "captcha"),
        ];
        for (secret, timestamp, service) in calls {
            let credential = Credential::new(SECRET_ID, secret).expect("a credential");
            let (mut fresh, mut kept) = (request(), request());
            sign_request(&mut fresh, &credential, service, timestamp).expect("signs");
            sign_request_cached(&mut kept, &credential, service, timestamp, &keys).expect("signs");
            assert_eq!(fresh.headers(), kept.headers(), "{timestamp} {service}");
            if timestamp == CVM_TIMESTAMP {
                assert_eq!(kept.headers()[AUTHORIZATION], CVM_AUTHORIZATION);
            }
        }
        assert_eq!(format!("{keys:?}"), "KeyCache(..)");
    }
}
