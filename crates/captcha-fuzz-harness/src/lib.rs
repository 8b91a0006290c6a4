//! Fuzz harnesses (feature `fuzzing`), shared by the cargo-fuzz targets in `fuzz/` and by
//! the stable test that replays the committed corpus (`tests/tests/corpus_replay.rs`).
//!
//! Each harness asserts invariants, not only "no panic":
//! - [`decode_v1_responses`]: every API 2.0 decoder on arbitrary bytes and statuses. A
//!   result is only ever a success for a 2xx status and code 0; error snippets stay within
//!   [`SNIPPET_BYTES`] and never show the value of a `"ticket"`-like field of the body.
//! - [`verify_query`]: [`v1::verify`] on a query string or form body parsed the way the
//!   emulator parses it; accepting means re-signing gives the very same `Signature`.
//! - [`decode_v3_response`]: the API 3.0 `DescribeCaptchaResult` decoder and envelope on
//!   arbitrary bytes: only `CaptchaCode` 1 passes; refusals carry `Response.Error.Code`.
//! - [`roundtrip`]: [`Api2Config::encode`] of a [`Api2RawAction`] built from a [`RoundtripInput`],
//!   parsed back as a server would, must verify; refusals must be typed and name a field.
//!
//! A harness panics (with a message saying which invariant broke) on a violation.
//! Not part of the SDK's stable API.

use std::borrow::Cow;
use std::net::{IpAddr, Ipv4Addr};

use arbitrary::{Arbitrary, Unstructured};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use http::{Method, StatusCode};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use crate::action::Api2Action;
use crate::actions::{
    CaptchaCheck, CaptchaGetUrl, CaptchaIframeQuery, CaptchaQuery, CaptchaUrl, CaptchaVerify,
    CheckVerdict, Api2RawAction, ScriptFormat, VerifyVerdict,
};
use crate::config::{Api2Config, FORM_CONTENT_TYPE, HttpMethod, RESERVED_PARAMETERS};
use crate::credential::{Credential, CredentialError};
use crate::endpoint::Endpoint;
use crate::enums::{CaptchaType, ClientType, DisturbLevel, IsHttps};
use crate::error::{DecodeError, EncodeError, ResponseError};
use crate::params::signing_key_bytes;
use crate::redact::{self, MASK, SNIPPET_BYTES};
use crate::secret::SecretKey;
use crate::stamp::Stamp;
use crate::v1::{self, SignatureMethod, VerifyError};
use crate::v3;

/// The SecretKey [`verify_query`] checks against: the one of the published vectors
/// (protocol.md §3.2–3.3), so the signed seeds of the corpus verify.
pub const FUZZ_SECRET_KEY: &str = "Gu5t9xGARNpq86cd98joQYCN3Cozk1qA";
/// The host [`verify_query`] checks against.
pub const FUZZ_HOST: &str = "csec.api.qcloud.com";
/// The path [`verify_query`] checks against.
pub const FUZZ_PATH: &str = "/v2/index.php";

/// Statuses [`decode_v1_responses`] picks from with the first byte of the input.
const STATUSES: [u16; 12] = [200, 201, 204, 301, 400, 403, 404, 429, 500, 502, 503, 504];

// ---------------------------------------------------------------------------------------
// decode_v1

/// Feeds `data` as a response body to the decoder of every API 2.0 action (CaptchaCheck,
/// CaptchaGetUrl, CaptchaIframeQuery, CaptchaVerify, CaptchaQuery in JSON and script
/// modes, Api2RawAction) under status 200, 502 and one status chosen by the first byte, and
/// checks every result against the bytes.
pub fn decode_v1_responses(data: &[u8]) {
    let chosen = STATUSES[usize::from(data.first().copied().unwrap_or(0)) % STATUSES.len()];
    for status in [200, 502, chosen] {
        let status = StatusCode::from_u16(status).expect("listed statuses are valid");
        decode_v1_with_status(status, data);
    }
}

