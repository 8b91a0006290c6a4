//! A process-wide `tracing` subscriber at TRACE that writes into memory, split in two: what
//! the emulator logged (targets `captcha_emulator…`) and everything else (the SDK, its
//! dependencies, `log` records bridged in).
//!
//! Global, not per-thread: hyper and async-std run connection tasks on their own worker
//! threads, and a thread-local subscriber would miss their events.

use std::io;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use tracing_subscriber::Layer;
use tracing_subscriber::filter::filter_fn;
use tracing_subscriber::fmt::format::FmtSpan;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

/// Bytes written so far by one layer.
#[derive(Clone, Default)]
struct Buffer(Arc<Mutex<Vec<u8>>>);

impl Buffer {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap_or_else(PoisonError::into_inner)).into_owned()
    }
}

impl io::Write for Buffer {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// The captured logs.
pub struct Captured {
    sdk: Buffer,
    emulator: Buffer,
}

impl Captured {
    /// Everything logged outside the emulator, as formatted text.
    pub fn sdk_text(&self) -> String {
        self.sdk.text()
    }

    /// Everything the emulator logged, as formatted text.
    pub fn emulator_text(&self) -> String {
        self.emulator.text()
    }
}

/// A plain-text layer at every level writing into `buffer`, span fields included.
fn layer<S>(buffer: Buffer) -> impl Layer<S>
where
    S: tracing::Subscriber + for<'a> tracing_subscriber::registry::LookupSpan<'a>,
{
    tracing_subscriber::fmt::layer()
        .with_writer(move || buffer.clone())
        .with_ansi(false)
        .with_span_events(FmtSpan::NEW | FmtSpan::CLOSE)
}

fn is_emulator(target: &str) -> bool {
    target.starts_with("captcha_emulator")
}

/// Installs the capturing subscriber (once per process) and returns its buffers.
///
/// # Panics
/// If another global subscriber was installed first.
pub fn install() -> &'static Captured {
    static CAPTURED: OnceLock<Captured> = OnceLock::new();
    CAPTURED.get_or_init(|| {
        let captured = Captured {
            sdk: Buffer::default(),
            emulator: Buffer::default(),
        };
        tracing_subscriber::registry()
            .with(
                layer(captured.sdk.clone())
                    .with_filter(filter_fn(|meta| !is_emulator(meta.target()))),
            )
            .with(
                layer(captured.emulator.clone())
                    .with_filter(filter_fn(|meta| is_emulator(meta.target()))),
            )
            .try_init()
            .expect("no other global tracing subscriber");
        captured
    })
}
