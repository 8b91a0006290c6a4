//! One module per kind of subcommand.

pub mod actions;
pub mod api3;
pub mod demo;
pub mod describe;
mod mini;
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
    match &cli.command {
        Command::GetUrl(args) => actions::get_url(args),
        Command::Check(args) => actions::check(args),
        Command::Verify(args) => actions::verify(args),
        Command::IframeQuery(args) => actions::iframe_query(args),
        Command::Query(args) => actions::query(args),
        Command::DescribeResult(args) => describe::run(args),
        Command::DescribeRceResult(args) => describe::run_rce(args),
        Command::DescribeMiniResult(args) => mini::run(args),
        Command::DescribeMiniRiskResult(args) => mini::run_risk(args),
        Command::Call(args) => actions::call(args),
        Command::Api3(args) => api3::run(args),
        Command::Sign(args) => sign::run(args),
        Command::Serve(args) => serve::run(args),
        Command::Demo(args) => demo::run(args),
    }
}
