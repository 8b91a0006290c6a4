//! Shared test harness: an emulator on 127.0.0.1 with a manual clock, a minimal HTTP/1.1
//! client that controls the `Host` header, a raw client that sees the wire, helpers to
//! craft signed parameter sets (API 2.0) and signed requests (API 3.0), and a log capture.
#![allow(dead_code)] // each test binary uses a different part

use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use captcha_emulator::{
    Api3Ticket, Clock, DEMO_APP_SECRET_KEY, DEMO_CAPTCHA_APP_ID, DEMO_SECRET_ID, DEMO_SECRET_KEY,
    Emulator, EmulatorBuilder, ManualClock, RunningEmulator,
};
use captcha_proto::api3::{Api3Action, Api3Config, DescribeCaptchaResult};
use captcha_proto::v1::{self, SignatureMethod};
use captcha_proto::{Api2Config, SecretKey, Stamp};
use http::header::{CONTENT_TYPE, HOST, HeaderValue};
use http::{HeaderMap, Method, Request, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::{self, SendRequest};
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// The manual clock's start (a `Timestamp` used by the fixed vectors too).
pub const NOW: u64 = 1_700_000_000;
pub const ID: &str = DEMO_SECRET_ID;
pub const KEY: &str = DEMO_SECRET_KEY;

pub struct Harness {
    pub emulator: RunningEmulator,
    pub clock: Arc<ManualClock>,
}

/// An emulator accepting the demo credential, its clock at [`NOW`].
pub async fn start() -> Harness {
    start_with(Emulator::builder().credential(ID, KEY)).await
}

pub async fn start_with(builder: EmulatorBuilder) -> Harness {
    let clock = Arc::new(ManualClock::new(NOW));
    let emulator = builder
        .clock(clock.clone())
        .build()
        .start("127.0.0.1:0".parse().unwrap())
        .await
        .expect("the emulator starts");
    Harness { emulator, clock }
}

impl Harness {
    /// A client configuration pointed at the emulator (GET, HMAC-SHA1).
    pub fn config(&self) -> Api2Config {
        Api2Config::new(self.emulator.credential()).with_endpoint(self.emulator.endpoint())
    }

    /// A stamp at the clock's current time.
    pub fn stamp(&self, nonce: u64) -> Stamp {
        Stamp::new(self.clock.now_unix(), nonce).unwrap()
    }

    pub fn addr(&self) -> SocketAddr {
        self.emulator.local_addr()
    }

    /// The Host header a client of this emulator sends.
    pub fn host(&self) -> String {
        self.addr().to_string()
    }
}

/// What came back.
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Answer {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }

    pub fn code(&self) -> i64 {
        self.json()["code"].as_i64().expect("an integer code")
    }

    pub fn message(&self) -> String {
        self.json()["message"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// A keep-alive HTTP/1.1 connection.
pub struct Connection {
    sender: SendRequest<Full<Bytes>>,
}

impl Connection {
    pub async fn open(addr: SocketAddr) -> Self {
        let stream = TcpStream::connect(addr).await.expect("connect");
        let (sender, connection) = http1::handshake(TokioIo::new(stream))
            .await
            .expect("handshake");
        tokio::spawn(connection);
        Self { sender }
    }

    /// Sends `request` (absolute or origin-form URI). A `Host` header is added from the URI
    /// unless the request has one; the request target is sent in origin form.
    pub async fn send(&mut self, request: Request<Vec<u8>>) -> Answer {
        self.try_send(request)
            .await
            .expect("the connection carries a response")
    }

    /// [`Connection::send`], or `None` when the server closed the connection instead.
    pub async fn try_send(&mut self, request: Request<Vec<u8>>) -> Option<Answer> {
        let (mut parts, body) = request.into_parts();
        if !parts.headers.contains_key(HOST)
            && let Some(authority) = parts.uri.authority()
        {
            parts
                .headers
                .insert(HOST, HeaderValue::from_str(authority.as_str()).unwrap());
        }
        let target = parts.uri.path_and_query().map_or("/", |pq| pq.as_str());
        parts.uri = target.parse().unwrap();
        let request = Request::from_parts(parts, Full::new(Bytes::from(body)));
        self.sender.ready().await.ok()?;
        let response = self.sender.send_request(request).await.ok()?;
        let (parts, body) = response.into_parts();
        let body = body.collect().await.ok()?.to_bytes();
        Some(Answer {
            status: parts.status,
            headers: parts.headers,
            body,
        })
    }
}

/// Sends one request on a fresh connection to `addr`.
pub async fn send_to(addr: SocketAddr, request: Request<Vec<u8>>) -> Answer {
    Connection::open(addr).await.send(request).await
}

/// Signs `params` as a client of `host` would (no port in `host`), returning the wire
/// pairs with `Signature` appended.
pub fn signed(
    method: &str,
    host: &str,
    key: &str,
    params: &[(&str, &str)],
) -> Vec<(String, String)> {
    let text = v1::string_to_sign(method, host, "/v2/index.php", params.iter().copied());
    let sm = SignatureMethod::from_parameter(
        params
            .iter()
            .find(|(k, _)| *k == "SignatureMethod")
            .map(|(_, v)| *v),
    );
    let signature = v1::sign(&SecretKey::new(key), sm, &text);
    let mut pairs: Vec<(String, String)> = params
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    pairs.push(("Signature".to_owned(), signature.expose_secret().to_owned()));
    pairs
}

/// `application/x-www-form-urlencoded` text of `pairs`.
pub fn form(pairs: &[(String, String)]) -> String {
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .finish()
}

/// A GET of `/v2/index.php?query`.
pub fn get(query: &str) -> Request<Vec<u8>> {
    Request::get(format!("/v2/index.php?{query}"))
        .body(Vec::new())
        .unwrap()
}

/// A form POST of `/v2/index.php`.
pub fn post(body: &str) -> Request<Vec<u8>> {
    Request::builder()
        .method(Method::POST)
        .uri("/v2/index.php")
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(body.as_bytes().to_vec())
        .unwrap()
}

/// Sets the `Host` header.
pub fn with_host(mut request: Request<Vec<u8>>, host: &str) -> Request<Vec<u8>> {
    request
        .headers_mut()
        .insert(HOST, HeaderValue::from_str(host).unwrap());
    request
}

/// The common parameters at `timestamp`/`nonce` for `action` (strings, for crafting).
pub fn common(
    action: &'static str,
    timestamp: &'static str,
    nonce: &'static str,
) -> Vec<(&'static str, &'static str)> {
    vec![
        ("Action", action),
        ("Region", "gz"),
        ("Timestamp", timestamp),
        ("Nonce", nonce),
        ("SecretId", ID),
    ]
}

impl Harness {
    /// Sends `request` on a fresh connection, with `Host: 127.0.0.1:PORT` unless set.
    pub async fn send(&self, mut request: Request<Vec<u8>>) -> Answer {
        if !request.headers().contains_key(HOST) {
            request = with_host(request, &self.host());
        }
        send_to(self.addr(), request).await
    }

    /// Signs `params` for host 127.0.0.1 with the demo key and GETs them.
    pub async fn get_signed(&self, params: &[(&str, &str)]) -> Answer {
        self.send(get(&form(&signed("GET", "127.0.0.1", KEY, params))))
            .await
    }
}

impl Answer {
    /// The answer as an `http::Response`, for the core's decoders.
    pub fn to_response(&self) -> http::Response<Vec<u8>> {
        let mut response = http::Response::new(self.body.to_vec());
        *response.status_mut() = self.status;
        *response.headers_mut() = self.headers.clone();
        response
    }
}

impl Harness {
    /// An API 3.0 configuration pointed at the emulator (signs for host 127.0.0.1).
    pub fn api3_config(&self) -> Api3Config {
        Api3Config::new(self.emulator.credential()).with_endpoint(self.emulator.api3_endpoint())
    }

    /// `action` encoded and signed with [`Harness::api3_config`] at the clock's time.
    pub fn api3_request(&self, action: &(impl Api3Action + ?Sized)) -> Request<Vec<u8>> {
        self.api3_config()
            .encode(action, self.stamp(1))
            .expect("the action encodes")
    }

    /// Sends `action`, signed at the clock's time, on a fresh connection.
    pub async fn describe(&self, action: &(impl Api3Action + ?Sized)) -> Answer {
        self.send(self.api3_request(action)).await
    }
}

impl Answer {
    /// The API 3.0 `Response` object.
    pub fn response(&self) -> serde_json::Value {
        let json = self.json();
        assert!(json["Response"].is_object(), "no Response: {}", self.text());
        json["Response"].clone()
    }

    /// `Response.CaptchaCode` (panics on a refusal).
    pub fn captcha_code(&self) -> i64 {
        self.response()["CaptchaCode"]
            .as_i64()
            .unwrap_or_else(|| panic!("no CaptchaCode: {}", self.text()))
    }

    /// `Response.Error.Code` (panics when the answer is not a refusal).
    pub fn error_code(&self) -> String {
        assert_eq!(self.status, StatusCode::OK, "3.0 refusals are HTTP 200");
        self.response()["Error"]["Code"]
            .as_str()
            .unwrap_or_else(|| panic!("no Error.Code: {}", self.text()))
            .to_owned()
    }

    /// `Response.Error.Message`.
    pub fn error_message(&self) -> String {
        self.response()["Error"]["Message"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }
}

/// True for a lowercase 8-4-4-4-12 hex id, as Tencent's `RequestId`s are.
pub fn is_uuid_like(id: &str) -> bool {
    let groups: Vec<&str> = id.split('-').collect();
    groups.iter().map(|g| g.len()).eq([8, 4, 4, 4, 12])
        && groups.iter().all(|g| {
            g.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        })
}

/// What a raw client read until the server closed the connection.
pub struct Raw {
    pub head: String,
    pub body: Vec<u8>,
}

impl Raw {
    pub fn status(&self) -> u16 {
        self.head
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0)
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.eq_ignore_ascii_case(name).then(|| value.trim())
        })
    }

    pub fn content_length(&self) -> usize {
        self.header("content-length").unwrap().parse().unwrap()
    }
}

/// Writes `request` as HTTP/1.1 with `Connection: close` (and `Host: addr` unless the
/// request has a `Host`) and reads until the server closes.
pub async fn exchange(addr: SocketAddr, request: Request<Vec<u8>>) -> Raw {
    let mut text = format!(
        "{} {} HTTP/1.1\r\nConnection: close\r\n",
        request.method(),
        request.uri().path_and_query().unwrap()
    );
    if !request.headers().contains_key(HOST) {
        text.push_str(&format!("Host: {addr}\r\n"));
    }
    for (name, value) in request.headers() {
        text.push_str(&format!("{name}: {}\r\n", value.to_str().unwrap()));
    }
    text.push_str(&format!("Content-Length: {}\r\n\r\n", request.body().len()));
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream.write_all(text.as_bytes()).await.unwrap();
    stream.write_all(request.body()).await.unwrap();
    let mut bytes = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut bytes))
        .await
        .expect("the server closes the connection")
        .expect("a clean read");
    match bytes.windows(4).position(|w| w == b"\r\n\r\n") {
        Some(end) => Raw {
            head: String::from_utf8(bytes[..end].to_vec()).unwrap(),
            body: bytes[end + 4..].to_vec(),
        },
        None => Raw {
            head: String::from_utf8_lossy(&bytes).into_owned(),
            body: Vec::new(),
        },
    }
}

