//! `aidEncrypted` (CaptchaAppid 鉴权): the value a back end makes for its `CaptchaAppId` so that
//! the captcha page accepts the app id only from the app's owner, once the console switch
//! "CaptchaAppid 强制校验" is on (Tencent: "验证码 CaptchaAppid 鉴权升级指引",
//! cloud.tencent.com/document/product/1110/128489).
//!
//! - Plaintext: `"{CaptchaAppId}&{timestamp}&{ttl}"` ([`AidPlaintext`]): UNIX seconds (not in
//!   the future) and a validity of 1 to 86 400 seconds.
//! - Key: the `AppSecretKey`'s bytes repeated until 32 bytes and cut there (AES-256).
//! - [`AidEncryption::Cbc`] (the page's default): AES-256-CBC, PKCS#7 padding, random 16-byte
//!   IV; the value is `Base64(IV ‖ ciphertext)`.
//! - [`AidEncryption::Gcm`] (`aidEncryptedType: "gcm"`): AES-256-GCM, random 12-byte nonce,
//!   16-byte tag, optional AAD (`aidEncryptedAad`, at most 96 bytes); the value is
//!   `Base64(IV ‖ ciphertext ‖ tag)`.
//!
//! [`aid_encrypted`] is pure (the IV is an argument); [`aid_encrypted_random_iv`] (feature
//! `clock`) draws the IV from the operating system. [`open_aid_encrypted`] is the inverse, for
//! emulators and tests.

use std::fmt;

use aes::Aes256;
use aes_gcm::Aes256Gcm;
use aes_gcm::aead::{Aead, KeyInit, Payload};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use cbc::cipher::block_padding::Pkcs7;
use cbc::cipher::{BlockModeDecrypt, BlockModeEncrypt, KeyIvInit};
use zeroize::Zeroizing;

use crate::error::EncodeError;
use crate::secret::AppSecretKey;

/// The AES-256 key length: the `AppSecretKey` is repeated or cut to this many bytes.
const KEY_LEN: usize = 32;
/// The AES block size (and the CBC IV length).
const BLOCK_LEN: usize = 16;
/// The GCM nonce length.
const GCM_IV_LEN: usize = 12;
/// The GCM tag length.
const GCM_TAG_LEN: usize = 16;
/// The longest plaintext [`aid_encrypted`] can make: two 20-digit `u64`s, a 5-digit TTL, two `&`.
const MAX_PLAINTEXT_LEN: usize = 20 + 1 + 20 + 1 + 5;
/// The shortest plaintext: `1&0&1`.
const MIN_PLAINTEXT_LEN: usize = 5;
/// The longest `aidEncrypted` text [`open_aid_encrypted`] decodes; longer text is refused
/// before any work (GCM's longest value is 100 characters, CBC's 88).
const MAX_ENCODED_LEN: usize = 128;

const FIELD_APP_ID: &str = "CaptchaAppId";
const FIELD_KEY: &str = "AppSecretKey";
const FIELD_TIMESTAMP: &str = "timestamp";
const FIELD_TTL: &str = "ttl";
const FIELD_IV: &str = "iv";
const FIELD_AAD: &str = "aidEncryptedAad";

/// How `aidEncrypted` is encrypted: what the page's `aidEncryptedType` says.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum AidEncryption {
    /// AES-256-CBC with PKCS#7 padding and a 16-byte IV: the page's default
    /// (`aidEncryptedType` absent or `"cbc"`). Not authenticated: see [`open_aid_encrypted`].
    #[default]
    Cbc,
    /// AES-256-GCM with a 12-byte nonce and a 16-byte tag (`aidEncryptedType: "gcm"`).
    Gcm {
        /// Additional authenticated data, at most [`AidEncryption::MAX_AAD_LEN`] bytes; the
        /// page gets it base64-encoded as `aidEncryptedAad` ([`AidEncryption::aad_param`]).
        /// `None` and an empty AAD are the same to GCM.
        aad: Option<Vec<u8>>,
    },
}

impl AidEncryption {
    /// The longest AAD Tencent takes: 96 bytes, i.e. 128 base64 characters in `aidEncryptedAad`.
    pub const MAX_AAD_LEN: usize = 96;

    /// GCM without AAD.
    pub fn gcm() -> Self {
        Self::Gcm { aad: None }
    }

    /// GCM with `aad` as additional authenticated data.
    pub fn gcm_with_aad(aad: impl Into<Vec<u8>>) -> Self {
        Self::Gcm {
            aad: Some(aad.into()),
        }
    }

