//! Small HTTP/1.1 servers on 127.0.0.1 that misbehave on purpose, a self-signed
//! certificate, and a tracing capture. Shared by the integration tests.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use captcha_hyper::{Client, ClientBuilder, Credential, Endpoint};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpListener;

pub const SECRET_ID: &str = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3gnPhESA";
pub const SECRET_KEY: &str = "Gu5t9xGARNpq86cd98joQYCN3Cozk1qA";

/// One request as the server read it.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Seen {
    /// A header value (name case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// A parameter from the query (GET) or the form body (POST), still percent-encoded.
    pub fn param(&self, name: &str) -> Option<String> {
        let query = self.target.split_once('?').map(|(_, q)| q).unwrap_or("");
        let body = String::from_utf8_lossy(&self.body).into_owned();
        query
            .split('&')
            .chain(body.split('&'))
            .filter_map(|pair| pair.split_once('='))
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.to_owned())
    }
}

/// What the server does with a request.
pub enum Reply {
    /// A complete response; the connection stays open for the next request.
    Full {
        status: u16,
        headers: Vec<(&'static str, String)>,
        body: Vec<u8>,
    },
    /// Never answers (keeps the connection open).
    Silent,
    /// Promises `Content-Length: 1000`, sends 10 bytes, closes.
    CloseMidBody,
    /// A chunked body that never ends.
    Endless,
    /// Closes without answering.
    Close,
}

impl Reply {
    /// `200 OK` with a JSON body.
    pub fn json(body: &str) -> Self {
        Reply::Full {
            status: 200,
            headers: vec![("Content-Type", "application/json".to_owned())],
            body: body.as_bytes().to_vec(),
        }
    }
}

type Handler = dyn Fn(&Seen) -> Reply + Send + Sync;

/// A server on 127.0.0.1 counting accepted connections and recording requests.
pub struct TestServer {
    pub addr: SocketAddr,
    pub accepts: Arc<AtomicUsize>,
    /// Connections the client closed (end of stream while waiting for a request).
    pub closed: Arc<AtomicUsize>,
    pub seen: Arc<Mutex<Vec<Seen>>>,
}

impl TestServer {
    /// Plain HTTP.
    pub async fn start(handler: impl Fn(&Seen) -> Reply + Send + Sync + 'static) -> Self {
        Self::start_with(None, 0, handler).await
    }

    /// HTTPS with `tls`; the first `fail_handshakes` connections are closed as soon as the
    /// client's hello arrives (a TLS failure before any request is written).
    pub async fn start_with(
        tls: Option<tokio_rustls::TlsAcceptor>,
        fail_handshakes: usize,
        handler: impl Fn(&Seen) -> Reply + Send + Sync + 'static,
    ) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let accepts = Arc::new(AtomicUsize::new(0));
        let closed = Arc::new(AtomicUsize::new(0));
        let seen = Arc::new(Mutex::new(Vec::new()));
        let handler: Arc<Handler> = Arc::new(handler);
        let (accepts2, closed2, seen2) = (accepts.clone(), closed.clone(), seen.clone());
        tokio::spawn(async move {
            loop {
                let Ok((mut stream, _)) = listener.accept().await else {
                    return;
                };
                let number = accepts2.fetch_add(1, Ordering::SeqCst) + 1;
                let (handler, seen, closed) = (handler.clone(), seen2.clone(), closed2.clone());
                let tls = tls.clone();
                tokio::spawn(async move {
                    match tls {
                        Some(_) if number <= fail_handshakes => {
                            let mut hello = [0u8; 64];
                            let _ = stream.read(&mut hello).await;
                        }
                        Some(acceptor) => {
                            if let Ok(stream) = acceptor.accept(stream).await {
                                serve(stream, handler, seen, closed).await;
                            }
                        }
                        None => serve(stream, handler, seen, closed).await,
                    }
                });
            }
        });
        Self {
            addr,
            accepts,
            closed,
            seen,
        }
    }

    pub fn accepts(&self) -> usize {
        self.accepts.load(Ordering::SeqCst)
    }

