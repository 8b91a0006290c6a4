//! Routes each request by method and path, applies the fault switches to API requests, and
//! logs every request (no query, no parameter values: they carry secrets).
//!
//! API 2.0 (`/v2/index.php`) and API 3.0 (`/`) both run under [`api`], which applies the
//! fault switches; everything else is served as is.

use std::fmt;
use std::future::Future;
use std::net::SocketAddr;
use std::time::Instant;

use http::{Method, Request, Response, StatusCode};
use hyper::body::Incoming;

use crate::body::ReplyBody;
use crate::faults::{Answer, Delivery};
use crate::reply::Reply;
use crate::state::State;
use crate::stats::Kind;
use crate::{
    ANSWER_PATH, API2_PATH, API3_PATH, API3_TICKETS_PATH, IMAGE_PATH, SCRIPT_PATH, STATS_PATH,
    TCAPTCHA_PATH, TICKETS_PATH, TJCAPTCHA_PATH,
};
use crate::{api2, api3, assets, control, metadata, tcaptcha};

/// The two ends of the connection a request came on.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Connection {
    pub(crate) peer: SocketAddr,
    pub(crate) local: SocketAddr,
}

/// The drop-connection fault: the service fails, so hyper closes without answering.
#[derive(Debug)]
pub(crate) struct ConnectionDropped;

impl fmt::Display for ConnectionDropped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("connection dropped by the emulator's fault switch")
    }
}

impl std::error::Error for ConnectionDropped {}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Route {
    V2,
    V3,
    Image,
    Script,
    TCaptcha,
    MintTicket,
    MintV3Ticket,
    Answer,
    Stats,
    Metadata,
    MethodNotAllowed,
    NotFound,
}

impl Route {
    fn of(method: &Method, path: &str) -> Self {
        match (path, method) {
            (API2_PATH, _) => Self::V2,
            (API3_PATH, _) => Self::V3,
            (IMAGE_PATH, &Method::GET) => Self::Image,
            (SCRIPT_PATH, &Method::GET) => Self::Script,
            (TCAPTCHA_PATH | TJCAPTCHA_PATH, &Method::GET) => Self::TCaptcha,
            (TICKETS_PATH, &Method::POST) => Self::MintTicket,
            (API3_TICKETS_PATH, &Method::POST) => Self::MintV3Ticket,
            (ANSWER_PATH, &Method::GET) => Self::Answer,
            (STATS_PATH, &Method::GET) => Self::Stats,
            (
                IMAGE_PATH | SCRIPT_PATH | TCAPTCHA_PATH | TJCAPTCHA_PATH | TICKETS_PATH
                | API3_TICKETS_PATH | ANSWER_PATH | STATS_PATH,
                _,
            ) => Self::MethodNotAllowed,
            _ if metadata::is_metadata_path(path) => Self::Metadata,
            _ => Self::NotFound,
        }
    }

    /// A fixed name for the log (the request's own path may be anything).
    fn name(self) -> &'static str {
        match self {
            Self::V2 => "v2",
            Self::V3 => "v3",
            Self::Image => "image",
            Self::Script => "script",
            Self::TCaptcha => "tcaptcha",
            Self::MintTicket => "mint_ticket",
            Self::MintV3Ticket => "mint_api3_ticket",
            Self::Answer => "answer",
            Self::Stats => "stats",
            Self::Metadata => "metadata",
            Self::MethodNotAllowed => "method_not_allowed",
            Self::NotFound => "not_found",
        }
    }
}

