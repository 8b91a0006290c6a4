//! [`Api2Config`]: credential, endpoint, region and wire choices; turns an [`Api2Action`] into a
//! signed `http::Request`.

use std::fmt;

use http::header::{CONTENT_TYPE, HeaderValue};
use http::{Method, Request};

use super::action::Api2Action;
use super::template::{CallTemplate, Settings};
use crate::credential::Credential;
use crate::endpoint::Endpoint;
use crate::error::EncodeError;
use crate::params::{ParamKey, Params};
use crate::stamp::Stamp;
use crate::v1::{self, SignatureMethod, Signing};
use crate::wire;

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
/// use captcha_proto::{Api2Action, CaptchaCheck, CaptchaType, CheckVerdict, Api2Config, Credential, Stamp};
/// let config = Api2Config::new(Credential::new("AKIDz8krbsJ5yKBZQpn74WFkmLPx3gnPhESA", "Gu5t9xGARNpq86cd98joQYCN3Cozk1qA")?);
/// let check = CaptchaCheck::new("t03ticket", "127.0.0.1".parse()?, CaptchaType::Slider);
/// let request = config.encode(&check, Stamp::new(1465185768, 11886)?)?;
/// assert!(request.uri().to_string().starts_with("https://csec.api.qcloud.com/v2/index.php?"));
/// // … send `request` with any HTTP client, then:
/// let response = http::Response::new(br#"{"code":0,"message":"No Error"}"#.to_vec());
/// assert_eq!(check.decode_response(&response)?, CheckVerdict::Pass);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct Api2Config {
    credential: Credential,
    endpoint: Endpoint,
    region: String,
    signature_method: SignatureMethod,
    http_method: HttpMethod,
    request_client: Option<String>,
    /// Rebuilt by every setter; an invalid setting waits here for `encode` to report it.
    template: Result<CallTemplate, EncodeError>,
}

impl Api2Config {
    /// Defaults: Tencent's endpoint, region `gz`, HMAC-SHA1, GET, `RequestClient` on.
    pub fn new(credential: Credential) -> Self {
        Self {
            credential,
            endpoint: Endpoint::default(),
            region: DEFAULT_REGION.to_owned(),
            signature_method: SignatureMethod::default(),
            http_method: HttpMethod::default(),
            request_client: Some(REQUEST_CLIENT.to_owned()),
            template: Err(EncodeError::EmptyField { field: "Region" }),
        }
        .prepared()
    }

    /// Sends to another endpoint (e.g. a local emulator).
    pub fn with_endpoint(mut self, endpoint: Endpoint) -> Self {
        self.endpoint = endpoint;
        self.prepared()
    }

    /// Signs with `credential` instead (a refreshed temporary credential), every other
    /// setting kept.
    pub fn with_credential(mut self, credential: Credential) -> Self {
        self.credential = credential;
        self.prepared()
    }

    /// The `Region` parameter (checked when encoding: non-empty, no whitespace).
    pub fn with_region(mut self, region: impl Into<String>) -> Self {
        self.region = region.into();
        self.prepared()
    }

    /// HMAC-SHA1 (default) or HMAC-SHA256.
    pub fn with_signature_method(mut self, method: SignatureMethod) -> Self {
        self.signature_method = method;
        self.prepared()
    }

    /// GET (default) or POST.
    pub fn with_http_method(mut self, method: HttpMethod) -> Self {
        self.http_method = method;
        self.prepared()
    }

    /// The `RequestClient` value, or `None` to send none (the published vectors have none).
    /// A custom value may use `0-9 a-z A-Z - _ , ; .` and at most 128 characters.
    pub fn with_request_client(mut self, value: Option<&str>) -> Self {
        self.request_client = value.map(str::to_owned);
        self.prepared()
    }

