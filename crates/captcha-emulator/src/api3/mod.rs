//! API 3.0 (`/`, docs/protocol.md, "API 3.0"): service `captcha`, version `2019-07-22`, action
//! `DescribeCaptchaResult`, in every mode Tencent's SDKs send it:
//!
//! - TC3-HMAC-SHA256 over a POST with a JSON body (the default);
//! - TC3-HMAC-SHA256 over a GET, the fields in the query (`HttpProfile(reqMethod="GET")`):
//!   the signature covers the query as sent and an empty payload;
//! - signature v1, HMAC-SHA1 or HMAC-SHA256 (`ClientProfile(signMethod="HmacSHA1")`), over
//!   a POST with a form body or a GET with a query: see [`v1`].
//!
//! A request is TC3 when it carries `Authorization` or `X-TC-Action`, or is a JSON POST;
//! any other GET or POST is v1. The fields of a query or form become the same map a JSON
//! body gives ([`query`]), and [`describe`] checks them and the ticket alike in every mode
//! (a ticket passes once, whatever the mode).
//!
//! The TC3 checks, in order, each refused in the 3.0 error envelope with HTTP 200: GET or
//! POST (`InvalidParameter`), a body of at most 10 MiB or a query of at most 32 KiB
//! (`RequestSizeLimitExceeded`), a JSON `Content-Type` for a POST (`InvalidParameter`),
//! the `X-TC-Action`, `X-TC-Version` and `X-TC-Timestamp` headers
//! (`MissingParameter`/`InvalidParameter`), the TC3 signature with captcha-proto's verifier
//! against the configured credentials (`AuthFailure.SecretIdNotFound`,
//! `AuthFailure.SignatureFailure`, `AuthFailure.InvalidAuthorization`; over the `Host` as
//! sent, then over its other form with or without the port, see [`verify`]), the timestamp
//! within the allowed skew of the server clock (`AuthFailure.SignatureExpire`), the token
//! of a temporary credential (`AuthFailure.TokenFailure`), the action (`InvalidAction`) and
//! version (`NoSuchVersion`). Then [`describe`] reads the fields and checks the ticket.
//!
//! Every answer, success or refusal, is HTTP 200 with `Content-Type: application/json`
//! exactly (see [`envelope`]). `X-TC-Content-SHA256: UNSIGNED-PAYLOAD` is accepted, as
//! Tencent does: the body is then not signed, and is read and checked all the same.

mod calendar;
mod console;
mod describe;
mod envelope;
mod query;
mod schema;
mod tickets;
mod v1;

use std::net::SocketAddr;

use bytes::Bytes;
use captcha_proto::api3::{
    ACTION_HEADER, CAPTCHA_ACTIONS, CAPTCHA_SERVICE, CAPTCHA_VERSION, VERSION_HEADER,
};
use captcha_proto::tc3::{
    TIMESTAMP_HEADER, TOKEN_HEADER, Verified, VerifyError, verify_request_with,
};
use http::header::{AUTHORIZATION, CONTENT_TYPE, HOST, HeaderName, HeaderValue};
use http::request::Parts;
use http::{HeaderMap, Method, Request};
use hyper::body::Incoming;
use serde_json::{Map, Value};

use crate::common::shorten;
use crate::faults::Answer;
use crate::incoming::{self, BodyError};
use crate::params::WireParams;
use crate::reply::Reply;
use crate::state::State;
use crate::stats::{Kind, label_of};
use crate::{MAX_API3_BODY_BYTES, MAX_QUERY_BYTES};
use envelope::{
    INVALID_ACTION, INVALID_PARAMETER, MISSING_PARAMETER, NO_SUCH_VERSION, REQUEST_LIMIT_EXCEEDED,
    REQUEST_SIZE_LIMIT_EXCEEDED, SIGNATURE_EXPIRE, TOKEN_FAILURE,
};

pub(crate) use console::AppSettings;
pub(crate) use tickets::Api3TicketStore;
pub use tickets::{Api3Ticket, Api3TicketKind};

