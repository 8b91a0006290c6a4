//! The tokio runtimes the helpers share: one for the test servers and one for the hyper
//! clients, so a server busy writing megabytes never delays a client's timer.

use std::sync::OnceLock;

use tokio::runtime::{Builder, Runtime};

/// Worker threads per runtime (the target machines have two cores).
const WORKERS: usize = 2;

fn build(name: &str) -> Runtime {
    Builder::new_multi_thread()
        .worker_threads(WORKERS)
        .thread_name(name)
        .enable_all()
        .build()
        .expect("a tokio runtime can be built")
}

/// The runtime the scripted servers and the recording proxy run on.
pub fn servers() -> &'static Runtime {
    static RUNTIME: OnceLock<Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| build("test-servers"))
}

/// The runtime hyper clients run on ([`crate::Transport::Hyper`]).
pub fn clients() -> &'static Runtime {
    static RUNTIME: OnceLock<Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| build("hyper-clients"))
}
