//! The API 2.0 ("v1") signature: HMAC-SHA1 or HMAC-SHA256 over
//! `METHOD + host + path + "?" + sorted key=value pairs`, base64-encoded.
//!
//! Reusable for any Tencent API 2.0 action (CVM, CLB, csec, …), and for servers through
//! [`verify`]. The steps (docs/protocol.md, "Algorithm"):
//! 1. take every parameter except `Signature`;
//! 2. read `_` as `.` in keys and sort by the bytes of the key;
//! 3. join `key=value` with `&`, values **raw** (not URL-encoded);
//! 4. prefix the upper-cased method, the bare host (no scheme, no port), the path and `?`;
//! 5. HMAC-SHA256 when `SignatureMethod=HmacSHA256` is among the parameters, else HMAC-SHA1;
//! 6. standard base64 with padding.
//!
//! ```
//! use captcha_proto::{SecretKey, v1::{self, SignatureMethod}};
//! let params = [("Action", "DescribeInstances"), ("Nonce", "11886"), ("Region", "gz"),
//!     ("SecretId", "AKIDz8krbsJ5yKBZQpn74WFkmLPx3gnPhESA"), ("Timestamp", "1465185768"),
//!     ("instanceIds.0", "ins-09dx96dg"), ("limit", "20"), ("offset", "0")];
//! let text = v1::string_to_sign("GET", "cvm.api.qcloud.com", "/v2/index.php", params);
//! let key = SecretKey::new("Gu5t9xGARNpq86cd98joQYCN3Cozk1qA");
//! let signature = v1::sign(&key, SignatureMethod::HmacSha1, &text);
//! assert_eq!(signature.expose_secret(), "NSI3UqqD99b/UJb4tbG/xZpRW64=");
//! ```

use std::fmt;
use std::str::FromStr;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;

mod signer;

pub use signer::{Signer, Signing};

use crate::params::compare_signing_keys;
use crate::secret::SecretKey;
use crate::wire;

/// The name of the signature parameter, never itself signed.
pub const SIGNATURE: &str = "Signature";
/// The name of the parameter that selects the HMAC.
pub const SIGNATURE_METHOD: &str = "SignatureMethod";

/// The HMAC of a v1 signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum SignatureMethod {
    /// HMAC-SHA1: what the server uses unless told otherwise. Sends no `SignatureMethod`.
    #[default]
    HmacSha1,
    /// HMAC-SHA256: sent (and signed) as `SignatureMethod=HmacSHA256`.
    HmacSha256,
}

impl SignatureMethod {
    /// The wire name: `HmacSHA1` or `HmacSHA256`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::HmacSha1 => "HmacSHA1",
            Self::HmacSha256 => "HmacSHA256",
        }
    }

    /// The method a server uses for a request whose `SignatureMethod` parameter is `value`:
    /// HMAC-SHA256 only for exactly `HmacSHA256`, HMAC-SHA1 in every other case.
    pub fn from_parameter(value: Option<&str>) -> Self {
        match value {
            Some("HmacSHA256") => Self::HmacSha256,
            _ => Self::HmacSha1,
        }
    }
}

impl fmt::Display for SignatureMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for SignatureMethod {
    type Err = UnknownSignatureMethod;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "HmacSHA1" => Ok(Self::HmacSha1),
            "HmacSHA256" => Ok(Self::HmacSha256),
            _ => Err(UnknownSignatureMethod),
        }
    }
}

/// A string that is neither `HmacSHA1` nor `HmacSHA256`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnknownSignatureMethod;

impl fmt::Display for UnknownSignatureMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("signature method must be HmacSHA1 or HmacSHA256")
    }
}

impl std::error::Error for UnknownSignatureMethod {}

/// A base64 signature, kept inline (no allocation). Redacted in `Debug`: with the
/// parameters it would let anyone replay the request inside the clock window.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Signature {
    bytes: [u8; 44],
    len: u8,
}

impl Signature {
    /// The base64 text as it goes on the wire (before percent-encoding).
    pub fn expose_secret(&self) -> &str {
        std::str::from_utf8(self.base64()).expect("base64 output is ASCII")
    }

    /// The base64 text as bytes.
    pub(crate) fn base64(&self) -> &[u8] {
        &self.bytes[..usize::from(self.len)]
    }
}

impl fmt::Debug for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Signature([redacted])")
    }
}

/// Builds the string to sign from any `(key, raw value)` pairs, in any order.
/// `Signature` is skipped; `method` is upper-cased (`post` signs like `POST`);
/// `host` must be bare (`csec.api.qcloud.com`, no scheme, no port).
pub fn string_to_sign<'a>(
    method: &str,
    host: &str,
    path: &str,
    params: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> String {
    let mut pairs: Vec<(&str, &str)> = params
        .into_iter()
        .filter(|(k, _)| *k != SIGNATURE)
        .collect();
    pairs.sort_by(|a, b| compare_signing_keys(a.0, b.0));
    string_to_sign_sorted(method, host, path, pairs.iter().copied())
}

/// Writes the string to sign for pairs already in signing order (no `Signature` among them).
pub(crate) fn string_to_sign_sorted<'a>(
    method: &str,
    host: &str,
    path: &str,
    sorted: impl Iterator<Item = (&'a str, &'a str)> + Clone,
) -> String {
    let len = sorted
        .clone()
        .map(|(k, v)| k.len() + v.len() + 2)
        .sum::<usize>()
        + method.len()
        + host.len()
        + path.len()
        + 1;
    let mut out = Vec::with_capacity(len);
    out.extend(method.bytes().map(|b| b.to_ascii_uppercase()));
    out.extend_from_slice(host.as_bytes());
    out.extend_from_slice(path.as_bytes());
    out.push(b'?');
    for (i, (key, value)) in sorted.enumerate() {
        if i > 0 {
            out.push(b'&');
        }
        wire::put_signing_key(&mut out, key);
        out.push(b'=');
        out.extend_from_slice(value.as_bytes());
    }
    String::from_utf8(out).expect("joined from str pieces at char boundaries")
}

