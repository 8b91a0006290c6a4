//! Property: whatever the parameters, method, HMAC, endpoint and stamp, a request built by
//! `Api2Config::encode` and parsed back as a server parses it (form-decoding the query or body)
//! passes `v1::verify`; and changing any one signed part — a parameter value, the method, the
//! host, the path, the timestamp or the key — makes verification fail.

mod common;

use captcha_proto::api2::RESERVED_PARAMETERS;
use captcha_proto::v1::{self, SignatureMethod, VerifyError};
use captcha_proto::{
    Api2Config, Api2RawAction, Credential, Endpoint, HttpMethod, SecretKey, Stamp,
};
use common::{ALNUM, as_pairs, proptest_config, text, unicode, value, wire_params};
use proptest::prelude::*;
use proptest::sample::Index;

/// Letters that may start a key, and the rest of the safe key alphabet (`_` and `.` too).
const KEY_CHARS: &[char] = &[
    'a', 'b', 'c', 'x', 'y', 'z', 'A', 'B', 'Z', '0', '1', '9', '_', '.', '_', '.',
];

/// Parameter names from the safe alphabet, `_` and `.` included, never a common parameter.
fn key() -> impl Strategy<Value = String> {
    (text(&ALNUM[..52], 1..2), text(KEY_CHARS, 0..10))
        .prop_map(|(head, tail)| head + &tail)
        .prop_filter("common parameters are the encoder's", |k| {
            !RESERVED_PARAMETERS.contains(&k.as_str())
        })
}

/// The signing form of a key (`_` read as `.`): two keys with the same form are one parameter
/// to a server, so the generated set keeps the first of each.
fn signing_form(key: &str) -> String {
    key.replace('_', ".")
}

fn params() -> impl Strategy<Value = Vec<(String, String)>> {
    prop::collection::vec((key(), value()), 0..8).prop_map(|pairs| {
        let mut seen = std::collections::HashSet::new();
        pairs
            .into_iter()
            .filter(|(k, _)| seen.insert(signing_form(k)))
            .collect()
    })
}

/// Printable ASCII without space.
fn printable() -> Vec<char> {
    ('!'..='~').collect()
}

fn secret_key() -> impl Strategy<Value = String> {
    prop_oneof![
        text(printable().leak(), 1..80),
        unicode(1..16).prop_filter("credentials are unpadded", |k| k.trim() == k.as_str()),
    ]
}

/// Unreserved characters for path segments.
const PATH_CHARS: &[char] = &['a', 'z', 'A', 'Z', '0', '9', '.', '_', '~', '-'];

fn endpoint() -> impl Strategy<Value = Endpoint> {
    let label = text(&ALNUM[..26], 1..8);
    let segment = text(PATH_CHARS, 0..8);
    (
        any::<bool>(),
        prop::collection::vec(label, 1..4),
        prop::option::of(1u16..),
        prop::collection::vec(segment, 1..3),
    )
        .prop_map(|(https, labels, port, segments)| {
            let host = labels.join(".");
            let path = format!("/{}", segments.join("/"));
            Endpoint::new(https, &host, port, &path).expect("generated endpoints are valid")
        })
}

fn stamp() -> impl Strategy<Value = Stamp> {
    (any::<u64>(), 1u64..).prop_map(|(t, n)| Stamp::new(t, n).unwrap())
}

/// One generated call: everything `Api2Config::encode` needs.
#[derive(Debug, Clone)]
struct Call {
    key: String,
    token: Option<String>,
    endpoint: Endpoint,
    signature_method: SignatureMethod,
    http_method: HttpMethod,
    request_client: bool,
    action: String,
    params: Vec<(String, String)>,
    stamp: Stamp,
}

const TOKEN_CHARS: &[char] = &['a', 'Z', '0', '9', '+', '/', '=', '.', '_', '-'];

