//! The typed actions' direct path (`Action::write_direct`, parameters written straight into
//! the request) against the `Params` path every other action takes: for any config and any
//! field values, `Api2Config::encode` gives the same request, byte for byte, or the same error.

mod common;

use std::net::IpAddr;

use captcha_proto::{
    AccountType, Api2Action, CaptchaCheck, CaptchaGetUrl, CaptchaIframeQuery, CaptchaQuery,
    CaptchaType, CaptchaVerify, ClientType, Api2Config, Credential, DisturbLevel, EncodeError,
    HttpMethod, IsHttps, Params, ResponseError, ScriptFormat, SignatureMethod, Stamp,
};
use common::{ALNUM, AWKWARD, proptest_config, text, unicode};
use proptest::prelude::*;

const REGRESSIONS: &str = "proptest-regressions/direct_path.txt";

/// `A` without its direct path: `Api2Config::encode` then writes through `Params`.
struct ThroughParams<'a, A>(&'a A);

impl<A: Api2Action> Api2Action for ThroughParams<'_, A> {
    type Output = A::Output;

    fn name(&self) -> &str {
        self.0.name()
    }

    fn write_params(&self, params: &mut Params) -> Result<(), EncodeError> {
        self.0.write_params(params)
    }

    fn decode(&self, status: http::StatusCode, body: &[u8]) -> Result<A::Output, ResponseError> {
        self.0.decode(status, body)
    }
}

/// Both paths' results for `action`, as comparable text (method, URI, headers, body) or
/// the error.
fn both_paths<A: Api2Action>(config: &Api2Config, action: &A, stamp: Stamp) -> (String, String) {
    let shown = |encoded: Result<http::Request<Vec<u8>>, EncodeError>| match encoded {
        Ok(request) => format!(
            "{} {} {:?} {:?}",
            request.method(),
            request.uri(),
            request.headers(),
            String::from_utf8_lossy(request.body())
        ),
        Err(error) => format!("error: {error:?}"),
    };
    (
        shown(config.encode(action, stamp)),
        shown(config.encode(&ThroughParams(action), stamp)),
    )
}

/// Field text: mostly plain, sometimes awkward (escaped on the wire), sometimes empty.
fn field() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => text(ALNUM, 1..24),
        2 => text(AWKWARD, 1..8),
        1 => unicode(1..8),
        1 => Just(String::new()),
    ]
}

fn ip() -> impl Strategy<Value = IpAddr> {
    prop_oneof![
        any::<[u8; 4]>().prop_map(IpAddr::from),
        any::<[u16; 8]>().prop_map(IpAddr::from),
    ]
}

/// A config over every setting that changes the common parameters.
fn config() -> impl Strategy<Value = Api2Config> {
    (
        any::<bool>(),
        any::<bool>(),
        prop::option::of(prop_oneof![
            text(ALNUM, 1..40),
            // Escaped on the wire, and inside letters: a token is not padded with spaces.
            text(AWKWARD, 1..6).prop_map(|t| format!("t{t}t")),
        ]),
        prop_oneof![
            Just(None),
            Just(Some("my-app".to_owned())),
            Just(Some("a;b,c".to_owned()))
        ],
        prop_oneof![text(ALNUM, 1..12), Just("ap-guangzhou".to_owned())],
    )
        .prop_map(|(post, sha256, token, client, region)| {
            let mut credential = common::credential();
            if let Some(token) = token {
                credential = credential.with_token(token).expect("a non-empty token");
            }
            let mut config = Api2Config::new(credential).with_region(region);
            if post {
                config = config.with_http_method(HttpMethod::Post);
            }
            if sha256 {
                config = config.with_signature_method(SignatureMethod::HmacSha256);
            }
            if client.is_some() {
                config = config.with_request_client(client.as_deref());
            }
            config
        })
}

fn stamp() -> impl Strategy<Value = Stamp> {
    (any::<u64>(), 1..u64::MAX).prop_map(|(t, n)| Stamp::new(t, n).expect("a nonce above 0"))
}

