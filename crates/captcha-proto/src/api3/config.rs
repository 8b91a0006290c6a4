//! [`Api3Config`]: credential, endpoint, region and language of API 3.0 calls; turns a
//! [`Api3Action`] into a signed `http::Request`.

use std::fmt;
use std::str::FromStr;

use http::header::{CONTENT_TYPE, HOST, HeaderName, HeaderValue};
use http::{Method, Request};

use super::action::Api3Action;
use crate::api2::REQUEST_CLIENT;
use crate::credential::Credential;
use crate::endpoint::Endpoint;
use crate::error::EncodeError;
use crate::stamp::Stamp;
use crate::tc3;

/// The captcha API 3.0 endpoint (mainland China site).
pub(crate) const CHINA_ENDPOINT: &str = "https://captcha.tencentcloudapi.com/";
/// The captcha API 3.0 endpoint of the international site (tencentcloud.com).
pub(crate) const INTERNATIONAL_ENDPOINT: &str = "https://captcha.intl.tencentcloudapi.com/";
/// The only content type sent, byte for byte: the signature covers it, and a client that
/// rewrites it (adds or drops the charset) breaks the signature.
pub(crate) const JSON_CONTENT_TYPE: &str = "application/json; charset=utf-8";
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
#[derive(Debug, Clone)]
pub struct Api3Config {
    credential: Credential,
    endpoint: Endpoint,
    region: Option<String>,
    language: Option<Language>,
    request_client: Option<String>,
}

impl Api3Config {
    /// The China endpoint (`https://captcha.tencentcloudapi.com/`), no region, no language,
    /// `X-TC-RequestClient` identifying this SDK.
    pub fn new(credential: Credential) -> Self {
        Self {
            credential,
            endpoint: china_endpoint(),
            region: None,
            language: None,
            request_client: Some(REQUEST_CLIENT.to_owned()),
        }
    }

    /// Like [`Api3Config::new`], on the international site
    /// (`https://captcha.intl.tencentcloudapi.com/`).
    pub fn international(credential: Credential) -> Self {
        Self::new(credential).with_endpoint(international_endpoint())
    }

    /// Sends to another endpoint (e.g. a local emulator `http://127.0.0.1:PORT/`).
    pub fn with_endpoint(mut self, endpoint: Endpoint) -> Self {
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
        let action_name = header_word("X-TC-Action", action.name())?;
        let version = header_word("X-TC-Version", action.version())?;
        let payload = action.payload()?;
        let invalid_endpoint = |reason| EncodeError::InvalidEndpoint {
            url: self.endpoint.as_str().chars().take(200).collect(),
            reason,
        };
        let host = HeaderValue::from_str(self.endpoint.host())
            .map_err(|_| invalid_endpoint("the host is not a valid header value"))?;
        let mut builder = Request::builder()
            .method(Method::POST)
            .uri(self.endpoint.as_str())
            .header(HOST, host)
            .header(CONTENT_TYPE, HeaderValue::from_static(JSON_CONTENT_TYPE))
            .header(ACTION_HEADER, action_name)
            .header(VERSION_HEADER, version);
        if let Some(region) = &self.region {
            builder = builder.header(REGION_HEADER, header_word("X-TC-Region", region)?);
        }
        if let Some(language) = self.language {
            builder = builder.header(LANGUAGE_HEADER, HeaderValue::from_static(language.as_str()));
        }
        if let Some(client) = &self.request_client {
            check_request_client(client)?;
            builder = builder.header(
                REQUEST_CLIENT_HEADER,
                header_word("X-TC-RequestClient", client)?,
            );
        }
        builder
            .body(payload)
            .map_err(|_| invalid_endpoint("cannot form a request URI"))
    }

    /// Encodes and signs `action` at `stamp` (only its timestamp is used: TC3 has no nonce).
    /// POST to the endpoint, JSON body, `Content-Type: application/json; charset=utf-8`,
    /// `Host`, `X-TC-Action`, `X-TC-Version`, `X-TC-Timestamp`, `Authorization`, and when
    /// set `X-TC-Region`, `X-TC-Language`, `X-TC-RequestClient`, `X-TC-Token`.
    pub fn encode<A: Api3Action + ?Sized>(
        &self,
        action: &A,
        stamp: Stamp,
    ) -> Result<Request<Vec<u8>>, EncodeError> {
        let mut request = self.unsigned(action)?;
        tc3::sign_request(
            &mut request,
            &self.credential,
            action.service(),
            stamp.timestamp(),
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