fn decode_v1_with_status(status: StatusCode, body: &[u8]) {
    let ip = IpAddr::V4(Ipv4Addr::LOCALHOST);
    let check = CaptchaCheck::new("t03FuzzTicketValue", ip, CaptchaType::Slider);
    let result = check.decode(status, body);
    check_common(status, body, &result);
    match result {
        Ok(CheckVerdict::Pass) => assert_eq!(json_code(body), Some(0), "Pass needs code 0"),
        Ok(CheckVerdict::Fail { .. }) => {
            assert_eq!(json_code(body), Some(5100), "Fail needs code 5100");
        }
        Err(_) => {}
    }

    let get_url = CaptchaGetUrl::new().decode(status, body);
    check_common(status, body, &get_url);
    if let Ok(url) = &get_url {
        check_url(url, body);
    }

    let iframe = CaptchaIframeQuery::new(
        CaptchaType::Slider,
        DisturbLevel::Low,
        IsHttps::Https,
        ClientType::PcWeb,
    )
    .decode(status, body);
    check_common(status, body, &iframe);
    if let Ok(url) = &iframe {
        check_url(url, body);
    }

    let verify = CaptchaVerify::new("fuzzCaptchaSig", "abcd").decode(status, body);
    check_common(status, body, &verify);
    if let Ok(verdict) = verify {
        let expected = match verdict {
            VerifyVerdict::Right => 1,
            VerifyVerdict::Wrong => 0,
        };
        assert_eq!(json_code(body), Some(0), "a verdict needs code 0");
        assert_eq!(
            json_is_right(body),
            Some(expected),
            "verdict must follow is_right"
        );
    }

    for format in [ScriptFormat::Json, ScriptFormat::JavaScript] {
        let query = CaptchaQuery::new(ip, CaptchaType::Standard, 1, 1_440_416_972, format);
        let script = query.decode(status, body);
        check_common(status, body, &script);
        let Ok(script) = script else { continue };
        match envelope(body) {
            Some(object) => {
                assert_eq!(json_code(body), Some(0), "a JSON script needs code 0");
                assert_eq!(
                    object.script.as_ref().and_then(|s| s.as_str()),
                    Some(script.as_str()),
                    "the script must be the JSON field"
                );
            }
            None => {
                assert_eq!(format, ScriptFormat::JavaScript, "JSON mode needs JSON");
                assert_eq!(std::str::from_utf8(body).ok(), Some(script.as_str()));
                assert!(!script.as_str().trim().is_empty(), "an empty script");
            }
        }
    }

    let raw = Api2RawAction::new("DescribeInstances").decode(status, body);
    check_common(status, body, &raw);
    if let Ok(map) = &raw {
        let code = map.get("code").and_then(lenient_int);
        assert_eq!(code, Some(0), "a raw success needs code 0");
    }
}

/// Invariants every decoder shares.
fn check_common<T>(status: StatusCode, body: &[u8], result: &Result<T, ResponseError>) {
    match result {
        Ok(_) => assert!(status.is_success(), "success under HTTP {status}"),
        Err(ResponseError::Decode(e)) => check_decode_error(status, body, e),
        Err(ResponseError::Api2(e)) => {
            assert_ne!(e.code(), 0, "an API error with code 0");
            assert!(envelope(body).is_some(), "an API error without JSON");
            let _ = e.to_string();
        }
        Err(ResponseError::Api3(_)) => panic!("an API 3.0 error from an API 2.0 decoder"),
    }
}

/// A decode error keeps its status, a bounded snippet, and no secret of the body.
fn check_decode_error(status: StatusCode, body: &[u8], e: &DecodeError) {
    assert_eq!(e.status(), status, "decode error with another status");
    let snippet = e.snippet();
    assert!(
        snippet.len() <= SNIPPET_BYTES,
        "snippet of {} bytes",
        snippet.len()
    );
    let _ = e.to_string();
    // Masking is textual; its promise is for JSON bodies (it cannot know what a stray
    // `"ticket":"a":"b"` means), complete or cut anywhere by the snippet.
    if serde_json::from_slice::<serde::de::IgnoredAny>(body).is_err() {
        return;
    }
    let text = String::from_utf8_lossy(body);
    for secret in sensitive_json_values(&text) {
        assert!(
            !snippet.contains(secret),
            "snippet {snippet:?} shows the secret {secret:?}"
        );
    }
}

/// Values of `"name": "value"` pairs of `text` whose name is sensitive (`ticket`,
/// `captchaSig`, `Signature`, …), kept only when showing them could be nothing but a leak:
/// the value occurs once in `text`, has no escape, and cannot be produced by the mask.
fn sensitive_json_values(text: &str) -> Vec<&str> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(offset) = text[from..].find('"') {
        let name_start = from + offset + 1;
        from = name_start;
        let name_len = bytes[name_start..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
            .count();
        let name_end = name_start + name_len;
        if name_len == 0 || bytes.get(name_end) != Some(&b'"') {
            continue;
        }
        if !redact::is_sensitive_name(&text[name_start..name_end]) {
            continue;
        }
        let mut i = skip_json_space(bytes, name_end + 1);
        if bytes.get(i) != Some(&b':') {
            continue;
        }
        i = skip_json_space(bytes, i + 1);
        if bytes.get(i) != Some(&b'"') {
            continue;
        }
        let value_start = i + 1;
        let Some(value_len) = text[value_start..].find(['"', '\\']) else {
            continue;
        };
        let value = &text[value_start..value_start + value_len];
        if text.as_bytes()[value_start + value_len] != b'"' || value.is_empty() {
            continue;
        }
        let mask_made = value.contains(['[', ']', '\u{fffd}']) || MASK.contains(value);
        if !mask_made && text.matches(value).count() == 1 {
            found.push(value);
        }
    }
    found
}

