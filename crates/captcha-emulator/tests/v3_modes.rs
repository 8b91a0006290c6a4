//! `DescribeCaptchaResult` in every mode Tencent's SDKs send it besides the TC3 JSON POST:
//! TC3-HMAC-SHA256 over a GET (the fields in the query, numbers as digits) and signature
//! v1 (HmacSHA1, HmacSHA256) over a GET query or a POST form. A ticket passes once whatever
//! the mode; refusals are the 3.0 envelope's.

mod support;

use captcha_emulator::{Api3Ticket, Clock, DEMO_APP_SECRET_KEY};
use captcha_proto::v1::{self, SignatureMethod};
use captcha_proto::{Credential, SecretKey, tc3};
use http::header::{CONTENT_TYPE, HOST};
use http::{Method, Request, StatusCode};
use support::{Answer, Harness, ID, KEY, NOW, USER, form, mint_api3};

const FORM: &str = "application/x-www-form-urlencoded";

/// How a request is sent and signed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Tc3Get,
    V1 {
        method: &'static str,
        hmac: SignatureMethod,
    },
}

const MODES: [Mode; 5] = [
    Mode::Tc3Get,
    Mode::V1 {
        method: "GET",
        hmac: SignatureMethod::HmacSha1,
    },
    Mode::V1 {
        method: "POST",
        hmac: SignatureMethod::HmacSha1,
    },
    Mode::V1 {
        method: "GET",
        hmac: SignatureMethod::HmacSha256,
    },
    Mode::V1 {
        method: "POST",
        hmac: SignatureMethod::HmacSha256,
    },
];

const V1_MODES: [Mode; 4] = [MODES[1], MODES[2], MODES[3], MODES[4]];

type Pairs = Vec<(String, String)>;

/// The action's fields as an SDK flattens them: every value as text.
fn fields(minted: &Api3Ticket, app_key: &str) -> Pairs {
    [
        ("CaptchaType", "9".to_owned()),
        ("Ticket", minted.ticket.expose_secret().to_owned()),
        ("UserIp", USER.to_owned()),
        ("Randstr", minted.randstr.clone()),
        ("CaptchaAppId", minted.captcha_app_id.to_string()),
        ("AppSecretKey", app_key.to_owned()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect()
}

/// A request in `mode` carrying `fields`, sent with `Host: 127.0.0.1:PORT`, signed over
/// that host with `key` at the clock's time (v1: with `nonce`).
fn request(h: &Harness, mode: Mode, fields: &Pairs, key: &str, nonce: u64) -> Request<Vec<u8>> {
    signed_at(h, mode, fields, key, nonce, &h.host(), h.clock.now_unix())
}

/// [`request`] signed over `signed_host` at `timestamp`.
fn signed_at(
    h: &Harness,
    mode: Mode,
    fields: &Pairs,
    key: &str,
    nonce: u64,
    signed_host: &str,
    timestamp: u64,
) -> Request<Vec<u8>> {
    match mode {
        Mode::Tc3Get => {
            let mut request = Request::get(format!("/?{}", form(fields)))
                .header(HOST, signed_host)
                .header(CONTENT_TYPE, FORM)
                .header("x-tc-action", "DescribeCaptchaResult")
                .header("x-tc-version", "2019-07-22")
                .body(Vec::new())
                .unwrap();
            let credential = Credential::new(ID, key).unwrap();
            tc3::sign_request(&mut request, &credential, "captcha", timestamp).unwrap();
            with_sent_host(h, request)
        }
        Mode::V1 { method, .. } => {
            let pairs = v1_pairs(mode, fields, key, nonce, signed_host, timestamp);
            let request = if method == "GET" {
                Request::get(format!("/?{}", form(&pairs))).body(Vec::new())
            } else {
                Request::post("/")
                    .header(CONTENT_TYPE, FORM)
                    .body(form(&pairs).into_bytes())
            };
            with_sent_host(h, request.unwrap())
        }
    }
}

/// The v1 parameters as Python's SDK sends them (common ones with the action's), signed.
fn v1_pairs(
    mode: Mode,
    fields: &Pairs,
    key: &str,
    nonce: u64,
    signed_host: &str,
    timestamp: u64,
) -> Pairs {
    let Mode::V1 { method, hmac } = mode else {
        unreachable!("a v1 mode")
    };
    let mut pairs = fields.clone();
    for (name, value) in [
        ("Action", "DescribeCaptchaResult".to_owned()),
        ("RequestClient", "SDK_PYTHON_3.1.195".to_owned()),
        ("Nonce", nonce.to_string()),
        ("Timestamp", timestamp.to_string()),
        ("Version", "2019-07-22".to_owned()),
        ("SecretId", ID.to_owned()),
        ("SignatureMethod", hmac.as_str().to_owned()),
    ] {
        pairs.push((name.to_owned(), value));
    }
    sign_v1(&mut pairs, method, hmac, key, signed_host);
    pairs
}

/// Appends the `Signature` of `pairs` (after removing any earlier one).
fn sign_v1(pairs: &mut Pairs, method: &str, hmac: SignatureMethod, key: &str, host: &str) {
    pairs.retain(|(k, _)| k != "Signature");
    let text = v1::string_to_sign(
        method,
        host,
        "/",
        pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())),
    );
    let signature = v1::sign(&SecretKey::new(key), hmac, &text);
    pairs.push(("Signature".to_owned(), signature.expose_secret().to_owned()));
}

