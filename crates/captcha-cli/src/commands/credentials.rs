//! `credentials`: finds the credential as every command does and reports where it came
//! from, its SecretId and expiry; never the key or the token.

use super::Outcome;
use crate::args::CredentialsArgs;
use crate::failure::Failure;
use crate::inputs::{block_on, chain_client, no_credential};
use crate::output::Report;

/// Reports the credential the other commands would sign with.
pub fn run(args: &CredentialsArgs) -> Result<Outcome, Failure> {
    let keys = &args.credential.keys;
    let report = match (&keys.secret_id, &keys.secret_key) {
        (None, None) => {
            let client = chain_client(&args.credential)?;
            block_on(client.credential_report()).map_err(no_credential)?
        }
        _ => {
            let credential = crate::inputs::credential(&args.credential)?;
            let client = captcha_hyper::Client::builder()
                .credential(credential)
                .build()
                .map_err(|e| Failure::Usage(format!("credentials: {e}")))?;
            block_on(client.credential_report()).map_err(no_credential)?
        }
    };
    let mut out = Report::new("credentials")
        .field("source", report.source.as_str())
        .field("secret_id", report.secret_id.as_str())
        .field("token", if report.has_token { "yes" } else { "no" });
    out = match report.expires_at {
        Some(at) => out.field("expires_at", at),
        None => out.field("expires_at", "never (a long-term key)"),
    };
    out.print(args.output.format);
    Ok(Outcome::Success)
}