fn call() -> impl Strategy<Value = Call> {
    (
        (
            secret_key(),
            prop::option::of(text(TOKEN_CHARS, 1..40)),
            endpoint(),
            prop_oneof![
                Just(SignatureMethod::HmacSha1),
                Just(SignatureMethod::HmacSha256)
            ],
            prop_oneof![Just(HttpMethod::Get), Just(HttpMethod::Post)],
            any::<bool>(),
        ),
        text(&ALNUM[26..52], 1..2)
            .prop_flat_map(|head| text(ALNUM, 0..16).prop_map(move |tail| format!("{head}{tail}"))),
        params(),
        stamp(),
    )
        .prop_map(
            |(
                (key, token, endpoint, signature_method, http_method, request_client),
                action,
                params,
                stamp,
            )| Call {
                key,
                token,
                endpoint,
                signature_method,
                http_method,
                request_client,
                action,
                params,
                stamp,
            },
        )
}

impl Call {
    fn config(&self) -> Api2Config {
        let mut credential =
            Credential::new("AKIDz8krbsJ5yKBZQpn74WFkmLPx3gnPhESA", self.key.as_str()).unwrap();
        if let Some(token) = &self.token {
            credential = credential.with_token(token.as_str()).unwrap();
        }
        let config = Api2Config::new(credential)
            .with_endpoint(self.endpoint.clone())
            .with_signature_method(self.signature_method)
            .with_http_method(self.http_method);
        if self.request_client {
            config
        } else {
            config.with_request_client(None)
        }
    }

    fn action(&self) -> Api2RawAction {
        self.params.iter().fold(
            Api2RawAction::new(self.action.as_str()),
            |action, (k, v)| action.param(k.as_str(), v.as_str()),
        )
    }

    /// Encodes and parses the wire form back, checking the request's shape on the way.
    fn wire(&self) -> Result<Vec<(String, String)>, TestCaseError> {
        let request = self
            .config()
            .encode(&self.action(), self.stamp)
            .map_err(|e| TestCaseError::fail(format!("encode failed: {e}")))?;
        match self.http_method {
            HttpMethod::Get => {
                prop_assert_eq!(request.method(), http::Method::GET);
                prop_assert!(request.body().is_empty());
            }
            HttpMethod::Post => {
                prop_assert_eq!(request.method(), http::Method::POST);
                prop_assert_eq!(request.uri().query(), None);
                prop_assert_eq!(
                    &request.headers()[http::header::CONTENT_TYPE],
                    "application/x-www-form-urlencoded"
                );
            }
        }
        Ok(wire_params(&request))
    }

    fn verify(
        &self,
        key: &str,
        method: &str,
        host: &str,
        path: &str,
        params: &[(String, String)],
    ) -> Result<(), VerifyError> {
        v1::verify(&SecretKey::new(key), method, host, path, as_pairs(params))
    }

    /// Verifies `params` with everything else as sent.
    fn verify_as_sent(&self, params: &[(String, String)]) -> Result<(), VerifyError> {
        self.verify(
            &self.key,
            self.http_method.as_str(),
            self.endpoint.host(),
            self.endpoint.path(),
            params,
        )
    }
}