fn skip_json_space(bytes: &[u8], mut i: usize) -> usize {
    while bytes
        .get(i)
        .is_some_and(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
    {
        i += 1;
    }
    i
}

/// A one-time URL is absolute http(s) with a host, and its `Debug` hides the query.
fn check_url(url: &CaptchaUrl, body: &[u8]) {
    let uri = url.uri();
    assert!(
        matches!(uri.scheme_str(), Some("http" | "https")),
        "URL scheme {:?}",
        uri.scheme_str()
    );
    assert!(
        uri.host().is_some_and(|h| !h.is_empty()),
        "URL without host"
    );
    assert_eq!(url.is_https(), uri.scheme_str() == Some("https"));
    assert_eq!(json_code(body), Some(0), "a URL needs code 0");
    let reparsed: http::Uri = url.to_string().parse().expect("a URL displays as a URL");
    assert_eq!(reparsed.host(), uri.host(), "display changes the host");
    if let Some(query) = uri.query() {
        let shown = format!("{url:?}");
        let authority = uri.authority().map_or("", |a| a.as_str());
        let scheme = uri.scheme_str().unwrap_or_default();
        let visible = format!("CaptchaUrl({scheme}://{authority}{}?…)", uri.path());
        if !query.is_empty() && !visible.contains(query) {
            assert!(!shown.contains(query), "Debug {shown:?} shows the query");
        }
    }
}

/// The fields of an API 2.0 envelope the checks need. Parsed like the decoder parses (an
/// object; skipped fields are only checked for JSON syntax), but read independently.
#[derive(serde::Deserialize)]
struct Envelope {
    #[serde(default)]
    code: Option<serde_json::Value>,
    #[serde(default)]
    is_right: Option<serde_json::Value>,
    #[serde(default)]
    script: Option<serde_json::Value>,
}

fn envelope(body: &[u8]) -> Option<Envelope> {
    let start = body
        .iter()
        .position(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r'))?;
    if body[start] != b'{' {
        return None;
    }
    serde_json::from_slice(body).ok()
}

/// A JSON object, as API 3.0 bodies are parsed.
fn json_object(body: &[u8]) -> Option<serde_json::Map<String, serde_json::Value>> {
    match serde_json::from_slice(body).ok()? {
        serde_json::Value::Object(map) => Some(map),
        _ => None,
    }
}

/// `code` read as the envelope allows: an integer or a numeric string.
fn json_code(body: &[u8]) -> Option<i64> {
    envelope(body)?.code.as_ref().and_then(lenient_int)
}

fn json_is_right(body: &[u8]) -> Option<i64> {
    envelope(body)?.is_right.as_ref().and_then(lenient_int)
}

fn lenient_int(value: &serde_json::Value) -> Option<i64> {
    match value {
        serde_json::Value::Number(n) => n.as_i64(),
        serde_json::Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------
// decode_v3

/// Feeds `data` as a response body to the API 3.0 decoders (`DescribeCaptchaResult` with a
/// normal and a disaster-recovery ticket, and the bare envelope of [`v3::parse_response`])
/// under status 200, 502 and one chosen by the first byte. Only `CaptchaCode` 1 passes; a
/// refusal is a [`ResponseError::Api3`] carrying `Response.Error.Code`.
pub fn decode_v3_response(data: &[u8]) {
    let chosen = STATUSES[usize::from(data.first().copied().unwrap_or(0)) % STATUSES.len()];
    for status in [200, 502, chosen] {
        let status = StatusCode::from_u16(status).expect("listed statuses are valid");
        for ticket in ["t03FuzzTicketValue", "trerrorFuzzTicket"] {
            let ip = IpAddr::V4(Ipv4Addr::LOCALHOST);
            let action = v3::DescribeCaptchaResult::new(ticket, "@Vki", ip, 199_999_164, "k");
            let result = v3::Api3Action::decode(&action, status, data);
            check_v3_common(status, data, &result);
            if let Ok(result) = result {
                let response = v3_response(data).expect("a result needs a Response object");
                let code = response.get("CaptchaCode").and_then(v3_int);
                assert_eq!(code, Some(result.code), "CaptchaCode differs");
                assert_eq!(
                    result.is_pass(),
                    result.code == v3::PASS_CODE,
                    "pass needs 1"
                );
                let id = response.get("RequestId").and_then(|v| v.as_str());
                assert_eq!(id, Some(result.request_id.as_str()), "RequestId differs");
                let recovery =
                    result.verdict == v3::Verdict::Reject(v3::RejectReason::DisasterRecoveryTicket);
                assert_eq!(
                    recovery,
                    result.code == 21 && ticket.starts_with(v3::DISASTER_RECOVERY_PREFIX)
                );
            }
        }
        let envelope = v3::parse_response(status, data);
        check_v3_common(status, data, &envelope);
        if let Ok(object) = envelope {
            assert!(!object.contains_key("Error"), "an Error in a success");
        }
    }
}

fn check_v3_common<T>(status: StatusCode, body: &[u8], result: &Result<T, ResponseError>) {
    match result {
        Ok(_) => assert!(status.is_success(), "success under HTTP {status}"),
        Err(ResponseError::Decode(e)) => check_decode_error(status, body, e),
        Err(ResponseError::Api3(e)) => {
            let code = v3_response(body)
                .and_then(|r| r.get("Error")?.get("Code")?.as_str().map(str::to_owned));
            assert_eq!(code.as_deref(), Some(e.code()), "the error code differs");
            assert!(!e.code().is_empty(), "an empty error code");
            let _ = e.to_string();
        }
        Err(ResponseError::Api2(_)) => panic!("an API 2.0 error from an API 3.0 decoder"),
    }
}

/// The `Response` object of a 3.0 body.
fn v3_response(body: &[u8]) -> Option<serde_json::Map<String, serde_json::Value>> {
    match json_object(body)?.remove("Response")? {
        serde_json::Value::Object(response) => Some(response),
        _ => None,
    }
}

/// An integer as 3.0 bodies carry it: integer, integral float or numeric string.
fn v3_int(value: &serde_json::Value) -> Option<i64> {
    match value {
        serde_json::Value::Number(n) => n.as_i64().or_else(|| {
            let f = n.as_f64()?;
            (f.fract() == 0.0 && f.abs() < 9.0e18).then_some(f as i64)
        }),
        serde_json::Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------
// verify_query

/// Treats `data` as a query string or form body, parsed into pairs as the emulator does
/// (`form_urlencoded`), and runs [`v1::verify`] against [`FUZZ_SECRET_KEY`], [`FUZZ_HOST`]
/// and [`FUZZ_PATH`] for GET and POST. Checks that the verdict does not depend on the order
/// of the pairs, that each refusal is the right one, that an accepted `Signature` is exactly
/// what re-signing gives, and that signing the pairs (minus `Signature`) always verifies.
/// Returns whether the `Signature` was accepted for GET or POST.
pub fn verify_query(data: &[u8]) -> bool {
    let pairs: Vec<(String, String)> = form_urlencoded::parse(data).into_owned().collect();
    let key = SecretKey::new(FUZZ_SECRET_KEY);
    let borrowed = || pairs.iter().map(|(k, v)| (k.as_str(), v.as_str()));
    let method_param = borrowed()
        .find(|(k, _)| *k == v1::SIGNATURE_METHOD)
        .map(|(_, v)| v);
    let hmac = SignatureMethod::from_parameter(method_param);
    let duplicated = has_duplicate_signing_keys(borrowed().map(|(k, _)| k));
    let mut accepted = false;

    for method in ["GET", "POST"] {
        let verdict = v1::verify(&key, method, FUZZ_HOST, FUZZ_PATH, borrowed());
        let reversed = v1::verify(&key, method, FUZZ_HOST, FUZZ_PATH, borrowed().rev());
        match (&verdict, &reversed) {
            (
                Err(VerifyError::DuplicateParameter { .. }),
                Err(VerifyError::DuplicateParameter { .. }),
            ) => {}
            _ => assert_eq!(verdict, reversed, "the verdict depends on the order"),
        }
        let resigned = || {
            let text = v1::string_to_sign(method, FUZZ_HOST, FUZZ_PATH, borrowed());
            v1::sign(&key, hmac, &text)
        };
        let claimed = borrowed()
            .find(|(k, _)| *k == v1::SIGNATURE)
            .map(|(_, v)| v);
        match &verdict {
            Ok(()) => {
                accepted = true;
                assert!(!duplicated, "accepted duplicate parameters");
                assert_eq!(
                    Some(resigned().expose_secret()),
                    claimed,
                    "accepted a signature that re-signing does not give"
                );
                let other = SecretKey::new("another key");
                assert_eq!(
                    v1::verify(&other, method, FUZZ_HOST, FUZZ_PATH, borrowed()),
                    Err(VerifyError::Mismatch),
                    "accepted under another key"
                );
            }
            Err(VerifyError::DuplicateParameter { name }) => {
                assert!(duplicated, "no duplicate, yet {name} is reported");
                let wanted: Vec<u8> = signing_key_bytes(name).collect();
                let count = borrowed()
                    .filter(|(k, _)| signing_key_bytes(k).eq(wanted.iter().copied()))
                    .count();
                assert!(count >= 2, "{name} is not duplicated");
            }
            Err(VerifyError::MissingSignature) => {
                assert!(!duplicated && claimed.is_none(), "a Signature is there");
            }
            Err(VerifyError::MalformedSignature) => {
                let claimed = claimed.expect("malformed implies present");
                let decoded = BASE64.decode(claimed);
                assert!(
                    decoded.is_err() || decoded.is_ok_and(|d| d.len() > 33),
                    "well-formed signature {claimed:?} called malformed"
                );
            }
            Err(VerifyError::Mismatch) => {
                assert!(!duplicated, "mismatch reported before duplicates");
                assert_ne!(
                    Some(resigned().expose_secret()),
                    claimed,
                    "refused the signature re-signing gives"
                );
            }
        }
    }

    // Signing any parameter set (without Signature) must verify, unless names repeat.
    let unsigned: Vec<(&str, &str)> = borrowed().filter(|(k, _)| *k != v1::SIGNATURE).collect();
    if !has_duplicate_signing_keys(unsigned.iter().map(|(k, _)| *k)) {
        let text = v1::string_to_sign("POST", FUZZ_HOST, FUZZ_PATH, unsigned.iter().copied());
        let signature = v1::sign(&key, hmac, &text);
        let mut signed = unsigned;
        signed.push((v1::SIGNATURE, signature.expose_secret()));
        assert_eq!(
            v1::verify(&key, "post", FUZZ_HOST, FUZZ_PATH, signed.iter().copied()),
            Ok(()),
            "a fresh signature does not verify"
        );
    }
    accepted
}

/// True when two names are equal once `_` is read as `.` (the server cannot tell them apart).
fn has_duplicate_signing_keys<'a>(keys: impl Iterator<Item = &'a str>) -> bool {
    let mut forms: Vec<Vec<u8>> = keys.map(|k| signing_key_bytes(k).collect()).collect();
    forms.sort_unstable();
    forms.windows(2).any(|w| w[0] == w[1])
}

// ---------------------------------------------------------------------------------------
// roundtrip

/// Which `RequestClient` the encoder sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RequestClientChoice {
    /// The SDK's own `SDK_RUST_x.y.z`.
    Default,
    /// None at all.
    Omitted,
    /// This value (validated by the encoder).
    Custom(String),
}

/// Structured input of [`roundtrip`]: an arbitrary API 2.0 call and the choices of its
/// encoding. Its byte form (what the fuzzer mutates) is [`RoundtripInput::from_bytes`]:
///
/// `flags(1) timestamp(8, LE) nonce(8, LE)` then text fields separated by `0xFF` (a byte
/// UTF-8 never uses): action, SecretId, SecretKey, region, token, endpoint, request client,
/// then parameter names and values alternating. Flag bits: 0 POST, 1 HMAC-SHA256,
/// 2 token used, 3 endpoint used (else Tencent's), 4–5 request client (0 default, 1 none,
/// 2–3 the given value). Every byte string is some input, and [`RoundtripInput::to_bytes`]
/// writes the bytes back, so seeds are made from real calls.
///
/// `Debug` shows the synthetic secrets: a crash report must be reproducible.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoundtripInput {
    /// The `Action`.
    pub action: String,
    /// The action's own parameters (wire names, raw values).
    pub params: Vec<(String, String)>,
    /// GET or POST.
    pub http_method: HttpMethod,
    /// HMAC-SHA1 or HMAC-SHA256.
    pub signature_method: SignatureMethod,
    /// `Timestamp`.
    pub timestamp: u64,
    /// `Nonce` (0 is refused).
    pub nonce: u64,
    /// `SecretId`.
    pub secret_id: String,
    /// SecretKey.
    pub secret_key: String,
    /// Session token, if any.
    pub token: Option<String>,
    /// `Region`.
    pub region: String,
    /// Endpoint URL; `None` for Tencent's.
    pub endpoint: Option<String>,
    /// `RequestClient`.
    pub request_client: RequestClientChoice,
}

/// Separates the text fields in the byte form of a [`RoundtripInput`].
const FIELD_SEPARATOR: u8 = 0xFF;
/// Bytes before the text fields: flags, timestamp, nonce.
const HEAD_BYTES: usize = 17;

impl RoundtripInput {
    /// Reads an input from any bytes (see the type's documentation for the layout).
    pub fn from_bytes(data: &[u8]) -> Self {
        let mut head = [0u8; HEAD_BYTES];
        let head_len = data.len().min(HEAD_BYTES);
        head[..head_len].copy_from_slice(&data[..head_len]);
        let flags = head[0];
        let u64_at = |at: usize| {
            let mut bytes = [0u8; 8];
            bytes.copy_from_slice(&head[at..at + 8]);
            u64::from_le_bytes(bytes)
        };
        let mut fields = data[head_len..]
            .split(|b| *b == FIELD_SEPARATOR)
            .map(|f| String::from_utf8_lossy(f).into_owned());
        let mut next = || fields.next().unwrap_or_default();
        let (action, secret_id, secret_key, region) = (next(), next(), next(), next());
        let (token, endpoint, client) = (next(), next(), next());
        let mut params = Vec::new();
        while let Some(name) = fields.next() {
            params.push((name, fields.next().unwrap_or_default()));
        }
        Self {
            action,
            params,
            http_method: if flags & 1 != 0 {
                HttpMethod::Post
            } else {
                HttpMethod::Get
            },
            signature_method: if flags & 2 != 0 {
                SignatureMethod::HmacSha256
            } else {
                SignatureMethod::HmacSha1
            },
            timestamp: u64_at(1),
            nonce: u64_at(9),
            secret_id,
            secret_key,
            token: (flags & 4 != 0).then_some(token),
            region,
            endpoint: (flags & 8 != 0).then_some(endpoint),
            request_client: match (flags >> 4) & 3 {
                0 => RequestClientChoice::Default,
                1 => RequestClientChoice::Omitted,
                _ => RequestClientChoice::Custom(client),
            },
        }
    }

    /// The bytes [`RoundtripInput::from_bytes`] reads back as `self` (when no text field
    /// holds U+FFFD from lossy decoding, which `from_bytes` never produces from these bytes).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut flags = 0u8;
        if self.http_method == HttpMethod::Post {
            flags |= 1;
        }
        if self.signature_method == SignatureMethod::HmacSha256 {
            flags |= 2;
        }
        if self.token.is_some() {
            flags |= 4;
        }
        if self.endpoint.is_some() {
            flags |= 8;
        }
        let client = match &self.request_client {
            RequestClientChoice::Default => "",
            RequestClientChoice::Omitted => {
                flags |= 1 << 4;
                ""
            }
            RequestClientChoice::Custom(value) => {
                flags |= 2 << 4;
                value.as_str()
            }
        };
        let mut out = vec![flags];
        out.extend_from_slice(&self.timestamp.to_le_bytes());
        out.extend_from_slice(&self.nonce.to_le_bytes());
        let texts = [
            self.action.as_str(),
            &self.secret_id,
            &self.secret_key,
            &self.region,
            self.token.as_deref().unwrap_or_default(),
            self.endpoint.as_deref().unwrap_or_default(),
            client,
        ];
        let params = self.params.iter().flat_map(|(k, v)| [k.as_str(), v]);
        for (i, text) in texts.into_iter().chain(params).enumerate() {
            if i > 0 {
                out.push(FIELD_SEPARATOR);
            }
            out.extend_from_slice(text.as_bytes());
        }
        out
    }
}

impl<'a> Arbitrary<'a> for RoundtripInput {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        let len = u.arbitrary_len::<u8>()?;
        Ok(Self::from_bytes(u.bytes(len)?))
    }

    fn arbitrary_take_rest(u: Unstructured<'a>) -> arbitrary::Result<Self> {
        Ok(Self::from_bytes(u.take_rest()))
    }
}

/// Why [`roundtrip`] did not encode: a typed refusal of the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rejection {
    /// The credential (SecretId, SecretKey or token) is unusable.
    Credential(CredentialError),
    /// The call cannot be encoded.
    Encode(EncodeError),
}