    /// The length of the IV this mode takes: 16 for CBC, 12 (the nonce) for GCM.
    pub fn iv_len(&self) -> usize {
        match self {
            Self::Cbc => BLOCK_LEN,
            Self::Gcm { .. } => GCM_IV_LEN,
        }
    }

    /// The value of the page's `aidEncryptedType` parameter: `"cbc"` or `"gcm"`.
    pub fn type_param(&self) -> &'static str {
        match self {
            Self::Cbc => "cbc",
            Self::Gcm { .. } => "gcm",
        }
    }

    /// The value of the page's `aidEncryptedAad` parameter (standard base64 of the AAD), or
    /// `None` when there is no AAD to pass.
    pub fn aad_param(&self) -> Option<String> {
        self.aad().map(|aad| BASE64.encode(aad))
    }

    /// The AAD, if non-empty.
    fn aad(&self) -> Option<&[u8]> {
        match self {
            Self::Gcm { aad: Some(aad) } if !aad.is_empty() => Some(aad),
            Self::Cbc | Self::Gcm { .. } => None,
        }
    }

    /// Refuses an AAD longer than Tencent takes.
    fn check(&self) -> Result<(), EncodeError> {
        match self.aad() {
            Some(aad) if aad.len() > Self::MAX_AAD_LEN => Err(EncodeError::InvalidValue {
                field: FIELD_AAD,
                reason: "must be at most 96 bytes (128 base64 characters)",
            }),
            _ => Ok(()),
        }
    }
}

/// What `aidEncrypted` says: `"{captcha_app_id}&{timestamp}&{ttl}"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AidPlaintext {
    /// The `CaptchaAppId` (positive).
    pub captcha_app_id: u64,
    /// When the value was made, in UNIX seconds; Tencent refuses a time in the future.
    pub timestamp: u64,
    /// How long the value is valid, in seconds: 1 to [`AidPlaintext::MAX_TTL`].
    pub ttl: u64,
}

impl AidPlaintext {
    /// The longest validity Tencent accepts: 86 400 seconds (one day).
    pub const MAX_TTL: u64 = 86_400;

    /// A plaintext for `captcha_app_id`, valid for `ttl` seconds from the system clock's now.
    #[cfg(feature = "clock")]
    pub fn now(captcha_app_id: u64, ttl: u64) -> Self {
        let timestamp = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        Self {
            captcha_app_id,
            timestamp,
            ttl,
        }
    }

    /// The first second at which the value is no longer valid: `timestamp + ttl` (saturating).
    pub fn expires_at(&self) -> u64 {
        self.timestamp.saturating_add(self.ttl)
    }

    /// True when `now` (UNIX seconds) is within `timestamp..timestamp + ttl`: not before the
    /// value was made, and before it expires. Pure: the caller reads the clock.
    pub fn is_valid_at(&self, now: u64) -> bool {
        self.timestamp <= now && now < self.expires_at()
    }

    /// The first field out of range, as `(field, reason)`.
    fn check(&self) -> Result<(), (&'static str, &'static str)> {
        if self.captcha_app_id == 0 {
            return Err((FIELD_APP_ID, "must be a positive integer"));
        }
        if self.ttl == 0 {
            return Err((FIELD_TTL, "must be at least 1 second"));
        }
        if self.ttl > Self::MAX_TTL {
            return Err((FIELD_TTL, "must be at most 86400 seconds"));
        }
        Ok(())
    }

    /// `"{captcha_app_id}&{timestamp}&{ttl}"`.
    fn render(&self) -> String {
        format!("{}&{}&{}", self.captcha_app_id, self.timestamp, self.ttl)
    }
}

/// The AES-256 key: the `AppSecretKey`'s UTF-8 bytes repeated until 32 bytes, cut at 32.
fn derive_key(app_secret_key: &AppSecretKey) -> Result<Zeroizing<[u8; KEY_LEN]>, EncodeError> {
    let secret = app_secret_key.expose_secret().as_bytes();
    if secret.is_empty() {
        return Err(EncodeError::EmptyField { field: FIELD_KEY });
    }
    let mut key = Zeroizing::new([0u8; KEY_LEN]);
    for (byte, source) in key.iter_mut().zip(secret.iter().cycle()) {
        *byte = *source;
    }
    Ok(key)
}

