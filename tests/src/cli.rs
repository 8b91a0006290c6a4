//! The `tencent-captcha` binary of `captcha-cli`, for tests that run it as users do.
//!
//! Cargo only tells a package where its *own* binaries are (`CARGO_BIN_EXE_…`), so this asks
//! cargo itself: `cargo build -p captcha-cli --bin tencent-captcha --message-format=json`
//! builds it (a no-op when it is fresh) into the same target directory and reports the
//! executable's path, whatever the profile, target triple or target directory.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;

/// The binary's name.
pub const BINARY: &str = "tencent-captcha";

/// The path of a freshly built `tencent-captcha`.
///
/// # Panics
/// If cargo cannot build it.
pub fn binary() -> &'static Path {
    static PATH: OnceLock<PathBuf> = OnceLock::new();
    PATH.get_or_init(build)
}

fn build() -> PathBuf {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("../Cargo.toml");
    let output = Command::new(cargo)
        .arg("build")
        .arg("--manifest-path")
        .arg(&manifest)
        .args(["-p", "captcha-cli", "--bin", BINARY])
        .args(["--message-format=json-render-diagnostics", "--quiet"])
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output()
        .expect("cargo runs");
    assert!(output.status.success(), "cargo build -p captcha-cli failed");
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|message| message["reason"] == "compiler-artifact")
        .filter(|message| message["target"]["name"] == BINARY)
        .find_map(|message| message["executable"].as_str().map(PathBuf::from))
        .expect("cargo reports the tencent-captcha executable")
}

/// Runs `tencent-captcha` with `args` and extra environment `env` (the inherited
/// `TENCENTCLOUD_*` variables are removed first), and returns its output.
pub fn run(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(binary());
    command.args(args).stdin(Stdio::null());
    for name in [
        "TENCENTCLOUD_SECRET_ID",
        "TENCENTCLOUD_SECRET_KEY",
        "TENCENTCLOUD_SESSION_TOKEN",
        "TENCENTCLOUD_CAPTCHA_APP_SECRET_KEY",
        "RUST_LOG",
    ] {
        command.env_remove(name);
    }
    for (name, value) in env {
        command.env(name, value);
    }
    command.output().expect("tencent-captcha runs")
}

/// Standard output and standard error of `output`, as one text.
pub fn all_text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}
