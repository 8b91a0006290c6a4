//! `/v2/index.php`: reads the parameters (query for GET, form body for POST), counts the
//! request, runs the common checks, then the action.

use std::net::SocketAddr;

use bytes::Bytes;
use http::{Method, Request, StatusCode};
use hyper::body::Incoming;

use crate::actions::{self, ActionContext};
use crate::common::{self, SignedParts, invalid, shorten};
use crate::faults::Answer;
use crate::incoming::{self, BodyError};
use crate::params::WireParams;
use crate::reply::Reply;
use crate::state::State;
use crate::stats::{Kind, NO_ACTION, label_of};
use crate::{MAX_BODY_BYTES, MAX_QUERY_BYTES};

/// The message of answers replaced by a fault switch.
pub(crate) const FAULT_MESSAGE: &str = "fault injected by the captcha emulator";

/// Answers one API 2.0 request. `fault` replaces the answer after the request is counted
/// (nothing is checked or spent then). Returns the reply and the action label it counted.
pub(crate) async fn handle(
    state: &State,
    request: Request<Incoming>,
    local: SocketAddr,
    fault: Option<Answer>,
) -> (Reply, &'static str) {
    let (parts, body) = request.into_parts();
    let refuse = |reply: Reply| {
        state.stats.request(Kind::Api(NO_ACTION));
        (reply, NO_ACTION)
    };
    let body_bytes: Bytes;
    let input: &[u8] = match parts.method {
        Method::GET => {
            let query = parts.uri.query().unwrap_or("");
            if query.len() > MAX_QUERY_BYTES {
                return refuse(
                    invalid("the query string is longer than 32 KiB; use POST")
                        .with_status(StatusCode::URI_TOO_LONG),
                );
            }
            query.as_bytes()
        }
        Method::POST => {
            if !incoming::is_form(&parts.headers) {
                return refuse(invalid(
                    "a POST body must be application/x-www-form-urlencoded (parameters in the query of a POST are ignored)",
                ));
            }
            match incoming::read_body(&parts.headers, body, MAX_BODY_BYTES).await {
                Ok(bytes) => {
                    body_bytes = bytes;
                    &body_bytes
                }
                Err(BodyError::TooLarge) => {
                    return refuse(
                        invalid("the request body is larger than 1 MiB")
                            .with_status(StatusCode::PAYLOAD_TOO_LARGE),
                    );
                }
                Err(BodyError::Broken) => {
                    return refuse(
                        invalid("the request body could not be read")
                            .with_status(StatusCode::BAD_REQUEST),
                    );
                }
            }
        }
        _ => {
            return refuse(invalid("use GET or POST").with_status(StatusCode::METHOD_NOT_ALLOWED));
        }
    };
    let params = WireParams::parse(input);
    let label = label_of(params.get("Action"));
    state.stats.request(Kind::Api(label));
    let reply = match fault {
        Some(answer) => fault_reply(answer),
        None => answer(state, &parts, &params, local),
    };
    (reply, label)
}

fn answer(
    state: &State,
    parts: &http::request::Parts,
    params: &WireParams<'_>,
    local: SocketAddr,
) -> Reply {
    if params.too_many() {
        return invalid(&format!(
            "more than {} parameters (PHP's max_input_vars)",
            crate::params::MAX_PARAMS
        ));
    }
    if let Some(name) = params.duplicate() {
        return invalid(&format!(
            "parameter {} is given more than once",
            shorten(&name)
        ));
    }
    let host = incoming::host_with_port(parts);
    let signed = SignedParts {
        method: parts.method.as_str(),
        host: incoming::strip_port(host),
        path: parts.uri.path(),
    };
    let caller = match common::authorize(state, &signed, params) {
        Ok(caller) => caller,
        Err(refusal) => return refusal,
    };
    let ctx = ActionContext {
        state,
        params,
        host,
        local,
        now: state.now(),
    };
    actions::run(caller.action, &ctx).unwrap_or_else(|| {
        invalid(&format!(
            "unknown Action {:?}: this server offers CaptchaIframeQuery, CaptchaCheck, CaptchaQuery, CaptchaGetUrl and CaptchaVerify",
            shorten(caller.action)
        ))
    })
}

/// The answer a fault switch puts in place of the real one.
pub(crate) fn fault_reply(answer: Answer) -> Reply {
    match answer {
        Answer::Code(code) => Reply::api_error(code, FAULT_MESSAGE),
        Answer::Status(status) => Reply::text(status, FAULT_MESSAGE),
    }
}