/// RFC 3986 unreserved characters stay; everything else is percent-encoded (as the encoder).
const RFC3986: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// Encodes `input` with [`Api2Config`] and [`Api2RawAction`]; on success parses the request back as
/// a server does (host and path from the URI, pairs from the query or form body) and
/// checks [`v1::verify`] accepts it, every parameter arrives unchanged, the encoding is
/// deterministic, a changed key or nonce is refused, and secrets are masked when shown.
/// On refusal checks the error names a field the input really got wrong.
pub fn roundtrip(input: RoundtripInput) -> Result<(), Rejection> {
    let credential = Credential::new(input.secret_id.clone(), input.secret_key.clone())
        .and_then(|c| match &input.token {
            Some(token) => c.with_token(token.clone()),
            None => Ok(c),
        })
        .map_err(|e| {
            check_credential_error(&input, &e);
            Rejection::Credential(e)
        })?;
    let encoded = encode(&input, credential);
    let request = match encoded {
        Ok(request) => request,
        Err(e) => {
            check_encode_error(&input, &e);
            return Err(Rejection::Encode(e));
        }
    };
    check_wire(&input, &request);
    Ok(())
}

/// Reads the input from bytes as the fuzz target does, then runs [`roundtrip`].
pub fn roundtrip_bytes(data: &[u8]) -> Result<(), Rejection> {
    roundtrip(RoundtripInput::from_bytes(data))
}

