//! [`Api3Config`]: credential, endpoint, region and language of API 3.0 calls; turns a
//! [`Api3Action`] into a signed `http::Request`.

use std::fmt;
use std::str::FromStr;

use http::header::{CONTENT_TYPE, HOST, HeaderMap, HeaderName, HeaderValue};
use http::{Method, Request};

use super::action::Api3Action;
use super::catalog::CAPTCHA_ACTIONS;
use super::describe::CAPTCHA_VERSION;
use super::flatten::flatten_payload;
use super::signature::Api3Signature;
use crate::api2::{FORM_CONTENT_TYPE, HttpMethod, REQUEST_CLIENT};
use crate::credential::Credential;
use crate::endpoint::Endpoint;
use crate::error::EncodeError;
use crate::params::compare_signing_keys;
use crate::stamp::Stamp;
use crate::v1::{self, SignatureMethod};
use crate::{tc3, wire};

/// The captcha API 3.0 endpoint (mainland China site).
pub(crate) const CHINA_ENDPOINT: &str = "https://captcha.tencentcloudapi.com/";
/// The captcha API 3.0 endpoint of the international site (tencentcloud.com).
pub(crate) const INTERNATIONAL_ENDPOINT: &str = "https://captcha.intl.tencentcloudapi.com/";
/// The only content type sent, byte for byte: the signature covers it, and a client that
/// rewrites it (adds or drops the charset) breaks the signature.
pub(crate) const JSON_CONTENT_TYPE: &str = "application/json; charset=utf-8";
/// [`JSON_CONTENT_TYPE`] as a header value, checked when compiling.
const JSON_CONTENT_TYPE_VALUE: HeaderValue = HeaderValue::from_static(JSON_CONTENT_TYPE);
/// [`FORM_CONTENT_TYPE`] as a header value, checked when compiling.
const FORM_CONTENT_TYPE_VALUE: HeaderValue = HeaderValue::from_static(FORM_CONTENT_TYPE);
/// `X-TC-Action`.
pub const ACTION_HEADER: HeaderName = HeaderName::from_static("x-tc-action");
/// `X-TC-Version`.
pub const VERSION_HEADER: HeaderName = HeaderName::from_static("x-tc-version");
/// `X-TC-Region` (not needed by `DescribeCaptchaResult`).
pub(crate) const REGION_HEADER: HeaderName = HeaderName::from_static("x-tc-region");
/// `X-TC-Language`.
pub(crate) const LANGUAGE_HEADER: HeaderName = HeaderName::from_static("x-tc-language");
/// `X-TC-RequestClient`: which SDK sent the call.
pub(crate) const REQUEST_CLIENT_HEADER: HeaderName = HeaderName::from_static("x-tc-requestclient");

/// The language of messages in responses (`X-TC-Language`).
///
/// ```
/// use captcha_proto::api3::Language;
/// assert_eq!("en-US".parse::<Language>()?, Language::EnUs);
/// assert_eq!(Language::ZhCn.as_str(), "zh-CN");
/// # Ok::<(), captcha_proto::EncodeError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Language {
    /// `zh-CN`, simplified Chinese (the server's default).
    ZhCn,
    /// `en-US`, English.
    EnUs,
}

impl Language {
    /// The header value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ZhCn => "zh-CN",
            Self::EnUs => "en-US",
        }
    }
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Language {
    type Err = EncodeError;

    /// `zh-CN` or `en-US`, in any letter case.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.eq_ignore_ascii_case("zh-CN") {
            Ok(Self::ZhCn)
        } else if s.eq_ignore_ascii_case("en-US") {
            Ok(Self::EnUs)
        } else {
            Err(EncodeError::InvalidValue {
                field: "X-TC-Language",
                reason: "must be zh-CN or en-US",
            })
        }
    }
}

