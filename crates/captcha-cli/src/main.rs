//! `tencent-captcha`: sign, send and debug Tencent Cloud captcha calls from the shell.
//!
//! Exit codes: 0 success or pass; 1 captcha verdict fail or wrong; 2 usage or input error;
//! 3 API refusal (non-zero code); 4 transport failure (connect, timeout, bad response).

mod args;
mod client;
mod commands;
mod failure;
mod inputs;
mod output;
mod pinned;

use std::process::ExitCode;

use crate::commands::Outcome;

fn main() -> ExitCode {
    let parsed = match args::Cli::parse_command_line(std::env::args_os()) {
        Ok(parsed) => parsed,
        Err(e) => {
            // clap prints help/version to stdout (exit 0) and usage errors to stderr (exit 2).
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    for warning in &parsed.warnings {
        eprintln!("warning: {warning}");
    }
    init_logging();
    match commands::run(&parsed.cli) {
        Ok(Outcome::Success) => ExitCode::SUCCESS,
        Ok(Outcome::Negative) => ExitCode::from(1),
        Err(failure) => {
            eprintln!("{failure}");
            failure.exit_code()
        }
    }
}

/// Logs to stderr at the level of `RUST_LOG` (default: warnings only).
fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}
