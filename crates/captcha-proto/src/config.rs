//! [`Config`]: credential, endpoint, region and wire choices; turns an [`Action`] into a
//! signed `http::Request`.

use http::header::{CONTENT_TYPE, HeaderValue};
use http::{Method, Request, Uri};

use crate::action::Action;
use crate::credential::Credential;
use crate::endpoint::Endpoint;
use crate::error::EncodeError;
use crate::params::{Params, signing_key_bytes};
use crate::stamp::Stamp;
use crate::v1::{self, SignatureMethod};

/// The region sent when none is chosen (the one every captcha sample uses).
pub const DEFAULT_REGION: &str = "gz";

/// The `RequestClient` value that identifies this SDK, like `SDK_PYTHON_2.0` does for Python.
pub const REQUEST_CLIENT: &str = concat!("SDK_RUST_", env!("CARGO_PKG_VERSION"));

/// Content type of POST bodies.
pub const FORM_CONTENT_TYPE: &str = "application/x-www-form-urlencoded";

/// Common parameters only the encoder may set.
pub const RESERVED_PARAMETERS: [&str; 9] = [
    "Action",
    "Region",
    "Timestamp",
    "Nonce",
    "SecretId",
    "SignatureMethod",
    "Token",
    "RequestClient",
    "Signature",
];

/// How parameters travel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum HttpMethod {
    /// In the query string (what the official 2.0 SDKs default to).
    #[default]
    Get,
    /// In an `application/x-www-form-urlencoded` body; the query stays empty.
    Post,
}

impl HttpMethod {
    /// `GET` or `POST`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Get => "GET",
            Self::Post => "POST",
        }
    }
}

impl std::str::FromStr for HttpMethod {
    type Err = EncodeError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_uppercase().as_str() {
            "GET" => Ok(Self::Get),
            "POST" => Ok(Self::Post),
            _ => Err(EncodeError::InvalidValue {
                field: "http method",
                reason: "must be GET or POST",
            }),
        }
    }
}

/// Everything needed to sign API 2.0 requests, apart from the time and nonce.
///
/// ```
/// use captcha_proto::{Action, CaptchaCheck, CaptchaType, CheckVerdict, Config, Credential, Stamp};
/// let config = Config::new(Credential::new("AKIDz8krbsJ5yKBZQpn74WFkmLPx3gnPhESA", "Gu5t9xGARNpq86cd98joQYCN3Cozk1qA")?);
/// let check = CaptchaCheck::new("t03ticket", "127.0.0.1".parse()?, CaptchaType::Slider);
/// let request = config.encode(&check, Stamp::new(1465185768, 11886)?)?;
/// assert!(request.uri().to_string().starts_with("https://csec.api.qcloud.com/v2/index.php?"));
/// // … send `request` with any HTTP client, then:
/// let response = http::Response::new(br#"{"code":0,"message":"No Error"}"#.to_vec());
/// assert_eq!(check.decode_response(&response)?, CheckVerdict::Pass);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct Config {
    credential: Credential,
    endpoint: Endpoint,
    region: String,
    signature_method: SignatureMethod,
    http_method: HttpMethod,
    request_client: Option<String>,
}

impl Config {
    /// Defaults: Tencent's endpoint, region `gz`, HMAC-SHA1, GET, `RequestClient` on.
    pub fn new(credential: Credential) -> Self {
        Self {
            credential,
            endpoint: Endpoint::default(),
            region: DEFAULT_REGION.to_owned(),
            signature_method: SignatureMethod::default(),
            http_method: HttpMethod::default(),
            request_client: Some(REQUEST_CLIENT.to_owned()),
        }
    }

    /// Sends to another endpoint (e.g. a local emulator).
    pub fn with_endpoint(mut self, endpoint: Endpoint) -> Self {
        self.endpoint = endpoint;
        self
    }

    /// The `Region` parameter (checked when encoding: non-empty, no whitespace).
    pub fn with_region(mut self, region: impl Into<String>) -> Self {
        self.region = region.into();
        self
    }

    /// HMAC-SHA1 (default) or HMAC-SHA256.
    pub fn with_signature_method(mut self, method: SignatureMethod) -> Self {
        self.signature_method = method;
        self
    }

