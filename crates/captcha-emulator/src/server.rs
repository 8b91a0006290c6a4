//! The listener: accepts connections (optionally TLS), serves HTTP/1.1 with keep-alive, and
//! shuts down gracefully. [`RunningEmulator`] owns it; [`EmulatorHandle`] steers it.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::ops::Deref;
use std::sync::Arc;
use std::time::Duration;

use captcha_proto::{Credential, Endpoint};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Semaphore, watch};
use tokio::task::{JoinHandle, JoinSet};
use tokio_rustls::TlsAcceptor;

use crate::api3::{Api3Ticket, Api3TicketKind};
use crate::apps::{CaptchaApp, UnknownCaptchaApp};
use crate::builder::EmulatorBuilder;
use crate::error::StartError;
use crate::faults::Fault;
use crate::metadata::MetadataFault;
use crate::router::{self, Connection};
use crate::stall::WriteStallGuard;
use crate::state::State;
use crate::stats::Stats;
use crate::{API2_PATH, API3_PATH, tls};

/// A client must send its request headers within this time (idle keep-alive included).
const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(30);
/// A TLS client must finish its handshake within this time.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
/// Connections get this long to finish their request after shutdown starts.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(2);

/// Steers a running emulator: its address, test helpers, faults and counters. Cheap to
/// clone; stays usable (but idle) after the server stops.
#[derive(Clone)]
pub struct EmulatorHandle {
    state: Arc<State>,
    local_addr: SocketAddr,
    endpoint: Endpoint,
    api3_endpoint: Endpoint,
}

impl EmulatorHandle {
    /// The API 2.0 endpoint, `http(s)://127.0.0.1:PORT/v2/index.php` (a wildcard bind
    /// address is replaced by loopback).
    pub fn endpoint(&self) -> Endpoint {
        self.endpoint.clone()
    }

    /// The API 3.0 endpoint, `http(s)://127.0.0.1:PORT/` (give it to a client builder's
    /// `api3_endpoint`).
    pub fn api3_endpoint(&self) -> Endpoint {
        self.api3_endpoint.clone()
    }

    /// The address the server listens on.
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// `http(s)://host:PORT`, the root of every URL the emulator serves.
    pub fn base_url(&self) -> String {
        let scheme = if self.endpoint.is_https() {
            "https"
        } else {
            "http"
        };
        format!(
            "{scheme}://{}:{}",
            self.endpoint.host(),
            self.endpoint.port_or_default()
        )
    }

    /// The emulated CVM metadata service, `http(s)://127.0.0.1:PORT/` (in place of
    /// `http://metadata.tencentyun.com`): a credential provider requests
    /// `/latest/meta-data/cam/security-credentials/` on it (see
    /// [`EmulatorBuilder::cvm_role`](crate::EmulatorBuilder::cvm_role)).
    pub fn metadata_endpoint(&self) -> Endpoint {
        self.api3_endpoint.clone()
    }

    /// The STS endpoint, `http(s)://127.0.0.1:PORT/`: the API 3.0 root, where
    /// `AssumeRole` and `AssumeRoleWithWebIdentity` (version 2018-08-13, TC3 service `sts`)
    /// are served next to the captcha actions.
    pub fn sts_endpoint(&self) -> Endpoint {
        self.api3_endpoint.clone()
    }

    /// Issues a temporary credential (SecretId, SecretKey and token) valid for `lifetime`
    /// (whole seconds, at least 1) of the emulator clock, as STS would: requests signed
    /// with it pass with its token (`X-TC-Token`, or the v1 `Token` parameter) until it
    /// expires, and fail without it, with another credential's token, or after expiry
    /// (`AuthFailure.TokenFailure`; API 2.0: 4105).
    pub fn issue_temporary_credential(&self, lifetime: Duration) -> Credential {
        let now = self.state.now();
        self.state
            .issued
            .issue(now, lifetime.as_secs().max(1), false)
            .map(|issued| issued.credential)
            .expect("an unbounded issue never fails")
    }