fn encode(
    input: &RoundtripInput,
    credential: Credential,
) -> Result<http::Request<Vec<u8>>, EncodeError> {
    let stamp = Stamp::new(input.timestamp, input.nonce)?;
    let (config, action) = config_and_action(input, credential)?;
    config.encode(&action, stamp)
}

fn config_and_action(
    input: &RoundtripInput,
    credential: Credential,
) -> Result<(Api2Config, Api2RawAction), EncodeError> {
    let mut config = Api2Config::new(credential)
        .with_region(input.region.clone())
        .with_http_method(input.http_method)
        .with_signature_method(input.signature_method);
    if let Some(endpoint) = &input.endpoint {
        config = config.with_endpoint(endpoint.parse::<Endpoint>()?);
    }
    config = match &input.request_client {
        RequestClientChoice::Default => config,
        RequestClientChoice::Omitted => config.with_request_client(None),
        RequestClientChoice::Custom(value) => config.with_request_client(Some(value)),
    };
    let action = input
        .params
        .iter()
        .fold(Api2RawAction::new(input.action.clone()), |a, (k, v)| {
            a.param(k.clone(), v.clone())
        });
    Ok((config, action))
}

fn check_credential_error(input: &RoundtripInput, e: &CredentialError) {
    let value = match e.name() {
        "SecretId" => input.secret_id.as_str(),
        "SecretKey" => input.secret_key.as_str(),
        "Token" => input.token.as_deref().expect("token refused, so given"),
        other => panic!("credential error names {other}"),
    };
    assert!(
        value.is_empty() || value.trim() != value,
        "{e} for a usable value"
    );
}

