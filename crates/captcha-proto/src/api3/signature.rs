//! [`Api3Signature`]: which signature an API 3.0 request carries.

use std::fmt;

use crate::v1::SignatureMethod;

/// The signature of API 3.0 requests, set with
/// [`Api3Config::with_signature`](super::Api3Config::with_signature).
///
/// - [`Tc3`](Self::Tc3) (the default): `TC3-HMAC-SHA256` in `Authorization`, with the
///   `X-TC-*` headers; POST sends the JSON payload, GET its flattened form in the query.
/// - [`HmacSha1`](Self::HmacSha1), [`HmacSha256`](Self::HmacSha256): the older signature
///   ([`v1`](crate::v1)) over the flattened payload and the common parameters (`Action`,
///   `Version`, `Timestamp`, `Nonce`, `SecretId`, `SignatureMethod`, …), sent in a form
///   body (POST) or the query (GET).
///
/// ```
/// use captcha_proto::api3::Api3Signature;
/// assert_eq!(Api3Signature::default(), Api3Signature::Tc3);
/// assert_eq!(Api3Signature::HmacSha256.as_str(), "HmacSHA256");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Api3Signature {
    /// `TC3-HMAC-SHA256`.
    #[default]
    Tc3,
    /// Signature v1 with HMAC-SHA1 (`SignatureMethod=HmacSHA1`).
    HmacSha1,
    /// Signature v1 with HMAC-SHA256 (`SignatureMethod=HmacSHA256`).
    HmacSha256,
}

impl Api3Signature {
    /// `TC3-HMAC-SHA256`, `HmacSHA1` or `HmacSHA256`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Tc3 => "TC3-HMAC-SHA256",
            Self::HmacSha1 => "HmacSHA1",
            Self::HmacSha256 => "HmacSHA256",
        }
    }

    /// The v1 HMAC, or `None` for TC3.
    pub(crate) fn v1_method(self) -> Option<SignatureMethod> {
        match self {
            Self::Tc3 => None,
            Self::HmacSha1 => Some(SignatureMethod::HmacSha1),
            Self::HmacSha256 => Some(SignatureMethod::HmacSha256),
        }
    }
}

impl fmt::Display for Api3Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
