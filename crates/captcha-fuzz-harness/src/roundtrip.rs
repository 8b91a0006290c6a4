//! The `api2_roundtrip` target: encode an arbitrary API 2.0 call, parse it back as a server
//! does, and verify it.

use std::borrow::Cow;

use arbitrary::{Arbitrary, Unstructured};
use captcha_proto::api2::{FORM_CONTENT_TYPE, RESERVED_PARAMETERS};
use captcha_proto::redact::{self, MASK};
use captcha_proto::v1::{self, SignatureMethod, VerifyError};
use captcha_proto::{
    Api2Config, Api2RawAction, Credential, CredentialError, DEFAULT_ENDPOINT, EncodeError,
    Endpoint, HttpMethod, SecretKey, Stamp,
};
use http::Method;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use crate::Checks;
use crate::common::signing_key_bytes;

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
/// checks [`v1::verify`] accepts it and every parameter arrives unchanged; with
/// [`Checks::Full`] also that the encoding is deterministic, a changed key or nonce is
/// refused, and secrets are masked when shown. On refusal checks the error names a field
/// the input really got wrong.
pub fn roundtrip(input: RoundtripInput, checks: Checks) -> Result<(), Rejection> {
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
    check_wire(&input, &request, checks);
    Ok(())
}

/// Reads the input from bytes as the fuzz target does, then runs [`roundtrip`].
pub fn roundtrip_bytes(data: &[u8], checks: Checks) -> Result<(), Rejection> {
    roundtrip(RoundtripInput::from_bytes(data), checks)
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
            let given = input.endpoint.as_deref().unwrap_or(DEFAULT_ENDPOINT);
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
        // `EncodeError` is non-exhaustive: a variant this harness cannot check is a failure.
        other => panic!("{other:?}: an encode error the harness does not know"),
    }
    let _ = e.to_string();
}

/// What a server sees must verify and carry every parameter unchanged.
fn check_wire(input: &RoundtripInput, request: &http::Request<Vec<u8>>, checks: Checks) {
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
    let pairs: Vec<(Cow<'_, str>, Cow<'_, str>)> =
        form_urlencoded::parse(wire.as_bytes()).collect();
    let borrowed = || pairs.iter().map(|(k, v)| (k.as_ref(), v.as_ref()));
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

    if checks == Checks::Quick {
        return;
    }
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
