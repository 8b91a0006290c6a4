//! `CaptchaQuery`: the legacy JS-code flow that returns the captcha script itself
//! (docs/protocol.md, "CaptchaQuery").

use std::net::IpAddr;

use http::StatusCode;

use super::action::Api2Action;
use super::enums::CaptchaType;
use super::keys;
use super::reply;
use super::user::{UserInfo, check_not_empty, user_info_setters};
use crate::error::{DecodeError, DecodeErrorKind, EncodeError, ResponseError};
use crate::params::{Params, Value};

/// How [`CaptchaQuery`] returns the script (`script` parameter).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ScriptFormat {
    /// `script=0`: a JSON envelope whose `script` field holds the JavaScript.
    #[default]
    Json,
    /// `script=1`: the body is the JavaScript itself, not JSON.
    JavaScript,
}

/// Fetches the captcha JavaScript (time-limited: fetch it on every page view).
/// Required inputs are constructor arguments.
///
/// ```
/// use captcha_proto::{CaptchaQuery, CaptchaType, ScriptFormat};
/// let query = CaptchaQuery::new("121.14.96.121".parse().unwrap(), CaptchaType::Standard, 1, 1440416972, ScriptFormat::JavaScript);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaptchaQuery {
    captcha_type: CaptchaType,
    script: ScriptFormat,
    call_back: Option<String>,
    user: UserInfo,
}

impl CaptchaQuery {
    /// A query with every required input: `userIp`, `captchaType`, `businessId`,
    /// `registerTime` (UNIX seconds) and `script`.
    pub fn new(
        user_ip: IpAddr,
        captcha_type: CaptchaType,
        business_id: u64,
        register_time: u64,
        script: ScriptFormat,
    ) -> Self {
        Self {
            captcha_type,
            script,
            call_back: None,
            user: UserInfo {
                user_ip: Some(user_ip),
                business_id: Some(business_id),
                register_time: Some(register_time),
                ..UserInfo::default()
            },
        }
    }

    /// Sets `callBack`: the error-callback function name used when `script=1`.
    pub fn call_back(mut self, value: impl Into<String>) -> Self {
        self.call_back = Some(value.into());
        self
    }
}

user_info_setters!(CaptchaQuery);

/// The captcha JavaScript returned by [`CaptchaQuery`].
#[derive(Clone, PartialEq, Eq)]
pub struct CaptchaScript(String);

impl CaptchaScript {
    /// The JavaScript source.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The JavaScript source, owned.
    pub fn into_string(self) -> String {
        self.0
    }
}

impl std::fmt::Debug for CaptchaScript {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "CaptchaScript({} bytes)", self.0.len())
    }
}

impl Api2Action for CaptchaQuery {
    type Output = CaptchaScript;

    fn name(&self) -> &str {
        "CaptchaQuery"
    }

    /// Checked, in signing order.
    fn write_params(&self, params: &mut Params) -> Result<(), EncodeError> {
        let script = match self.script {
            ScriptFormat::Json => 0,
            ScriptFormat::JavaScript => 1,
        };
        check_not_empty(&keys::CALL_BACK, self.call_back.as_deref())?;
        self.user.write(
            params,
            [
                (&keys::CALL_BACK, self.call_back.as_deref().map(Value::Text)),
                (&keys::CAPTCHA_TYPE, Some(self.captcha_type.into())),
                (&keys::SCRIPT, Some(Value::Number(script))),
            ],
        )
    }

    fn decode(&self, status: StatusCode, body: &[u8]) -> Result<CaptchaScript, ResponseError> {
        let missing = || {
            DecodeError::new(
                DecodeErrorKind::MissingField { field: "script" },
                status,
                body,
            )
        };
        match reply::parse_success(status, body) {
            Ok(reply) => reply
                .script
                .map(|s| CaptchaScript(s.into_owned()))
                .ok_or_else(|| missing().into()),
            // With script=1 a successful body is JavaScript, not JSON; refusals stay JSON,
            // so a JSON object that is not a valid envelope is an error, never a script.
            Err(ResponseError::Decode(_))
                if self.script == ScriptFormat::JavaScript
                    && status.is_success()
                    && !is_json_object(body) =>
            {
                let text = std::str::from_utf8(body)
                    .map_err(|_| DecodeError::new(DecodeErrorKind::NotUtf8, status, body))?;
                if text.trim().is_empty() {
                    return Err(missing().into());
                }
                Ok(CaptchaScript(text.to_owned()))
            }
            Err(e) => Err(e),
        }
    }
}

/// True when `body` is a JSON object (parsed as leniently as the envelope parser is).
fn is_json_object(body: &[u8]) -> bool {
    let start = body
        .iter()
        .position(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r'));
    start.is_some_and(|i| body[i] == b'{')
        && serde_json::from_slice::<serde::de::IgnoredAny>(body).is_ok()
}