    /// Accepts `token` in `AssumeRoleWithWebIdentity` from now on, until `expires_at`
    /// (UNIX seconds of the emulator clock; `None`: never), as a rotated TKE token file
    /// would bring a new one. The token must be non-empty without surrounding whitespace;
    /// the error says why not (never showing the token).
    pub fn allow_web_identity_token(
        &self,
        token: impl Into<String>,
        expires_at: Option<u64>,
    ) -> Result<(), &'static str> {
        self.state.web_identity_tokens.add(token.into(), expires_at)
    }

    /// Switches a fault of the metadata paths on (replacing any other; see
    /// [`MetadataFault`]).
    pub fn set_metadata_fault(&self, fault: MetadataFault) {
        self.state.metadata_faults.set(Some(fault));
    }

    /// Switches the metadata fault off.
    pub fn clear_metadata_fault(&self) {
        self.state.metadata_faults.set(None);
    }

    /// The first configured credential (the demo one when none was configured).
    pub fn credential(&self) -> Credential {
        self.state.credentials[0].clone()
    }

    /// Every configured credential.
    pub fn credentials(&self) -> &[Credential] {
        &self.state.credentials
    }

    /// The server clock, UNIX seconds.
    pub fn now_unix(&self) -> u64 {
        self.state.now()
    }

    /// Mints a ticket, as if a user at `user_ip` had solved a captcha of `captcha_type`:
    /// it passes one `CaptchaCheck` with the same `userIp` and `captchaType` within the
    /// ticket lifetime.
    pub fn mint_ticket(&self, user_ip: IpAddr, captcha_type: u32) -> String {
        self.state
            .tickets
            .mint(user_ip, captcha_type, self.state.now())
    }

    /// Mints an API 3.0 ticket and Randstr, as if a user at `user_ip` had solved a captcha
    /// of the app `captcha_app_id` on a web page: they pass one `DescribeCaptchaResult` (or
    /// `DescribeCaptchaRceResult`) with that app's `AppSecretKey` and the same `UserIp`
    /// within the ticket lifetime. For a test key
    /// ([`TEST_CAPTCHA_APP_ID_FAIL`](crate::TEST_CAPTCHA_APP_ID_FAIL), …) the ticket that
    /// key stands for. Also `POST /emulator/v3/tickets`.
    pub fn mint_api3_ticket(
        &self,
        captcha_app_id: u64,
        user_ip: IpAddr,
    ) -> Result<Api3Ticket, UnknownCaptchaApp> {
        self.mint_api3_ticket_of(Api3TicketKind::Web, captcha_app_id, user_ip)
    }

    /// Mints an API 3.0 ticket of `kind`: [`Api3TicketKind::Mini`] for the mini-program
    /// plugin (no Randstr; it passes one `DescribeCaptchaMiniResult` or
    /// `DescribeCaptchaMiniRiskResult`). Also `POST /emulator/v3/tickets` with `Kind=mini`.
    pub fn mint_api3_ticket_of(
        &self,
        kind: Api3TicketKind,
        captcha_app_id: u64,
        user_ip: IpAddr,
    ) -> Result<Api3Ticket, UnknownCaptchaApp> {
        if !self.state.apps.contains(captcha_app_id) {
            return Err(UnknownCaptchaApp { captcha_app_id });
        }
        Ok(crate::test_keys::mint(&self.state, kind, captcha_app_id, user_ip).ticket)
    }

    /// The first configured captcha app (the demo one when none was configured).
    pub fn captcha_app(&self) -> CaptchaApp {
        self.state.apps.all()[0].clone()
    }

    /// Every configured captcha app.
    pub fn captcha_apps(&self) -> &[CaptchaApp] {
        self.state.apps.all()
    }

    /// The characters shown by the image whose `vsig` cookie is `vsig`, while it is known.
    pub fn answer_for(&self, vsig: &str) -> Option<String> {
        self.state.images.answer_for(vsig, self.state.now())
    }

    /// Switches a fault on for every following API request (see [`Fault`]).
    pub fn set_fault(&self, fault: Fault) {
        self.state.faults.set(fault);
    }

    /// Switches every fault off.
    pub fn clear_faults(&self) {
        self.state.faults.clear();
    }

    /// The counters so far.
    pub fn stats(&self) -> Stats {
        self.state.stats.snapshot()
    }

    /// Sets every counter back to zero.
    pub fn reset_stats(&self) {
        self.state.stats.reset();
    }
}

impl std::fmt::Debug for EmulatorHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EmulatorHandle")
            .field("endpoint", &self.endpoint)
            .finish_non_exhaustive()
    }
}

/// A server running on a tokio runtime. Dereferences to its [`EmulatorHandle`]. Stops on
/// [`shutdown`](RunningEmulator::shutdown), or in the background when dropped.
#[derive(Debug)]
pub struct RunningEmulator {
    handle: EmulatorHandle,
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
}

impl RunningEmulator {
    /// The handle (cloneable, for other tasks or threads).
    pub fn handle(&self) -> &EmulatorHandle {
        &self.handle
    }

    /// Stops accepting, lets open requests finish (up to 2 s), closes every connection.
    pub async fn shutdown(self) {
        let _ = self.stop.send(true);
        let _ = self.task.await;
    }
}

impl Deref for RunningEmulator {
    type Target = EmulatorHandle;

    fn deref(&self) -> &EmulatorHandle {
        &self.handle
    }
}