/// Answers one API 3.0 request that came in on the server address `local`. Reads the body
/// of a POST, counts the request under its action (`X-TC-Action`, else the v1 `Action`
/// parameter), then lets `fault` replace the answer (nothing checked, no ticket spent) or
/// runs the checks. Returns the reply and the action label it counted.
pub(crate) async fn handle(
    state: &State,
    request: Request<Incoming>,
    local: SocketAddr,
    fault: Option<Answer>,
) -> (Reply, &'static str) {
    let (parts, body) = request.into_parts();
    let body = if parts.method == Method::POST {
        Some(incoming::read_body(&parts.headers, body, MAX_API3_BODY_BYTES).await)
    } else {
        None
    };
    let label = label_of(action_of(&parts, body.as_ref()).as_deref());
    state.stats.request(Kind::Api(label));
    let request_id = envelope::request_id();
    let reply = match fault {
        Some(answer) => envelope::fault_reply(answer, &request_id),
        None => answer(state, parts, body, local.port(), &request_id),
    };
    (reply, label)
}

/// A refusal: its code and message.
type Refusal = (&'static str, String);

/// How a request is signed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Tc3,
    V1,
}

impl Mode {
    /// TC3 when the request carries `Authorization` or `X-TC-Action`, or is a JSON POST
    /// (whose missing headers are then named); any other request is v1.
    fn of(parts: &Parts) -> Self {
        let headers = &parts.headers;
        if headers.contains_key(AUTHORIZATION)
            || headers.contains_key(&ACTION_HEADER)
            || (parts.method == Method::POST && is_json(headers))
        {
            Self::Tc3
        } else {
            Self::V1
        }
    }
}

/// The action the request names, for the counters: `X-TC-Action`, else the `Action`
/// parameter of a v1 query or form.
fn action_of(parts: &Parts, body: Option<&Result<Bytes, BodyError>>) -> Option<String> {
    if let Some(value) = parts.headers.get(&ACTION_HEADER) {
        return value.to_str().ok().map(str::to_owned);
    }
    if Mode::of(parts) != Mode::V1 {
        return None;
    }
    let input = match body {
        None => parts.uri.query().unwrap_or("").as_bytes(),
        Some(Ok(body)) if incoming::is_form(&parts.headers) => body,
        Some(_) => return None,
    };
    WireParams::parse(input).get("Action").map(str::to_owned)
}

fn answer(
    state: &State,
    parts: Parts,
    body: Option<Result<Bytes, BodyError>>,
    local_port: u16,
    request_id: &str,
) -> Reply {
    let now = state.now();
    let (action, fields) = match read(state, parts, body, local_port, now) {
        Ok(read) => read,
        Err((code, message)) => return envelope::error(code, &message, request_id),
    };
    let Some(check) = describe::TicketCheck::of(action) else {
        return console::run(state, action, &fields, request_id);
    };
    if !state.api3_rate.admit(now) {
        state.stats.api3_rate_limited();
        let limit = state.api3_rate.limit().unwrap_or(0);
        let message = format!(
            "the request rate limit of {limit} ticket checks per second was exceeded; retry later"
        );
        return envelope::error(REQUEST_LIMIT_EXCEEDED, &message, request_id);
    }
    describe::run(state, check, &fields, now, request_id)
}

