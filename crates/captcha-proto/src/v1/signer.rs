//! [`Signer`]: an HMAC keyed once, for signing many strings with one key.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use hmac::digest::KeyInit;
use hmac::{Hmac, Mac};

use super::{Signature, SignatureMethod};
use crate::secret::SecretKey;

/// A `SecretKey` prepared for one [`SignatureMethod`].
///
/// Keying an HMAC hashes the key's inner and outer pads, two of the six or so hash blocks
/// a request costs. A `Signer` does that once; each [`sign`](Self::sign) starts from a copy
/// of the keyed state. [`Api2Config`](crate::Api2Config) keeps one, so encoding never re-keys.
///
/// The keyed state is as sensitive as the key: `Debug` shows only the method.
///
/// ```
/// use captcha_proto::{SecretKey, v1::{self, Signer, SignatureMethod}};
/// let key = SecretKey::new("Gu5t9xGARNpq86cd98joQYCN3Cozk1qA");
/// let signer = Signer::new(&key, SignatureMethod::HmacSha1);
/// let text = "GETcvm.api.qcloud.com/v2/index.php?Action=DescribeInstances&Nonce=11886\
///     &Region=gz&SecretId=AKIDz8krbsJ5yKBZQpn74WFkmLPx3gnPhESA&Timestamp=1465185768\
///     &instanceIds.0=ins-09dx96dg&limit=20&offset=0";
/// assert_eq!(signer.sign(text.as_bytes()).expose_secret(), "NSI3UqqD99b/UJb4tbG/xZpRW64=");
/// assert_eq!(signer.sign(text.as_bytes()), v1::sign(&key, SignatureMethod::HmacSha1, text));
/// ```
#[derive(Clone)]
pub struct Signer {
    mac: KeyedMac,
}

/// The keyed HMAC of each method.
#[derive(Clone)]
enum KeyedMac {
    Sha1(Hmac<sha1::Sha1>),
    Sha256(Hmac<sha2::Sha256>),
}

impl Signer {
    /// Keys an HMAC of `method` with `key`.
    pub fn new(key: &SecretKey, method: SignatureMethod) -> Self {
        let key = key.expose_secret().as_bytes();
        let mac = match method {
            SignatureMethod::HmacSha1 => KeyedMac::Sha1(keyed(key)),
            SignatureMethod::HmacSha256 => KeyedMac::Sha256(keyed(key)),
        };
        Self { mac }
    }

    /// The HMAC this signer computes.
    pub(crate) fn method(&self) -> SignatureMethod {
        match self.mac {
            KeyedMac::Sha1(_) => SignatureMethod::HmacSha1,
            KeyedMac::Sha256(_) => SignatureMethod::HmacSha256,
        }
    }

    /// The base64 signature of `string_to_sign`.
    pub fn sign(&self, string_to_sign: &[u8]) -> Signature {
        let mut signing = self.start();
        signing.update(string_to_sign);
        signing.finish()
    }

    /// Starts a signature whose string to sign arrives in pieces (see [`Signing`]).
    pub fn start(&self) -> Signing {
        Signing {
            mac: self.mac.clone(),
        }
    }
}

/// A signature in progress: the string to sign is fed in pieces, so it never has to be
/// assembled in memory. Feeding `a` then `b` signs exactly what feeding `ab` does.
///
/// ```
/// use captcha_proto::{SecretKey, v1::{Signer, SignatureMethod}};
/// let signer = Signer::new(&SecretKey::new("secret"), SignatureMethod::HmacSha256);
/// let mut signing = signer.start();
/// signing.update(b"GEThost/path?");
/// signing.update(b"Action=X&Nonce=1");
/// assert_eq!(signing.finish(), signer.sign(b"GEThost/path?Action=X&Nonce=1"));
/// ```
pub struct Signing {
    mac: KeyedMac,
}

impl Signing {
    /// Feeds the next piece of the string to sign.
    pub fn update(&mut self, piece: &[u8]) {
        match &mut self.mac {
            KeyedMac::Sha1(mac) => mac.update(piece),
            KeyedMac::Sha256(mac) => mac.update(piece),
        }
    }

    /// The base64 signature of everything fed.
    pub fn finish(self) -> Signature {
        let mut digest = [0u8; 32];
        let len = match self.mac {
            KeyedMac::Sha1(mac) => copy_tag(mac, &mut digest),
            KeyedMac::Sha256(mac) => copy_tag(mac, &mut digest),
        };
        let mut signature = Signature {
            bytes: [0; 44],
            len: 0,
        };
        let written = BASE64
            .encode_slice(&digest[..len], &mut signature.bytes)
            .expect("44 bytes hold the base64 of 32 bytes");
        signature.len = u8::try_from(written).expect("at most 44");
        signature
    }
}

impl Signing {
    /// Whether the tag of everything fed is `claimed` (raw bytes, not base64), compared in
    /// constant time: what a server checks.
    pub(crate) fn matches(self, claimed: &[u8]) -> bool {
        match self.mac {
            KeyedMac::Sha1(mac) => mac.verify_slice(claimed).is_ok(),
            KeyedMac::Sha256(mac) => mac.verify_slice(claimed).is_ok(),
        }
    }
}

impl fmt::Debug for Signing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Signing([redacted])")
    }
}

impl fmt::Debug for Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signer")
            .field("method", &self.method())
            .field("key", &"[redacted]")
            .finish()
    }
}

/// An HMAC keyed with `key` (HMAC takes keys of any length).
fn keyed<M: KeyInit>(key: &[u8]) -> M {
    M::new_from_slice(key).expect("HMAC accepts keys of any length")
}

/// Writes the tag of `mac` into `out`; returns its length.
fn copy_tag<M: Mac>(mac: M, out: &mut [u8; 32]) -> usize {
    let tag = mac.finalize().into_bytes();
    out[..tag.len()].copy_from_slice(&tag);
    tag.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_signer_signs_many_messages_like_fresh_keys() {
        let key = SecretKey::new("Gu5t9xGARNpq86cd98joQYCN3Cozk1qA");
        for method in [SignatureMethod::HmacSha1, SignatureMethod::HmacSha256] {
            let signer = Signer::new(&key, method);
            assert_eq!(signer.method(), method);
            for message in ["", "a", "GETcsec.api.qcloud.com/v2/index.php?Action=x"] {
                let fresh = match method {
                    SignatureMethod::HmacSha1 => {
                        let mut mac: Hmac<sha1::Sha1> = keyed(key.expose_secret().as_bytes());
                        mac.update(message.as_bytes());
                        BASE64.encode(mac.finalize().into_bytes())
                    }
                    SignatureMethod::HmacSha256 => {
                        let mut mac: Hmac<sha2::Sha256> = keyed(key.expose_secret().as_bytes());
                        mac.update(message.as_bytes());
                        BASE64.encode(mac.finalize().into_bytes())
                    }
                };
                // Twice: signing must not disturb the keyed state.
                for _ in 0..2 {
                    let signature = signer.sign(message.as_bytes());
                    assert_eq!(signature.expose_secret(), fresh, "{method} {message:?}");
                }
            }
        }
    }

    #[test]
    fn debug_hides_the_key() {
        let signer = Signer::new(
            &SecretKey::new("Gu5t9xGARNpq86cd98joQYCN3Cozk1qA"),
            SignatureMethod::HmacSha256,
        );
        let shown = format!("{signer:?}");
        assert_eq!(shown, r#"Signer { method: HmacSha256, key: "[redacted]" }"#);
    }
}