    /// GET (default) or POST.
    pub fn with_http_method(mut self, method: HttpMethod) -> Self {
        self.http_method = method;
        self
    }

    /// The `RequestClient` value, or `None` to send none (the published vectors have none).
    /// A custom value may use `0-9 a-z A-Z - _ , ; .` and at most 128 characters.
    pub fn with_request_client(mut self, value: Option<&str>) -> Self {
        self.request_client = value.map(str::to_owned);
        self
    }

    /// The credential.
    pub fn credential(&self) -> &Credential {
        &self.credential
    }

    /// The endpoint.
    pub fn endpoint(&self) -> &Endpoint {
        &self.endpoint
    }

    /// The region.
    pub fn region(&self) -> &str {
        &self.region
    }

    /// The signature method.
    pub fn signature_method(&self) -> SignatureMethod {
        self.signature_method
    }

    /// The HTTP method.
    pub fn http_method(&self) -> HttpMethod {
        self.http_method
    }

    /// The `RequestClient` value, if one is sent.
    pub fn request_client(&self) -> Option<&str> {
        self.request_client.as_deref()
    }

    /// Every parameter of the request (action's and common ones) in signing order, unsigned.
    pub fn params<A: Action + ?Sized>(
        &self,
        action: &A,
        stamp: Stamp,
    ) -> Result<Params, EncodeError> {
        let mut params = Params::with_capacity(24, 384);
        action.write_params(&mut params)?;
        let name = action.name();
        if name.is_empty() {
            return Err(EncodeError::EmptyField { field: "Action" });
        }
        check_word("Region", &self.region)?;
        params.push_str("Action", name)?;
        params.push_str("Region", &self.region)?;
        params.push_u64("Timestamp", stamp.timestamp())?;
        params.push_u64("Nonce", stamp.nonce())?;
        params.push_str("SecretId", self.credential.secret_id().as_str())?;
        if self.signature_method == SignatureMethod::HmacSha256 {
            params.push_str("SignatureMethod", self.signature_method.as_str())?;
        }
        if let Some(token) = self.credential.token() {
            params.push_str("Token", token.expose_secret())?;
        }
        if let Some(client) = &self.request_client {
            check_request_client(client)?;
            params.push_str("RequestClient", client)?;
        }
        params.sort_for_signing();
        Ok(params)
    }

    /// The string to sign for `action` at `stamp` (debugging, golden tests, `sign --string-to-sign`).
    pub fn string_to_sign<A: Action + ?Sized>(
        &self,
        action: &A,
        stamp: Stamp,
    ) -> Result<String, EncodeError> {
        let params = self.params(action, stamp)?;
        Ok(self.string_to_sign_of(&params))
    }

    /// `v1::string_to_sign` for parameters already in signing order, copying each stored
    /// `key=value` in one piece.
    fn string_to_sign_of(&self, params: &Params) -> String {
        let (method, host, path) = (
            self.http_method.as_str(),
            self.endpoint.host(),
            self.endpoint.path(),
        );
        let len = method.len() + host.len() + path.len() + 1 + params.text_len() + params.len();
        let mut out = String::with_capacity(len);
        out.push_str(method);
        out.push_str(host);
        out.push_str(path);
        out.push('?');
        for (i, pair) in params.pairs().enumerate() {
            if i > 0 {
                out.push('&');
            }
            let key = pair.key();
            if key.bytes().any(|b| b == b'_') {
                out.extend(signing_key_bytes(key).map(char::from));
                out.push_str(&pair.text[key.len()..]);
            } else {
                out.push_str(pair.text);
            }
        }
        out
    }