/// The input of a GET or POST once authorized: its action and its parameters (query or
/// body), and a refusal of anything else, checked before the signature.
fn read(
    state: &State,
    parts: Parts,
    body: Option<Result<Bytes, BodyError>>,
    local_port: u16,
    now: u64,
) -> Result<(&'static str, Map<String, Value>), Refusal> {
    let body = match (&parts.method, body) {
        (&Method::GET, _) => {
            if parts.uri.query().is_some_and(|q| q.len() > MAX_QUERY_BYTES) {
                return Err((
                    REQUEST_SIZE_LIMIT_EXCEEDED,
                    "the query string is longer than 32 KiB; use POST".to_owned(),
                ));
            }
            Bytes::new()
        }
        (&Method::POST, Some(Ok(body))) => body,
        (&Method::POST, Some(Err(BodyError::TooLarge))) => {
            return Err((
                REQUEST_SIZE_LIMIT_EXCEEDED,
                "the request body is larger than 10 MiB".to_owned(),
            ));
        }
        (&Method::POST, _) => {
            return Err((
                INVALID_PARAMETER,
                "the request body could not be read".to_owned(),
            ));
        }
        _ => {
            return Err((
                INVALID_PARAMETER,
                "API 3.0 is served over GET and POST only".to_owned(),
            ));
        }
    };
    match Mode::of(&parts) {
        Mode::Tc3 => {
            let (request, action) = authorize(state, parts, body, local_port, now)?;
            let fields = if request.method() == Method::GET {
                let params = WireParams::parse(request.uri().query().unwrap_or("").as_bytes());
                query::fields(action, &params, &[])?
            } else {
                describe::parse_body(request.body())?
            };
            Ok((action, fields))
        }
        Mode::V1 => {
            let input: &[u8] = if parts.method == Method::GET {
                parts.uri.query().unwrap_or("").as_bytes()
            } else if incoming::is_form(&parts.headers) {
                &body
            } else {
                return Err((
                    INVALID_PARAMETER,
                    "Content-Type must be application/json (TC3-HMAC-SHA256) or \
                     application/x-www-form-urlencoded (signature v1, HmacSHA1 or HmacSHA256)"
                        .to_owned(),
                ));
            };
            let params = WireParams::parse(input);
            let action = v1::authorize(state, &parts, &params, local_port, now)?;
            Ok((action, query::fields(action, &params, &v1::COMMON)?))
        }
    }
}

/// Every TC3 check up to and including the action and version; returns the request with
/// its body and the action. `local_port` is the port this server listens on (for
/// [`verify`]).
fn authorize(
    state: &State,
    parts: Parts,
    body: Bytes,
    local_port: u16,
    now: u64,
) -> Result<(Request<Bytes>, &'static str), Refusal> {
    if parts.method == Method::POST && !is_json(&parts.headers) {
        return Err((
            INVALID_PARAMETER,
            "Content-Type must be application/json for a TC3-signed POST (a form body is \
             served with signature v1; a TC3 query with GET)"
                .to_owned(),
        ));
    }
    let action = required_header(&parts.headers, &ACTION_HEADER, "X-TC-Action")?.to_owned();
    let version = required_header(&parts.headers, &VERSION_HEADER, "X-TC-Version")?.to_owned();
    required_header(&parts.headers, &TIMESTAMP_HEADER, "X-TC-Timestamp")?;

    let mut request = Request::from_parts(parts, body);
    let verified =
        verify(state, &mut request, local_port).map_err(|e| (auth_code(&e), e.to_string()))?;
    check_skew(state, "X-TC-Timestamp", verified.timestamp, now)?;
    if let Some(expected) = state
        .keys
        .get(&verified.secret_id)
        .and_then(|key| key.token.as_ref())
    {
        let sent = request.headers().get(TOKEN_HEADER).map(|v| v.as_bytes());
        if sent != Some(expected.expose_secret().as_bytes()) {
            return Err((
                TOKEN_FAILURE,
                "the X-TC-Token of this temporary credential is missing or wrong".to_owned(),
            ));
        }
    }
    let action = check_action(&action, &version)?;
    Ok((request, action))
}

/// Refuses a signature time `timestamp` (sent as `name`) too far from the server time.
fn check_skew(state: &State, name: &str, timestamp: u64, now: u64) -> Result<(), Refusal> {
    let skew = now.abs_diff(timestamp);
    if skew > state.max_skew {
        return Err((
            SIGNATURE_EXPIRE,
            format!(
                "the signature expired: {name} {timestamp} is {skew} s away from the server time {now}; at most {} s is allowed",
                state.max_skew
            ),
        ));
    }
    Ok(())
}

