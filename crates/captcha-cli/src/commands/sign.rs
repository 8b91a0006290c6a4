//! `sign`: prints a signed request (URL for GET, body for POST) or its string to sign.

use captcha_proto::{HttpMethod, Stamp};

use super::Outcome;
use crate::args::SignArgs;
use crate::failure::Failure;
use crate::inputs;

/// Prints exactly one line on stdout: the signed URL, the signed body, or the string to sign.
pub fn run(args: &SignArgs) -> Result<Outcome, Failure> {
    let mut config = inputs::config(&args.credential, &args.api2)?;
    if args.no_request_client {
        config = config.with_request_client(None);
    }
    let action = inputs::raw_action(&args.action, &args.params)?;
    let now = Stamp::now();
    let stamp = Stamp::new(
        args.timestamp.unwrap_or(now.timestamp()),
        args.nonce.unwrap_or(now.nonce()),
    )?;
    if args.string_to_sign {
        println!("{}", config.string_to_sign(&action, stamp)?);
        return Ok(Outcome::Success);
    }
    let request = config.encode(&action, stamp)?;
    match config.http_method() {
        HttpMethod::Get => println!("{}", request.uri()),
        HttpMethod::Post => println!("{}", String::from_utf8_lossy(request.body())),
    }
    Ok(Outcome::Success)
}
