//! The one-time URLs handed out by the API: captcha images (with the `vsig` cookie) and
//! captcha scripts. A second fetch of the same URL gets 404.

use http::StatusCode;
use http::header::HeaderValue;

use crate::params::WireParams;
use crate::reply::Reply;
use crate::state::State;

const GONE: &str = "this captcha URL does not exist, has expired or was already used\n";

/// `GET /getcap_new?asig=…`: the PNG, and `Set-Cookie: vsig=…` as Tencent sent it
/// (docs/protocol.md, "CaptchaGetUrl"), without its `Domain` so it belongs to the emulator's host.
pub(crate) fn image(state: &State, query: Option<&str>) -> Reply {
    let params = WireParams::parse(query.unwrap_or("").as_bytes());
    let Some(image) = params
        .get("asig")
        .and_then(|asig| state.images.fetch(asig, state.now()))
    else {
        return Reply::text(StatusCode::NOT_FOUND, GONE);
    };
    let reply = Reply::png(image.png);
    match HeaderValue::from_str(&format!("vsig={}; Path=/", image.vsig)) {
        Ok(cookie) => reply.with_cookie(cookie),
        Err(_) => Reply::text(
            StatusCode::INTERNAL_SERVER_ERROR,
            "cannot set the vsig cookie\n",
        ),
    }
}

/// `GET /template/TCapIframeApi.js?asig=…`: the captcha script.
pub(crate) fn script(state: &State, query: Option<&str>) -> Reply {
    let params = WireParams::parse(query.unwrap_or("").as_bytes());
    match params
        .get("asig")
        .and_then(|asig| state.scripts.fetch(asig, state.now()))
    {
        Some(source) => Reply::javascript(None, source),
        None => Reply::text(StatusCode::NOT_FOUND, GONE),
    }
}