/// The error must be typed, name the culprit, and carry no value (only names and URLs).
fn check_encode_error(input: &RoundtripInput, e: &EncodeError) {
    let keys = || input.params.iter().map(|(k, _)| k.as_str());
    match e {
        EncodeError::EmptyField { field } => {
            let value = match *field {
                "Action" => input.action.as_str(),
                "Region" => input.region.as_str(),
                "RequestClient" => match &input.request_client {
                    RequestClientChoice::Custom(v) => v.as_str(),
                    _ => panic!("RequestClient refused but not given"),
                },
                other => panic!("{other} reported empty"),
            };
            assert!(value.is_empty(), "{field} reported empty but is not");
        }
        EncodeError::InvalidValue { field, .. } => match *field {
            "Nonce" => assert_eq!(input.nonce, 0, "a positive nonce refused"),
            "Region" => assert!(
                input
                    .region
                    .chars()
                    .any(|c| c.is_whitespace() || c.is_control()),
                "a clean region refused"
            ),
            "RequestClient" => assert!(
                matches!(&input.request_client, RequestClientChoice::Custom(v)
                    if v.len() > 128 || !v.chars().all(|c| c.is_ascii_alphanumeric() || "-_,;.".contains(c))),
                "a valid RequestClient refused"
            ),
            other => panic!("{other} reported invalid"),
        },
        EncodeError::EmptyParameterName => {
            assert!(keys().any(str::is_empty), "no parameter name is empty");
        }
        EncodeError::DuplicateParameter { name } => {
            let wanted: Vec<u8> = signing_key_bytes(name).collect();
            let count = keys()
                .filter(|k| signing_key_bytes(k).eq(wanted.iter().copied()))
                .count();
            assert!(count >= 2, "{name} reported twice but given {count} times");
        }
        EncodeError::ReservedParameter { name } => {
            assert!(RESERVED_PARAMETERS.contains(&name.as_str()) && keys().any(|k| k == name));
        }
        EncodeError::UnrenderableValue { name } => {
            panic!("{name}: raw string values always render")
        }
        EncodeError::InvalidEndpoint { url, .. } => {
            let given = input
                .endpoint
                .as_deref()
                .unwrap_or(crate::endpoint::DEFAULT_ENDPOINT);
            let input_bytes: usize = input.params.iter().map(|(k, v)| k.len() + v.len()).sum();
            assert!(
                input.endpoint.is_some() || input_bytes * 3 > 60_000,
                "the default endpoint refused"
            );
            let base = given.parse::<Endpoint>().map(|e| e.as_str().to_owned());
            let prefix: String = given.chars().take(200).collect();
            // The URL as given (cut), its normalised form, or with `user:password@` masked.
            let masked = given.contains('@') && url.contains(MASK);
            assert!(
                *url == prefix || base.as_ref() == Ok(url) || masked,
                "the error shows {url:?}, not the endpoint"
            );
        }
    }
    let _ = e.to_string();
}

