//! [`ScriptedServer`]: a raw HTTP/1.1 server on 127.0.0.1 that reads each request and then
//! answers or misbehaves exactly as told, counting connections and requests, so a test can
//! prove which phase a failure lands in and that nothing was sent twice.

use std::fmt;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use captcha_proto::Endpoint;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;

use crate::runtime;

/// Largest request head read (anything longer is a broken client).
const MAX_HEAD_BYTES: usize = 64 * 1024;
/// How long trickling or flooding goes on at most if the client never leaves.
const GIVE_UP_AFTER: Duration = Duration::from_secs(60);

/// A request as the server read it.
#[derive(Debug, Clone)]
pub struct Received {
    /// Request line and headers, as sent.
    pub head: String,
    /// The body (per `Content-Length`).
    pub body: Vec<u8>,
}

impl Received {
    /// The request line, e.g. `GET /v2/index.php?Action=… HTTP/1.1`.
    pub fn request_line(&self) -> &str {
        self.head.lines().next().unwrap_or_default()
    }
}

/// Builds a reply from the request it answers (echo servers).
pub type Responder = dyn Fn(&Received) -> Vec<u8> + Send + Sync;

/// What the server does once it has read a request.
#[derive(Clone)]
pub enum Misbehaviour {
    /// Writes these bytes (a complete response) and waits for the next request.
    Reply(Vec<u8>),
    /// Writes what the function makes of the request and waits for the next request.
    ReplyWith(Arc<Responder>),
    /// Never answers; keeps the connection open.
    Silent,
    /// Sends a status line, then one header byte per `every`, never finishing the head.
    TrickleHeaders {
        /// Pause between bytes.
        every: Duration,
    },
    /// Closes the connection without sending a byte.
    CloseBeforeHeaders,
    /// Writes these bytes (an incomplete response) and closes.
    WriteThenClose(Vec<u8>),
    /// Sends a 200 response whose body has `len` bytes, announced by `Content-Length` or,
    /// when `chunked`, only discovered while reading.
    Flood {
        /// Body size in bytes.
        len: usize,
        /// Chunked transfer encoding instead of `Content-Length`.
        chunked: bool,
    },
    /// Resets the connection (RST, `SO_LINGER` 0) after reading the request.
    ResetAfterRequest,
    /// Resets the connection as soon as it is accepted, before reading anything.
    ResetAtAccept,
}

impl fmt::Debug for Misbehaviour {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Reply(bytes) => write!(f, "Reply({} bytes)", bytes.len()),
            Self::ReplyWith(_) => f.write_str("ReplyWith(..)"),
            Self::Silent => f.write_str("Silent"),
            Self::TrickleHeaders { every } => write!(f, "TrickleHeaders({every:?})"),
            Self::CloseBeforeHeaders => f.write_str("CloseBeforeHeaders"),
            Self::WriteThenClose(bytes) => write!(f, "WriteThenClose({} bytes)", bytes.len()),
            Self::Flood { len, chunked } => write!(f, "Flood({len} bytes, chunked {chunked})"),
            Self::ResetAfterRequest => f.write_str("ResetAfterRequest"),
            Self::ResetAtAccept => f.write_str("ResetAtAccept"),
        }
    }
}

/// A complete HTTP/1.1 response with this status line, content type and body.
pub fn response(status: &str, content_type: &str, body: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    out.extend_from_slice(body);
    out
}

/// A 200 response carrying `body` as JSON.
pub fn json(body: &[u8]) -> Vec<u8> {
    response("200 OK", "application/json", body)
}

/// A running scripted server; stops (dropping every connection) when dropped.
pub struct ScriptedServer {
    addr: SocketAddr,
    connections: Arc<AtomicUsize>,
    received: Arc<Mutex<Vec<Received>>>,
    accept: tokio::task::JoinHandle<()>,
}

impl ScriptedServer {
    /// Starts a server on 127.0.0.1 (any free port) that treats every request alike.
    pub fn start(behaviour: Misbehaviour) -> Self {
        let listener =
            std::net::TcpListener::bind(("127.0.0.1", 0)).expect("bind a port on 127.0.0.1");
        listener
            .set_nonblocking(true)
            .expect("a non-blocking listener");
        let addr = listener.local_addr().expect("the listener's address");
        let connections = Arc::new(AtomicUsize::new(0));
        let received = Arc::new(Mutex::new(Vec::new()));
        let accept = {
            let _context = runtime::servers().enter();
            let listener = TcpListener::from_std(listener).expect("a tokio listener");
            let connections = Arc::clone(&connections);
            let received = Arc::clone(&received);
            runtime::servers().spawn(accept_loop(listener, behaviour, connections, received))
        };
        Self {
            addr,
            connections,
            received,
            accept,
        }
    }

    /// Where it listens.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT/v2/index.php`.
    pub fn endpoint(&self) -> Endpoint {
        format!("http://{}/v2/index.php", self.addr)
            .parse()
            .expect("a valid endpoint")
    }

    /// `http://127.0.0.1:PORT/` (an API 3.0 endpoint).
    pub fn root_endpoint(&self) -> Endpoint {
        format!("http://{}/", self.addr)
            .parse()
            .expect("a valid endpoint")
    }

