//! Test servers on 127.0.0.1 written with async-std sockets: each answers (or misbehaves)
//! as a test's script says and counts connections and requests.

#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_std::net::TcpListener;
use captcha_async_std::{Client, ClientBuilder, Credential, Endpoint};
use futures_lite::io::{AsyncRead as Read, AsyncReadExt, AsyncWrite as Write, AsyncWriteExt};
use futures_rustls::TlsAcceptor;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

/// The test credential (not a real key).
pub const SECRET_ID: &str = "AKIDasyncstdtest000000000000000000000";
/// Its key: must never appear in any output.
pub const SECRET_KEY: &str = "async-std-test-secret-key-0123456789";

/// A request as the server read it.
#[derive(Debug, Clone)]
pub struct Seen {
    /// Request line and headers.
    pub head: String,
    /// The body.
    pub body: Vec<u8>,
    /// Which connection (1-based) carried it.
    pub connection: usize,
}

impl Seen {
    /// The request line, e.g. `GET /v2/index.php?… HTTP/1.1`.
    pub fn request_line(&self) -> &str {
        self.head.lines().next().unwrap_or_default()
    }

    /// A header value (case-insensitive name).
    pub fn header(&self, name: &str) -> Option<String> {
        self.head.lines().skip(1).find_map(|line| {
            let (n, v) = line.split_once(':')?;
            n.trim()
                .eq_ignore_ascii_case(name)
                .then(|| v.trim().to_owned())
        })
    }
}

/// What the server does with one request.
pub enum Act {
    /// Writes these bytes and keeps the connection open for the next request.
    Reply(Vec<u8>),
    /// Writes these bytes and closes the connection.
    ReplyAndClose(Vec<u8>),
    /// Waits, then writes these bytes and keeps the connection open.
    After(Duration, Vec<u8>),
    /// Never answers; keeps the connection open.
    Hang,
    /// Closes the connection without answering.
    Close,
}

type Script = dyn Fn(usize, &Seen) -> Act + Send + Sync;

/// A scripted HTTP/1.1 server.
pub struct TestServer {
    /// Where it listens.
    pub addr: SocketAddr,
    https: bool,
    connections: Arc<AtomicUsize>,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl TestServer {
    /// Starts a server that handles request number `n` (1-based, all connections) with
    /// `script(n, &request)`.
    pub async fn start(script: impl Fn(usize, &Seen) -> Act + Send + Sync + 'static) -> Self {
        Self::launch(None, script).await
    }

    /// Like [`TestServer::start`], over TLS with `identity`.
    pub async fn start_tls(
        identity: &Identity,
        script: impl Fn(usize, &Seen) -> Act + Send + Sync + 'static,
    ) -> Self {
        Self::launch(Some(identity.acceptor()), script).await
    }

    async fn launch(
        tls: Option<TlsAcceptor>,
        script: impl Fn(usize, &Seen) -> Act + Send + Sync + 'static,
    ) -> Self {
        let https = tls.is_some();
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let connections = Arc::new(AtomicUsize::new(0));
        let seen = Arc::new(Mutex::new(Vec::new()));
        let script: Arc<Script> = Arc::new(script);
        let (c, s) = (Arc::clone(&connections), Arc::clone(&seen));
        async_std::task::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                let number = c.fetch_add(1, Ordering::SeqCst) + 1;
                let (seen, script) = (Arc::clone(&s), Arc::clone(&script));
                match tls.clone() {
                    None => {
                        async_std::task::spawn(serve(stream, number, seen, script));
                    }
                    Some(acceptor) => {
                        async_std::task::spawn(async move {
                            // A client that refuses the certificate ends here.
                            if let Ok(stream) = acceptor.accept(stream).await {
                                serve(stream, number, seen, script).await;
                            }
                        });
                    }
                }
            }
        });
        Self {
            addr,
            https,
            connections,
            seen,
        }
    }

    /// Starts a server that accepts connections and closes each at once, reading nothing
    /// (so a TLS client never completes its handshake).
    pub async fn hang_up() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let connections = Arc::new(AtomicUsize::new(0));
        let c = Arc::clone(&connections);
        async_std::task::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                c.fetch_add(1, Ordering::SeqCst);
                drop(stream);
            }
        });
        Self {
            addr,
            https: false,
            connections,
            seen: Arc::new(Mutex::new(Vec::new())),
        }
    }

    /// Starts a server that answers every request with `response` on a kept-alive connection.
    pub async fn always(response: Vec<u8>) -> Self {
        Self::start(move |_, _| Act::Reply(response.clone())).await
    }

    /// Connections accepted so far.
    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }

    /// Requests read so far.
    pub fn requests(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    /// The API endpoint on this server.
    pub fn endpoint(&self) -> Endpoint {
        let scheme = if self.https { "https" } else { "http" };
        format!("{scheme}://{}/v2/index.php", self.addr)
            .parse()
            .expect("endpoint")
    }

    /// A client builder aimed at this server with the test credential.
    pub fn builder(&self) -> ClientBuilder {
        builder_for(self.endpoint())
    }
}

