//! Properties of the other API 3.0 modes over random inputs (512 cases each): any
//! `Api3RawAction` with arbitrary nested parameters encodes, flattened, over TC3 GET and v1
//! (POST and GET) without panicking; what is signed is what the emulator-independent
//! verifiers accept (`tc3::verify_request`, `v1::verify`); and the parameters sent decode to
//! the flattened payload.

use captcha_proto::api3::{Api3Config, Api3RawAction, Api3Signature, Language};
use captcha_proto::{Credential, Endpoint, HttpMethod, Stamp, tc3, v1};
use proptest::prelude::*;
use serde_json::{Map, Value};

fn config() -> ProptestConfig {
    ProptestConfig::with_cases(512)
}

/// Any JSON value: scalars of every kind (text with spaces, symbols and non-ASCII),
/// nested in lists and objects.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("JSON numbers are finite", |f| f.is_finite())
            .prop_map(Value::from),
        "\\PC{0,12}".prop_map(Value::from),
        "[ -~]{0,12}".prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map("[A-Za-z][A-Za-z0-9]{0,5}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Top-level keys that can clash neither with each other once flattened (no `.` or `_`) nor
/// with a common parameter (lower-case first letter).
fn params() -> impl Strategy<Value = Map<String, Value>> {
    prop::collection::btree_map("[a-z][A-Za-z0-9]{0,6}", json_value(), 0..6)
        .prop_map(|m| m.into_iter().collect())
}

/// Any top-level keys at all: encoding may refuse them, but never panics.
fn wild_params() -> impl Strategy<Value = Map<String, Value>> {
    prop::collection::btree_map("\\PC{0,8}", json_value(), 0..5)
        .prop_map(|m| m.into_iter().collect())
}

/// The flattening the Python SDK does (`_format_params`), over a parsed value.
fn reference_flatten(prefix: Option<&str>, value: &Value, out: &mut Vec<(String, String)>) {
    let key = |name: &str| match prefix {
        Some(p) => format!("{p}.{name}"),
        None => name.to_owned(),
    };
    match value {
        Value::Null => {}
        Value::Bool(b) => out.push((prefix.unwrap().to_owned(), b.to_string())),
        Value::Number(n) => out.push((prefix.unwrap().to_owned(), n.to_string())),
        Value::String(s) => out.push((prefix.unwrap().to_owned(), s.clone())),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                reference_flatten(Some(&key(&i.to_string())), item, out);
            }
        }
        Value::Object(members) => {
            for (name, member) in members {
                reference_flatten(Some(&key(name)), member, out);
            }
        }
    }
}

fn credential(token: bool) -> Credential {
    let credential =
        Credential::new("AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE", "secret/key+=").unwrap();
    if token {
        credential.with_token("sts-token").unwrap()
    } else {
        credential
    }
}

fn api3_config(token: bool, signature: Api3Signature, method: HttpMethod) -> Api3Config {
    Api3Config::new(credential(token))
        .with_endpoint("http://127.0.0.1:8080/".parse::<Endpoint>().unwrap())
        .with_region("ap-guangzhou")
        .with_language(Language::EnUs)
        .with_signature(signature)
        .with_http_method(method)
}

fn action(params: Map<String, Value>) -> Api3RawAction {
    Api3RawAction::new("cvm", "2017-03-12", "DescribeInstances").with_params(params)
}

/// The parameters a server reads from the query (GET) or form body (POST).
fn sent_params(request: &http::Request<Vec<u8>>) -> Vec<(String, String)> {
    let text = match *request.method() {
        http::Method::GET => request.uri().query().unwrap_or("").as_bytes().to_vec(),
        _ => request.body().clone(),
    };
    serde_urlencoded::from_bytes(&text).unwrap()
}

fn signatures() -> impl Strategy<Value = Api3Signature> {
    prop_oneof![
        Just(Api3Signature::Tc3),
        Just(Api3Signature::HmacSha1),
        Just(Api3Signature::HmacSha256),
    ]
}

fn methods() -> impl Strategy<Value = HttpMethod> {
    prop_oneof![Just(HttpMethod::Get), Just(HttpMethod::Post)]
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn flattened_requests_verify_and_carry_the_flattened_payload(
        params in params(),
        signature in signatures(),
        method in methods(),
        token in any::<bool>(),
        timestamp in 1_000_000_000u64..4_000_000_000,
        nonce in 1u64..u64::from(u32::MAX),
    ) {
        let config = api3_config(token, signature, method);
        let mut expected = Vec::new();
        reference_flatten(None, &Value::Object(params.clone()), &mut expected);
        let request = config
            .encode(&action(params), Stamp::new(timestamp, nonce).unwrap())
            .map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
        if signature == Api3Signature::Tc3 && method == HttpMethod::Post {
            // The JSON mode: nothing flattened.
            prop_assert!(tc3::verify_request(&request, &credential(token), "cvm").is_ok());
            return Ok(());
        }
        let sent = sent_params(&request);
        prop_assert_eq!(&sent[..expected.len()], &expected[..]);
        prop_assert_eq!(&request.headers()["content-type"], "application/x-www-form-urlencoded");
        match signature {
            Api3Signature::Tc3 => {
                prop_assert_eq!(sent.len(), expected.len());
                prop_assert!(request.body().is_empty());
                let verified = tc3::verify_request(&request, &credential(token), "cvm");
                prop_assert!(verified.is_ok(), "{:?}", verified);
            }
            _ => {
                let pairs = sent.iter().map(|(k, v)| (k.as_str(), v.as_str()));
                let key = credential(token).secret_key().clone();
                let verified = v1::verify(&key, method.as_str(), "127.0.0.1", "/", pairs);
                prop_assert_eq!(verified, Ok(()));
                let find = |name: &str| sent.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
                prop_assert_eq!(find("SignatureMethod"), Some(signature.as_str()));
                prop_assert_eq!(find("Token"), token.then_some("sts-token"));
                prop_assert_eq!(find("Nonce"), Some(&*nonce.to_string()));
                prop_assert_eq!(find("Language"), Some("en-US"));
                prop_assert_eq!(find("Region"), Some("ap-guangzhou"));
                if method == HttpMethod::Post {
                    prop_assert_eq!(request.uri().query(), None);
                } else {
                    prop_assert!(request.body().is_empty());
                }
            }
        }
    }

    #[test]
    fn any_keys_encode_or_are_refused_without_panicking(
        params in wild_params(),
        signature in signatures(),
        method in methods(),
    ) {
        let config = api3_config(false, signature, method);
        if let Ok(request) = config.encode(&action(params), Stamp::new(1_700_000_000, 7).unwrap()) {
            match signature {
                Api3Signature::Tc3 => {
                    prop_assert!(tc3::verify_request(&request, &credential(false), "cvm").is_ok());
                }
                _ => {
                    let sent = sent_params(&request);
                    let pairs = sent.iter().map(|(k, v)| (k.as_str(), v.as_str()));
                    let key = credential(false).secret_key().clone();
                    prop_assert_eq!(v1::verify(&key, method.as_str(), "127.0.0.1", "/", pairs), Ok(()));
                }
            }
        }
    }
}