/// The `aidEncrypted` value for `plaintext`, encrypted with `app_secret_key` in `mode` under
/// the given IV (16 bytes for CBC, 12 for GCM: [`AidEncryption::iv_len`]).
///
/// Pure and deterministic: the IV must be fresh and random for every value (CBC needs it
/// unpredictable, GCM never repeated under one key); [`aid_encrypted_random_iv`] draws one.
///
/// # Errors
/// An [`EncodeError`] naming the field (never showing a value): `CaptchaAppId` 0; `ttl` 0 or
/// above [`AidPlaintext::MAX_TTL`]; an empty `AppSecretKey`; an `iv` of the wrong length; an
/// `aidEncryptedAad` longer than [`AidEncryption::MAX_AAD_LEN`].
///
/// ```
/// use captcha_proto::AppSecretKey;
/// use captcha_proto::api3::{AidEncryption, AidPlaintext, aid_encrypted, open_aid_encrypted};
///
/// let key = AppSecretKey::new("k8Secret"); // repeated to 32 bytes: "k8Secretk8Secret…"
/// let plaintext = AidPlaintext { captcha_app_id: 199999164, timestamp: 1_700_000_000, ttl: 3600 };
/// // A fixed IV for the example only: use a fresh random one (`aid_encrypted_random_iv`).
/// let iv = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15];
/// let value = aid_encrypted(plaintext, &key, &AidEncryption::Cbc, &iv)?;
/// assert_eq!(value, "AAECAwQFBgcICQoLDA0ODyzVWe/GBN/FK/ssoVvDihs3i/D5EA9pL32JXiXBFbaO");
/// assert_eq!(open_aid_encrypted(&value, &key, &AidEncryption::Cbc)?, plaintext);
///
/// // GCM: the page also gets `aidEncryptedType: "gcm"` (and `aidEncryptedAad` if any).
/// let gcm = AidEncryption::gcm_with_aad(b"session=42".to_vec());
/// let value = aid_encrypted(plaintext, &key, &gcm, &iv[..12])?;
/// assert_eq!(gcm.type_param(), "gcm");
/// assert_eq!(gcm.aad_param().as_deref(), Some("c2Vzc2lvbj00Mg=="));
/// assert_eq!(open_aid_encrypted(&value, &key, &gcm)?, plaintext);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn aid_encrypted(
    plaintext: AidPlaintext,
    app_secret_key: &AppSecretKey,
    mode: &AidEncryption,
    iv: &[u8],
) -> Result<String, EncodeError> {
    plaintext
        .check()
        .map_err(|(field, reason)| EncodeError::InvalidValue { field, reason })?;
    mode.check()?;
    let key = derive_key(app_secret_key)?;
    let message = plaintext.render();
    let raw = match mode {
        AidEncryption::Cbc => {
            let iv: &[u8; BLOCK_LEN] = iv.try_into().map_err(|_| EncodeError::InvalidValue {
                field: FIELD_IV,
                reason: "must be 16 bytes for CBC",
            })?;
            let ciphertext = cbc::Encryptor::<Aes256>::new((&*key).into(), iv.into())
                .encrypt_padded_vec::<Pkcs7>(message.as_bytes());
            [iv.as_slice(), &ciphertext].concat()
        }
        AidEncryption::Gcm { .. } => {
            let nonce: &[u8; GCM_IV_LEN] =
                iv.try_into().map_err(|_| EncodeError::InvalidValue {
                    field: FIELD_IV,
                    reason: "must be 12 bytes for GCM",
                })?;
            let payload = Payload {
                msg: message.as_bytes(),
                aad: mode.aad().unwrap_or_default(),
            };
            // `encrypt` fails only past GCM's length limits (2^36 bytes), far above ours.
            let sealed = Aes256Gcm::new((&*key).into())
                .encrypt(nonce.into(), payload)
                .map_err(|_| EncodeError::InvalidValue {
                    field: FIELD_AAD,
                    reason: "AES-GCM refused the input length",
                })?;
            [nonce.as_slice(), &sealed].concat()
        }
    };
    Ok(BASE64.encode(raw))
}

/// [`aid_encrypted`] with a fresh IV from the operating system's random source
/// (`getrandom`), the way a back end makes the value for each page it serves.
///
/// # Errors
/// The errors of [`aid_encrypted`] except a wrong IV length, and
/// [`EncodeError::InvalidValue`] for `iv` if the operating system's random source fails.
///
/// ```
/// use captcha_proto::AppSecretKey;
/// use captcha_proto::api3::{AidEncryption, AidPlaintext, aid_encrypted_random_iv, open_aid_encrypted};
///
/// let key = AppSecretKey::new("E4kwK9AcXQMHkktiItyMEyQPn");
/// let plaintext = AidPlaintext::now(199999164, 3600);
/// let value = aid_encrypted_random_iv(plaintext, &key, &AidEncryption::Cbc)?;
/// // … the page gets `aidEncrypted: value` along with the CaptchaAppId …
/// assert_eq!(open_aid_encrypted(&value, &key, &AidEncryption::Cbc)?, plaintext);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[cfg(feature = "clock")]
pub fn aid_encrypted_random_iv(
    plaintext: AidPlaintext,
    app_secret_key: &AppSecretKey,
    mode: &AidEncryption,
) -> Result<String, EncodeError> {
    let mut iv = [0u8; BLOCK_LEN];
    let iv = &mut iv[..mode.iv_len()];
    getrandom::fill(iv).map_err(|_| EncodeError::InvalidValue {
        field: FIELD_IV,
        reason: "the operating system's random source failed",
    })?;
    aid_encrypted(plaintext, app_secret_key, mode, iv)
}