/// The request with the `Host` a client of the emulator sends.
fn with_sent_host(h: &Harness, mut request: Request<Vec<u8>>) -> Request<Vec<u8>> {
    request
        .headers_mut()
        .insert(HOST, h.host().parse().unwrap());
    request
}

fn assert_plain_json(answer: &Answer, what: &str) {
    assert_eq!(answer.status, StatusCode::OK, "{what}: {}", answer.text());
    let values: Vec<_> = answer.headers.get_all(CONTENT_TYPE).iter().collect();
    assert_eq!(values, ["application/json"], "{what}");
    assert!(answer.response()["RequestId"].is_string(), "{what}");
}

fn assert_refused(answer: &Answer, code: &str, words: &str, what: &str) {
    assert_plain_json(answer, what);
    assert_eq!(answer.error_code(), code, "{what}: {}", answer.text());
    let message = answer.error_message();
    assert!(message.contains(words), "{what}: {message}");
}

#[tokio::test]
async fn every_mode_passes_a_fresh_ticket_once_and_checks_the_keys() {
    let h = support::start().await;
    for (i, mode) in MODES.into_iter().enumerate() {
        let nonce = 100 * (i as u64 + 1);
        let what = format!("{mode:?}");
        let minted = mint_api3(&h);
        let good = fields(&minted, DEMO_APP_SECRET_KEY);
        let fresh = h.send(request(&h, mode, &good, KEY, nonce)).await;
        assert_plain_json(&fresh, &what);
        assert_eq!(fresh.captcha_code(), 1, "{what}: {}", fresh.text());
        let reused = h.send(request(&h, mode, &good, KEY, nonce + 1)).await;
        assert_eq!(reused.captcha_code(), 9, "{what}: {}", reused.text());

        let wrong_app_key = fields(&mint_api3(&h), "not-the-app-secret-key");
        let answer = h
            .send(request(&h, mode, &wrong_app_key, KEY, nonce + 2))
            .await;
        assert_eq!(answer.captcha_code(), 100, "{what}: {}", answer.text());

        let other = fields(&mint_api3(&h), DEMO_APP_SECRET_KEY);
        let forged = h
            .send(request(&h, mode, &other, "not-the-secret-key", nonce + 3))
            .await;
        assert_refused(&forged, "AuthFailure.SignatureFailure", "", &what);
        // The forged request spent nothing: the ticket still passes.
        let answer = h.send(request(&h, mode, &other, KEY, nonce + 4)).await;
        assert_eq!(answer.captcha_code(), 1, "{what}: {}", answer.text());
    }
}

#[tokio::test]
async fn a_ticket_passes_once_whatever_the_mode() {
    let h = support::start().await;
    let minted = mint_api3(&h);
    let good = fields(&minted, DEMO_APP_SECRET_KEY);
    let first = h.send(request(&h, MODES[2], &good, KEY, 1)).await;
    assert_eq!(first.captcha_code(), 1, "{}", first.text());
    for (i, mode) in MODES.into_iter().enumerate() {
        let again = h.send(request(&h, mode, &good, KEY, 10 + i as u64)).await;
        assert_eq!(again.captcha_code(), 9, "{mode:?}: {}", again.text());
    }
    let json = captcha_proto::api3::DescribeCaptchaResult::new(
        minted.ticket.clone(),
        minted.randstr.clone(),
        USER.parse().unwrap(),
        minted.captcha_app_id,
        DEMO_APP_SECRET_KEY,
    );
    assert_eq!(h.describe(&json).await.captcha_code(), 9, "TC3 POST");
}

