//! The request parsing of the extractor and the layer, reachable without an app or a
//! captcha client: what the workspace's fuzz harnesses drive. Compiled only with the
//! `fuzzing` feature; not part of the stable API.

use std::net::IpAddr;
use std::sync::{Arc, LazyLock};

use captcha_hyper::{Client, Credential, Ticket};
use http::HeaderMap;
use ipnet::IpNet;

use crate::CaptchaGuard;
use crate::fields::{self, BodyKind};
use crate::guard::Settings;
use crate::refusal::Malformed;

/// The ticket and randstr a request presents. `Debug` hides the ticket.
#[derive(Debug)]
pub struct PresentedFields {
    /// The ticket, trimmed when it came in a header.
    pub ticket: Ticket,
    /// The randstr; empty when absent.
    pub randstr: String,
    /// Where the ticket was found: `headers`, `form` or `json`.
    pub source: &'static str,
}

/// Default settings (field and header names, length limits); the client is never called.
static SETTINGS: LazyLock<Arc<Settings>> = LazyLock::new(|| {
    let credential = Credential::new("AKIDfuzzing", "fuzzing").expect("a valid credential");
    let client = Client::builder()
        .credential(credential)
        .build()
        .expect("a client without I/O");
    CaptchaGuard::describe_captcha_result(client, 1, "fuzzing")
        .build()
        .settings
});

/// Finds the ticket as a check does under the default settings: in the
/// `X-Captcha-Ticket`/`X-Captcha-Randstr` headers, else in a form or JSON `body` as
/// `Content-Type` announces. `body` stands for the whole body, already read within the
/// body limit.
pub fn find_ticket(headers: &HeaderMap, body: &[u8]) -> Result<PresentedFields, Malformed> {
    let settings = &**SETTINGS;
    let presented = match fields::from_headers(settings, headers)? {
        Some(presented) => presented,
        None => match fields::body_kind(headers) {
            BodyKind::Other => return Err(Malformed::MissingTicket),
            kind => fields::from_body(settings, kind, body)?,
        },
    };
    Ok(PresentedFields {
        ticket: presented.ticket,
        randstr: presented.randstr,
        source: presented.source.name(),
    })
}

/// The user's address for a request from `peer` with `headers`, trusting `trusted`
/// proxies' `X-Forwarded-For` and `X-Real-IP`.
pub fn user_ip(peer: IpAddr, headers: &HeaderMap, trusted: &[IpNet]) -> Result<IpAddr, Malformed> {
    crate::client_ip::user_ip(peer, headers, trusted)
}
