//! The API 2.0 captcha actions, one file each, behind one dispatch table.

mod check;
mod get_url;
mod iframe_query;
mod query;
mod verify;

use crate::common::{invalid, shorten};
use crate::params::WireParams;
use crate::reply::Reply;
use crate::state::State;

/// What an action handler sees of its request.
pub(crate) struct ActionContext<'a> {
    pub(crate) state: &'a State,
    pub(crate) params: &'a WireParams<'a>,
    /// The host (with port) the client addressed.
    pub(crate) host: &'a str,
    /// The server's own address, for URLs when `host` is unusable.
    pub(crate) local: std::net::SocketAddr,
    /// The server clock at the start of the request.
    pub(crate) now: u64,
}

/// Runs the action named `name`, or `None` when there is no such action.
pub(crate) fn run(name: &str, ctx: &ActionContext<'_>) -> Option<Reply> {
    let result = match name {
        check::NAME => check::run(ctx),
        verify::NAME => verify::run(ctx),
        get_url::NAME => get_url::run(ctx),
        iframe_query::NAME => iframe_query::run(ctx),
        query::NAME => query::run(ctx),
        _ => return None,
    };
    Some(result.unwrap_or_else(|refusal| refusal))
}

impl ActionContext<'_> {
    /// `scheme://host[:port]` as the client reached the server, for URLs handed out.
    pub(crate) fn base_url(&self) -> String {
        crate::incoming::base_url(self.state.https, self.host, self.local)
    }

    /// A required, non-empty parameter of `action` (4000 naming it otherwise).
    pub(crate) fn required(&self, action: &str, name: &str) -> Result<&str, Reply> {
        match self.params.get(name) {
            None => Err(invalid(&format!(
                "{action}: missing required parameter {name}"
            ))),
            Some("") => Err(invalid(&format!(
                "{action}: required parameter {name} is empty"
            ))),
            Some(value) => Ok(value),
        }
    }

    /// A required unsigned integer parameter.
    pub(crate) fn required_uint(&self, action: &str, name: &str) -> Result<u32, Reply> {
        let value = self.required(action, name)?;
        parse_uint(action, name, value)
    }

    /// An optional unsigned integer parameter (absent or empty reads as `None`).
    pub(crate) fn optional_uint(&self, action: &str, name: &str) -> Result<Option<u32>, Reply> {
        match self.params.get(name) {
            None | Some("") => Ok(None),
            Some(value) => parse_uint(action, name, value).map(Some),
        }
    }
}

fn parse_uint(action: &str, name: &str, value: &str) -> Result<u32, Reply> {
    value.parse().map_err(|_| {
        invalid(&format!(
            "{action}: parameter {name} must be an unsigned integer, not {:?}",
            shorten(value)
        ))
    })
}
