//! One module per kind of subcommand.

pub mod actions;
pub mod demo;
pub mod describe;
pub mod serve;
pub mod sign;

use crate::args::{Cli, Command};
use crate::failure::Failure;

/// How a command that ran to completion ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Success, pass or right: exit 0.
    Success,
    /// A negative captcha verdict (fail or wrong): exit 1.
    Negative,
}

/// Runs the parsed command line.
pub fn run(cli: &Cli) -> Result<Outcome, Failure> {
    let global = &cli.global;
    match &cli.command {
        Command::GetUrl(args) => actions::get_url(global, args),
        Command::Check(args) => actions::check(global, args),
        Command::Verify(args) => actions::verify(global, args),
        Command::IframeQuery(args) => actions::iframe_query(global, args),
        Command::Query(args) => actions::query(global, args),
        Command::DescribeResult(args) => describe::run(global, args),
        Command::Call(args) => actions::call(global, args),
        Command::Sign(args) => sign::run(global, args),
        Command::Serve(args) => serve::run(global, args),
        Command::Demo(args) => demo::run(global, args),
    }
}
