//! [`Api2RawAction`]: signs and encodes any Tencent API 2.0 action, not only captcha ones.

use std::borrow::Cow;

use http::StatusCode;

use super::action::Api2Action;
use super::config::RESERVED_PARAMETERS;
use super::reply::{self, json_reason};
use crate::error::{DecodeError, DecodeErrorKind, EncodeError, ResponseError};
use crate::params::Params;

/// Any API 2.0 action, by name and parameters (e.g. CVM `DescribeInstances` with
/// `instanceIds.0`). Decodes to the whole JSON object once `code` is 0.
///
/// ```
/// use captcha_proto::Api2RawAction;
/// let describe = Api2RawAction::new("DescribeInstances")
///     .param("instanceIds.0", "ins-09dx96dg")
///     .param("limit", "20");
/// ```
#[derive(Clone)]
pub struct Api2RawAction {
    name: String,
    params: Vec<(String, String)>,
    single_use: bool,
}

impl Api2RawAction {
    /// An action with no parameters yet.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            params: Vec::new(),
            single_use: false,
        }
    }

    /// Marks the call as spending a one-time proof (like a ticket): transports will then
    /// never send it twice.
    pub fn mark_single_use(mut self) -> Self {
        self.single_use = true;
        self
    }

    /// Adds a parameter (wire key, raw value). Common parameters are refused at encode time.
    pub fn param(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.params.push((key.into(), value.into()));
        self
    }
}

impl std::fmt::Debug for Api2RawAction {
    /// Shows parameter names, and values of non-sensitive ones only.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let shown: Vec<(&str, &str)> = self
            .params
            .iter()
            .map(|(k, v)| {
                let v = if crate::redact::is_sensitive_name(k) {
                    crate::redact::MASK
                } else {
                    v.as_str()
                };
                (k.as_str(), v)
            })
            .collect();
        f.debug_struct("Api2RawAction")
            .field("name", &self.name)
            .field("params", &shown)
            .finish()
    }
}

impl Api2Action for Api2RawAction {
    type Output = serde_json::Map<String, serde_json::Value>;

    fn name(&self) -> &str {
        &self.name
    }

    fn write_params(&self, params: &mut Params) -> Result<(), EncodeError> {
        for (key, value) in &self.params {
            if RESERVED_PARAMETERS.contains(&key.as_str()) {
                return Err(EncodeError::ReservedParameter { name: key.clone() });
            }
            params.push_str(Cow::Owned(key.clone()), value)?;
        }
        Ok(())
    }

    fn decode(&self, status: StatusCode, body: &[u8]) -> Result<Self::Output, ResponseError> {
        reply::parse_success(status, body)?;
        serde_json::from_slice(body).map_err(|e| {
            DecodeError::new(
                DecodeErrorKind::NotJson {
                    reason: json_reason(&e),
                },
                status,
                body,
            )
            .into()
        })
    }

    fn single_use(&self) -> bool {
        self.single_use
    }
}