#[tokio::test]
async fn a_replayed_v1_nonce_is_refused() {
    let h = support::start().await;
    for (i, mode) in V1_MODES.into_iter().enumerate() {
        let what = format!("{mode:?}");
        let good = fields(&mint_api3(&h), DEMO_APP_SECRET_KEY);
        let nonce = 7_000 + i as u64;
        let first = h.send(request(&h, mode, &good, KEY, nonce)).await;
        assert_eq!(first.captcha_code(), 1, "{what}: {}", first.text());
        let replay = h.send(request(&h, mode, &good, KEY, nonce)).await;
        assert_refused(&replay, "AuthFailure.SignatureExpire", "Nonce", &what);
        // Another request with the same nonce is a replay too.
        let other = fields(&mint_api3(&h), DEMO_APP_SECRET_KEY);
        let replay = h.send(request(&h, mode, &other, KEY, nonce)).await;
        assert_refused(&replay, "AuthFailure.SignatureExpire", "Nonce", &what);
    }
}

#[tokio::test]
async fn numbers_as_text_are_read_and_other_text_is_refused_by_name() {
    let h = support::start().await;
    for (i, mode) in MODES.into_iter().enumerate() {
        let what = format!("{mode:?}");
        let nonce = 500 + 10 * i as u64;
        for (j, (field, value)) in [
            ("CaptchaAppId", "190000000x"),
            ("CaptchaAppId", "-1"),
            ("CaptchaType", "nine"),
            ("NeedGetCaptchaTime", "true"),
        ]
        .into_iter()
        .enumerate()
        {
            let mut bad = fields(&mint_api3(&h), DEMO_APP_SECRET_KEY);
            match bad.iter_mut().find(|(k, _)| k == field) {
                Some(pair) => pair.1 = value.to_owned(),
                None => bad.push((field.to_owned(), value.to_owned())),
            }
            let answer = h.send(request(&h, mode, &bad, KEY, nonce + j as u64)).await;
            let words = format!("`{field}`");
            assert_refused(&answer, "InvalidParameter", &words, &what);
        }
        let mut timed = fields(&mint_api3(&h), DEMO_APP_SECRET_KEY);
        timed.push(("NeedGetCaptchaTime".to_owned(), "1".to_owned()));
        let answer = h.send(request(&h, mode, &timed, KEY, nonce + 9)).await;
        assert_eq!(answer.captcha_code(), 1, "{what}: {}", answer.text());
        assert_eq!(answer.response()["GetCaptchaTime"], NOW, "{what}");
    }
}

#[tokio::test]
async fn the_host_is_accepted_with_or_without_its_port() {
    let h = support::start().await;
    let bare = "127.0.0.1";
    let elsewhere = format!("localhost:{}", h.addr().port());
    for (i, mode) in MODES.into_iter().enumerate() {
        let what = format!("{mode:?}");
        let nonce = 900 + 10 * i as u64;
        let good = fields(&mint_api3(&h), DEMO_APP_SECRET_KEY);
        let request = signed_at(&h, mode, &good, KEY, nonce, bare, NOW);
        let answer = h.send(request).await;
        assert_eq!(answer.captcha_code(), 1, "{what}: {}", answer.text());
        let good = fields(&mint_api3(&h), DEMO_APP_SECRET_KEY);
        let request = signed_at(&h, mode, &good, KEY, nonce + 1, &elsewhere, NOW);
        let answer = h.send(request).await;
        assert_refused(&answer, "AuthFailure.SignatureFailure", "", &what);
    }
}

