//! Test-only endpoints: mint a ticket (what a user solving the captcha would get; API 2.0
//! and 3.0), learn an image's answer, read the counters. Not part of Tencent's API.

use std::net::{IpAddr, SocketAddr};

use http::{Request, StatusCode};
use hyper::body::Incoming;

use crate::api3::Api3TicketKind;
use crate::common::shorten;
use crate::incoming::{self, BodyError};
use crate::json::JsonObject;
use crate::params::WireParams;
use crate::reply::Reply;
use crate::state::State;
use crate::test_keys;

/// Mint requests are tiny; anything bigger is a mistake.
const MAX_MINT_BODY: usize = 64 * 1024;

fn error(status: StatusCode, message: &str) -> Reply {
    Reply::json(status, JsonObject::new().str("error", message).finish()).with_cors()
}

/// Reads a small form body, or answers why not.
async fn read_form(request: Request<Incoming>) -> Result<bytes::Bytes, Reply> {
    let (parts, body) = request.into_parts();
    match incoming::read_body(&parts.headers, body, MAX_MINT_BODY).await {
        Ok(bytes) => Ok(bytes),
        Err(BodyError::TooLarge) => Err(error(
            StatusCode::PAYLOAD_TOO_LARGE,
            "the form is larger than 64 KiB",
        )),
        Err(BodyError::Broken) => Err(error(StatusCode::BAD_REQUEST, "the form could not be read")),
    }
}

/// The form field `name` as an IP address, or the caller's when absent or empty.
fn user_ip(params: &WireParams<'_>, name: &str, peer: SocketAddr) -> Result<IpAddr, Reply> {
    match params.get(name).filter(|ip| !ip.is_empty()) {
        None => Ok(peer.ip()),
        Some(text) => text.trim().parse::<IpAddr>().map_err(|_| {
            error(
                StatusCode::BAD_REQUEST,
                &format!("{name} {:?} is not an IP address", shorten(text)),
            )
        }),
    }
}

/// `POST /emulator/v3/tickets` with form fields `CaptchaAppId` (default: the first
/// configured app), `UserIp` (default: the caller's address) and `Kind` (`web`, the
/// default, or `mini` for the mini-program plugin) →
/// `{"ret":0,"ticket":"…","randstr":"…","appid":"…"}`, like the front-end callback (an
/// empty `randstr` for `mini`; a test key's ticket for a test key, with `errorCode` and
/// `errorMessage` for a disaster-recovery one).
pub(crate) async fn mint_v3(state: &State, request: Request<Incoming>, peer: SocketAddr) -> Reply {
    let bytes = match read_form(request).await {
        Ok(bytes) => bytes,
        Err(refusal) => return refusal,
    };
    let params = WireParams::parse(&bytes);
    let app_id = match params.get("CaptchaAppId").filter(|id| !id.is_empty()) {
        None => state.apps.all()[0].app_id,
        Some(text) => match text.trim().parse::<u64>() {
            Ok(id) if state.apps.contains(id) => id,
            Ok(id) => {
                return error(
                    StatusCode::NOT_FOUND,
                    &format!("no captcha app {id} is configured on this emulator"),
                );
            }
            Err(_) => {
                return error(
                    StatusCode::BAD_REQUEST,
                    "CaptchaAppId must be an unsigned integer",
                );
            }
        },
    };
    let user_ip = match user_ip(&params, "UserIp", peer) {
        Ok(ip) => ip,
        Err(refusal) => return refusal,
    };
    let kind = match params.get("Kind").unwrap_or("web") {
        "web" | "" => Api3TicketKind::Web,
        "mini" => Api3TicketKind::Mini,
        _ => return error(StatusCode::BAD_REQUEST, "Kind must be web or mini"),
    };
    let minted = test_keys::mint(state, kind, app_id, user_ip);
    let mut body = JsonObject::new()
        .int("ret", 0)
        .str("ticket", minted.ticket.ticket.expose_secret())
        .str("randstr", &minted.ticket.randstr)
        .str("appid", &app_id.to_string());
    if let Some(code) = minted.error_code {
        body = body
            .int("errorCode", i64::from(code))
            .str("errorMessage", "jsload_error");
    }
    let body = body.finish();
    Reply::json(StatusCode::OK, body).with_cors()
}

/// `POST /emulator/tickets` with form fields `captchaType` (required) and `userIp`
/// (default: the caller's address) → `{"ticket":"…"}`.
pub(crate) async fn mint(state: &State, request: Request<Incoming>, peer: SocketAddr) -> Reply {
    let bytes = match read_form(request).await {
        Ok(bytes) => bytes,
        Err(refusal) => return refusal,
    };
    let params = WireParams::parse(&bytes);
    let captcha_type = match params.get("captchaType").map(str::parse::<u32>) {
        Some(Ok(value)) => value,
        Some(Err(_)) => {
            return error(
                StatusCode::BAD_REQUEST,
                "captchaType must be an unsigned integer",
            );
        }
        None => return error(StatusCode::BAD_REQUEST, "missing form field captchaType"),
    };
    let user_ip = match user_ip(&params, "userIp", peer) {
        Ok(ip) => ip,
        Err(refusal) => return refusal,
    };
    let ticket = state.tickets.mint(user_ip, captcha_type, state.now());
    Reply::json(
        StatusCode::OK,
        JsonObject::new().str("ticket", &ticket).finish(),
    )
    .with_cors()
}

/// `GET /emulator/answer?vsig=…` → `{"answer":"…"}`, or 404.
pub(crate) fn answer(state: &State, query: Option<&str>) -> Reply {
    let params = WireParams::parse(query.unwrap_or("").as_bytes());
    match params
        .get("vsig")
        .and_then(|vsig| state.images.answer_for(vsig, state.now()))
    {
        Some(answer) => Reply::json(
            StatusCode::OK,
            JsonObject::new().str("answer", &answer).finish(),
        )
        .with_cors(),
        None => error(
            StatusCode::NOT_FOUND,
            "no image with this vsig (unknown or expired)",
        ),
    }
}

/// `GET /emulator/stats` → the counters.
pub(crate) fn stats(state: &State) -> Reply {
    Reply::json(StatusCode::OK, state.stats.snapshot().to_json())
}