    pub fn closed(&self) -> usize {
        self.closed.load(Ordering::SeqCst)
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    /// `http://127.0.0.1:port/v2/index.php`.
    pub fn endpoint(&self) -> Endpoint {
        format!("http://{}/v2/index.php", self.addr)
            .parse()
            .unwrap()
    }
}

async fn serve<S: AsyncRead + AsyncWrite + Unpin>(
    mut stream: S,
    handler: Arc<Handler>,
    seen: Arc<Mutex<Vec<Seen>>>,
    closed: Arc<AtomicUsize>,
) {
    let mut buffer = Vec::new();
    loop {
        let Some(request) = read_request(&mut stream, &mut buffer).await else {
            closed.fetch_add(1, Ordering::SeqCst);
            return;
        };
        seen.lock().unwrap().push(request.clone());
        match handler(&request) {
            Reply::Full {
                status,
                headers,
                body,
            } => {
                let mut head = format!("HTTP/1.1 {status} X\r\nContent-Length: {}\r\n", body.len());
                for (name, value) in headers {
                    head.push_str(&format!("{name}: {value}\r\n"));
                }
                head.push_str("\r\n");
                // One write: a split head and body would meet delayed ACKs.
                if stream
                    .write_all(&[head.into_bytes(), body].concat())
                    .await
                    .is_err()
                {
                    return;
                }
                let _ = stream.flush().await;
            }
            Reply::Silent => {
                tokio::time::sleep(Duration::from_secs(3600)).await;
                return;
            }
            Reply::CloseMidBody => {
                let _ = stream
                    .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n{\"code\":0,")
                    .await;
                let _ = stream.flush().await;
                let _ = stream.shutdown().await;
                return;
            }
            Reply::Endless => {
                let head = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
                if stream.write_all(head).await.is_err() {
                    return;
                }
                let chunk = vec![b'x'; 64 * 1024];
                let framed = [
                    format!("{:x}\r\n", chunk.len()).into_bytes(),
                    chunk,
                    b"\r\n".to_vec(),
                ]
                .concat();
                while stream.write_all(&framed).await.is_ok() {}
                return;
            }
            Reply::Close => {
                let _ = stream.shutdown().await;
                return;
            }
        }
    }
}

/// Reads one request (head plus `Content-Length` body); `None` at end of stream.
async fn read_request<S: AsyncRead + Unpin>(stream: &mut S, buffer: &mut Vec<u8>) -> Option<Seen> {
    let head_end = loop {
        if let Some(at) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
        let mut chunk = [0u8; 4096];
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next()?.split(' ');
    let method = request_line.next()?.to_owned();
    let target = request_line.next()?.to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    while buffer.len() < head_end + length {
        let mut chunk = [0u8; 4096];
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..n]);
    }
    let body = buffer[head_end..head_end + length].to_vec();
    buffer.drain(..head_end + length);
    Some(Seen {
        method,
        target,
        headers,
        body,
    })
}

/// A builder with the test credential and `endpoint`.
pub fn builder(endpoint: Endpoint) -> ClientBuilder {
    Client::builder()
        .credential(Credential::new(SECRET_ID, SECRET_KEY).unwrap())
        .api2_endpoint(endpoint)
}

/// A successful `CaptchaGetUrl` reply.
pub fn url_reply() -> Reply {
    Reply::json(
        r#"{"code":0,"message":"No Error","url":"https://captcha.guard.qcloud.com/getimgbysig?sig=abc"}"#,
    )
}

/// A self-signed certificate for `localhost` and 127.0.0.1: (certificate DER, acceptor).
pub fn self_signed() -> (Vec<u8>, tokio_rustls::TlsAcceptor) {
    let certified =
        rcgen::generate_simple_self_signed(vec!["localhost".to_owned(), "127.0.0.1".to_owned()])
            .unwrap();
    let cert_der = certified.cert.der().to_vec();
    let key_der = certified.signing_key.serialize_der();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            vec![rustls::pki_types::CertificateDer::from(cert_der.clone())],
            rustls::pki_types::PrivateKeyDer::Pkcs8(key_der.into()),
        )
        .unwrap();
    (cert_der, tokio_rustls::TlsAcceptor::from(Arc::new(config)))
}

/// Collects everything `tracing` writes (all levels) while the guard lives, on this thread.
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
            .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
            .with_ansi(false)
            .with_writer(move || writer.clone())
            .finish();
        let guard = tracing::subscriber::set_default(subscriber);
        // Another test may have cached a callsite as disabled before this subscriber existed.
        tracing::callsite::rebuild_interest_cache();
        Self {
            buffer,
            _guard: guard,
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