/// A client builder aimed at `endpoint` with the test credential.
pub fn builder_for(endpoint: Endpoint) -> ClientBuilder {
    Client::builder()
        .credential(Credential::new(SECRET_ID, SECRET_KEY).expect("credential"))
        .api2_endpoint(endpoint)
}

async fn serve<S: Read + Write + Unpin>(
    mut stream: S,
    connection: usize,
    seen: Arc<Mutex<Vec<Seen>>>,
    script: Arc<Script>,
) {
    let mut buffer = Vec::new();
    loop {
        let Some(request) = read_request(&mut stream, &mut buffer, connection).await else {
            return;
        };
        let number = {
            let mut seen = seen.lock().unwrap();
            seen.push(request.clone());
            seen.len()
        };
        match script(number, &request) {
            Act::Reply(bytes) => {
                if stream.write_all(&bytes).await.is_err() {
                    return;
                }
            }
            Act::After(delay, bytes) => {
                async_std::task::sleep(delay).await;
                if stream.write_all(&bytes).await.is_err() {
                    return;
                }
            }
            Act::ReplyAndClose(bytes) => {
                let _ = stream.write_all(&bytes).await;
                let _ = stream.flush().await;
                let _ = stream.close().await;
                return;
            }
            Act::Hang => {
                async_std::task::sleep(Duration::from_secs(3600)).await;
                return;
            }
            Act::Close => {
                let _ = stream.close().await;
                return;
            }
        }
    }
}

/// Reads one request (head up to the blank line, then a `Content-Length` body).
async fn read_request<S: Read + Unpin>(
    stream: &mut S,
    buffer: &mut Vec<u8>,
    connection: usize,
) -> Option<Seen> {
    let head_end = loop {
        if let Some(at) = find(buffer, b"\r\n\r\n") {
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
    let length = head
        .lines()
        .find_map(|line| {
            let (n, v) = line.split_once(':')?;
            n.trim()
                .eq_ignore_ascii_case("content-length")
                .then(|| v.trim().parse::<usize>().ok())?
        })
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
        head,
        body,
        connection,
    })
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// A complete `200 OK` JSON response.
pub fn json(body: &str) -> Vec<u8> {
    format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// The API's success answer.
pub fn ok() -> Vec<u8> {
    json(r#"{"code":0,"message":"No Error","codeDesc":"Success"}"#)
}

/// Seconds (as f64) a future took, with its output.
pub async fn timed<T>(future: impl std::future::Future<Output = T>) -> (T, Duration) {
    let started = std::time::Instant::now();
    let out = future.await;
    (out, started.elapsed())
}

/// A `127.0.0.1` port that nothing listens on (bound, then released).
pub fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("addr").port()
}

/// The test user's IP.
pub fn user_ip() -> std::net::IpAddr {
    "203.0.113.7".parse().expect("ip")
}

/// A self-signed certificate and its key, made with rcgen.
pub struct Identity {
    /// The certificate, DER (also the root a client must trust).
    pub cert_der: Vec<u8>,
    key_der: Vec<u8>,
}

impl Identity {
    /// A certificate valid for `names` (DNS names or IP addresses).
    pub fn for_names(names: &[&str]) -> Self {
        let names: Vec<String> = names.iter().map(|n| (*n).to_owned()).collect();
        let certified = rcgen::generate_simple_self_signed(names).expect("certificate");
        Self {
            cert_der: certified.cert.der().to_vec(),
            key_der: certified.signing_key.serialize_der(),
        }
    }

    fn acceptor(&self) -> TlsAcceptor {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(self.key_der.clone()));
        let config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("protocol versions")
            .with_no_client_auth()
            .with_single_cert(vec![CertificateDer::from(self.cert_der.clone())], key)
            .expect("server certificate");
        TlsAcceptor::from(Arc::new(config))
    }
}
