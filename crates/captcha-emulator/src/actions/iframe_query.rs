//! `CaptchaIframeQuery` (docs/protocol.md, "CaptchaIframeQuery"): hands out the one-time URL of a captcha script.

use super::ActionContext;
use crate::json::JsonObject;
use crate::reply::{NO_ERROR, Reply, SUCCESS};
use crate::script::{self, ScriptSpec};

pub(crate) const NAME: &str = "CaptchaIframeQuery";

/// Required: `captchaType`, `disturbLevel`, `isHttps`, `clientType`, `accountType`
/// (unsigned integers). The script mints its ticket for `userIp` when that is an IP address,
/// else for the browser's address.
pub(crate) fn run(ctx: &ActionContext<'_>) -> Result<Reply, Reply> {
    let captcha_type = ctx.required_uint(NAME, "captchaType")?;
    ctx.required_uint(NAME, "disturbLevel")?;
    ctx.required_uint(NAME, "isHttps")?;
    let client_type = ctx.required_uint(NAME, "clientType")?;
    ctx.required_uint(NAME, "accountType")?;
    for name in ["businessId", "sceneId", "registerTime"] {
        ctx.optional_uint(NAME, name)?;
    }
    let user_ip = ctx
        .params
        .get("userIp")
        .filter(|ip| ip.parse::<std::net::IpAddr>().is_ok());
    let base_url = ctx.base_url();
    let source = script::render(&ScriptSpec {
        base_url: &base_url,
        captcha_type,
        user_ip,
        call_back: None,
    });
    let asig = ctx.state.scripts.create(source, ctx.now);
    let url = format!(
        "{base_url}{}?clientype={client_type}&lang=2052&asig={asig}",
        crate::SCRIPT_PATH
    );
    let body = JsonObject::new()
        .int("code", 0)
        .str("message", NO_ERROR)
        .str("codeDesc", SUCCESS)
        .str("url", &url)
        .finish();
    Ok(Reply::api(0, body))
}