/// Collects everything `tracing` writes (all levels) on this thread while it lives; with
/// `#[tokio::test]`'s single-threaded runtime that includes the emulator's tasks.
pub struct LogCapture {
    buffer: Arc<Mutex<Vec<u8>>>,
    _guard: tracing::subscriber::DefaultGuard,
}

impl LogCapture {
    pub fn start() -> Self {
        let buffer = Arc::new(Mutex::new(Vec::new()));
        let writer = SharedWriter(buffer.clone());
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_ansi(false)
            .with_writer(move || writer.clone())
            .finish();
        Self {
            buffer,
            _guard: tracing::subscriber::set_default(subscriber),
        }
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.buffer.lock().unwrap()).into_owned()
    }
}

#[derive(Clone)]
struct SharedWriter(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for SharedWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The end user's address the API 3.0 tests check tickets for (a documentation address).
pub const USER: &str = "203.0.113.7";

/// [`USER`] parsed.
pub fn user() -> IpAddr {
    USER.parse().expect("a valid IP address")
}

/// A ticket and Randstr of the demo app for [`USER`], as the front-end callback hands them.
pub fn mint_api3(h: &Harness) -> Api3Ticket {
    h.emulator
        .mint_api3_ticket(DEMO_CAPTCHA_APP_ID, user())
        .expect("the demo app is configured")
}

/// The check a back-end makes with what the front-end callback gave it.
pub fn api3_check(minted: &Api3Ticket) -> DescribeCaptchaResult {
    DescribeCaptchaResult::new(
        minted.ticket.clone(),
        minted.randstr.clone(),
        user(),
        minted.captcha_app_id,
        DEMO_APP_SECRET_KEY,
    )
}
