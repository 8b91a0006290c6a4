//! [`Api3RawAction`]: signs and encodes any Tencent API 3.0 action, not only captcha ones.

use std::fmt;

use http::StatusCode;
use serde_json::{Map, Value};

use super::action::Api3Action;
use super::envelope::{ResponseObject, parse_response};
use crate::error::{EncodeError, ResponseError};
use crate::redact;

/// Any API 3.0 action, by service, version, name and JSON parameters. Decodes to the
/// whole `Response` object once it holds no `Error`.
///
/// ```
/// use captcha_proto::{Credential, Endpoint, Stamp, api3::{Api3RawAction, Api3Config}};
/// let call = Api3RawAction::new("cvm", "2017-03-12", "DescribeInstances").param("Limit", 1);
/// let config = Api3Config::new(Credential::new("AKIDexample", "secret")?)
///     .with_endpoint("https://cvm.tencentcloudapi.com/".parse::<Endpoint>()?)
///     .with_region("ap-guangzhou");
/// let request = config.encode(&call, Stamp::new(1551113065, 1)?)?;
/// assert_eq!(request.headers()["x-tc-region"], "ap-guangzhou");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct Api3RawAction {
    service: String,
    version: String,
    name: String,
    params: Map<String, Value>,
    single_use: bool,
}

impl Api3RawAction {
    /// An action with no parameters yet (body `{}`).
    pub fn new(
        service: impl Into<String>,
        version: impl Into<String>,
        name: impl Into<String>,
    ) -> Self {
        Self {
            service: service.into(),
            version: version.into(),
            name: name.into(),
            params: Map::new(),
            single_use: false,
        }
    }

    /// Sets a top-level JSON parameter (replacing an earlier one of the same name).
    pub fn param(mut self, key: impl Into<String>, value: impl Into<Value>) -> Self {
        self.params.insert(key.into(), value.into());
        self
    }

    /// Replaces all parameters with `params`.
    pub fn with_params(mut self, params: Map<String, Value>) -> Self {
        self.params = params;
        self
    }

    /// Marks the call as spending a one-time proof: transports never send it twice
    /// ([`Api3Action::single_use`] then answers `true`).
    pub fn mark_single_use(mut self) -> Self {
        self.single_use = true;
        self
    }
}

impl fmt::Debug for Api3RawAction {
    /// Shows the parameters with sensitive values (keys, tickets, tokens) masked.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let params = Value::Object(self.params.clone()).to_string();
        f.debug_struct("Api3RawAction")
            .field("service", &self.service)
            .field("version", &self.version)
            .field("name", &self.name)
            .field("params", &redact::mask_values(&params))
            .field("single_use", &self.single_use)
            .finish()
    }
}

impl Api3Action for Api3RawAction {
    type Output = ResponseObject;

    fn service(&self) -> &str {
        &self.service
    }

    fn version(&self) -> &str {
        &self.version
    }

    fn name(&self) -> &str {
        &self.name
    }

    fn payload(&self) -> Result<Vec<u8>, EncodeError> {
        serde_json::to_vec(&self.params).map_err(|_| EncodeError::InvalidValue {
            field: "payload",
            reason: "cannot be serialised as JSON",
        })
    }

    fn decode(&self, status: StatusCode, body: &[u8]) -> Result<ResponseObject, ResponseError> {
        parse_response(status, body)
    }

    fn single_use(&self) -> bool {
        self.single_use
    }
}
