//! Inputs and "floors" shared by the criterion benches and `examples/perf.rs`, so both
//! measure the same call on the same bytes.
//!
//! A floor is the least work the measured operation cannot avoid, done with the crypto
//! crates directly: for a v1 signature that is one HMAC over the string to sign plus its
//! base64; for TC3 the two SHA-256 hashes and four HMACs of the scheme plus hex. A ratio to
//! the floor of 1.0 would mean the SDK adds nothing on top of the cryptography.

// Each bench target uses only part of this module.
#![allow(dead_code)]

use std::hint::black_box;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use captcha_proto::UserInfo;
use captcha_proto::api3::{self, Api3Config, DescribeCaptchaResult};
use captcha_proto::tc3;
use captcha_proto::{
    Api2Config, CaptchaCheck, CaptchaGetUrl, CaptchaType, Credential, Endpoint, HttpMethod,
    IsHttps, Stamp,
};
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

/// The documentation's example key pair (not a real key).
pub const SECRET_ID: &str = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3gnPhESA";
/// The documentation's example secret (not a real key).
pub const SECRET_KEY: &str = "Gu5t9xGARNpq86cd98joQYCN3Cozk1qA";
/// A ticket shaped like the ones the captcha front end hands out (`t03` + base64url).
pub const TICKET: &str =
    "t03xSqTp1wK8mFz0QvRj3NbH5cYg7LdE2uWaO9iPkBnMsZt4VhXyGq6rJe0TlUoC1fDk8wAbS";
/// A ticket that ends in Tencent's `*` padding (as the emulator mints them): the `*` is
/// signed as it is and sent as `%2A`, so the encoder takes its escaping path.
pub const PADDED_TICKET: &str = "t03Zi04_iXbWtqL5OGStb4M-Vf8_SnF_1W3W0V4LNRxWw**";
/// The user's IP address.
pub const USER_IP: &str = "203.0.113.7";
/// A fixed Timestamp and Nonce, so every run signs the same bytes.
pub const TIMESTAMP: u64 = 1_700_000_000;
/// See [`TIMESTAMP`].
pub const NONCE: u64 = 1_234_567_890;
/// A nonce as long as most of `Stamp::now()`'s (19 digits: 63 random bits), for floors of
/// benches that stamp with the clock.
pub const CLOCK_LIKE_NONCE: u64 = 6_148_914_691_236_517_205;

/// `CaptchaCheck` passed (what Tencent and the emulator answer).
pub const CHECK_PASS_BODY: &[u8] = br#"{"code":0,"message":"No Error","codeDesc":"Success"}"#;
/// `CaptchaCheck` refused the ticket (a verdict, not an error).
pub const CHECK_FAIL_BODY: &[u8] =
    br#"{"code":5100,"message":"verify ticket failed","codeDesc":"VerifyFailed"}"#;
/// `CaptchaGetUrl` success.
pub const GET_URL_BODY: &[u8] = br#"{"code":0,"message":"No Error","codeDesc":"Success","url":"https://csec.api.qcloud.com/captcha/image?sess=Rk9PQkFSMDEyMzQ1Njc4OWFiY2RlZg&t=1700000000"}"#;

/// The v1 credential.
pub fn credential() -> Credential {
    Credential::new(SECRET_ID, SECRET_KEY).expect("valid example credential")
}

/// Tencent's endpoint, region `gz`, HMAC-SHA1, the given HTTP method.
pub fn config(method: HttpMethod) -> Api2Config {
    Api2Config::new(credential()).with_http_method(method)
}

/// The same with HMAC-SHA256.
pub fn config_sha256() -> Api2Config {
    config(HttpMethod::Get).with_signature_method(captcha_proto::SignatureMethod::HmacSha256)
}

/// The call the benchmarks measure: check one slider ticket for one user.
pub fn check() -> CaptchaCheck {
    CaptchaCheck::new(
        TICKET,
        USER_IP.parse().expect("valid IP"),
        CaptchaType::Slider,
    )
}

/// The same check with [`PADDED_TICKET`].
pub fn check_padded_ticket() -> CaptchaCheck {
    CaptchaCheck::new(
        PADDED_TICKET,
        USER_IP.parse().expect("valid IP"),
        CaptchaType::Slider,
    )
}

/// `CaptchaGetUrl` with the inputs the image flow usually sends.
pub fn get_url() -> CaptchaGetUrl {
    CaptchaGetUrl::new()
        .captcha_type(CaptchaType::Standard)
        .is_https(IsHttps::Https)
        .with_user_info(UserInfo {
            user_ip: Some(USER_IP.parse().expect("valid IP")),
            business_id: Some(1),
            ..UserInfo::default()
        })
}