/// The action of captcha 2019-07-22 that `action` names, refusing any other
/// (`InvalidAction`) and any version but `2019-07-22` (`NoSuchVersion`).
fn check_action(action: &str, version: &str) -> Result<&'static str, Refusal> {
    let Some(known) = CAPTCHA_ACTIONS.iter().find(|known| **known == action) else {
        return Err((
            INVALID_ACTION,
            format!(
                "the action {:?} does not exist for service {CAPTCHA_SERVICE}",
                shorten(action)
            ),
        ));
    };
    if version != CAPTCHA_VERSION {
        return Err((
            NO_SUCH_VERSION,
            format!(
                "the version {:?} does not exist for service {CAPTCHA_SERVICE}; use {CAPTCHA_VERSION}",
                shorten(version)
            ),
        ));
    }
    Ok(known)
}

/// Verifies the TC3 signature of `request` against the configured keys: over the `Host`
/// as sent, then, when that signature does not match, over the other form of the same
/// host: without its port when it has one, else with `local_port` (the port this server
/// listens on). Tencent's SDKs differ here: Python signs the `Host` it sends
/// (`127.0.0.1:8080`), the Node SDK sends that header but signs the host alone
/// (`127.0.0.1`). Any other host still fails with [`VerifyError::Mismatch`]. The request
/// comes back with its `Host` as sent.
fn verify(
    state: &State,
    request: &mut Request<Bytes>,
    local_port: u16,
) -> Result<Verified, VerifyError> {
    let lookup = |secret_id: &str| state.keys.get(secret_id).map(|key| key.secret_key.clone());
    let as_sent = verify_request_with(request, CAPTCHA_SERVICE, lookup);
    if as_sent != Err(VerifyError::Mismatch) {
        return as_sent;
    }
    let Some(other) = other_host_form(request, local_port) else {
        return as_sent;
    };
    let sent = request.headers_mut().insert(HOST, other);
    let other_form = verify_request_with(request, CAPTCHA_SERVICE, lookup);
    match sent {
        Some(value) => request.headers_mut().insert(HOST, value),
        None => request.headers_mut().remove(HOST),
    };
    other_form
}

/// The host the signature covers (the `Host` header, else the URI's host, as captcha-proto's
/// verifier takes it) in its other form: without the port when it has one, else with the
/// URI's port or `local_port`. `None` when there is no readable host.
fn other_host_form(request: &Request<Bytes>, local_port: u16) -> Option<HeaderValue> {
    let sent = match request.headers().get(HOST) {
        Some(value) => value.to_str().ok()?.trim(),
        None => request.uri().host()?,
    };
    let other = other_host(sent, request.uri().port_u16(), local_port)?;
    HeaderValue::from_str(&other).ok()
}

/// The other form of the host `sent`: without the port when it has one, else with
/// `uri_port` or `local_port`. `None` when `sent` is empty.
fn other_host(sent: &str, uri_port: Option<u16>, local_port: u16) -> Option<String> {
    if sent.is_empty() {
        return None;
    }
    let bare = incoming::strip_port(sent);
    Some(if bare.len() < sent.len() {
        bare.to_owned()
    } else {
        format!("{sent}:{}", uri_port.unwrap_or(local_port))
    })
}

/// The error code of a failed verification: missing or unreadable common headers are
/// parameter errors, the rest the verifier's own `AuthFailure.*` code.
fn auth_code(error: &VerifyError) -> &'static str {
    match error {
        VerifyError::MissingHeader { name } if *name != "Authorization" => MISSING_PARAMETER,
        VerifyError::InvalidHeader {
            name: "X-TC-Timestamp",
            ..
        } => INVALID_PARAMETER,
        other => other.tencent_code(),
    }
}

