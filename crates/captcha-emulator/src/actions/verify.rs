//! `CaptchaVerify` (docs/protocol.md, "CaptchaVerify"): checks what the user typed against an image.

use bytes::Bytes;

use super::ActionContext;
use crate::reply::Reply;

pub(crate) const NAME: &str = "CaptchaVerify";

const RIGHT: &[u8] = br#"{"code":0,"message":"No Error","is_right":1}"#;
const WRONG: &[u8] = br#"{"code":0,"message":"No Error","is_right":0}"#;

/// `is_right` 1 for the first use of a signature with the right answer, else 0.
/// Missing `captchaSig` or `verifyCode`: 4000.
pub(crate) fn run(ctx: &ActionContext<'_>) -> Result<Reply, Reply> {
    let captcha_sig = ctx.required(NAME, "captchaSig")?;
    let verify_code = ctx.required(NAME, "verifyCode")?;
    let right = ctx.state.images.verify(captcha_sig, verify_code, ctx.now);
    Ok(Reply::api(
        0,
        Bytes::from_static(if right { RIGHT } else { WRONG }),
    ))
}
