//! Properties of the v3 code over random inputs (at least 1,000 cases each): sign → verify
//! round trips and every tamper is caught; decode never panics; secrets never show.

use captcha_proto::api3::{self, Api3Action, Api3Config, DescribeCaptchaResult};
use captcha_proto::redact::Redacted;
use captcha_proto::tc3::{self, VerifyError};
use captcha_proto::{Credential, Endpoint, ResponseError, SecretKey, Stamp};
use http::{Request, StatusCode};
use proptest::prelude::*;

fn config() -> ProptestConfig {
    ProptestConfig::with_cases(1_000)
}

#[derive(Debug, Clone)]
struct Signed {
    secret_id: String,
    secret_key: String,
    token: Option<String>,
    method: http::Method,
    host: String,
    path_and_query: String,
    content_type: String,
    body: Vec<u8>,
    timestamp: u64,
    service: String,
}

fn signed_inputs() -> impl Strategy<Value = Signed> {
    (
        "AKID[A-Za-z0-9]{1,36}",
        "[!-~]{1,48}",
        proptest::option::of("[!-~]{1,64}"),
        prop_oneof![Just(http::Method::POST), Just(http::Method::GET)],
        "[a-z0-9]{1,12}(\\.[a-z0-9-]{1,12}){0,3}",
        prop_oneof![
            Just("/".to_owned()),
            "/[a-z]{1,8}",
            "/\\?[A-Za-z]{1,6}=[A-Za-z0-9%]{0,12}(&[A-Za-z]{1,6}=[A-Za-z0-9]{0,8}){0,3}",
        ],
        prop_oneof![
            Just("application/json; charset=utf-8".to_owned()),
            Just("application/x-www-form-urlencoded".to_owned()),
            "[a-z]{1,10}/[a-z0-9.+-]{1,16}",
        ],
        proptest::collection::vec(any::<u8>(), 0..300),
        prop_oneof![0u64..4_102_444_800, any::<u64>()],
        "[a-z]{2,10}",
    )
        .prop_map(
            |(
                secret_id,
                secret_key,
                token,
                method,
                host,
                path_and_query,
                content_type,
                body,
                timestamp,
                service,
            )| {
                Signed {
                    secret_id,
                    secret_key,
                    token,
                    method,
                    host,
                    path_and_query,
                    content_type,
                    body,
                    timestamp,
                    service,
                }
            },
        )
}

impl Signed {
    fn credential(&self) -> Credential {
        let credential = Credential::new(&self.secret_id, &self.secret_key).unwrap();
        match &self.token {
            Some(token) => credential.with_token(token).unwrap(),
            None => credential,
        }
    }

    fn request(&self) -> Request<Vec<u8>> {
        let mut request = Request::builder()
            .method(self.method.clone())
            .uri(format!("https://{}{}", self.host, self.path_and_query))
            .header("content-type", &self.content_type)
            .body(self.body.clone())
            .unwrap();
        tc3::sign_request(
            &mut request,
            &self.credential(),
            &self.service,
            self.timestamp,
        )
        .unwrap();
        request
    }

    fn verify(&self, request: &Request<Vec<u8>>) -> Result<tc3::Verified, VerifyError> {
        tc3::verify_request(request, &self.credential(), &self.service)
    }
}