    /// Renders the call template for the current settings (the setters are rare, calls
    /// are many).
    fn prepared(mut self) -> Self {
        self.template = CallTemplate::new(&Settings {
            credential: &self.credential,
            endpoint: &self.endpoint,
            region: &self.region,
            signature_method: self.signature_method,
            http_method: self.http_method,
            request_client: self.request_client.as_deref(),
        });
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
    pub fn params<A: Api2Action + ?Sized>(
        &self,
        action: &A,
        stamp: Stamp,
    ) -> Result<Params, EncodeError> {
        let mut params = Params::with_lead("", CALL_BYTES);
        self.write_call_params(&mut params, action, stamp)?;
        Ok(params)
    }

    /// The string to sign for `action` at `stamp` (debugging, golden tests, `sign --string-to-sign`).
    pub fn string_to_sign<A: Api2Action + ?Sized>(
        &self,
        action: &A,
        stamp: Stamp,
    ) -> Result<String, EncodeError> {
        let params = self.params(action, stamp)?;
        let mut signed = self.template()?.signed_prefix.clone().into_bytes();
        wire::write_pairs(&params, &mut signed, &mut Vec::new());
        Ok(String::from_utf8(signed).expect("written from str pieces"))
    }

    /// Encodes and signs `action` into a request ready for any HTTP client.
    ///
    /// GET puts every parameter in the query; POST puts them in a form body and leaves the
    /// query empty. Values are signed raw and percent-encoded (RFC 3986) exactly once.
    pub fn encode<A: Api2Action + ?Sized>(
        &self,
        action: &A,
        stamp: Stamp,
    ) -> Result<Request<Vec<u8>>, EncodeError> {
        let template = self.template()?;
        let mut signing = template.signer.start();
        signing.update(template.signed_prefix.as_bytes());
        let mut form = self.form(action, stamp, template, &mut signing)?;
        let signature = signing.finish();
        form.reserve(3 * SIGNATURE_ROOM);
        form.push(b'&');
        form.extend_from_slice(v1::SIGNATURE.as_bytes());
        form.push(b'=');
        wire::push_encoded_base64(&mut form, signature.base64());
        Ok(match self.http_method {
            HttpMethod::Get => {
                if form.len() > MAX_GET_BYTES {
                    return Err(EncodeError::InvalidValue {
                        field: "query",
                        reason: "longer than the 32 KiB a GET request may carry; send it with POST",
                    });
                }
                let mut request = Request::new(Vec::new());
                *request.uri_mut() = self.endpoint.uri_with(form)?;
                request
            }
            HttpMethod::Post => {
                let mut request = Request::new(form);
                *request.method_mut() = Method::POST;
                *request.uri_mut() = self.endpoint.uri();
                request
                    .headers_mut()
                    .insert(CONTENT_TYPE, HeaderValue::from_static(FORM_CONTENT_TYPE));
                request
            }
        })
    }

    /// The form (GET: path, `?`, query; POST: body), fed to `signing` as the string to sign.
    fn form<A: Api2Action + ?Sized>(
        &self,
        action: &A,
        stamp: Stamp,
        template: &CallTemplate,
        signing: &mut Signing,
    ) -> Result<Vec<u8>, EncodeError> {
        // Written in place: `Params` keeps its entries inline, and a move would copy them.
        let mut params = Params::with_lead(&template.lead, CALL_BYTES);
        self.write_call_params(&mut params, action, stamp)?;
        // When no key needs escaping, the text `params` holds is the string to sign, and
        // escaping its values where they stand makes the form; otherwise it is written
        // pair by pair.
        Ok(match params.signed_text() {
            Some(text) => {
                signing.update(text.as_bytes());
                params.take_escaped_text()
            }
            None => {
                let mut form = Vec::with_capacity(template.lead.len() + 3 * params.text_len());
                form.extend_from_slice(template.lead.as_bytes());
                wire::write_pairs(&params, signing, &mut form);
                form
            }
        })
    }

    /// The checked settings, or the error of the first bad one.
    fn template(&self) -> Result<&CallTemplate, EncodeError> {
        self.template.as_ref().map_err(Clone::clone)
    }

    /// Writes every parameter of the call to the empty `params`, in signing order.
    fn write_call_params<A: Api2Action + ?Sized>(
        &self,
        params: &mut Params,
        action: &A,
        stamp: Stamp,
    ) -> Result<(), EncodeError> {
        let template = self.template()?;
        let name = action.name();
        if name.is_empty() {
            return Err(EncodeError::EmptyField { field: "Action" });
        }
        // Common parameters first, in signing order and ahead of the action's (lower-case)
        // keys, so the sort below usually has nothing to move.
        params.push_str(ACTION, name)?;
        params.push_u64(NONCE, stamp.nonce())?;
        params.extend_from(&template.common_before_timestamp)?;
        params.push_u64(TIMESTAMP, stamp.timestamp())?;
        params.extend_from(&template.common_after_timestamp)?;
        action.write_params(params)?;
        params.sort_for_signing();
        Ok(())
    }
}

impl fmt::Debug for Api2Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Api2Config")
            .field("credential", &self.credential)
            .field("endpoint", &self.endpoint)
            .field("region", &self.region)
            .field("signature_method", &self.signature_method)
            .field("http_method", &self.http_method)
            .field("request_client", &self.request_client)
            .finish_non_exhaustive()
    }
}