/// What a server sees must verify and carry every parameter unchanged.
fn check_wire(input: &RoundtripInput, request: &http::Request<Vec<u8>>) {
    let key = SecretKey::new(input.secret_key.clone());
    let uri = request.uri();
    let (method, wire) = match input.http_method {
        HttpMethod::Get => {
            assert_eq!(request.method(), Method::GET);
            assert!(request.body().is_empty(), "GET with a body");
            ("GET", uri.query().expect("GET carries a query").to_owned())
        }
        HttpMethod::Post => {
            assert_eq!(request.method(), Method::POST);
            assert!(uri.query().is_none(), "POST with a query");
            let content_type = request.headers().get(http::header::CONTENT_TYPE);
            assert_eq!(
                content_type.map(|v| v.as_bytes()),
                Some(FORM_CONTENT_TYPE.as_bytes())
            );
            let body = std::str::from_utf8(request.body()).expect("the form body is ASCII");
            ("POST", body.to_owned())
        }
    };
    assert!(wire.is_ascii(), "the wire form is not ASCII");
    let host = uri.host().expect("the request URI has a host");
    let path = uri.path();
    let pairs: Vec<(String, String)> = form_urlencoded::parse(wire.as_bytes())
        .into_owned()
        .collect();
    let borrowed = || pairs.iter().map(|(k, v)| (k.as_str(), v.as_str()));
    assert_eq!(
        v1::verify(&key, method, host, path, borrowed()),
        Ok(()),
        "the server refuses what the SDK signed"
    );

    // Every parameter arrives, unchanged, once.
    let value_of = |name: &str| {
        let mut found = borrowed().filter(|(k, _)| *k == name).map(|(_, v)| v);
        let first = found.next();
        assert!(found.next().is_none(), "{name} sent twice");
        first
    };
    for (k, v) in &input.params {
        assert_eq!(value_of(k), Some(v.as_str()), "parameter {k} changed");
    }
    assert_eq!(value_of("Action"), Some(input.action.as_str()));
    assert_eq!(value_of("Region"), Some(input.region.as_str()));
    assert_eq!(value_of("SecretId"), Some(input.secret_id.as_str()));
    assert_eq!(value_of("Token"), input.token.as_deref());
    assert_eq!(
        value_of("Timestamp"),
        Some(input.timestamp.to_string().as_str())
    );
    let nonce = input.nonce.to_string();
    assert_eq!(value_of("Nonce"), Some(nonce.as_str()));
    let sha256 = input.signature_method == SignatureMethod::HmacSha256;
    assert_eq!(value_of("SignatureMethod").is_some(), sha256);
    let extra = 6
        + usize::from(sha256)
        + usize::from(input.token.is_some())
        + usize::from(input.request_client != RequestClientChoice::Omitted);
    assert_eq!(
        pairs.len(),
        input.params.len() + extra,
        "unexpected parameters"
    );

    // Determinism, and sensitivity to the key and the nonce.
    let credential = Credential::new(input.secret_id.clone(), input.secret_key.clone())
        .and_then(|c| match &input.token {
            Some(token) => c.with_token(token.clone()),
            None => Ok(c),
        })
        .expect("the credential was accepted once");
    let again = encode(input, credential).expect("encoding is repeatable");
    assert_eq!(again.uri(), request.uri(), "encoding is not deterministic");
    assert_eq!(
        again.body(),
        request.body(),
        "encoding is not deterministic"
    );
    let other = SecretKey::new(format!("{}x", input.secret_key));
    assert_eq!(
        v1::verify(&other, method, host, path, borrowed()),
        Err(VerifyError::Mismatch),
        "another key verifies"
    );
    let bumped = (input.nonce % 1_000_000_007 + 1).to_string();
    let tampered = borrowed().map(|(k, v)| (k, if k == "Nonce" { bumped.as_str() } else { v }));
    assert_eq!(
        v1::verify(&key, method, host, path, tampered),
        Err(VerifyError::Mismatch),
        "a changed nonce verifies"
    );

    check_redaction(input, request, &wire);
}

