//! What transport tests rely on: connection and request counters, TLS, the background
//! runner, shutdown, start errors, and logs that never show a secret.

mod support;

use std::io::{Read, Write};
use std::sync::Arc;

use bytes::Bytes;
use captcha_emulator::{BackgroundEmulator, Emulator, StartError};
use captcha_proto::{Api2Config, CaptchaCheck, CaptchaGetUrl, CaptchaType, Stamp};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::rt::{TokioExecutor, TokioIo};
use rustls::RootCertStore;
use rustls::pki_types::ServerName;
use support::{Connection, ID, KEY};

#[tokio::test]
async fn keep_alive_serves_a_hundred_calls_on_one_connection() {
    let h = support::start().await;
    let mut connection = Connection::open(h.addr()).await;
    for nonce in 1..=100 {
        let request = support::with_host(
            h.config()
                .encode(&CaptchaGetUrl::new(), h.stamp(nonce))
                .unwrap(),
            &h.host(),
        );
        assert_eq!(connection.send(request).await.code(), 0);
    }
    let stats = h.emulator.stats();
    assert_eq!(stats.connections_accepted, 1);
    assert_eq!(stats.requests("CaptchaGetUrl"), 100);
    assert_eq!(stats.requests_total, 100);
}

/// At the cap, a further connection is closed at once; once one ends, another is served.
#[tokio::test]
async fn connections_beyond_the_cap_are_closed() {
    use tokio::io::AsyncReadExt;
    use tokio::net::TcpStream;
    use tokio::time::{Duration, timeout};

    let h = support::start_with(Emulator::builder().credential(ID, KEY).max_connections(2)).await;
    let mut first = Connection::open(h.addr()).await;
    let request = |nonce| {
        support::with_host(
            h.config()
                .encode(&CaptchaGetUrl::new(), h.stamp(nonce))
                .unwrap(),
            &h.host(),
        )
    };
    assert_eq!(first.send(request(1)).await.code(), 0);
    let second = TcpStream::connect(h.addr()).await.unwrap();
    // Wait until the server holds both: the second is accepted, not just queued.
    while h.emulator.stats().connections_accepted < 2 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let mut third = TcpStream::connect(h.addr()).await.unwrap();
    let mut byte = [0u8; 1];
    let closed = timeout(Duration::from_secs(10), third.read(&mut byte))
        .await
        .expect("the third connection is closed, not left hanging");
    assert!(matches!(closed, Ok(0) | Err(_)), "{closed:?}");
    assert_eq!(h.emulator.stats().connections_accepted, 2);

    drop(second);
    let mut fourth = None;
    for _ in 0..200 {
        let mut candidate = Connection::open(h.addr()).await;
        if let Some(reply) = candidate.try_send(request(2)).await {
            assert_eq!(reply.code(), 0);
            fourth = Some(candidate);
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(
        fourth.is_some(),
        "a slot freed by a closed connection is used again"
    );
}

/// A client that sends requests and never reads the answers is cut off once the emulator's
/// writes have been blocked for 30 s, and its connection slot serves someone else: without
/// that, such clients would hold every slot for good.
#[tokio::test(start_paused = true)]
async fn a_client_that_stops_reading_is_cut_off() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpSocket;
    use tokio::time::Duration;

    let h = support::start_with(Emulator::builder().credential(ID, KEY).max_connections(1)).await;
    // Answers (the stand-in TCaptcha.js, about 5 KB each) far beyond what the socket buffers
    // of both ends hold, asked for at once with a small receive buffer.
    const REQUESTS: usize = 2000;
    let socket = TcpSocket::new_v4().unwrap();
    socket.set_recv_buffer_size(4096).unwrap();
    let stream = socket.connect(h.addr()).await.unwrap();
    let (mut reader, mut writer) = stream.into_split();
    let requests = "GET /TCaptcha.js HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n".repeat(REQUESTS);
    let writing = tokio::spawn(async move {
        // The emulator stops reading too once it cannot write: this may never finish.
        let _ = writer.write_all(requests.as_bytes()).await;
        writer
    });
    tokio::time::sleep(Duration::from_secs(31)).await;

    let mut received = Vec::new();
    let read =
        tokio::time::timeout(Duration::from_secs(5), reader.read_to_end(&mut received)).await;
    assert!(
        matches!(read, Ok(Ok(_) | Err(_))),
        "the connection was closed: reading ends without waiting"
    );
    let answers = received
        .windows(15)
        .filter(|w| w == b"HTTP/1.1 200 OK")
        .count();
    assert!(
        answers < REQUESTS,
        "cut off before every answer was written ({answers} were)"
    );
    writing.abort();

    // The slot is free again.
    let mut next = Connection::open(h.addr()).await;
    let request = support::with_host(
        h.config()
            .encode(&CaptchaGetUrl::new(), h.stamp(1))
            .unwrap(),
        &h.host(),
    );
    assert_eq!(next.send(request).await.code(), 0);
}

#[tokio::test]
async fn a_pooled_client_reuses_its_connection() {
    let h = support::start().await;
    let client = Client::builder(TokioExecutor::new()).build_http::<Full<Bytes>>();
    for nonce in 1..=20 {
        let request = h
            .config()
            .encode(&CaptchaGetUrl::new(), h.stamp(nonce))
            .unwrap();
        let response = client
            .request(request.map(|b| Full::new(Bytes::from(b))))
            .await
            .unwrap();
        let body = response.into_body().collect().await.unwrap().to_bytes();
        assert!(body.starts_with(br#"{"code":0"#));
    }
    assert_eq!(h.emulator.stats().connections_accepted, 1);
    h.emulator.reset_stats();
    assert_eq!(h.emulator.stats().requests_total, 0);
}

#[tokio::test]
async fn the_stats_endpoint_reports_counters() {
    let h = support::start().await;
    let request = h
        .config()
        .encode(&CaptchaGetUrl::new(), h.stamp(1))
        .unwrap();
    h.send(request).await;
    let answer = h
        .send(
            http::Request::get("/emulator/stats")
                .body(Vec::new())
                .unwrap(),
        )
        .await;
    let stats = answer.json();
    assert_eq!(stats["requests_by_action"]["CaptchaGetUrl"], 1);
    assert_eq!(stats["connections_accepted"], 2);
}

fn certificate() -> (rcgen::CertifiedKey<rcgen::KeyPair>, RootCertStore) {
    let certified =
        rcgen::generate_simple_self_signed(vec!["localhost".to_owned(), "127.0.0.1".to_owned()])
            .unwrap();
    let mut roots = RootCertStore::empty();
    roots.add(certified.cert.der().clone()).unwrap();
    (certified, roots)
}

async fn https_get_url(
    h: &support::Harness,
    roots: RootCertStore,
    nonce: u64,
) -> serde_json::Value {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    let tcp = tokio::net::TcpStream::connect(h.addr()).await.unwrap();
    let tls = connector
        .connect(ServerName::try_from("127.0.0.1").unwrap(), tcp)
        .await
        .expect("the handshake succeeds");
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(tls))
        .await
        .unwrap();
    tokio::spawn(connection);
    let request = h
        .config()
        .encode(&CaptchaGetUrl::new(), h.stamp(nonce))
        .unwrap();
    let (mut parts, body) = request.into_parts();
    parts.headers.insert("host", h.host().parse().unwrap());
    parts.uri = parts
        .uri
        .path_and_query()
        .unwrap()
        .as_str()
        .parse()
        .unwrap();
    let request = http::Request::from_parts(parts, Full::new(Bytes::from(body)));
    let response = sender.send_request(request).await.unwrap();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    serde_json::from_slice(&body).unwrap()
}

#[tokio::test]
async fn tls_with_a_pem_certificate() {
    let (certified, roots) = certificate();
    let builder = Emulator::builder()
        .credential(ID, KEY)
        .tls(certified.cert.pem(), certified.signing_key.serialize_pem());
    let h = support::start_with(builder).await;
    assert!(h.emulator.endpoint().is_https());
    let answer = https_get_url(&h, roots, 1).await;
    assert_eq!(answer["code"], 0);
    assert!(
        answer["url"]
            .as_str()
            .unwrap()
            .starts_with("https://127.0.0.1:")
    );

    // A plain-http client fails the handshake, and is counted.
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(h.addr()).await.unwrap();
    stream
        .write_all(b"GET /v2/index.php HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let mut buf = Vec::new();
    let _ = stream.read_to_end(&mut buf).await;
    assert!(!buf.starts_with(b"HTTP/1.1 200"));
    for _ in 0..100 {
        if h.emulator.stats().tls_handshake_failures == 1 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    assert_eq!(h.emulator.stats().tls_handshake_failures, 1);
}

#[tokio::test]
async fn tls_with_a_der_certificate() {
    let (certified, roots) = certificate();
    let builder = Emulator::builder().credential(ID, KEY).tls(
        certified.cert.der().to_vec(),
        certified.signing_key.serialize_der(),
    );
    let h = support::start_with(builder).await;
    assert_eq!(https_get_url(&h, roots, 1).await["code"], 0);
}

#[tokio::test]
async fn unusable_configurations_do_not_start() {
    let addr = "127.0.0.1:0".parse().unwrap();
    let bad_tls = Emulator::builder().tls("not a certificate", "-----BEGIN PRIVATE KEY-----\n");
    assert!(matches!(
        bad_tls.build().start(addr).await,
        Err(StartError::Tls { .. })
    ));
    let empty_key = Emulator::builder().credential("AKIDx", "");
    let error = empty_key.build().start(addr).await.unwrap_err();
    assert!(
        matches!(error, StartError::Credential { index: 0, .. }),
        "{error}"
    );
    let twice = Emulator::builder()
        .credential("AKIDx", "a")
        .credential("AKIDx", "b");
    assert!(matches!(
        twice.build().start(addr).await,
        Err(StartError::DuplicateSecretId { index: 1 })
    ));
    let taken = Emulator::demo().start(addr).await.unwrap();
    let error = Emulator::demo()
        .start(taken.local_addr())
        .await
        .unwrap_err();
    assert!(matches!(error, StartError::Bind { .. }), "{error}");
    assert!(
        !format!(
            "{:?}",
            Emulator::builder().credential("AKIDx", "super-secret")
        )
        .contains("super-secret")
    );
}

#[tokio::test]
async fn shutdown_closes_the_listener() {
    let h = support::start().await;
    let addr = h.addr();
    h.emulator.shutdown().await;
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());
}

/// A plain `#[test]`: no tokio runtime here, the emulator brings its own.
#[test]
fn the_background_emulator_needs_no_runtime() {
    let emulator =
        BackgroundEmulator::start(Emulator::demo(), "127.0.0.1:0".parse().unwrap()).unwrap();
    assert_eq!(
        emulator.credential().secret_id().as_str(),
        captcha_emulator::DEMO_SECRET_ID
    );
    let ticket = emulator.mint_ticket("127.0.0.1".parse().unwrap(), 9);
    let config = Api2Config::new(emulator.credential()).with_endpoint(emulator.endpoint());
    let check = CaptchaCheck::new(ticket, "127.0.0.1".parse().unwrap(), CaptchaType::Slider);
    let request = config.encode(&check, Stamp::now()).unwrap();
    let mut stream = std::net::TcpStream::connect(emulator.local_addr()).unwrap();
    let text = format!(
        "GET {} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
        request.uri().path_and_query().unwrap(),
        emulator.local_addr()
    );
    stream.write_all(text.as_bytes()).unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    assert!(
        answer.ends_with(r#"{"code":0,"message":"No Error","codeDesc":"Success"}"#),
        "{answer}"
    );
    let addr = emulator.local_addr();
    drop(emulator);
    assert!(
        std::net::TcpStream::connect(addr).is_err(),
        "stopped on drop"
    );
}