proptest! {
    #![proptest_config(proptest_config(REGRESSIONS))]

    #[test]
    fn check_is_written_alike(
        config in config(), stamp in stamp(), ticket in field(), user_ip in ip(),
        captcha_type in any::<u32>(), disturb in prop::option::of(any::<u32>()),
        uid in prop::option::of(field()), business_id in prop::option::of(any::<u64>()),
        account_type in prop::option::of(any::<u32>()),
    ) {
        let mut check = CaptchaCheck::new(ticket, user_ip, CaptchaType::from(captcha_type));
        if let Some(level) = disturb {
            check = check.disturb_level(DisturbLevel::from(level));
        }
        if let Some(uid) = uid {
            check = check.uid(uid);
        }
        if let Some(id) = business_id {
            check = check.business_id(id);
        }
        if let Some(kind) = account_type {
            check = check.account_type(AccountType::from(kind));
        }
        let (direct, through_params) = both_paths(&config, &check, stamp);
        prop_assert_eq!(direct, through_params);
    }

    #[test]
    fn get_url_verify_and_queries_are_written_alike(
        config in config(), stamp in stamp(), sig in field(), code in field(),
        user_ip in prop::option::of(ip()), number in any::<u32>(), app_id in prop::option::of(field()),
        imei in prop::option::of(field()), mac in prop::option::of(field()),
        forwarded in prop::option::of(field()), register_time in any::<u64>(),
        call_back in prop::option::of(field()), scene_id in prop::option::of(any::<u64>()),
    ) {
        let mut get_url = CaptchaGetUrl::new()
            .captcha_type(CaptchaType::from(number))
            .is_https(IsHttps::from(number % 3));
        let mut verify = CaptchaVerify::new(sig, code).captcha_type(CaptchaType::from(number));
        let mut iframe = CaptchaIframeQuery::new(
            CaptchaType::from(number),
            DisturbLevel::from(number % 4),
            IsHttps::Https,
            ClientType::from(number % 5),
        );
        let mut query = CaptchaQuery::new(
            user_ip.unwrap_or(IpAddr::from([203, 0, 113, 7])),
            CaptchaType::from(number),
            u64::from(number),
            register_time,
            if number % 2 == 0 { ScriptFormat::Json } else { ScriptFormat::JavaScript },
        );
        if let Some(ip) = user_ip {
            get_url = get_url.user_ip(ip);
            verify = verify.user_ip(ip);
            iframe = iframe.user_ip(ip);
        }
        if let Some(app_id) = app_id {
            get_url = get_url.app_id(app_id.clone());
            query = query.app_id(app_id);
        }
        if let Some(imei) = imei {
            verify = verify.imei(imei.clone());
            iframe = iframe.imei(imei);
        }
        if let Some(mac) = mac {
            iframe = iframe.mac_address(mac);
        }
        if let Some(forwarded) = forwarded {
            get_url = get_url.x_forwarded_for(forwarded.clone());
            query = query.x_forwarded_for(forwarded);
        }
        if let Some(call_back) = call_back {
            query = query.call_back(call_back);
        }
        if let Some(scene) = scene_id {
            verify = verify.scene_id(scene);
            get_url = get_url.scene_id(scene);
        }
        let (direct, through_params) = both_paths(&config, &get_url, stamp);
        prop_assert_eq!(direct, through_params);
        let (direct, through_params) = both_paths(&config, &verify, stamp);
        prop_assert_eq!(direct, through_params);
        let (direct, through_params) = both_paths(&config, &iframe, stamp);
        prop_assert_eq!(direct, through_params);
        let (direct, through_params) = both_paths(&config, &query, stamp);
        prop_assert_eq!(direct, through_params);
    }
}

// That the typed actions take the direct path at all is checked by `config.rs`'s unit tests.
#[test]
fn credentials_whose_token_needs_escaping_still_encode() {
    let credential = Credential::new(common::SECRET_ID, common::SECRET_KEY)
        .unwrap()
        .with_token("a+b/c=")
        .unwrap();
    let config = Api2Config::new(credential);
    let stamp = Stamp::new(common::TIMESTAMP, common::NONCE).unwrap();
    let check = CaptchaCheck::new("t03", IpAddr::from([127, 0, 0, 1]), CaptchaType::Slider);
    let request = config.encode(&check, stamp).unwrap();
    assert!(
        request
            .uri()
            .query()
            .unwrap()
            .contains("&Token=a%2Bb%2Fc%3D&")
    );
}