/// The fixed stamp.
pub fn stamp() -> Stamp {
    Stamp::new(TIMESTAMP, NONCE).expect("non-zero nonce")
}

/// A fixed stamp whose nonce is as long as a clock-drawn one's.
pub fn clock_like_stamp() -> Stamp {
    Stamp::new(TIMESTAMP, CLOCK_LIKE_NONCE).expect("non-zero nonce")
}

/// API 3.0 config on the China endpoint.
pub fn v3_config() -> Api3Config {
    Api3Config::new(credential())
}

/// `DescribeCaptchaResult` for the same ticket.
pub fn describe() -> DescribeCaptchaResult {
    DescribeCaptchaResult::new(
        TICKET,
        "@Vki",
        USER_IP.parse().expect("valid IP"),
        199_999_164,
        "app-secret-key-0123456789",
    )
}

/// An endpoint on loopback, for requests that are built but never sent.
pub fn local_endpoint() -> Endpoint {
    "http://127.0.0.1:8080/v2/index.php"
        .parse()
        .expect("valid endpoint")
}

/// Base64 of an HMAC tag, on the stack (what the SDK's `Signature` holds).
pub struct Tag {
    bytes: [u8; 44],
    len: usize,
}

impl Tag {
    fn of(digest: &[u8]) -> Self {
        let mut bytes = [0u8; 44];
        let len = BASE64
            .encode_slice(digest, &mut bytes)
            .expect("44 bytes hold the base64 of 32");
        Self { bytes, len }
    }

    /// The base64 text.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len]
    }
}

/// Floor of a v1 HMAC-SHA1 signature: keyed HMAC over `message`, then base64.
pub fn floor_sha1(key: &[u8], message: &[u8]) -> Tag {
    let mut mac = <Hmac<sha1::Sha1> as Mac>::new_from_slice(key).expect("any key length");
    mac.update(message);
    Tag::of(&mac.finalize().into_bytes())
}

/// Floor of a v1 HMAC-SHA256 signature.
pub fn floor_sha256(key: &[u8], message: &[u8]) -> Tag {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).expect("any key length");
    mac.update(message);
    Tag::of(&mac.finalize().into_bytes())
}

/// The bytes a TC3 signature must hash and MAC, taken from the SDK's own steps for the
/// benchmarked request (so the floor covers exactly the same bytes).
pub struct Tc3Input {
    /// The JSON body.
    pub payload: Vec<u8>,
    /// The canonical request up to (excluding) the hex payload hash.
    pub canonical_head: String,
    /// `TC3-HMAC-SHA256\n<timestamp>\n<scope>\n` (the hex hash follows).
    pub string_to_sign_head: String,
    /// The UTC date of the scope.
    pub date: String,
    /// The service of the scope.
    pub service: String,
}

/// Inputs of the TC3 floor for `describe()` at `stamp()`.
pub fn tc3_input() -> Tc3Input {
    let config = v3_config();
    let action = describe();
    let request = config.encode(&action, stamp()).expect("encodable");
    let steps = tc3::debug_steps(
        &request,
        config.credential(),
        "captcha",
        stamp().timestamp(),
    )
    .expect("a signable request");
    let canonical = steps.canonical_request();
    let text = steps.string_to_sign();
    Tc3Input {
        payload: request.body().clone(),
        canonical_head: canonical[..canonical.len() - 64].to_owned(),
        string_to_sign_head: text[..text.len() - 64].to_owned(),
        date: steps.date().to_string(),
        service: api3::CAPTCHA_SERVICE.to_owned(),
    }
}

fn hmac256(key: &[u8], message: &[u8]) -> [u8; 32] {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).expect("any key length");
    mac.update(message);
    mac.finalize().into_bytes().into()
}