/// Shown requests mask the signature, the token and values of sensitive names.
fn check_redaction(input: &RoundtripInput, request: &http::Request<Vec<u8>>, wire: &str) {
    let masked = redact::mask_values(wire);
    let shown = redact::Redacted(request).to_string();
    let signature = form_urlencoded::parse(wire.as_bytes())
        .find(|(k, _)| k == v1::SIGNATURE)
        .map(|(_, v)| utf8_percent_encode(&v, RFC3986).to_string())
        .expect("the request is signed");
    assert!(!shown.contains(&signature), "{shown} shows the signature");
    let name_only = |k: &str| {
        !k.is_empty()
            && k.bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
    };
    let secrets = input
        .params
        .iter()
        .filter(|(k, _)| name_only(k) && redact::is_sensitive_name(k))
        .map(|(_, v)| v.as_str())
        .chain(input.token.as_deref());
    // The endpoint is shown as configured: a secret that also spells part of it is not a leak.
    let uri = request.uri();
    let endpoint = format!(
        "{}{}",
        uri.authority().map_or("", |a| a.as_str()),
        uri.path()
    );
    for secret in secrets {
        let sent: Cow<'_, str> = utf8_percent_encode(secret, RFC3986).into();
        if sent.len() >= 8
            && !MASK.contains(sent.as_ref())
            && wire.matches(sent.as_ref()).count() == 1
            && !endpoint.contains(sent.as_ref())
        {
            assert!(!masked.contains(sent.as_ref()), "{masked} shows {sent}");
            assert!(!shown.contains(sent.as_ref()), "{shown} shows {sent}");
        }
    }
}