/// Why an `aidEncrypted` value does not open. Shows no key and no value.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum AidOpenError {
    /// The key or the mode would be refused by [`aid_encrypted`] too (an empty
    /// `AppSecretKey`, an AAD that is too long).
    InvalidInput(EncodeError),
    /// The value is not standard padded base64.
    NotBase64,
    /// The decoded value cannot hold an IV and a ciphertext of this mode (CBC: 16 bytes and
    /// whole blocks; GCM: 12 bytes, a ciphertext and a 16-byte tag), or is longer than any
    /// value [`aid_encrypted`] makes.
    InvalidLength,
    /// The value does not decrypt under this key and mode: a wrong key, mode or AAD, or an
    /// altered value (GCM tag mismatch, CBC padding error).
    Decrypt,
    /// The value decrypted but is not `CaptchaAppId&timestamp&ttl` with each part in range.
    InvalidPlaintext {
        /// The part at fault: `CaptchaAppId`, `timestamp`, `ttl` or `aidEncrypted` (the whole).
        field: &'static str,
        /// What is wrong with it.
        reason: &'static str,
    },
}

impl fmt::Display for AidOpenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidInput(e) => write!(f, "aidEncrypted cannot be opened: {e}"),
            Self::NotBase64 => f.write_str("aidEncrypted is not standard base64"),
            Self::InvalidLength => {
                f.write_str("aidEncrypted has a length no value of this mode can have")
            }
            Self::Decrypt => f.write_str(
                "aidEncrypted does not decrypt under this AppSecretKey and mode (or was altered)",
            ),
            Self::InvalidPlaintext { field, reason } => {
                write!(f, "aidEncrypted decrypted, but its {field} {reason}")
            }
        }
    }
}

impl std::error::Error for AidOpenError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::InvalidInput(e) => Some(e),
            _ => None,
        }
    }
}

/// Decrypts and checks an `aidEncrypted` value made with `app_secret_key` in `mode` (for GCM,
/// with the same AAD): what the captcha service does with it. Never panics, whatever the input.
///
/// It checks the form and ranges of the plaintext, not the time: compare with the clock via
/// [`AidPlaintext::is_valid_at`], and the app id with the page's.
///
/// CBC is not authenticated: an altered ciphertext almost always fails (padding or plaintext
/// form), but an altered IV changes the first plaintext block predictably and can yield another
/// well-formed plaintext. An endpoint that opens values from untrusted parties should also
/// answer them the same way for every error, or the difference between [`AidOpenError::Decrypt`]
/// and [`AidOpenError::InvalidPlaintext`] is a padding oracle.
///
/// # Errors
/// [`AidOpenError`] saying which step failed.
pub fn open_aid_encrypted(
    aid_encrypted: &str,
    app_secret_key: &AppSecretKey,
    mode: &AidEncryption,
) -> Result<AidPlaintext, AidOpenError> {
    mode.check().map_err(AidOpenError::InvalidInput)?;
    let key = derive_key(app_secret_key).map_err(AidOpenError::InvalidInput)?;
    if aid_encrypted.len() > MAX_ENCODED_LEN {
        return Err(AidOpenError::InvalidLength);
    }
    let raw = BASE64
        .decode(aid_encrypted)
        .map_err(|_| AidOpenError::NotBase64)?;
    let message = match mode {
        AidEncryption::Cbc => {
            let (iv, ciphertext) = raw
                .split_first_chunk::<BLOCK_LEN>()
                .ok_or(AidOpenError::InvalidLength)?;
            if ciphertext.is_empty()
                || ciphertext.len() % BLOCK_LEN != 0
                || ciphertext.len() > MAX_PLAINTEXT_LEN.next_multiple_of(BLOCK_LEN)
            {
                return Err(AidOpenError::InvalidLength);
            }
            cbc::Decryptor::<Aes256>::new((&*key).into(), iv.into())
                .decrypt_padded_vec::<Pkcs7>(ciphertext)
                .map_err(|_| AidOpenError::Decrypt)?
        }
        AidEncryption::Gcm { .. } => {
            let (nonce, sealed) = raw
                .split_first_chunk::<GCM_IV_LEN>()
                .ok_or(AidOpenError::InvalidLength)?;
            if sealed.len() < MIN_PLAINTEXT_LEN + GCM_TAG_LEN
                || sealed.len() > MAX_PLAINTEXT_LEN + GCM_TAG_LEN
            {
                return Err(AidOpenError::InvalidLength);
            }
            let payload = Payload {
                msg: sealed,
                aad: mode.aad().unwrap_or_default(),
            };
            Aes256Gcm::new((&*key).into())
                .decrypt(nonce.into(), payload)
                .map_err(|_| AidOpenError::Decrypt)?
        }
    };
    parse_plaintext(&message)
}

