//! The `axum_fields` target: how the axum extractor and layer find the ticket and randstr
//! (headers, a form or a JSON body) and the user's address (`X-Forwarded-For`,
//! `X-Real-IP` behind trusted proxies).

use std::net::{IpAddr, Ipv4Addr};

use captcha_axum::fuzzing::{find_ticket, user_ip};
use captcha_axum::{DEFAULT_MAX_RANDSTR_BYTES, DEFAULT_MAX_TICKET_BYTES, IpNet, Malformed};
use http::{HeaderMap, HeaderName, HeaderValue};

use crate::Checks;

/// The proxies trusted by [`axum_fields`]: 10.0.0.0/8.
const TRUSTED: &str = "10.0.0.0/8";
/// The headers an [`axum_fields`] input may set, in the order of its fields.
const HEADERS: [&str; 5] = [
    "content-type",
    "x-captcha-ticket",
    "x-captcha-randstr",
    "x-forwarded-for",
    "x-real-ip",
];

/// A request's headers, body and peer, read from bytes: one flag byte (bit 0: the peer is
/// the trusted proxy 10.0.0.1, else the user 203.0.113.9), then fields separated by
/// `0xFF`: `Content-Type`, `X-Captcha-Ticket`, `X-Captcha-Randstr`, `X-Forwarded-For`,
/// `X-Real-IP`, body. An empty header field is an absent header; a value the `http` crate
/// refuses ends the input.
pub fn axum_request(data: &[u8]) -> Option<(IpAddr, HeaderMap, &[u8])> {
    let (flags, rest) = data.split_first().unwrap_or((&0, &[]));
    let peer = if flags & 1 == 1 {
        IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1))
    } else {
        IpAddr::V4(Ipv4Addr::new(203, 0, 113, 9))
    };
    let mut fields = rest.splitn(HEADERS.len() + 1, |b| *b == 0xFF);
    let mut headers = HeaderMap::new();
    for name in HEADERS {
        let value = fields.next().unwrap_or_default();
        if !value.is_empty() {
            headers.append(
                HeaderName::from_static(name),
                HeaderValue::from_bytes(value).ok()?,
            );
        }
    }
    Some((peer, headers, fields.next().unwrap_or_default()))
}

/// Finds the ticket and the user's address of the request [`axum_request`] reads from
/// `data`. A ticket found is non-blank and within the length limits, and is the header's
/// (trimmed) when the ticket header is set; a form or JSON ticket is only read when no
/// ticket header is set. The user's address is the peer unless the peer is trusted, and is
/// never a trusted proxy when an untrusted address was forwarded.
pub fn axum_fields(data: &[u8], _checks: Checks) {
    let Some((peer, headers, body)) = axum_request(data) else {
        return;
    };
    let header_ticket = headers.get("x-captcha-ticket");
    match find_ticket(&headers, body) {
        Ok(found) => {
            let ticket = found.ticket.expose_secret();
            assert!(!ticket.trim().is_empty(), "a blank ticket");
            assert!(
                ticket.len() <= DEFAULT_MAX_TICKET_BYTES,
                "a ticket over the limit"
            );
            assert!(
                found.randstr.len() <= DEFAULT_MAX_RANDSTR_BYTES,
                "a randstr over the limit"
            );
            match header_ticket {
                Some(value) => {
                    assert_eq!(found.source, "headers");
                    assert_eq!(
                        std::str::from_utf8(value.as_bytes()).ok().map(str::trim),
                        Some(ticket),
                        "not the header's"
                    );
                }
                None => assert!(matches!(found.source, "form" | "json"), "{}", found.source),
            }
            // The randstr is shown (escaped: `\t` then `203` spells `t203`), so the ticket's own
            // `Debug` is what must hide it.
            assert_eq!(format!("{:?}", found.ticket), "Ticket([redacted])");
        }
        Err(Malformed::NotUtf8) => {
            let header_not_utf8 = HEADERS[1..3]
                .iter()
                .filter_map(|name| headers.get(*name))
                .any(|v| std::str::from_utf8(v.as_bytes()).is_err());
            assert!(
                header_not_utf8 || header_ticket.is_none(),
                "a UTF-8 header refused as not UTF-8"
            );
        }
        Err(_) => {}
    }
    let trusted: Vec<IpNet> = vec![TRUSTED.parse().expect("a valid network")];
    match user_ip(peer, &headers, &trusted) {
        Ok(ip) => {
            if !trusted[0].contains(&peer) {
                assert_eq!(ip, peer, "a forwarded address from an untrusted peer");
            }
        }
        Err(_) => assert!(
            trusted[0].contains(&peer),
            "an untrusted peer's headers read"
        ),
    }
}