/// Everything needed to sign API 3.0 requests, apart from the time.
///
/// The request goes to the endpoint's URL and is signed for its bare host (no scheme, no
/// port; also sent as `Host`), so an endpoint on a local emulator such as
/// `http://127.0.0.1:8080/` signs for `127.0.0.1`.
///
/// ```
/// use captcha_proto::{Credential, Endpoint, Stamp, api3::{DescribeCaptchaResult, Api3Action, Api3Config}};
/// let credential = Credential::new("AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE", "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE")?;
/// let config = Api3Config::new(credential).with_endpoint("http://127.0.0.1:8080/".parse::<Endpoint>()?);
/// let action = DescribeCaptchaResult::new("t03ticket", "@Vki", "203.0.113.7".parse()?, 199999164, "app-secret");
/// let request = config.encode(&action, Stamp::new(1_700_000_000, 1)?)?;
/// assert_eq!(request.headers()["host"], "127.0.0.1");
/// assert_eq!(request.headers()["content-type"], "application/json; charset=utf-8");
/// // … send it, then:
/// let body = br#"{"Response":{"CaptchaCode":1,"CaptchaMsg":"OK","RequestId":"r-1"}}"#;
/// assert!(action.decode(http::StatusCode::OK, body)?.is_pass());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// The official SDKs' other modes are one setter away: TC3 over GET (the payload
/// flattened into the query), and the older v1 signature (`HmacSHA1`, `HmacSHA256`) over a
/// POST form body or a GET query:
///
/// ```
/// use captcha_proto::{Credential, HttpMethod, Stamp, api3::{Api3Config, Api3Signature, DescribeCaptchaResult}};
/// let credential = Credential::new("AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE", "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE")?;
/// let action = DescribeCaptchaResult::new("t03ticket", "@Vki", "203.0.113.7".parse()?, 199999164, "app-secret");
/// let stamp = Stamp::new(1_700_000_000, 42)?;
///
/// let tc3_get = Api3Config::new(credential.clone()).with_http_method(HttpMethod::Get);
/// let request = tc3_get.encode(&action, stamp)?;
/// assert_eq!(request.method(), http::Method::GET);
/// assert!(request.uri().query().unwrap().contains("Ticket=t03ticket"));
/// assert!(request.headers().contains_key("authorization"));
///
/// let v1_post = Api3Config::new(credential)
///     .with_signature(Api3Signature::HmacSha256)
///     .with_request_client(None);
/// let request = v1_post.encode(&action, stamp)?;
/// let body = std::str::from_utf8(request.body())?;
/// assert!(body.contains("&Action=DescribeCaptchaResult&Nonce=42&Timestamp=1700000000&Version=2019-07-22&"));
/// assert!(body.contains("&SignatureMethod=HmacSHA256&Signature="));
/// assert_eq!(request.headers()["content-type"], "application/x-www-form-urlencoded");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// A config keeps the TC3 signing key of the day it last signed for (derived from the
/// SecretKey, the UTC date and the service: three HMACs that change once a day), so that a
/// call spends one HMAC on its signature. The kept key is used only for the secret it was
/// derived from: each call compares the credential's SecretKey with it, and a config whose
/// credential changes (a new key pair, refreshed temporary keys) derives the new key on
/// its next call. It never shows in `Debug`; a clone starts without one.
#[derive(Debug, Clone)]
pub struct Api3Config {
    credential: Credential,
    endpoint: Endpoint,
    region: Option<String>,
    language: Option<Language>,
    request_client: Option<String>,
    http_method: HttpMethod,
    signature: Api3Signature,
    /// `Host`, made once from the endpoint (`None` if the host is no valid header value:
    /// refused when encoding).
    host_header: Option<HeaderValue>,
    /// `X-TC-RequestClient`, made once (`None` when none is sent or the value is refused).
    request_client_header: Option<HeaderValue>,
    /// The TC3 signing key of the last secret, date and service signed for.
    keys: tc3::KeyCache,
}

impl Api3Config {
    /// The China endpoint (`https://captcha.tencentcloudapi.com/`), no region, no language,
    /// `X-TC-RequestClient` identifying this SDK.
    pub fn new(credential: Credential) -> Self {
        let endpoint = china_endpoint();
        Self {
            credential,
            host_header: host_header(&endpoint),
            endpoint,
            region: None,
            language: None,
            request_client: Some(REQUEST_CLIENT.to_owned()),
            request_client_header: request_client_header(Some(REQUEST_CLIENT)),
            http_method: HttpMethod::Post,
            signature: Api3Signature::Tc3,
            keys: tc3::KeyCache::default(),
        }
    }

    /// Like [`Api3Config::new`], on the international site
    /// (`https://captcha.intl.tencentcloudapi.com/`).
    pub fn international(credential: Credential) -> Self {
        Self::new(credential).with_endpoint(international_endpoint())
    }

    /// Sends to another endpoint (e.g. a local emulator `http://127.0.0.1:PORT/`).
    pub fn with_endpoint(mut self, endpoint: Endpoint) -> Self {
        self.host_header = host_header(&endpoint);
        self.endpoint = endpoint;
        self
    }

    /// Sends `X-TC-Region` (checked when encoding: non-empty, no whitespace). Not needed
    /// by `DescribeCaptchaResult`.
    pub fn with_region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// Sends `X-TC-Language`.
    pub fn with_language(mut self, language: Language) -> Self {
        self.language = Some(language);
        self
    }