/// Floor of a TC3 signature: SHA-256 of the payload and of the canonical request (each as
/// hex inside the next text), the three HMACs deriving `kSigning`, the final HMAC, and hex.
pub fn floor_tc3(secret_key: &str, input: &Tc3Input) -> [u8; 64] {
    let mut hex = [0u8; 64];
    let mut canonical = Sha256::new();
    canonical.update(input.canonical_head.as_bytes());
    hex::encode_to_slice(Sha256::digest(&input.payload), &mut hex).expect("64 digits");
    canonical.update(hex);
    hex::encode_to_slice(canonical.finalize(), &mut hex).expect("64 digits");
    let mut prefixed = [0u8; 64];
    let key_len = 3 + secret_key.len();
    prefixed[..3].copy_from_slice(b"TC3");
    prefixed[3..key_len].copy_from_slice(secret_key.as_bytes());
    let k_date = hmac256(&prefixed[..key_len], input.date.as_bytes());
    let k_service = hmac256(&k_date, input.service.as_bytes());
    let k_signing = hmac256(&k_service, b"tc3_request");
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&k_signing).expect("any key length");
    mac.update(input.string_to_sign_head.as_bytes());
    mac.update(&hex);
    let mut signature = [0u8; 64];
    hex::encode_to_slice(mac.finalize().into_bytes(), &mut signature).expect("64 digits");
    signature
}

/// The least a decoder of the envelope must do: borrow `code` and `message` out of the JSON.
#[derive(serde::Deserialize)]
pub struct BareEnvelope<'a> {
    /// `code`.
    pub code: i64,
    /// `message`.
    #[serde(borrow)]
    pub message: Option<&'a str>,
    /// `url`, when present.
    #[serde(borrow, default)]
    pub url: Option<&'a str>,
}

/// Floor of decoding a response: serde_json straight into [`BareEnvelope`].
pub fn floor_decode(body: &[u8]) -> i64 {
    let envelope: BareEnvelope<'_> = serde_json::from_slice(black_box(body)).expect("valid JSON");
    black_box(envelope.message);
    black_box(envelope.url);
    envelope.code
}

/// `DescribeCaptchaResult` passed, with every field the web check answers.
pub const DESCRIBE_PASS_BODY: &[u8] = br#"{"Response":{"CaptchaCode":1,"CaptchaMsg":"OK","EvilLevel":0,"GetCaptchaTime":1700000000,"SubmitCaptchaTime":1700000003,"EvilBitmap":0,"DeviceRiskCategory":"","RequestId":"3c140219-cfe9-470e-b241-907877d6fb03"}}"#;
/// `DescribeCaptchaRceResult` passed, with the risk engine's findings.
pub const RCE_PASS_BODY: &[u8] = br#"{"Response":{"CaptchaCode":1,"CaptchaMsg":"OK","EvilLevel":0,"SubmitCaptchaTime":1700000003,"EvilBitmap":0,"RceResult":{"UserId":"","PostTime":1700000000,"AssociateAccount":"","UserIp":"203.0.113.7","RiskLevel":"pass","RiskType":[],"ConstId":"","RiskInformation":""},"RequestId":"3c140219-cfe9-470e-b241-907877d6fb03"}}"#;
/// `DescribeCaptchaMiniResult` passed.
pub const MINI_PASS_BODY: &[u8] = br#"{"Response":{"CaptchaCode":1,"CaptchaMsg":"OK","RequestId":"3c140219-cfe9-470e-b241-907877d6fb03"}}"#;
/// `DescribeCaptchaMiniRiskResult` passed, with the marketing-risk findings.
pub const MINI_RISK_PASS_BODY: &[u8] = br#"{"Response":{"CaptchaCode":1,"CaptchaMsg":"OK","ManageMarketingRiskValue":{"UserId":"","PostTime":1700000000,"AssociateAccount":"","UserIp":"203.0.113.7","RiskLevel":"pass","RiskType":[]},"RequestId":"3c140219-cfe9-470e-b241-907877d6fb03"}}"#;

/// `DescribeCaptchaRceResult` for the same ticket.
pub fn rce() -> api3::DescribeCaptchaRceResult {
    api3::DescribeCaptchaRceResult::from(describe())
}

/// `DescribeCaptchaMiniResult` for the same ticket.
pub fn mini() -> api3::DescribeCaptchaMiniResult {
    api3::DescribeCaptchaMiniResult::new(
        TICKET,
        USER_IP.parse().expect("valid IP"),
        199_999_164,
        "app-secret-key-0123456789",
    )
}

/// `DescribeCaptchaMiniRiskResult` for the same ticket.
pub fn mini_risk() -> api3::DescribeCaptchaMiniRiskResult {
    api3::DescribeCaptchaMiniRiskResult::from(mini())
}

/// Floor of decoding any JSON answer: reading every byte as JSON, keeping nothing
/// (serde_json into `IgnoredAny`).
pub fn floor_json(body: &[u8]) -> usize {
    let _: serde::de::IgnoredAny = serde_json::from_slice(black_box(body)).expect("valid JSON");
    body.len()
}
