//! [`BackgroundEmulator`]: the emulator on its own thread and tokio runtime, for callers
//! that have no tokio runtime (async-std tests, the CLI, plain `#[test]` functions).

use std::net::SocketAddr;
use std::ops::Deref;
use std::sync::mpsc;
use std::thread::JoinHandle;

use tokio::sync::oneshot;

use crate::builder::Emulator;
use crate::error::StartError;
use crate::server::EmulatorHandle;

/// Worker threads of the background runtime (the target machines have two cores).
const WORKER_THREADS: usize = 2;

/// A running emulator with its own runtime on a background thread. Dereferences to its
/// [`EmulatorHandle`], whose methods are all synchronous. Stops when dropped.
///
/// ```no_run
/// use captcha_emulator::{BackgroundEmulator, Emulator};
/// let emulator = BackgroundEmulator::start(Emulator::demo(), "127.0.0.1:0".parse().unwrap())?;
/// let ticket = emulator.mint_ticket("127.0.0.1".parse().unwrap(), 9);
/// println!("{} {ticket}", emulator.endpoint());
/// # Ok::<(), captcha_emulator::StartError>(())
/// ```
#[derive(Debug)]
pub struct BackgroundEmulator {
    handle: EmulatorHandle,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl BackgroundEmulator {
    /// Starts `emulator` (an [`Emulator`] or an [`EmulatorBuilder`](crate::EmulatorBuilder))
    /// on `addr` and returns once it listens.
    pub fn start(emulator: impl Into<Emulator>, addr: SocketAddr) -> Result<Self, StartError> {
        let emulator = emulator.into();
        let (ready_tx, ready_rx) = mpsc::channel();
        let (stop_tx, stop_rx) = oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("captcha-emulator".to_owned())
            .spawn(move || {
                let runtime = match tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(WORKER_THREADS)
                    .thread_name("captcha-emulator-worker")
                    .enable_all()
                    .build()
                {
                    Ok(runtime) => runtime,
                    Err(e) => {
                        let _ = ready_tx.send(Err(StartError::Runtime(e)));
                        return;
                    }
                };
                runtime.block_on(async move {
                    match emulator.start(addr).await {
                        Ok(running) => {
                            let _ = ready_tx.send(Ok(running.handle().clone()));
                            // Runs until asked to stop or until the owner is gone.
                            let _ = stop_rx.await;
                            running.shutdown().await;
                        }
                        Err(e) => {
                            let _ = ready_tx.send(Err(e));
                        }
                    }
                });
            })
            .map_err(StartError::Runtime)?;
        let handle = match ready_rx.recv() {
            Ok(result) => result?,
            Err(_) => {
                let _ = thread.join();
                return Err(StartError::Runtime(std::io::Error::other(
                    "the emulator thread ended before it started",
                )));
            }
        };
        Ok(Self {
            handle,
            stop: Some(stop_tx),
            thread: Some(thread),
        })
    }

    /// The handle (cloneable; usable from any thread).
    pub fn handle(&self) -> &EmulatorHandle {
        &self.handle
    }

    /// Stops the server and waits for its thread to end.
    pub fn shutdown(mut self) {
        self.stop_and_join();
    }

    fn stop_and_join(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Deref for BackgroundEmulator {
    type Target = EmulatorHandle;

    fn deref(&self) -> &EmulatorHandle {
        &self.handle
    }
}

impl Drop for BackgroundEmulator {
    fn drop(&mut self) {
        self.stop_and_join();
    }
}
