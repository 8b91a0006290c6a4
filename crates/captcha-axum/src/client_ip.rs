//! The user's address for `UserIp`: the TCP peer, unless the peer is a proxy the app trusts —
//! then the nearest address in `X-Forwarded-For` that is not a trusted proxy (or
//! `X-Real-IP` when there is no `X-Forwarded-For`). Anyone can send these headers, so they
//! are never read from any other peer.

use std::net::{IpAddr, SocketAddr};

use axum::extract::ConnectInfo;
use axum::extract::connect_info::MockConnectInfo;
use http::HeaderMap;
use http::request::Parts;
use ipnet::IpNet;

use crate::refusal::{Malformed, Misconfigured, Refusal};

const X_FORWARDED_FOR: &str = "x-forwarded-for";
const X_REAL_IP: &str = "x-real-ip";

/// The peer address axum recorded (`into_make_service_with_connect_info`), or the one a
/// test set with `MockConnectInfo`.
pub(crate) fn peer(parts: &Parts) -> Option<SocketAddr> {
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| *addr)
        .or_else(|| {
            parts
                .extensions
                .get::<MockConnectInfo<SocketAddr>>()
                .map(|MockConnectInfo(addr)| *addr)
        })
}

/// The user's address for a request from `parts`.
pub(crate) fn resolve(parts: &Parts, trusted: &[IpNet]) -> Result<IpAddr, Refusal> {
    let peer = peer(parts)
        .ok_or(Refusal::Misconfigured(Misconfigured::NoPeerAddress))?
        .ip();
    user_ip(peer, &parts.headers, trusted).map_err(Refusal::Malformed)
}

fn is_trusted(ip: IpAddr, trusted: &[IpNet]) -> bool {
    let ip = canonical(ip);
    trusted.iter().any(|net| net.contains(&ip))
}

/// An IPv4 address mapped into IPv6 (`::ffff:a.b.c.d`, as dual-stack sockets report) is
/// the IPv4 address.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(IpAddr::V6(v6), IpAddr::V4),
        v4 => v4,
    }
}

pub(crate) fn user_ip(
    peer: IpAddr,
    headers: &HeaderMap,
    trusted: &[IpNet],
) -> Result<IpAddr, Malformed> {
    let peer = canonical(peer);
    if !is_trusted(peer, trusted) {
        return Ok(peer);
    }
    let forwarded: Vec<IpAddr> = headers
        .get_all(X_FORWARDED_FOR)
        .iter()
        .map(|value| value.to_str().map_err(|_| Malformed::BadForwardingHeader))
        .collect::<Result<Vec<_>, _>>()?
        .into_iter()
        .flat_map(|value| value.split(','))
        .map(parse_ip)
        .collect::<Result<_, _>>()?;
    if !forwarded.is_empty() {
        // Right to left: each trusted hop appended the address it saw; the first address
        // no trusted proxy vouches for is the user (or the nearest liar).
        let nearest_untrusted = forwarded
            .iter()
            .rev()
            .copied()
            .find(|ip| !is_trusted(*ip, trusted));
        return Ok(nearest_untrusted.unwrap_or(forwarded[0]));
    }
    match headers.get(X_REAL_IP) {
        Some(value) => parse_ip(value.to_str().map_err(|_| Malformed::BadForwardingHeader)?),
        None => Ok(peer),
    }
}

fn parse_ip(text: &str) -> Result<IpAddr, Malformed> {
    text.trim()
        .parse::<IpAddr>()
        .map(canonical)
        .map_err(|_| Malformed::BadForwardingHeader)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, value.parse().unwrap());
        }
        map
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn untrusted_peers_are_the_user_whatever_they_say() {
        let spoofed = headers(&[
            ("x-forwarded-for", "203.0.113.9"),
            ("x-real-ip", "203.0.113.10"),
        ]);
        assert_eq!(
            user_ip(ip("198.51.100.1"), &spoofed, &[]),
            Ok(ip("198.51.100.1"))
        );
        let trusted: Vec<IpNet> = vec!["10.0.0.0/8".parse().unwrap()];
        assert_eq!(
            user_ip(ip("198.51.100.1"), &spoofed, &trusted),
            Ok(ip("198.51.100.1"))
        );
    }

    #[test]
    fn trusted_proxies_name_the_nearest_untrusted_hop() {
        let trusted: Vec<IpNet> = vec!["10.0.0.0/8".parse().unwrap()];
        let chain = headers(&[("x-forwarded-for", "1.1.1.1, 203.0.113.9, 10.0.0.5")]);
        assert_eq!(
            user_ip(ip("10.0.0.1"), &chain, &trusted),
            Ok(ip("203.0.113.9"))
        );
        let split = headers(&[
            ("x-forwarded-for", "203.0.113.9"),
            ("x-forwarded-for", "10.0.0.7"),
        ]);
        assert_eq!(
            user_ip(ip("::ffff:10.0.0.1"), &split, &trusted),
            Ok(ip("203.0.113.9"))
        );
        let real = headers(&[("x-real-ip", "203.0.113.11")]);
        assert_eq!(
            user_ip(ip("10.0.0.1"), &real, &trusted),
            Ok(ip("203.0.113.11"))
        );
        assert_eq!(
            user_ip(ip("10.0.0.1"), &HeaderMap::new(), &trusted),
            Ok(ip("10.0.0.1"))
        );
        let bad = headers(&[("x-forwarded-for", "not-an-ip")]);
        assert_eq!(
            user_ip(ip("10.0.0.1"), &bad, &trusted),
            Err(Malformed::BadForwardingHeader)
        );
    }
}