/// The single, non-empty, visible-ASCII value of a required header.
fn required_header<'h>(
    headers: &'h HeaderMap,
    header: &HeaderName,
    name: &str,
) -> Result<&'h str, Refusal> {
    let mut values = headers.get_all(header).iter();
    match (values.next(), values.next()) {
        (None, _) => Err((
            MISSING_PARAMETER,
            format!("the request is missing the required header {name}"),
        )),
        (Some(_), Some(_)) => Err((
            INVALID_PARAMETER,
            format!("the header {name} is given more than once"),
        )),
        (Some(value), None) => match value.to_str().map(str::trim) {
            Ok("") => Err((MISSING_PARAMETER, format!("the header {name} is empty"))),
            Ok(text) => Ok(text),
            Err(_) => Err((
                INVALID_PARAMETER,
                format!("the header {name} is not visible ASCII"),
            )),
        },
    }
}

/// True when the body is `application/json` (parameters such as `; charset=utf-8`
/// allowed: the signature covers the header exactly as sent).
fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|mime| mime.trim().eq_ignore_ascii_case("application/json"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_content_types() {
        let mut headers = HeaderMap::new();
        assert!(!is_json(&headers));
        for (value, json) in [
            ("application/json", true),
            ("application/json; charset=utf-8", true),
            ("Application/JSON;charset=UTF-8", true),
            ("application/x-www-form-urlencoded", false),
            ("text/json", false),
        ] {
            headers.insert(CONTENT_TYPE, value.parse().unwrap());
            assert_eq!(is_json(&headers), json, "{value}");
        }
    }

    #[test]
    fn required_headers() {
        let mut headers = HeaderMap::new();
        let get = |h: &HeaderMap| {
            required_header(h, &ACTION_HEADER, "X-TC-Action")
                .map(str::to_owned)
                .map_err(|(code, _)| code)
        };
        assert_eq!(get(&headers), Err(MISSING_PARAMETER));
        headers.insert(ACTION_HEADER, " ".parse().unwrap());
        assert_eq!(get(&headers), Err(MISSING_PARAMETER));
        headers.insert(ACTION_HEADER, "DescribeCaptchaResult".parse().unwrap());
        assert_eq!(get(&headers), Ok("DescribeCaptchaResult".to_owned()));
        headers.append(ACTION_HEADER, "Other".parse().unwrap());
        assert_eq!(get(&headers), Err(INVALID_PARAMETER));
    }

    #[test]
    fn the_other_host_form_toggles_the_port() {
        let other = |host: Option<&str>, uri: &str| {
            let mut builder = Request::post(uri);
            if let Some(host) = host {
                builder = builder.header(HOST, host);
            }
            let request = builder.body(Bytes::new()).unwrap();
            other_host_form(&request, 18080).map(|v| v.to_str().unwrap().to_owned())
        };
        let some = |s: &str| Some(s.to_owned());
        assert_eq!(other(Some("127.0.0.1:8080"), "/"), some("127.0.0.1"));
        assert_eq!(other(Some(" 127.0.0.1 "), "/"), some("127.0.0.1:18080"));
        assert_eq!(other(Some("[::1]:8080"), "/"), some("[::1]"));
        assert_eq!(other(Some("[::1]"), "/"), some("[::1]:18080"));
        assert_eq!(other(Some("Example.COM:443"), "/"), some("Example.COM"));
        assert_eq!(
            other(None, "http://127.0.0.1:9000/"),
            some("127.0.0.1:9000")
        );
        assert_eq!(other(None, "http://127.0.0.1/"), some("127.0.0.1:18080"));
        assert_eq!(other(None, "/"), None);
        assert_eq!(other(Some(""), "/"), None);
    }

    #[test]
    fn verification_errors_map_to_codes() {
        let missing_timestamp = VerifyError::MissingHeader {
            name: "X-TC-Timestamp",
        };
        assert_eq!(auth_code(&missing_timestamp), MISSING_PARAMETER);
        let missing_auth = VerifyError::MissingHeader {
            name: "Authorization",
        };
        assert_eq!(auth_code(&missing_auth), "AuthFailure.InvalidAuthorization");
        assert_eq!(
            auth_code(&VerifyError::UnknownSecretId),
            "AuthFailure.SecretIdNotFound"
        );
        assert_eq!(
            auth_code(&VerifyError::Mismatch),
            "AuthFailure.SignatureFailure"
        );
    }
}
