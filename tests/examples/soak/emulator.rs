//! The emulator's child process: serving it (`--serve-emulator`), starting and stopping it
//! from the soak, showing its stderr (panics counted), and its resident size read from
//! `/proc`.

use std::io::BufRead as _;
use std::net::SocketAddr;
use std::process::{Command, ExitStatus, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use captcha_emulator::{
    BackgroundEmulator, DEMO_APP_SECRET_KEY, DEMO_CAPTCHA_APP_ID, DEMO_SECRET_ID, DEMO_SECRET_KEY,
    Emulator,
};

use crate::BoxError;
use crate::options::Options;

/// `--serve-emulator TTL SKEW`: runs the emulator, prints its address, serves until stdin
/// closes.
pub fn serve_emulator(ttl: u64, skew: u64) -> Result<(), BoxError> {
    use std::io::Write as _;
    let emulator = Emulator::builder()
        .credential(DEMO_SECRET_ID, DEMO_SECRET_KEY)
        .captcha_app(DEMO_CAPTCHA_APP_ID, DEMO_APP_SECRET_KEY)
        .without_api3_rate_limit()
        .ticket_ttl(Duration::from_secs(ttl))
        .max_skew(Duration::from_secs(skew))
        .build();
    let emulator = BackgroundEmulator::start(emulator, "127.0.0.1:0".parse()?)?;
    let mut stdout = std::io::stdout();
    writeln!(stdout, "{}", emulator.local_addr())?;
    stdout.flush()?;
    let mut sink = String::new();
    while std::io::stdin().read_line(&mut sink)? > 0 {
        sink.clear();
    }
    emulator.shutdown();
    Ok(())
}

/// The resident size of process `pid` in KiB (`VmRSS`, Linux; 0 elsewhere).
pub fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// The emulator running in a child process (this program again, `--serve-emulator`).
pub struct Child {
    process: std::process::Child,
    /// Where the emulator listens.
    pub addr: SocketAddr,
    /// Lines of its stderr that tell of a panic.
    panics: Arc<AtomicU64>,
    /// The thread that shows its stderr.
    reader: JoinHandle<()>,
}

/// How the child ended.
pub struct Exit {
    /// Still running when asked to stop.
    pub alive: bool,
    pub status: ExitStatus,
    pub panics: u64,
}

impl Child {
    /// Starts the emulator with the ticket lifetime and timestamp window of `options`, and
    /// waits for its address.
    pub fn spawn(options: &Options) -> Result<Child, BoxError> {
        let me = std::env::current_exe()?;
        let mut child = Command::new(&me)
            .args([
                "--serve-emulator",
                &options.ticket_ttl.to_string(),
                &options.max_skew.to_string(),
            ])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()?;
        let mut addr = String::new();
        std::io::BufReader::new(child.stdout.take().ok_or("no stdout")?).read_line(&mut addr)?;
        let addr: SocketAddr = addr
            .trim()
            .parse()
            .map_err(|_| "the emulator did not start")?;
        // Whatever the emulator writes to stderr is shown, and a panic counted.
        let panics = Arc::new(AtomicU64::new(0));
        let stderr = child.stderr.take().ok_or("no stderr")?;
        let reader = {
            let panics = Arc::clone(&panics);
            std::thread::spawn(move || {
                for line in std::io::BufReader::new(stderr).lines() {
                    let Ok(line) = line else { break };
                    if line.contains("panicked") {
                        panics.fetch_add(1, Ordering::Relaxed);
                    }
                    eprintln!("emulator: {line}");
                }
            })
        };
        Ok(Child {
            process: child,
            addr,
            panics,
            reader,
        })
    }

    /// The child's process id.
    pub fn id(&self) -> u32 {
        self.process.id()
    }

    /// Notes whether the emulator is still running, then asks it to stop (its stdin
    /// closes) and waits for it.
    pub fn stop(mut self) -> Result<Exit, BoxError> {
        let alive = self.process.try_wait()?.is_none();
        drop(self.process.stdin.take());
        let status = self.process.wait()?;
        let _ = self.reader.join();
        let panics = self.panics.load(Ordering::Relaxed);
        Ok(Exit {
            alive,
            status,
            panics,
        })
    }
}