#[tokio::test]
async fn stale_timestamps_and_unknown_fields_are_refused() {
    let h = support::start().await;
    for (i, mode) in MODES.into_iter().enumerate() {
        let what = format!("{mode:?}");
        let nonce = 1_300 + 10 * i as u64;
        let good = fields(&mint_api3(&h), DEMO_APP_SECRET_KEY);
        let stale = signed_at(&h, mode, &good, KEY, nonce, &h.host(), NOW - 3_600);
        let answer = h.send(stale).await;
        assert_refused(&answer, "AuthFailure.SignatureExpire", "", &what);
        let mut extra = good.clone();
        extra.push(("Captchatype".to_owned(), "9".to_owned()));
        let answer = h.send(request(&h, mode, &extra, KEY, nonce + 1)).await;
        assert_refused(&answer, "UnknownParameter", "`Captchatype`", &what);
        let mut missing = good.clone();
        missing.retain(|(k, _)| k != "Ticket");
        let answer = h.send(request(&h, mode, &missing, KEY, nonce + 2)).await;
        assert_refused(&answer, "MissingParameter", "`Ticket`", &what);
        let mut twice = good.clone();
        twice.push(("UserIp".to_owned(), USER.to_owned()));
        let answer = h.send(request(&h, mode, &twice, KEY, nonce + 3)).await;
        assert_refused(&answer, "InvalidParameter", "`UserIp`", &what);
        // None of these spent the ticket.
        let answer = h.send(request(&h, mode, &good, KEY, nonce + 4)).await;
        assert_eq!(answer.captcha_code(), 1, "{what}: {}", answer.text());
    }
}

#[tokio::test]
async fn v1_common_parameters_are_checked() {
    let h = support::start().await;
    let mode = MODES[1];
    let good = fields(&mint_api3(&h), DEMO_APP_SECRET_KEY);
    let base = v1_pairs(mode, &good, KEY, 42, &h.host(), NOW);
    let send = |pairs: Pairs| {
        let request = Request::get(format!("/?{}", form(&pairs)))
            .body(Vec::new())
            .unwrap();
        h.send(request)
    };
    let next_nonce = std::cell::Cell::new(43u64);
    let edited = |name: &str, value: Option<&str>| {
        let mut pairs = base.clone();
        let nonce = next_nonce.replace(next_nonce.get() + 1).to_string();
        for pair in pairs.iter_mut().filter(|(k, _)| k == "Nonce") {
            pair.1.clone_from(&nonce);
        }
        pairs.retain(|(k, _)| k != name);
        if let Some(value) = value {
            pairs.push((name.to_owned(), value.to_owned()));
        }
        sign_v1(&mut pairs, "GET", SignatureMethod::HmacSha1, KEY, &h.host());
        pairs
    };
    let cases: [(Pairs, &str, &str); 8] = [
        (edited("Action", None), "MissingParameter", "`Action`"),
        (edited("Version", None), "MissingParameter", "`Version`"),
        (
            edited("Nonce", Some("")),
            "MissingParameter",
            "`Nonce` is empty",
        ),
        (
            edited("Timestamp", Some("soon")),
            "InvalidParameter",
            "Timestamp",
        ),
        (
            edited("SignatureMethod", Some("HmacMD5")),
            "InvalidParameter",
            "SignatureMethod",
        ),
        (
            edited("SecretId", Some("AKIDnobody")),
            "AuthFailure.SecretIdNotFound",
            "SecretId",
        ),
        (
            edited("Action", Some("CaptchaQuery")),
            "InvalidAction",
            "CaptchaQuery",
        ),
        (
            edited("Version", Some("2018-01-01")),
            "NoSuchVersion",
            "2019-07-22",
        ),
    ];
    for (pairs, code, words) in cases {
        let what = format!("{code} {words}");
        assert_refused(&send(pairs).await, code, words, &what);
    }
    let mut malformed = base.clone();
    malformed.retain(|(k, _)| k != "Signature");
    malformed.push(("Signature".to_owned(), "***".to_owned()));
    let answer = send(malformed).await;
    assert_refused(
        &answer,
        "AuthFailure.SignatureFailure",
        "base64",
        "malformed",
    );

    let text = Request::post("/")
        .header(CONTENT_TYPE, "text/plain")
        .body(form(&base).into_bytes())
        .unwrap();
    let answer = h.send(text).await;
    assert_refused(&answer, "InvalidParameter", "x-www-form-urlencoded", "text");
    assert_eq!(send(base).await.captcha_code(), 1, "the untouched request");
}

#[tokio::test]
async fn other_methods_are_refused() {
    let h = support::start().await;
    let request = Request::builder()
        .method(Method::DELETE)
        .uri("/")
        .body(Vec::new())
        .unwrap();
    let answer = h.send(request).await;
    assert_refused(&answer, "InvalidParameter", "GET and POST", "DELETE");
}