/// Answers one request.
pub(crate) async fn serve(
    state: &State,
    request: Request<Incoming>,
    conn: Connection,
) -> Result<Response<ReplyBody>, ConnectionDropped> {
    let started = Instant::now();
    let route = Route::of(request.method(), request.uri().path());
    let (kind, reply) = match route {
        Route::V2 => {
            return api(state, started, conn, |fault| {
                api2::handle(state, request, conn.local, fault)
            })
            .await;
        }
        Route::V3 => {
            return api(state, started, conn, |fault| {
                api3::handle(state, request, conn.local, fault)
            })
            .await;
        }
        Route::Image => (Kind::Image, assets::image(state, request.uri().query())),
        Route::Script => (Kind::Script, assets::script(state, request.uri().query())),
        Route::TCaptcha => (Kind::Script, tcaptcha::script()),
        Route::MintTicket => (
            Kind::Control,
            control::mint(state, request, conn.peer).await,
        ),
        Route::MintV3Ticket => (
            Kind::Control,
            control::mint_v3(state, request, conn.peer).await,
        ),
        Route::Answer => (Kind::Control, control::answer(state, request.uri().query())),
        Route::Stats => (Kind::Control, control::stats(state)),
        Route::Metadata => (
            Kind::Other,
            metadata::serve(state, request.method(), request.uri().path()).await,
        ),
        Route::MethodNotAllowed => (
            Kind::Other,
            Reply::text(StatusCode::METHOD_NOT_ALLOWED, "method not allowed\n"),
        ),
        Route::NotFound => (
            Kind::Other,
            Reply::text(StatusCode::NOT_FOUND, "not found\n"),
        ),
    };
    state.stats.request(kind);
    tracing::info!(
        target: "captcha_emulator::request",
        route = route.name(),
        status = reply.status.as_u16(),
        latency_us = micros(started),
        remote = %conn.peer,
        "request"
    );
    Ok(reply.into_response(ReplyBody::full))
}

/// Runs an API handler under the fault switches: latency first, then the handler (which
/// counts the request and honours an answer fault), then the delivery fault.
async fn api<F, Fut>(
    state: &State,
    started: Instant,
    conn: Connection,
    handler: F,
) -> Result<Response<ReplyBody>, ConnectionDropped>
where
    F: FnOnce(Option<Answer>) -> Fut,
    Fut: Future<Output = (Reply, &'static str)>,
{
    let faults = state.faults.current();
    if let Some(delay) = faults.latency {
        tokio::time::sleep(delay).await;
    }
    let (reply, action) = handler(faults.answer).await;
    tracing::info!(
        target: "captcha_emulator::request",
        action,
        code = reply.code.unwrap_or_default(),
        error = reply.error_code.unwrap_or_default(),
        status = reply.status.as_u16(),
        latency_us = micros(started),
        remote = %conn.peer,
        fault = faults.answer.is_some() || faults.delivery.is_some(),
        "api request"
    );
    match faults.delivery {
        None => Ok(reply.into_response(ReplyBody::full)),
        Some(Delivery::Drop) => Err(ConnectionDropped),
        Some(Delivery::Truncate) => Ok(reply.into_response(ReplyBody::truncated)),
        Some(Delivery::Oversize(total)) => {
            Ok(reply.into_response(|body| ReplyBody::padded(body, total)))
        }
    }
}

fn micros(started: Instant) -> u64 {
    u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_by_path_and_method() {
        assert_eq!(Route::of(&Method::GET, API2_PATH), Route::V2);
        assert_eq!(
            Route::of(&Method::PUT, API2_PATH),
            Route::V2,
            "v2 answers 4000 itself"
        );
        assert_eq!(Route::of(&Method::GET, IMAGE_PATH), Route::Image);
        assert_eq!(Route::of(&Method::POST, TICKETS_PATH), Route::MintTicket);
        assert_eq!(
            Route::of(&Method::GET, TICKETS_PATH),
            Route::MethodNotAllowed
        );
        assert_eq!(
            Route::of(&Method::GET, "/"),
            Route::V3,
            "v3 answers the envelope itself"
        );
        assert_eq!(Route::of(&Method::POST, API3_PATH), Route::V3);
        assert_eq!(
            Route::of(&Method::POST, API3_TICKETS_PATH),
            Route::MintV3Ticket
        );
        assert_eq!(
            Route::of(&Method::GET, API3_TICKETS_PATH),
            Route::MethodNotAllowed
        );
        assert_eq!(Route::of(&Method::GET, "/index.html"), Route::NotFound);
        assert_eq!(
            Route::of(&Method::GET, "/latest/meta-data/cam/security-credentials/"),
            Route::Metadata
        );
        assert_eq!(
            Route::of(
                &Method::GET,
                "/latest/meta-data/cam/security-credentials/Role"
            ),
            Route::Metadata
        );
        assert_eq!(Route::of(&Method::GET, TCAPTCHA_PATH), Route::TCaptcha);
        assert_eq!(Route::of(&Method::GET, TJCAPTCHA_PATH), Route::TCaptcha);
        assert_eq!(
            Route::of(&Method::POST, TCAPTCHA_PATH),
            Route::MethodNotAllowed
        );
    }
}
