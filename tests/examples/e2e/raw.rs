//! The baselines: requests from `captcha-proto`'s encoders sent by bare hyper, with no SDK
//! client around them, on each of the two runtimes the SDK clients run on. A call passes
//! when the status is 2xx and the body is the pass reply (API 2.0, a byte comparison) or
//! holds the pass code (API 3.0, whose answers differ by `RequestId`): no decode.

use std::sync::{Arc, Mutex, PoisonError};

use bytes::Bytes;
use captcha_proto::Stamp;
use http::header::{Entry, HOST, HeaderValue};
use http::uri::{self, PathAndQuery};
use http::{Request, StatusCode, Uri};
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::{self, SendRequest};
use hyper_util::client::legacy::Client as LegacyClient;
use hyper_util::client::legacy::connect::HttpConnector;
use smol_hyper::rt::FuturesIo;

use crate::{Action, CALL_TIMEOUT, Configs, Job, Outcome, check_of, describe_of};

/// The emulator's reply to a check that passed.
const PASS_BODY: &[u8] = br#"{"code":0,"message":"No Error","codeDesc":"Success"}"#;
/// What an API 3.0 answer that passed holds (the rest, `RequestId` above all, changes).
const API3_PASS: &[u8] = br#""CaptchaCode":1,"#;

/// `raw-hyper`'s client: hyper-util's pooled client on tokio, shared by every worker as
/// the SDK clients are (the pool is part of what is compared).
pub(crate) type TokioRaw = LegacyClient<HttpConnector, Full<Bytes>>;

/// One `raw-hyper` call.
pub(crate) async fn tokio_check(
    client: TokioRaw,
    configs: Arc<Configs>,
    action: Action,
    job: Job,
) -> Outcome {
    let request = encode(&configs, action, job)?;
    let call = async {
        let response = client.request(request).await.map_err(|_| "send")?;
        let status = response.status();
        let body = response.into_body().collect().await.map_err(|_| "body")?;
        judge(action, status, &body.to_bytes())
    };
    match tokio::time::timeout(CALL_TIMEOUT, call).await {
        Ok(result) => result.map_err(str::to_owned),
        Err(_) => Err("timeout".to_owned()),
    }
}

/// `raw-async-std`'s connection of one worker: hyper's connection API over async-std's
/// `TcpStream` (smol-hyper's adapter), its driver a task on async-std's executor, as
/// hyper's own examples run it. Opened by the worker's first call and kept; no pool.
#[derive(Clone, Default)]
pub(crate) struct AsyncStdRaw {
    sender: Arc<Mutex<Option<SendRequest<Full<Bytes>>>>>,
}

impl AsyncStdRaw {
    /// The worker's open connection, or a new one to `authority`.
    async fn sender(&self, authority: &str) -> Result<SendRequest<Full<Bytes>>, &'static str> {
        let kept = self
            .sender
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if let Some(sender) = kept.filter(|s| !s.is_closed()) {
            return Ok(sender);
        }
        let stream = async_std::net::TcpStream::connect(authority)
            .await
            .map_err(|_| "connect")?;
        stream.set_nodelay(true).map_err(|_| "connect")?;
        let (sender, connection) = http1::handshake(FuturesIo::new(stream))
            .await
            .map_err(|_| "handshake")?;
        async_std::task::spawn(connection);
        Ok(sender)
    }

    /// Keeps `sender` for the worker's next call.
    fn keep(&self, sender: SendRequest<Full<Bytes>>) {
        *self.sender.lock().unwrap_or_else(PoisonError::into_inner) = Some(sender);
    }
}

/// One `raw-async-std` call over the worker's connection.
pub(crate) async fn async_std_check(
    connection: AsyncStdRaw,
    configs: Arc<Configs>,
    action: Action,
    job: Job,
) -> Outcome {
    let request = encode(&configs, action, job)?;
    let call = async {
        let (mut parts, body) = request.into_parts();
        let authority = parts.uri.authority().ok_or("no authority")?.clone();
        // The connection API writes the request as given: HTTP/1.1 needs `Host` (the API 2.0
        // signature covers it) and an origin-form target, as a client sends them. The target
        // reuses the parsed path and query, as the SDK clients do, rather than parse it again.
        if let Entry::Vacant(slot) = parts.headers.entry(HOST) {
            slot.insert(HeaderValue::from_str(authority.as_str()).map_err(|_| "host")?);
        }
        let mut target = uri::Parts::default();
        target.path_and_query = Some(
            parts
                .uri
                .path_and_query()
                .cloned()
                .unwrap_or_else(|| PathAndQuery::from_static("/")),
        );
        parts.uri = Uri::from_parts(target).map_err(|_| "target")?;
        let mut sender = connection.sender(authority.as_str()).await?;
        sender.ready().await.map_err(|_| "send")?;
        let response = sender
            .send_request(Request::from_parts(parts, body))
            .await
            .map_err(|_| "send")?;
        let status = response.status();
        let body = response.into_body().collect().await.map_err(|_| "body")?;
        connection.keep(sender);
        judge(action, status, &body.to_bytes())
    };
    match async_std::future::timeout(CALL_TIMEOUT, call).await {
        Ok(result) => result.map_err(str::to_owned),
        Err(_) => Err("timeout".to_owned()),
    }
}

/// The job's request, encoded and signed now.
fn encode(configs: &Configs, action: Action, job: Job) -> Result<Request<Full<Bytes>>, String> {
    let request = match action {
        Action::Check => configs.api2.encode(&check_of(job), Stamp::now()),
        Action::Describe => configs.api3.encode(&describe_of(job), Stamp::now()),
    }
    .map_err(|_| "encode".to_owned())?;
    let (parts, body) = request.into_parts();
    Ok(Request::from_parts(parts, Full::new(Bytes::from(body))))
}

/// Whether the answer is the pass reply.
fn judge(action: Action, status: StatusCode, body: &[u8]) -> Result<(), &'static str> {
    let passed = match action {
        Action::Check => body == PASS_BODY,
        Action::Describe => body.windows(API3_PASS.len()).any(|w| w == API3_PASS),
    };
    match (status.is_success(), passed) {
        (true, true) => Ok(()),
        (true, false) => Err("not the pass reply"),
        (false, _) => Err("status"),
    }
}