    /// The `X-TC-RequestClient` value, or `None` to send none. A custom value may use
    /// `0-9 a-z A-Z - _ , ; .` and at most 128 characters.
    pub fn with_request_client(mut self, value: Option<&str>) -> Self {
        self.request_client = value.map(str::to_owned);
        self.request_client_header = request_client_header(value);
        self
    }

    /// POST (the default) or GET. With TC3, POST sends the JSON payload and GET its
    /// flattened parameters in the query (`Tags.0.Key=a`); with v1, POST sends every
    /// parameter in a form body and GET in the query.
    pub fn with_http_method(mut self, method: HttpMethod) -> Self {
        self.http_method = method;
        self
    }

    /// TC3-HMAC-SHA256 (the default) or the v1 signature with HMAC-SHA1 or HMAC-SHA256.
    pub fn with_signature(mut self, signature: Api3Signature) -> Self {
        self.signature = signature;
        self
    }

    /// The HTTP method.
    pub fn http_method(&self) -> HttpMethod {
        self.http_method
    }

    /// The signature.
    pub fn signature(&self) -> Api3Signature {
        self.signature
    }

    /// Signs with `credential` instead (a refreshed temporary credential), every other
    /// setting kept. The signing key kept for the previous credential is dropped with it.
    pub fn with_credential(mut self, credential: Credential) -> Self {
        self.credential = credential;
        self.keys = tc3::KeyCache::default();
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

    /// The region, if one is sent.
    pub fn region(&self) -> Option<&str> {
        self.region.as_deref()
    }

    /// The language, if one is sent.
    pub fn language(&self) -> Option<Language> {
        self.language
    }

    /// The `X-TC-RequestClient` value, if one is sent.
    pub fn request_client(&self) -> Option<&str> {
        self.request_client.as_deref()
    }

    /// The request for `action`, with every header but the signature ones (`Authorization`,
    /// `X-TC-Timestamp`, `X-TC-Token`).
    fn unsigned<A: Api3Action + ?Sized>(
        &self,
        action: &A,
    ) -> Result<Request<Vec<u8>>, EncodeError> {
        tc3::check_service(action.service())?;
        let action_name = known_word("X-TC-Action", action.name(), &CAPTCHA_ACTIONS)?;
        let version = known_word("X-TC-Version", action.version(), &[CAPTCHA_VERSION])?;
        let payload = action.payload()?;
        let invalid_endpoint = |reason| EncodeError::InvalidEndpoint {
            url: self.endpoint.as_str().chars().take(200).collect(),
            reason,
        };
        let host = self
            .host_header
            .clone()
            .ok_or_else(|| invalid_endpoint("the host is not a valid header value"))?;
        let (method, uri, content_type, body) = match self.http_method {
            HttpMethod::Post => (
                Method::POST,
                self.endpoint.uri(),
                JSON_CONTENT_TYPE_VALUE,
                payload,
            ),
            HttpMethod::Get => {
                let pairs = flatten_payload(&payload)?;
                let query = encode_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
                (
                    Method::GET,
                    self.uri_with_query(query)?,
                    FORM_CONTENT_TYPE_VALUE,
                    Vec::new(),
                )
            }
        };
        // Room for every header of the request, those of the signature included.
        let mut headers = HeaderMap::with_capacity(MAX_HEADERS);
        headers.insert(HOST, host);
        headers.insert(CONTENT_TYPE, content_type);
        headers.insert(ACTION_HEADER, action_name);
        headers.insert(VERSION_HEADER, version);
        if let Some(region) = &self.region {
            headers.insert(REGION_HEADER, header_word("X-TC-Region", region)?);
        }
        if let Some(language) = self.language {
            headers.insert(LANGUAGE_HEADER, HeaderValue::from_static(language.as_str()));
        }
        if let Some(client) = &self.request_client {
            let value = match &self.request_client_header {
                Some(value) => value.clone(),
                None => {
                    check_request_client(client)?;
                    header_word("X-TC-RequestClient", client)?
                }
            };
            headers.insert(REQUEST_CLIENT_HEADER, value);
        }
        let mut request = Request::new(body);
        *request.method_mut() = method;
        *request.uri_mut() = uri;
        *request.headers_mut() = headers;
        Ok(request)
    }

    /// The endpoint's URI with `query` (already encoded) after its path and `?`.
    fn uri_with_query(&self, query: Vec<u8>) -> Result<http::Uri, EncodeError> {
        if query.len() > MAX_GET_BYTES {
            return Err(EncodeError::InvalidValue {
                field: "query",
                reason: "longer than the 32 KiB a GET request may carry; send it with POST",
            });
        }
        let mut path_and_query = Vec::with_capacity(self.endpoint.path().len() + 1 + query.len());
        path_and_query.extend_from_slice(self.endpoint.path().as_bytes());
        path_and_query.push(b'?');
        path_and_query.extend_from_slice(&query);
        self.endpoint.uri_with(path_and_query)
    }

    /// Encodes `action` with the v1 signature: the flattened payload, then the common
    /// parameters in the order the Python SDK adds them, then `Signature`.
    fn encode_v1<A: Api3Action + ?Sized>(
        &self,
        action: &A,
        stamp: Stamp,
        method: SignatureMethod,
    ) -> Result<Request<Vec<u8>>, EncodeError> {
        let action_name = header_word("Action", action.name())?;
        let version = header_word("Version", action.version())?;
        let mut pairs = flatten_payload(&action.payload()?)?;
        for (key, _) in &pairs {
            if V1_COMMON_PARAMETERS
                .iter()
                .any(|common| compare_signing_keys(key, common).is_eq())
            {
                return Err(EncodeError::ReservedParameter { name: key.clone() });
            }
        }
        let mut owned = |key: &str, value: &str| pairs.push((key.to_owned(), value.to_owned()));
        owned("Action", action_name.to_str().expect("checked ASCII"));
        if let Some(client) = &self.request_client {
            check_request_client(client)?;
            owned("RequestClient", client);
        }
        owned("Nonce", &stamp.nonce().to_string());
        owned("Timestamp", &stamp.timestamp().to_string());
        owned("Version", version.to_str().expect("checked ASCII"));
        if let Some(region) = &self.region {
            header_word("Region", region)?;
            owned("Region", region);
        }
        if let Some(token) = self.credential.token() {
            owned("Token", token.expose_secret());
        }
        owned("SecretId", self.credential.secret_id().as_str());
        owned("SignatureMethod", method.as_str());
        if let Some(language) = self.language {
            owned("Language", language.as_str());
        }
        let mut keys: Vec<&str> = pairs.iter().map(|(k, _)| k.as_str()).collect();
        keys.sort_by(|a, b| compare_signing_keys(a, b));
        if let Some(w) = keys
            .windows(2)
            .find(|w| compare_signing_keys(w[0], w[1]).is_eq())
        {
            return Err(EncodeError::DuplicateParameter {
                name: w[1].to_owned(),
            });
        }
        let http_method = self.http_method.as_str();
        let host = self.endpoint.host();
        let as_strs = pairs.iter().map(|(k, v)| (k.as_str(), v.as_str()));
        let text = v1::string_to_sign(http_method, host, self.endpoint.path(), as_strs.clone());
        let signature = v1::sign(self.credential.secret_key(), method, &text);
        let mut form = encode_pairs(as_strs);
        form.push(b'&');
        form.extend_from_slice(v1::SIGNATURE.as_bytes());
        form.push(b'=');
        wire::push_encoded_base64(&mut form, signature.base64());
        let invalid_host = || EncodeError::InvalidEndpoint {
            url: self.endpoint.as_str().chars().take(200).collect(),
            reason: "the host is not a valid header value",
        };
        let host = HeaderValue::from_str(host).map_err(|_| invalid_host())?;
        let mut request = match self.http_method {
            HttpMethod::Post => {
                let mut request = Request::new(form);
                *request.method_mut() = Method::POST;
                *request.uri_mut() = self.endpoint.uri();
                request
            }
            HttpMethod::Get => {
                let mut request = Request::new(Vec::new());
                *request.uri_mut() = self.uri_with_query(form)?;
                request
            }
        };
        let headers = request.headers_mut();
        headers.insert(HOST, host);
        headers.insert(CONTENT_TYPE, HeaderValue::from_static(FORM_CONTENT_TYPE));
        Ok(request)
    }

    /// Encodes and signs `action` at `stamp`.
    ///
    /// TC3 (only the timestamp is used: TC3 has no nonce): `Host`, `X-TC-Action`,
    /// `X-TC-Version`, `X-TC-Timestamp`, `Authorization`, and when set `X-TC-Region`,
    /// `X-TC-Language`, `X-TC-RequestClient`, `X-TC-Token`; POST sends the JSON body with
    /// `Content-Type: application/json; charset=utf-8`, GET the flattened payload in the
    /// query with `Content-Type: application/x-www-form-urlencoded` and an empty body.
    ///
    /// v1 (`HmacSHA1`, `HmacSHA256`): `Host` and `Content-Type:
    /// application/x-www-form-urlencoded`; the flattened payload, `Action`,
    /// `RequestClient`, `Nonce`, `Timestamp`, `Version`, and when set `Region`, `Token`,
    /// then `SecretId`, `SignatureMethod`, `Language` and `Signature` go in the form body
    /// (POST) or the query (GET). A payload key that is one of these is refused.
    ///
    /// Flattened values are percent-encoded per RFC 3986 (a space is `%20`).
    pub fn encode<A: Api3Action + ?Sized>(
        &self,
        action: &A,
        stamp: Stamp,
    ) -> Result<Request<Vec<u8>>, EncodeError> {
        if let Some(method) = self.signature.v1_method() {
            return self.encode_v1(action, stamp, method);
        }
        let mut request = self.unsigned(action)?;
        tc3::sign_request_cached(
            &mut request,
            &self.credential,
            action.service(),
            stamp.timestamp(),
            &self.keys,
        )?;
        Ok(request)
    }
}

/// [`CHINA_ENDPOINT`] as an [`Endpoint`].
pub(crate) fn china_endpoint() -> Endpoint {
    CHINA_ENDPOINT.parse().expect("a valid URL")
}

/// The international site, `https://captcha.intl.tencentcloudapi.com/`, as an [`Endpoint`].
///
/// ```
/// assert_eq!(captcha_proto::api3::international_endpoint().host(), "captcha.intl.tencentcloudapi.com");
/// ```
pub fn international_endpoint() -> Endpoint {
    INTERNATIONAL_ENDPOINT.parse().expect("a valid URL")
}

/// The parameters v1 adds to a call, which a payload may not hold.
const V1_COMMON_PARAMETERS: [&str; 11] = [
    "Action",
    "RequestClient",
    "Nonce",
    "Timestamp",
    "Version",
    "Region",
    "Token",
    "SecretId",
    "SignatureMethod",
    "Language",
    v1::SIGNATURE,
];

/// The most headers a TC3 request carries: `Host`, `Content-Type`, `X-TC-Action`,
/// `X-TC-Version`, `X-TC-Region`, `X-TC-Language`, `X-TC-RequestClient`, and the
/// signature's `X-TC-Timestamp`, `Authorization` and `X-TC-Token`.
const MAX_HEADERS: usize = 10;

/// `Host` for `endpoint`, if its host is a valid header value.
fn host_header(endpoint: &Endpoint) -> Option<HeaderValue> {
    HeaderValue::from_str(endpoint.host()).ok()
}

/// `X-TC-RequestClient` for `value`, if it is sent and allowed.
fn request_client_header(value: Option<&str>) -> Option<HeaderValue> {
    let value = value?;
    check_request_client(value).ok()?;
    header_word("X-TC-RequestClient", value).ok()
}

/// The most a GET request's query may hold.
const MAX_GET_BYTES: usize = 32 * 1024;

/// `key=value` pairs in their order, joined by `&`, keys and values percent-encoded.
fn encode_pairs<'a>(pairs: impl Iterator<Item = (&'a str, &'a str)>) -> Vec<u8> {
    let mut out = Vec::new();
    for (i, (key, value)) in pairs.enumerate() {
        if i > 0 {
            out.push(b'&');
        }
        wire::push_encoded(&mut out, key);
        out.push(b'=');
        wire::push_encoded(&mut out, value);
    }
    out
}