/// Parses `CaptchaAppId&timestamp&ttl` strictly: canonical decimal numbers only.
fn parse_plaintext(message: &[u8]) -> Result<AidPlaintext, AidOpenError> {
    let mut parts = message.split(|&b| b == b'&');
    let captcha_app_id = parse_number(parts.next(), FIELD_APP_ID)?;
    let timestamp = parse_number(parts.next(), FIELD_TIMESTAMP)?;
    let ttl = parse_number(parts.next(), FIELD_TTL)?;
    if parts.next().is_some() {
        return Err(AidOpenError::InvalidPlaintext {
            field: "aidEncrypted",
            reason: "has more than three `&`-separated parts",
        });
    }
    let plaintext = AidPlaintext {
        captcha_app_id,
        timestamp,
        ttl,
    };
    plaintext
        .check()
        .map_err(|(field, reason)| AidOpenError::InvalidPlaintext { field, reason })?;
    Ok(plaintext)
}

/// One canonical decimal `u64`: digits only, no sign, no leading zero, no overflow.
fn parse_number(part: Option<&[u8]>, field: &'static str) -> Result<u64, AidOpenError> {
    let invalid = |reason| AidOpenError::InvalidPlaintext { field, reason };
    let digits = part.ok_or(invalid("is missing"))?;
    match digits {
        [] => return Err(invalid("is empty")),
        [b'0', _, ..] => return Err(invalid("has a leading zero")),
        _ => {}
    }
    digits.iter().try_fold(0u64, |value, &digit| {
        if !digit.is_ascii_digit() {
            return Err(invalid("is not a decimal number"));
        }
        value
            .checked_mul(10)
            .and_then(|value| value.checked_add(u64::from(digit - b'0')))
            .ok_or(invalid("does not fit in 64 bits"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_repeats_then_cuts() {
        let key = derive_key(&AppSecretKey::new("abc")).unwrap();
        assert_eq!(&key[..], b"abcabcabcabcabcabcabcabcabcabcab");
        let long = "0123456789".repeat(4);
        let key = derive_key(&AppSecretKey::new(long.as_str())).unwrap();
        assert_eq!(&key[..], &long.as_bytes()[..32]);
        assert_eq!(
            derive_key(&AppSecretKey::new("")).unwrap_err(),
            EncodeError::EmptyField { field: FIELD_KEY }
        );
    }

    #[test]
    fn numbers_parse_strictly() {
        assert_eq!(parse_number(Some(b"0"), "x"), Ok(0));
        assert_eq!(
            parse_number(Some(b"18446744073709551615"), "x"),
            Ok(u64::MAX)
        );
        for bad in [
            &b""[..],
            b"01",
            b"+1",
            b"-1",
            b" 1",
            b"1 ",
            b"18446744073709551616",
            b"1e3",
        ] {
            assert!(parse_number(Some(bad), "x").is_err(), "{bad:?}");
        }
        assert!(parse_number(None, "x").is_err());
    }

    #[test]
    fn longest_plaintext_fits_the_bounds() {
        let longest = AidPlaintext {
            captcha_app_id: u64::MAX,
            timestamp: u64::MAX,
            ttl: AidPlaintext::MAX_TTL,
        };
        assert_eq!(longest.render().len(), MAX_PLAINTEXT_LEN);
        let key = AppSecretKey::new("k");
        for (mode, iv) in [
            (AidEncryption::Cbc, &[7u8; 16][..]),
            (AidEncryption::gcm(), &[7u8; 12][..]),
        ] {
            let value = aid_encrypted(longest, &key, &mode, iv).unwrap();
            assert!(value.len() <= MAX_ENCODED_LEN);
            assert_eq!(open_aid_encrypted(&value, &key, &mode), Ok(longest));
        }
    }
}