proptest! {
    #![proptest_config(proptest_config("proptest-regressions/verify_roundtrip.txt"))]

    #[test]
    fn encoded_requests_verify_as_a_server_parses_them(call in call()) {
        let wire = call.wire()?;

        // Every value comes back exactly: encoded once, decoded once.
        for (k, v) in &call.params {
            prop_assert!(
                wire.iter().any(|(wk, wv)| wk == k && wv == v),
                "parameter {:?} did not survive the wire", k
            );
        }
        let signature_count = wire.iter().filter(|(k, _)| k == "Signature").count();
        prop_assert_eq!(signature_count, 1);
        let expected_count = call.params.len() + 6 // Api2Action Region Timestamp Nonce SecretId Signature
            + usize::from(call.signature_method == SignatureMethod::HmacSha256)
            + usize::from(call.token.is_some())
            + usize::from(call.request_client);
        prop_assert_eq!(wire.len(), expected_count);

        prop_assert_eq!(call.verify_as_sent(&wire), Ok(()));

        // PHP turns `.` in incoming keys into `_`; the signer reads `_` as `.`, so that
        // server still verifies.
        let php: Vec<(String, String)> =
            wire.iter().map(|(k, v)| (k.replace('.', "_"), v.clone())).collect();
        prop_assert_eq!(call.verify_as_sent(&php), Ok(()));

        // The method is case-insensitive on the server side (PY2 upper-cases it).
        prop_assert_eq!(
            call.verify(
                &call.key,
                &call.http_method.as_str().to_ascii_lowercase(),
                call.endpoint.host(),
                call.endpoint.path(),
                &wire,
            ),
            Ok(())
        );
    }

    #[test]
    fn changing_any_signed_part_breaks_verification(
        call in call(),
        which in any::<Index>(),
        replacement in value(),
        skew in 1u64..=86_400,
    ) {
        let wire = call.wire()?;
        prop_assert_eq!(call.verify_as_sent(&wire), Ok(()));
        let mismatch = Err(VerifyError::Mismatch);

        // One parameter value (any but Signature itself).
        let signed: Vec<usize> =
            (0..wire.len()).filter(|&i| wire[i].0 != "Signature").collect();
        let i = signed[which.index(signed.len())];
        let mut tampered = wire.clone();
        tampered[i].1 = if replacement == wire[i].1 {
            format!("{replacement}x")
        } else {
            replacement
        };
        prop_assert_eq!(
            call.verify_as_sent(&tampered), mismatch.clone(),
            "changed value of {:?}", wire[i].0
        );

        // The timestamp, as a replaying client would move it.
        let mut tampered = wire.clone();
        let ts = tampered.iter_mut().find(|(k, _)| k == "Timestamp").unwrap();
        ts.1 = call.stamp.timestamp().wrapping_add(skew).to_string();
        prop_assert_eq!(call.verify_as_sent(&tampered), mismatch.clone(), "timestamp");

        // Dropping any one signed parameter.
        let mut tampered = wire.clone();
        tampered.remove(i);
        prop_assert_eq!(call.verify_as_sent(&tampered), mismatch.clone(), "dropped {:?}", wire[i].0);

        // The method.
        let other = match call.http_method {
            HttpMethod::Get => "POST",
            HttpMethod::Post => "GET",
        };
        let (host, path) = (call.endpoint.host(), call.endpoint.path());
        prop_assert_eq!(call.verify(&call.key, other, host, path, &wire), mismatch.clone(), "method");

        // The host and the path.
        let method = call.http_method.as_str();
        prop_assert_eq!(
            call.verify(&call.key, method, &format!("{host}x"), path, &wire),
            mismatch.clone(),
            "host"
        );
        prop_assert_eq!(
            call.verify(&call.key, method, &format!("x{host}"), path, &wire),
            mismatch.clone(),
            "host"
        );
        prop_assert_eq!(
            call.verify(&call.key, method, host, &format!("{path}x"), &wire),
            mismatch.clone(),
            "path"
        );
        prop_assert_eq!(
            call.verify(&call.key, method, host, "/", &wire).is_ok(),
            path == "/",
            "path"
        );

        // The key.
        prop_assert_eq!(
            call.verify(&format!("{}x", call.key), method, host, path, &wire),
            mismatch.clone(),
            "key"
        );
        prop_assert_eq!(
            call.verify(&format!("x{}", call.key), method, host, path, &wire),
            mismatch,
            "key"
        );
    }

    #[test]
    fn a_different_stamp_gives_a_different_signature(call in call(), other in stamp()) {
        prop_assume!(other != call.stamp);
        let config = call.config();
        let first = config.encode(&call.action(), call.stamp).unwrap();
        let second = config.encode(&call.action(), other).unwrap();
        let signature = |request: &http::Request<Vec<u8>>| {
            wire_params(request).into_iter().find(|(k, _)| k == "Signature").unwrap().1
        };
        prop_assert_ne!(signature(&first), signature(&second));
    }
}
