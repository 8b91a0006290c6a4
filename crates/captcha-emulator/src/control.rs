//! Test-only endpoints: mint a ticket (what a user solving the captcha would get), learn an
//! image's answer, read the counters. Not part of Tencent's API.

use std::net::{IpAddr, SocketAddr};

use http::{Request, StatusCode};
use hyper::body::Incoming;

use crate::common::shorten;
use crate::incoming::{self, BodyError};
use crate::json::JsonObject;
use crate::params::WireParams;
use crate::reply::Reply;
use crate::state::State;

/// Mint requests are tiny; anything bigger is a mistake.
const MAX_MINT_BODY: usize = 64 * 1024;

fn error(status: StatusCode, message: &str) -> Reply {
    Reply::json(status, JsonObject::new().str("error", message).finish()).with_cors()
}

/// `POST /emulator/tickets` with form fields `captchaType` (required) and `userIp`
/// (default: the caller's address) → `{"ticket":"…"}`.
pub(crate) async fn mint(state: &State, request: Request<Incoming>, peer: SocketAddr) -> Reply {
    let (parts, body) = request.into_parts();
    let bytes = match incoming::read_body(&parts.headers, body, MAX_MINT_BODY).await {
        Ok(bytes) => bytes,
        Err(BodyError::TooLarge) => {
            return error(
                StatusCode::PAYLOAD_TOO_LARGE,
                "the form is larger than 64 KiB",
            );
        }
        Err(BodyError::Broken) => {
            return error(StatusCode::BAD_REQUEST, "the form could not be read");
        }
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
    let user_ip = match params.get("userIp").filter(|ip| !ip.is_empty()) {
        None => peer.ip(),
        Some(text) => match text.trim().parse::<IpAddr>() {
            Ok(ip) => ip,
            Err(_) => {
                return error(
                    StatusCode::BAD_REQUEST,
                    &format!("userIp {:?} is not an IP address", shorten(text)),
                );
            }
        },
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