    /// Connections accepted so far.
    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }

    /// Every request read so far (complete heads and bodies).
    pub fn received(&self) -> Vec<Received> {
        self.received
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

impl Drop for ScriptedServer {
    fn drop(&mut self) {
        // Dropping the accept task drops its JoinSet, which aborts every connection task.
        self.accept.abort();
    }
}

async fn accept_loop(
    listener: TcpListener,
    behaviour: Misbehaviour,
    connections: Arc<AtomicUsize>,
    received: Arc<Mutex<Vec<Received>>>,
) {
    let mut tasks = JoinSet::new();
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        connections.fetch_add(1, Ordering::SeqCst);
        tasks.spawn(serve(stream, behaviour.clone(), Arc::clone(&received)));
        // Reap finished connections so the set stays small.
        while tasks.try_join_next().is_some() {}
    }
}

/// Serves one connection; I/O errors just end it (the client left).
async fn serve(
    mut stream: TcpStream,
    behaviour: Misbehaviour,
    received: Arc<Mutex<Vec<Received>>>,
) {
    if let Misbehaviour::ResetAtAccept = behaviour {
        reset(stream);
        return;
    }
    let mut buffer = Vec::new();
    loop {
        let Some(request) = read_request(&mut stream, &mut buffer).await else {
            return;
        };
        received
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(request.clone());
        let keep_going = act(&mut stream, &behaviour, &request).await;
        if !keep_going {
            return;
        }
    }
}

/// Does what `behaviour` says after reading `request`; true when the connection may carry
/// another request.
async fn act(stream: &mut TcpStream, behaviour: &Misbehaviour, request: &Received) -> bool {
    match behaviour {
        Misbehaviour::Reply(bytes) => stream.write_all(bytes).await.is_ok(),
        Misbehaviour::ReplyWith(respond) => stream.write_all(&respond(request)).await.is_ok(),
        Misbehaviour::Silent => std::future::pending().await,
        Misbehaviour::TrickleHeaders { every } => {
            let _ = trickle(stream, *every).await;
            false
        }
        Misbehaviour::CloseBeforeHeaders => false,
        Misbehaviour::WriteThenClose(bytes) => {
            let _ = stream.write_all(bytes).await;
            let _ = stream.shutdown().await;
            false
        }
        Misbehaviour::Flood { len, chunked } => {
            let _ = tokio::time::timeout(GIVE_UP_AFTER, flood(stream, *len, *chunked)).await;
            false
        }
        Misbehaviour::ResetAfterRequest | Misbehaviour::ResetAtAccept => {
            // The stream is borrowed here; the caller drops it right after, so make that
            // drop a reset.
            let _ = stream.set_zero_linger();
            false
        }
    }
}

/// Closes `stream` with a TCP reset instead of an orderly FIN.
fn reset(stream: TcpStream) {
    let _ = stream.set_zero_linger();
    drop(stream);
}

async fn trickle(stream: &mut TcpStream, every: Duration) -> std::io::Result<()> {
    stream.write_all(b"HTTP/1.1 200 OK\r\nX-Slow: ").await?;
    let started = tokio::time::Instant::now();
    while started.elapsed() < GIVE_UP_AFTER {
        tokio::time::sleep(every).await;
        stream.write_all(b"a").await?;
    }
    Ok(())
}

async fn flood(stream: &mut TcpStream, len: usize, chunked: bool) -> std::io::Result<()> {
    let head = if chunked {
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
            .to_owned()
    } else {
        format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {len}\r\n\r\n"
        )
    };
    stream.write_all(head.as_bytes()).await?;
    let piece = vec![b' '; 64 * 1024];
    let mut left = len;
    while left > 0 {
        let n = left.min(piece.len());
        if chunked {
            stream.write_all(format!("{n:x}\r\n").as_bytes()).await?;
            stream.write_all(&piece[..n]).await?;
            stream.write_all(b"\r\n").await?;
        } else {
            stream.write_all(&piece[..n]).await?;
        }
        left -= n;
    }
    if chunked {
        stream.write_all(b"0\r\n\r\n").await?;
    }
    stream.flush().await
}

/// Reads one request (head, then a `Content-Length` body); `None` when the client closed
/// or sent something unreadable. Bytes after the request stay in `buffer`.
async fn read_request(stream: &mut TcpStream, buffer: &mut Vec<u8>) -> Option<Received> {
    let head_end = loop {
        if let Some(at) = find(buffer, b"\r\n\r\n") {
            break at + 4;
        }
        if buffer.len() > MAX_HEAD_BYTES || !read_more(stream, buffer).await {
            return None;
        }
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
    let body_len = content_length(&head);
    while buffer.len() < head_end + body_len {
        if !read_more(stream, buffer).await {
            return None;
        }
    }
    let body = buffer[head_end..head_end + body_len].to_vec();
    buffer.drain(..head_end + body_len);
    Some(Received { head, body })
}

async fn read_more(stream: &mut TcpStream, buffer: &mut Vec<u8>) -> bool {
    let mut chunk = [0u8; 8192];
    match stream.read(&mut chunk).await {
        Ok(0) | Err(_) => false,
        Ok(n) => {
            buffer.extend_from_slice(&chunk[..n]);
            true
        }
    }
}

fn content_length(head: &str) -> usize {
    head.lines()
        .skip(1)
        .filter_map(|line| line.split_once(':'))
        .find(|(name, _)| name.trim().eq_ignore_ascii_case("content-length"))
        .and_then(|(_, value)| value.trim().parse().ok())
        .unwrap_or(0)
}

/// Position of `needle` in `haystack`.
pub fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}