/// Binds and spawns the accept loop on the current runtime.
pub(crate) async fn start(
    builder: EmulatorBuilder,
    addr: SocketAddr,
) -> Result<RunningEmulator, StartError> {
    let acceptor = match &builder.tls {
        Some(source) => Some(TlsAcceptor::from(tls::server_config(source)?)),
        None => None,
    };
    let state = Arc::new(State::new(&builder)?);
    let bind_error = |source| StartError::Bind { addr, source };
    let listener = TcpListener::bind(addr).await.map_err(bind_error)?;
    let local_addr = listener.local_addr().map_err(bind_error)?;
    let endpoint = endpoint_for(local_addr, acceptor.is_some(), API2_PATH);
    let api3_endpoint = endpoint_for(local_addr, acceptor.is_some(), API3_PATH);
    let (stop, stopped) = watch::channel(false);
    let slots = Arc::new(Semaphore::new(builder.max_connections));
    let task = tokio::spawn(accept_loop(
        listener,
        state.clone(),
        acceptor,
        slots,
        stopped,
    ));
    tracing::info!(target: "captcha_emulator", %endpoint, "emulator listening");
    Ok(RunningEmulator {
        handle: EmulatorHandle {
            state,
            local_addr,
            endpoint,
            api3_endpoint,
        },
        stop,
        task,
    })
}

fn endpoint_for(addr: SocketAddr, https: bool, path: &str) -> Endpoint {
    let ip = match addr.ip() {
        IpAddr::V4(v4) if v4.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(v6) if v6.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    let host = match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => format!("[{v6}]"),
    };
    Endpoint::new(https, &host, Some(addr.port()), path)
        .expect("an IP address and a port always form a valid URL")
}

/// Resolves once the owner asked to stop (or went away).
async fn stop_requested(stopped: &mut watch::Receiver<bool>) {
    let _ = stopped.wait_for(|stop| *stop).await;
}

async fn accept_loop(
    listener: TcpListener,
    state: Arc<State>,
    acceptor: Option<TlsAcceptor>,
    slots: Arc<Semaphore>,
    mut stopped: watch::Receiver<bool>,
) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            () = stop_requested(&mut stopped) => break,
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => {
                    // At the cap, hang up at once: each connection may hold a request body
                    // in memory, so their number must be bounded.
                    let Ok(slot) = Arc::clone(&slots).try_acquire_owned() else {
                        tracing::warn!(target: "captcha_emulator", remote = %peer, "too many connections; closed");
                        continue;
                    };
                    state.stats.connection();
                    let _ = stream.set_nodelay(true);
                    let local = stream.local_addr().unwrap_or(peer);
                    let conn = Connection { peer, local };
                    let served = serve_stream(
                        stream,
                        conn,
                        state.clone(),
                        acceptor.clone(),
                        stopped.clone(),
                    );
                    connections.spawn(async move {
                        served.await;
                        drop(slot);
                    });
                }
                Err(error) => {
                    // Out of file descriptors and the like: back off instead of spinning.
                    tracing::warn!(target: "captcha_emulator", %error, "accept failed");
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            }
        }
    }
    drop(listener);
    let grace = tokio::time::sleep(SHUTDOWN_GRACE);
    tokio::pin!(grace);
    loop {
        tokio::select! {
            next = connections.join_next() => if next.is_none() { break },
            () = &mut grace => {
                connections.abort_all();
                break;
            }
        }
    }
    tracing::info!(target: "captcha_emulator", "emulator stopped");
}

async fn serve_stream(
    stream: TcpStream,
    conn: Connection,
    state: Arc<State>,
    acceptor: Option<TlsAcceptor>,
    stopped: watch::Receiver<bool>,
) {
    // Below TLS: what stalls is the socket, whatever is written on it.
    let stream = WriteStallGuard::new(stream);
    let Some(acceptor) = acceptor else {
        return serve_io(stream, conn, state, stopped).await;
    };
    match tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(stream)).await {
        Ok(Ok(tls_stream)) => serve_io(tls_stream, conn, state, stopped).await,
        Ok(Err(error)) => {
            state.stats.tls_failure();
            tracing::debug!(target: "captcha_emulator", %error, remote = %conn.peer, "TLS handshake failed");
        }
        Err(_) => {
            state.stats.tls_failure();
            tracing::debug!(target: "captcha_emulator", remote = %conn.peer, "TLS handshake timed out");
        }
    }
}

async fn serve_io<I>(io: I, conn: Connection, state: Arc<State>, mut stopped: watch::Receiver<bool>)
where
    I: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let service = service_fn(move |request| {
        let state = state.clone();
        async move { router::serve(&state, request, conn).await }
    });
    let connection = http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(HEADER_READ_TIMEOUT)
        .serve_connection(TokioIo::new(io), service);
    tokio::pin!(connection);
    tokio::select! {
        result = connection.as_mut() => {
            if let Err(error) = result {
                tracing::debug!(target: "captcha_emulator", %error, remote = %conn.peer, "connection ended");
            }
        }
        () = stop_requested(&mut stopped) => {
            connection.as_mut().graceful_shutdown();
            let _ = connection.await;
        }
    }
}
