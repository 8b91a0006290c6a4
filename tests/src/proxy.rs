//! [`RecordingProxy`]: a TCP relay on 127.0.0.1 in front of a server (the emulator) that
//! keeps every byte clients sent through it.
//!
//! Why a relay: the secrets test must know the exact `Signature` values (and tickets,
//! tokens, captcha signatures) that went over the wire, to search the logs for them. They
//! cannot be recomputed afterwards (every request carries a fresh random nonce and the
//! clock's timestamp), and asking the emulator would mean trusting the code under test
//! (it must not log them either). A byte-level relay sees what really went out, changes
//! nothing (the emulator still checks the signature over the very same bytes) and needs no
//! knowledge of HTTP.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};

use captcha_proto::Endpoint;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;

use crate::runtime;

/// A running relay; stops (dropping every connection) when dropped.
pub struct RecordingProxy {
    addr: SocketAddr,
    recorded: Arc<Mutex<Vec<Vec<u8>>>>,
    accept: tokio::task::JoinHandle<()>,
}

impl RecordingProxy {
    /// Relays every connection to `upstream`.
    pub fn start(upstream: SocketAddr) -> Self {
        let listener =
            std::net::TcpListener::bind(("127.0.0.1", 0)).expect("bind a port on 127.0.0.1");
        listener
            .set_nonblocking(true)
            .expect("a non-blocking listener");
        let addr = listener.local_addr().expect("the listener's address");
        let recorded = Arc::new(Mutex::new(Vec::new()));
        let accept = {
            let _context = runtime::servers().enter();
            let listener = TcpListener::from_std(listener).expect("a tokio listener");
            runtime::servers().spawn(accept_loop(listener, upstream, Arc::clone(&recorded)))
        };
        Self {
            addr,
            recorded,
            accept,
        }
    }

    /// Where it listens.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The API 2.0 endpoint through the relay, `http://127.0.0.1:PORT/v2/index.php`.
    pub fn endpoint(&self) -> Endpoint {
        format!("http://{}/v2/index.php", self.addr)
            .parse()
            .expect("a valid endpoint")
    }

    /// The API 3.0 endpoint through the relay, `http://127.0.0.1:PORT/`.
    pub fn root_endpoint(&self) -> Endpoint {
        format!("http://{}/", self.addr)
            .parse()
            .expect("a valid endpoint")
    }

    /// Everything clients sent, one entry per connection.
    pub fn sent(&self) -> Vec<Vec<u8>> {
        self.recorded
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

impl Drop for RecordingProxy {
    fn drop(&mut self) {
        self.accept.abort();
    }
}

async fn accept_loop(
    listener: TcpListener,
    upstream: SocketAddr,
    recorded: Arc<Mutex<Vec<Vec<u8>>>>,
) {
    let mut tasks = JoinSet::new();
    loop {
        let Ok((client, _)) = listener.accept().await else {
            continue;
        };
        let slot = {
            let mut recorded = recorded.lock().unwrap_or_else(PoisonError::into_inner);
            recorded.push(Vec::new());
            recorded.len() - 1
        };
        tasks.spawn(relay(client, upstream, Arc::clone(&recorded), slot));
        while tasks.try_join_next().is_some() {}
    }
}

/// Relays one connection: client → upstream recorded into `recorded[slot]`, upstream →
/// client as is. Ends when either side closes.
async fn relay(
    client: TcpStream,
    upstream: SocketAddr,
    recorded: Arc<Mutex<Vec<Vec<u8>>>>,
    slot: usize,
) {
    let Ok(server) = TcpStream::connect(upstream).await else {
        return;
    };
    let (mut client_read, mut client_write) = client.into_split();
    let (mut server_read, mut server_write) = server.into_split();
    let outbound = async move {
        let mut chunk = [0u8; 16 * 1024];
        loop {
            let n = match client_read.read(&mut chunk).await {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            };
            recorded.lock().unwrap_or_else(PoisonError::into_inner)[slot]
                .extend_from_slice(&chunk[..n]);
            if server_write.write_all(&chunk[..n]).await.is_err() {
                break;
            }
        }
        let _ = server_write.shutdown().await;
    };
    let inbound = async move {
        let _ = tokio::io::copy(&mut server_read, &mut client_write).await;
        let _ = client_write.shutdown().await;
    };
    tokio::join!(outbound, inbound);
}