/// Signs a string to sign with `key`.
pub fn sign(key: &SecretKey, method: SignatureMethod, string_to_sign: &str) -> Signature {
    Signer::new(key, method).sign(string_to_sign.as_bytes())
}

/// Why [`verify`] refused a request.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum VerifyError {
    /// No `Signature` parameter.
    MissingSignature,
    /// `Signature` is not standard base64 of the right length.
    MalformedSignature,
    /// A parameter name occurs twice, so the signed set is ambiguous.
    DuplicateParameter {
        /// The repeated name.
        name: String,
    },
    /// The signature does not match the parameters and key.
    Mismatch,
}

impl fmt::Display for VerifyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MissingSignature => f.write_str("the Signature parameter is missing"),
            Self::MalformedSignature => f.write_str("the Signature parameter is not valid base64"),
            Self::DuplicateParameter { name } => {
                write!(f, "parameter {name} occurs more than once")
            }
            Self::Mismatch => f.write_str("the signature does not match"),
        }
    }
}

impl std::error::Error for VerifyError {}

/// Checks the `Signature` among `params` (decoded keys and values, as a server parses them
/// from the query or form body) against `key`, in constant time. The HMAC is chosen as the
/// server does: SHA-256 only when `SignatureMethod=HmacSHA256`.
///
/// ```
/// use captcha_proto::{SecretKey, v1};
/// let key = SecretKey::new("secretKeyBar");
/// let params = [("Action", "DescribeInstances"), ("Nonce", "1"), ("Signature", "bm9wZQ==")];
/// assert_eq!(v1::verify(&key, "GET", "cvm.api.qcloud.com", "/v2/index.php", params),
///            Err(v1::VerifyError::Mismatch));
/// ```
pub fn verify<'a>(
    key: &SecretKey,
    method: &str,
    host: &str,
    path: &str,
    params: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Result<(), VerifyError> {
    let mut pairs: Vec<(&str, &str)> = params.into_iter().collect();
    pairs.sort_by(|a, b| compare_signing_keys(a.0, b.0));
    if let Some(w) = pairs
        .windows(2)
        .find(|w| compare_signing_keys(w[0].0, w[1].0).is_eq())
    {
        return Err(VerifyError::DuplicateParameter {
            name: w[1].0.to_owned(),
        });
    }
    let position = pairs
        .iter()
        .position(|(k, _)| *k == SIGNATURE)
        .ok_or(VerifyError::MissingSignature)?;
    let (_, claimed) = pairs.remove(position);
    let mut claimed_bytes = [0u8; 33];
    let claimed_len = BASE64
        .decode_slice(claimed, &mut claimed_bytes)
        .map_err(|_| VerifyError::MalformedSignature)?;
    let claimed = &claimed_bytes[..claimed_len];
    let method_param = pairs
        .iter()
        .find(|(k, _)| *k == SIGNATURE_METHOD)
        .map(|(_, v)| *v);
    let text = string_to_sign_sorted(method, host, path, pairs.iter().copied());
    let mut signing = Signer::new(key, SignatureMethod::from_parameter(method_param)).start();
    signing.update(text.as_bytes());
    if signing.matches(claimed) {
        Ok(())
    } else {
        Err(VerifyError::Mismatch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chuacw_sha256_vector() {
        // docs/protocol.md, "Known-answer vectors", extra vectors: HMAC-SHA256(key "chuacw", "chuacw rocks!").
        let sig = sign(
            &SecretKey::new("chuacw"),
            SignatureMethod::HmacSha256,
            "chuacw rocks!",
        );
        assert_eq!(
            sig.expose_secret(),
            "WNIlcsw2mci4IZ+B5CJS6vRNZ7WTRnQjM003R/bOd9A="
        );
    }

    #[test]
    fn signature_method_follows_the_parameter() {
        assert_eq!(
            SignatureMethod::from_parameter(Some("HmacSHA256")),
            SignatureMethod::HmacSha256
        );
        assert_eq!(
            SignatureMethod::from_parameter(Some("hmacsha256")),
            SignatureMethod::HmacSha1
        );
        assert_eq!(
            SignatureMethod::from_parameter(None),
            SignatureMethod::HmacSha1
        );
    }

    #[test]
    fn verify_rejects_duplicates_and_bad_base64() {
        let key = SecretKey::new("k");
        let dup = [("a", "1"), ("a", "2"), ("Signature", "AAAA")];
        assert!(matches!(
            verify(&key, "GET", "h", "/", dup),
            Err(VerifyError::DuplicateParameter { .. })
        ));
        let bad = [("a", "1"), ("Signature", "***")];
        assert_eq!(
            verify(&key, "GET", "h", "/", bad),
            Err(VerifyError::MalformedSignature)
        );
        assert_eq!(
            verify(&key, "GET", "h", "/", [("a", "1")]),
            Err(VerifyError::MissingSignature)
        );
    }

    #[test]
    fn underscore_keys_keep_their_non_ascii_text() {
        // Found by the roundtrip fuzzer: `_` → `.` once rewrote every other byte as a char.
        let text = string_to_sign("GET", "h", "/", [("ключ_1", "v"), ("b", "2")]);
        assert_eq!(text, "GETh/?b=2&ключ.1=v");
    }
}