    /// Encodes and signs `action` into a request ready for any HTTP client.
    ///
    /// GET puts every parameter in the query; POST puts them in a form body and leaves the
    /// query empty. Values are signed raw and percent-encoded (RFC 3986) exactly once.
    pub fn encode<A: Action + ?Sized>(
        &self,
        action: &A,
        stamp: Stamp,
    ) -> Result<Request<Vec<u8>>, EncodeError> {
        let params = self.params(action, stamp)?;
        let text = self.string_to_sign_of(&params);
        let signature = v1::sign(self.credential.secret_key(), self.signature_method, &text);
        let signature = signature.expose_secret();
        let base = self.endpoint.as_str();
        let invalid = |reason| EncodeError::InvalidEndpoint {
            url: base.to_owned(),
            reason,
        };
        // Room for the worst case (every byte escaped), so the buffer never grows.
        let form_len =
            3 * (params.text_len() + v1::SIGNATURE.len() + 1 + signature.len()) + params.len();
        let mut request = match self.http_method {
            HttpMethod::Get => {
                let mut uri = Vec::with_capacity(base.len() + 1 + form_len);
                uri.extend_from_slice(base.as_bytes());
                uri.push(b'?');
                write_form(&mut uri, &params, signature);
                let mut request = Request::new(Vec::new());
                *request.uri_mut() =
                    Uri::try_from(uri).map_err(|_| invalid("cannot form a request URI"))?;
                request
            }
            HttpMethod::Post => {
                let mut body = Vec::with_capacity(form_len);
                write_form(&mut body, &params, signature);
                let mut request = Request::new(body);
                *request.uri_mut() =
                    Uri::try_from(base).map_err(|_| invalid("cannot form a request URI"))?;
                request
                    .headers_mut()
                    .insert(CONTENT_TYPE, HeaderValue::from_static(FORM_CONTENT_TYPE));
                request
            }
        };
        *request.method_mut() = match self.http_method {
            HttpMethod::Get => Method::GET,
            HttpMethod::Post => Method::POST,
        };
        Ok(request)
    }
}

/// Appends every parameter and then the signature as `key=value` pairs joined by `&`.
fn write_form(out: &mut Vec<u8>, params: &Params, signature: &str) {
    for pair in params.pairs() {
        push_encoded(out, pair.key());
        out.push(b'=');
        push_encoded(out, pair.value());
        out.push(b'&');
    }
    push_encoded(out, v1::SIGNATURE);
    out.push(b'=');
    push_encoded(out, signature);
}

/// Appends `text` percent-encoded per RFC 3986: every byte but `A–Z a–z 0–9 - _ . ~`
/// becomes `%XX` (upper-case hex; a space is `%20`). Unreserved runs are copied whole.
fn push_encoded(out: &mut Vec<u8>, text: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut rest = text.as_bytes();
    loop {
        let run = unreserved_run(rest);
        out.extend_from_slice(&rest[..run]);
        let Some(&byte) = rest.get(run) else {
            return;
        };
        out.extend_from_slice(&[
            b'%',
            HEX[usize::from(byte >> 4)],
            HEX[usize::from(byte & 0xf)],
        ]);
        rest = &rest[run + 1..];
    }
}

/// Length of the leading run of `bytes` that needs no escaping. Looks at 8 bytes per step
/// without a branch per byte (most values need no escape at all).
fn unreserved_run(bytes: &[u8]) -> usize {
    let unreserved = |b: &u8| UNRESERVED[usize::from(*b)];
    let mut run = 0;
    for chunk in bytes.chunks_exact(8) {
        if !chunk.iter().fold(true, |all, b| all & unreserved(b)) {
            break;
        }
        run += 8;
    }
    let tail = &bytes[run..];
    run + tail
        .iter()
        .position(|b| !unreserved(b))
        .unwrap_or(tail.len())
}

/// The bytes RFC 3986 leaves as they are: `A–Z a–z 0–9 - _ . ~`.
const UNRESERVED: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte < table.len() {
        let b = byte as u8;
        table[byte] = b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~');
        byte += 1;
    }
    table
};

/// Region and similar identifiers: non-empty, no whitespace or control characters.
fn check_word(field: &'static str, value: &str) -> Result<(), EncodeError> {
    if value.is_empty() {
        return Err(EncodeError::EmptyField { field });
    }
    if value.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(EncodeError::InvalidValue {
            field,
            reason: "must not contain whitespace or control characters",
        });
    }
    Ok(())
}

fn check_request_client(value: &str) -> Result<(), EncodeError> {
    let allowed =
        |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b',' | b';' | b'.');
    if value.is_empty() {
        Err(EncodeError::EmptyField {
            field: "RequestClient",
        })
    } else if value.len() > 128 || !value.bytes().all(allowed) {
        Err(EncodeError::InvalidValue {
            field: "RequestClient",
            reason: "use at most 128 of 0-9 a-z A-Z - _ , ; .",
        })
    } else {
        Ok(())
    }
}