/// [`header_word`], taken without a copy from `known` when it is one of those words (the
/// names and version of this crate's actions).
fn known_word(
    field: &'static str,
    value: &str,
    known: &[&'static str],
) -> Result<HeaderValue, EncodeError> {
    match known.iter().find(|word| **word == value) {
        Some(word) => Ok(HeaderValue::from_static(word)),
        None => header_word(field, value),
    }
}

/// A header value that is a single word: non-empty, visible ASCII, no whitespace.
fn header_word(field: &'static str, value: &str) -> Result<HeaderValue, EncodeError> {
    if value.is_empty() {
        return Err(EncodeError::EmptyField { field });
    }
    if !value.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(EncodeError::InvalidValue {
            field,
            reason: "must be visible ASCII without whitespace",
        });
    }
    HeaderValue::from_str(value).map_err(|_| EncodeError::InvalidValue {
        field,
        reason: "is not a valid header value",
    })
}

fn check_request_client(value: &str) -> Result<(), EncodeError> {
    let allowed = |c: char| c.is_ascii_alphanumeric() || "-_,;.".contains(c);
    if value.len() > 128 || !value.chars().all(allowed) {
        return Err(EncodeError::InvalidValue {
            field: "X-TC-RequestClient",
            reason: "use at most 128 of 0-9 a-z A-Z - _ , ; .",
        });
    }
    Ok(())
}
