//! `CaptchaGetUrl` (docs/protocol.md, "CaptchaGetUrl"): hands out the one-time URL of a captcha image.

use super::ActionContext;
use crate::json::JsonObject;
use crate::reply::{NO_ERROR, Reply, SUCCESS};

pub(crate) const NAME: &str = "CaptchaGetUrl";

/// Every input is optional; numeric ones must be numbers when given. The URL points at the
/// emulator itself, with the scheme it serves (`isHttps` cannot make a plain server https).
pub(crate) fn run(ctx: &ActionContext<'_>) -> Result<Reply, Reply> {
    for name in [
        "captchaType",
        "disturbLevel",
        "isHttps",
        "accountType",
        "businessId",
        "sceneId",
    ] {
        ctx.optional_uint(NAME, name)?;
    }
    let asig = ctx.state.images.create(ctx.now);
    let url = format!("{}{}?asig={asig}", ctx.base_url(), crate::IMAGE_PATH);
    let body = JsonObject::new()
        .int("code", 0)
        .str("message", NO_ERROR)
        .str("codeDesc", SUCCESS)
        .str("url", &url)
        .finish();
    Ok(Reply::api(0, body))
}