/// The common parameters that change with every call.
const ACTION: ParamKey = ParamKey::new("Action");
const NONCE: ParamKey = ParamKey::new("Nonce");
const TIMESTAMP: ParamKey = ParamKey::new("Timestamp");

/// Bytes of the longest signature (base64 of a SHA-256 tag) and its `Signature=`.
const SIGNATURE_ROOM: usize = 44 + v1::SIGNATURE.len() + 1;
/// The most a GET request's path and query may hold (API 2.0 refuses longer ones; the
/// body of a POST may hold 1 MB).
const MAX_GET_BYTES: usize = 32 * 1024;
/// Room for a typical call's parameters (a `CaptchaCheck` takes about 320 bytes) and its
/// signature, so the buffer is allocated once.
const CALL_BYTES: usize = 512;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{CaptchaCheck, CaptchaType};

    fn check() -> CaptchaCheck {
        CaptchaCheck::new("t03*", [127, 0, 0, 1].into(), CaptchaType::Slider)
    }

    /// A query too long for GET is refused naming it and the way out, not blamed on the
    /// endpoint (which is what the `http` crate's length limit would say).
    #[test]
    fn a_query_too_long_for_get_says_so() {
        let config = Api2Config::new(Credential::new("AKIDx", "key").unwrap());
        let stamp = Stamp::new(1_700_000_000, 42).unwrap();
        let long = CaptchaCheck::new(
            "t".repeat(MAX_GET_BYTES),
            [127, 0, 0, 1].into(),
            CaptchaType::Slider,
        );
        match config.encode(&long, stamp) {
            Err(EncodeError::InvalidValue {
                field: "query",
                reason,
            }) => {
                assert!(reason.contains("POST"), "{reason}")
            }
            other => panic!("{other:?}"),
        }
        let post = config.with_http_method(HttpMethod::Post);
        assert!(post.encode(&long, stamp).is_ok());
        let fits = CaptchaCheck::new(
            "t".repeat(MAX_GET_BYTES - 400),
            [127, 0, 0, 1].into(),
            CaptchaType::Slider,
        );
        assert!(
            post.with_http_method(HttpMethod::Get)
                .encode(&fits, stamp)
                .is_ok()
        );
    }

    /// A typed action's parameters follow the common ones, all in signing order.
    #[test]
    fn typed_actions_sign_after_the_common_parameters() {
        let stamp = Stamp::new(1_700_000_000, 42).unwrap();
        let config =
            Api2Config::new(Credential::new("AKIDx", "key").unwrap()).with_request_client(None);
        assert_eq!(
            config.string_to_sign(&check(), stamp).unwrap(),
            "GETcsec.api.qcloud.com/v2/index.php?\
             Action=CaptchaCheck&Nonce=42&Region=gz&SecretId=AKIDx&Timestamp=1700000000\
             &accountType=0&captchaType=9&ticket=t03*&userIp=127.0.0.1"
        );
    }
}