fn set_header(request: &Request<Vec<u8>>, name: &'static str, value: &str) -> Request<Vec<u8>> {
    let mut copy = request.clone();
    copy.headers_mut().insert(name, value.parse().unwrap());
    copy
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn sign_then_verify_round_trips(input in signed_inputs()) {
        let request = input.request();
        let verified = input.verify(&request).unwrap();
        prop_assert_eq!(verified.timestamp, input.timestamp);
        prop_assert_eq!(&verified.secret_id, &input.secret_id);
        prop_assert_eq!(verified.date.to_string(), tc3::UtcDate::from_timestamp(input.timestamp).to_string());
        prop_assert!(request.headers()["authorization"].is_sensitive());
        prop_assert_eq!(request.headers()["host"].to_str().unwrap(), input.host.as_str());
        match &input.token {
            Some(token) => {
                prop_assert_eq!(request.headers()["x-tc-token"].to_str().unwrap(), token.as_str());
                prop_assert!(request.headers()["x-tc-token"].is_sensitive());
            }
            None => prop_assert!(request.headers().get("x-tc-token").is_none()),
        }
        // Signing is deterministic: the same inputs give the same Authorization.
        let again = input.request();
        prop_assert_eq!(&again.headers()["authorization"], &request.headers()["authorization"]);
        // The steps agree with what was sent.
        let steps = tc3::debug_steps(&request, &input.credential(), &input.service, input.timestamp).unwrap();
        prop_assert_eq!(steps.expose_authorization(), request.headers()["authorization"].to_str().unwrap());
    }

    #[test]
    fn every_tamper_is_caught(input in signed_inputs(), index in any::<prop::sample::Index>(), bit in 0u8..8) {
        let request = input.request();

        let mut body = request.clone();
        if body.body().is_empty() {
            body.body_mut().push(b'x');
        } else {
            let i = index.index(body.body().len());
            body.body_mut()[i] ^= 1 << bit;
        }
        prop_assert_eq!(input.verify(&body), Err(VerifyError::Mismatch));

        let later = input.timestamp.wrapping_add(1 + u64::from(bit));
        let timestamp = set_header(&request, "x-tc-timestamp", &later.to_string());
        let moved = input.verify(&timestamp);
        prop_assert!(
            matches!(moved, Err(VerifyError::Mismatch | VerifyError::DateMismatch { .. })),
            "{:?}",
            moved
        );

        let host = set_header(&request, "host", &format!("{}x", input.host));
        prop_assert_eq!(input.verify(&host), Err(VerifyError::Mismatch));

        let content_type = set_header(&request, "content-type", &format!("{}x", input.content_type));
        prop_assert_eq!(input.verify(&content_type), Err(VerifyError::Mismatch));

        let wrong_key = tc3::verify_request_with(&request, &input.service, |_| {
            Some(SecretKey::new(format!("{}x", input.secret_key)))
        });
        prop_assert_eq!(wrong_key, Err(VerifyError::Mismatch));

        let other_service = tc3::verify_request(&request, &input.credential(), &format!("{}x", input.service));
        prop_assert!(matches!(other_service, Err(VerifyError::ServiceMismatch { .. })), "{:?}", other_service);

        let auth = request.headers()["authorization"].to_str().unwrap().to_owned();
        let position = auth.len() - 1 - index.index(64);
        let mut flipped = auth.into_bytes();
        flipped[position] = if flipped[position] == b'0' { b'1' } else { b'0' };
        let signature = set_header(&request, "authorization", std::str::from_utf8(&flipped).unwrap());
        prop_assert_eq!(input.verify(&signature), Err(VerifyError::Mismatch));

        let (mut parts, payload) = request.clone().into_parts();
        parts.method = if parts.method == http::Method::POST { http::Method::GET } else { http::Method::POST };
        prop_assert_eq!(input.verify(&Request::from_parts(parts, payload)), Err(VerifyError::Mismatch));
    }

    #[test]
    fn verify_never_panics_on_arbitrary_authorization(value in "[ -~]{0,200}", timestamp in "[0-9]{0,22}") {
        let request = Request::post("https://captcha.tencentcloudapi.com/")
            .header("content-type", "application/json; charset=utf-8")
            .header("authorization", value.as_str())
            .header("x-tc-timestamp", timestamp.as_str())
            .body(Vec::<u8>::new())
            .unwrap();
        let _ = tc3::verify_request_with(&request, "captcha", |_| Some(SecretKey::new("k")));
        let _ = tc3::parse_authorization(&value);
    }

    #[test]
    fn decode_never_panics_on_arbitrary_bytes(body in proptest::collection::vec(any::<u8>(), 0..512), status in 100u16..600, recovery in any::<bool>()) {
        let status = StatusCode::from_u16(status).unwrap();
        let _ = api3::decode_captcha_result(status, &body, recovery);
        let _ = api3::parse_response(status, &body);
    }

    #[test]
    fn decode_classifies_json_envelopes(response in json_value(), status in prop_oneof![Just(200u16), 100u16..600]) {
        let status = StatusCode::from_u16(status).unwrap();
        let body = serde_json::json!({ "Response": response }).to_string();
        match api3::decode_captcha_result(status, body.as_bytes(), false) {
            Ok(result) => {
                prop_assert!(status.is_success());
                prop_assert_eq!(result.is_pass(), result.code == 1);
            }
            Err(ResponseError::Api3(e)) => prop_assert!(!e.code().is_empty()),
            Err(ResponseError::Decode(e)) => prop_assert_eq!(e.status(), status),
            Err(other) => prop_assert!(false, "unexpected {:?}", other),
        }
    }

    #[test]
    fn decode_reads_any_captcha_code(code in any::<i64>(), request_id in "[a-f0-9-]{1,36}", recovery in any::<bool>()) {
        let body = format!(r#"{{"Response":{{"CaptchaCode":{code},"RequestId":"{request_id}"}}}}"#);
        let result = api3::decode_captcha_result(StatusCode::OK, body.as_bytes(), recovery).unwrap();
        prop_assert_eq!(result.code, code);
        prop_assert_eq!(result.is_pass(), code == 1);
        prop_assert_eq!(result.is_disaster_recovery(), code == 21 && recovery);
        prop_assert_eq!(result.request_id, request_id);
    }

    #[test]
    fn secrets_never_show(
        secret_key in "SK[A-Za-z0-9]{14,30}",
        token in "TK[A-Za-z0-9]{14,30}",
        ticket in "TI[!-~]{14,60}",
        app_secret_key in "AS[!-~]{14,40}",
        randstr in "[!-~]{0,12}",
        timestamp in any::<u64>(),
    ) {
        let credential = Credential::new("AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE", &secret_key).unwrap()
            .with_token(&token).unwrap();
        let config = Api3Config::new(credential.clone())
            .with_endpoint("http://127.0.0.1:9/".parse::<Endpoint>().unwrap());
        let action = DescribeCaptchaResult::new(
            ticket.as_str(), randstr.as_str(), "198.51.100.4".parse().unwrap(), 199999164, app_secret_key.as_str(),
        );
        let stamp = Stamp::new(timestamp, 1).unwrap();
        let mut shown = vec![format!("{config:?}"), format!("{action:?}"), format!("{credential:?}")];
        let secrets = [secret_key.as_str(), token.as_str(), ticket.as_str(), app_secret_key.as_str()];
        match config.encode(&action, stamp) {
            Ok(request) => {
                let signature = request.headers()["authorization"].to_str().unwrap()
                    .rsplit("Signature=").next().unwrap().to_owned();
                prop_assert_eq!(signature.len(), 64);
                let steps = tc3::debug_steps(&request, config.credential(), "captcha", stamp.timestamp()).unwrap();
                shown.push(Redacted(&request).to_string());
                shown.push(format!("{:?}", Redacted(&request)));
                shown.push(format!("{:?}", request.headers()));
                shown.push(format!("{steps:?}"));
                for text in &shown {
                    prop_assert!(!text.contains(&signature), "signature shown in {}", text);
                }
                // Verification failures do not repeat secrets either.
                let mut tampered = request.clone();
                tampered.body_mut().push(b' ');
                let err = tc3::verify_request(&tampered, &credential, "captcha").unwrap_err();
                shown.push(format!("{err} {err:?}"));
            }
            Err(err) => {
                // Only an empty Randstr can fail here, and the error names the field.
                prop_assert!(randstr.is_empty());
                prop_assert!(err.to_string().contains("Randstr"));
                shown.push(format!("{err} {err:?}"));
            }
        }
        // A response that echoes the secrets: the decode error's snippet masks them.
        let echoed = serde_json::json!({"Response": {
            "Ticket": ticket, "AppSecretKey": app_secret_key, "SecretKey": secret_key, "Token": token,
        }}).to_string();
        let err = action.decode(StatusCode::OK, echoed.as_bytes()).unwrap_err();
        shown.push(format!("{err} {err:?}"));
        let err = action.decode(StatusCode::BAD_GATEWAY, echoed.as_bytes()).unwrap_err();
        shown.push(format!("{err} {err:?}"));
        // An encode error for a missing ticket never shows the app secret key.
        let missing = DescribeCaptchaResult::new("", "r", "198.51.100.4".parse().unwrap(), 1, app_secret_key.as_str());
        let err = config.encode(&missing, stamp).unwrap_err();
        shown.push(format!("{err} {err:?}"));
        for text in &shown {
            for secret in secrets {
                prop_assert!(!text.contains(secret), "secret {:?} shown in {}", secret, text);
            }
        }
    }
}

/// Arbitrary JSON, biased towards the field names the decoder reads.
fn json_value() -> impl Strategy<Value = serde_json::Value> {
    use serde_json::Value;
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        "[ -~]{0,12}".prop_map(Value::String),
        (-3i64..30).prop_map(|n| Value::String(n.to_string())),
    ];
    let key = prop_oneof![
        Just("CaptchaCode".to_owned()),
        Just("CaptchaMsg".to_owned()),
        Just("RequestId".to_owned()),
        Just("EvilLevel".to_owned()),
        Just("Score".to_owned()),
        Just("DeviceRiskCategory".to_owned()),
        Just("Error".to_owned()),
        Just("Code".to_owned()),
        Just("Message".to_owned()),
        "[A-Za-z]{1,8}",
    ];
    leaf.prop_recursive(4, 48, 8, move |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            proptest::collection::btree_map(key.clone(), inner, 0..8)
                .prop_map(|map| Value::Object(map.into_iter().collect())),
        ]
    })
}
