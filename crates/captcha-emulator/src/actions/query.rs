//! `CaptchaQuery` (docs/protocol.md, "CaptchaQuery"): the legacy flow that returns the script itself.

use super::ActionContext;
use crate::common::invalid;
use crate::json::JsonObject;
use crate::reply::{NO_ERROR, Reply};
use crate::script::{self, ScriptSpec};

pub(crate) const NAME: &str = "CaptchaQuery";

/// Required: `registerTime`, `userIp`, `captchaType`, `script` (0 or 1), `businessId`.
/// `script=1`: the body is the JavaScript (`application/javascript`); `script=0`: JSON whose
/// `script` field holds it. `callBack`, when given, must be a JavaScript function name.
pub(crate) fn run(ctx: &ActionContext<'_>) -> Result<Reply, Reply> {
    ctx.required_uint(NAME, "registerTime")?;
    let user_ip = ctx.required(NAME, "userIp")?;
    let captcha_type = ctx.required_uint(NAME, "captchaType")?;
    let raw = match ctx.required_uint(NAME, "script")? {
        0 => false,
        1 => true,
        _ => {
            return Err(invalid(
                "CaptchaQuery: parameter script must be 0 (JSON) or 1 (JavaScript)",
            ));
        }
    };
    ctx.required_uint(NAME, "businessId")?;
    for name in ["accountType", "sceneId"] {
        ctx.optional_uint(NAME, name)?;
    }
    let call_back = match ctx.params.get("callBack") {
        None | Some("") => None,
        Some(name) if script::is_function_name(name) => Some(name),
        Some(_) => {
            return Err(invalid(
                "CaptchaQuery: parameter callBack must be a JavaScript function name",
            ));
        }
    };
    let source = script::render(&ScriptSpec {
        base_url: &ctx.base_url(),
        captcha_type,
        user_ip: user_ip
            .parse::<std::net::IpAddr>()
            .is_ok()
            .then_some(user_ip),
        call_back,
    });
    if raw {
        return Ok(Reply::javascript(Some(0), source));
    }
    let body = JsonObject::new()
        .int("code", 0)
        .str("message", NO_ERROR)
        .str("script", &source)
        .finish();
    Ok(Reply::api(0, body))
}
