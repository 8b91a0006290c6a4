//! No secret ever shows: not in `tracing` output at TRACE (SDK, dependencies and the
//! emulator, captured in memory), not in any `Display`/`Debug` of errors, results, actions or
//! clients, not in the CLI's stdout/stderr with `RUST_LOG=trace`.
//!
//! Secrets are distinctive random values (SecretKey, Token, AppSecretKey, a wrong key,
//! a password parameter) plus those only known once sent: every `Signature` (API 2.0 query
//! or form, API 3.0 `Authorization`), ticket, `captchaSig` and one-time image signature.
//! Those are read off the wire by a recording relay between client and emulator (see
//! `captcha_tests::proxy` for why), then searched for, raw and percent-encoded, in
//! everything captured.

use std::fmt::{Debug, Display};
use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;
use std::time::Duration;

use captcha_client::Error;
use captcha_emulator::{BackgroundEmulator, DEMO_APP_SECRET_KEY, DEMO_SECRET_KEY, Emulator};
use captcha_proto::api3::DescribeCaptchaResult;
use captcha_proto::{
    Api2RawAction, CaptchaCheck, CaptchaGetUrl, CaptchaType, CaptchaVerify, CheckVerdict,
    Credential, IsHttps, VerifyVerdict,
};
use captcha_tests::scripted::{Received, json, response};
use captcha_tests::secrets::{random_secret, wire_values};
use captcha_tests::transport::settings;
use captcha_tests::{
    Misbehaviour, Needles, RecordingProxy, ScriptedServer, TestClient, Transport, capture, cli,
};

const USER_IP: IpAddr = IpAddr::V4(Ipv4Addr::new(203, 0, 113, 7));
const CAPTCHA_APP_ID: u64 = 190_123_456;
/// Parameters whose values are secret wherever they appear on the wire.
const SECRET_PARAMETERS: [&str; 5] = ["Signature", "ticket", "captchaSig", "Token", "asig"];

/// The secrets of one test.
struct Keys {
    secret_id: String,
    secret_key: String,
    token: String,
    wrong_key: String,
    app_secret_key: String,
    wrong_app_secret_key: String,
    password: String,
}

impl Keys {
    /// Fresh random secrets, with characters that percent-encode (`+ / = *`).
    fn new() -> Self {
        Self {
            secret_id: random_secret("AKIDsecrets"),
            secret_key: random_secret("sk+/="),
            token: random_secret("tok*+/="),
            wrong_key: random_secret("wrong+/="),
            app_secret_key: random_secret("app+/="),
            wrong_app_secret_key: random_secret("wrongapp+/="),
            password: random_secret("pw+/=*"),
        }
    }

    fn needles(&self) -> Needles {
        let mut needles = Needles::new();
        needles.add("SecretKey", &self.secret_key);
        needles.add("Token", &self.token);
        needles.add("wrong SecretKey", &self.wrong_key);
        needles.add("AppSecretKey", &self.app_secret_key);
        needles.add("wrong AppSecretKey", &self.wrong_app_secret_key);
        needles.add("password parameter", &self.password);
        needles
    }

    fn credential(&self) -> Credential {
        Credential::new(&self.secret_id, &self.secret_key)
            .and_then(|c| c.with_token(&self.token))
            .expect("valid credential")
    }

    fn wrong_credential(&self) -> Credential {
        Credential::new(&self.secret_id, &self.wrong_key)
            .and_then(|c| c.with_token(&self.token))
            .expect("valid credential")
    }

    fn emulator(&self) -> BackgroundEmulator {
        BackgroundEmulator::start(
            Emulator::builder()
                .credential_with_token(&self.secret_id, &self.secret_key, &self.token)
                .captcha_app(CAPTCHA_APP_ID, &self.app_secret_key),
            ([127, 0, 0, 1], 0).into(),
        )
        .expect("emulator starts")
    }
}

/// Every text a user could see or log: formatted errors, results, actions, clients.
#[derive(Default)]
struct Shown(Vec<(String, String)>);

impl Shown {
    /// `Display`, `Debug` and pretty `Debug` of `value`.
    fn all<T: Display + Debug + ?Sized>(&mut self, place: &str, value: &T) {
        self.0
            .push((format!("{place} (Display)"), value.to_string()));
        self.debug(place, value);
    }

    /// `Debug` and pretty `Debug` of `value`.
    fn debug<T: Debug + ?Sized>(&mut self, place: &str, value: &T) {
        self.0
            .push((format!("{place} (Debug)"), format!("{value:?}")));
        self.0
            .push((format!("{place} (Debug, pretty)"), format!("{value:#?}")));
    }

    /// An error with every source in its chain.
    fn error(&mut self, place: &str, error: &Error) {
        self.all(place, error);
        let mut source = std::error::Error::source(error);
        let mut depth = 1;
        while let Some(cause) = source {
            self.all(&format!("{place} (source {depth})"), cause);
            source = cause.source();
            depth += 1;
        }
    }

    /// The result of a call: the value's `Debug`, or the error.
    fn result<T: Debug>(&mut self, place: &str, result: &Result<T, Error>) {
        match result {
            Ok(value) => self.debug(place, value),
            Err(error) => self.error(place, error),
        }
    }

    /// Fails naming every text that shows a needle.
    fn assert_clean(&self, needles: &Needles) {
        let leaks: Vec<String> = self
            .0
            .iter()
            .filter_map(|(place, text)| {
                let found = needles.found_in(text);
                (!found.is_empty()).then(|| format!("{place} shows {found:?}:\n  {text}"))
            })
            .collect();
        assert!(
            leaks.is_empty(),
            "{} leaks:\n{}",
            leaks.len(),
            leaks.join("\n")
        );
    }
}

/// Adds every secret parameter value the relay saw to `needles`; returns how many
/// signatures there were.
fn learn_from_wire(needles: &mut Needles, sent: &[Vec<u8>]) -> usize {
    let mut signatures = 0;
    for connection in sent {
        for name in SECRET_PARAMETERS {
            for value in wire_values(connection, name) {
                signatures += usize::from(name == "Signature");
                needles.add(&format!("{name} sent on the wire"), &value);
            }
        }
    }
    signatures
}

/// Every API call the flow makes (for the signature count).
const FLOW_API_CALLS: usize = 10;

/// The whole flow through one transport, via `proxy` to `emulator`.
async fn flow(
    client: &TestClient,
    wrong_key: &TestClient,
    emulator: &BackgroundEmulator,
    keys: &Keys,
    needles: &mut Needles,
    shown: &mut Shown,
) {
    let name = client.transport().name();
    shown.debug(&format!("{name} client"), client);
    shown.debug(&format!("{name} settings"), client.settings());

    // Image flow: get_url → fetch_image → verify (right), verify again (spent).
    let get_url = CaptchaGetUrl::new()
        .captcha_type(CaptchaType::Standard)
        .is_https(IsHttps::Http)
        .user_ip(USER_IP);
    let url = client.get_url(&get_url).await.expect("get_url");
    shown.debug("CaptchaUrl", &url);
    if let Some(query) = url.uri().query() {
        for value in wire_values(query.as_bytes(), "asig") {
            needles.add("image URL signature", &value);
        }
    }
    let image = client.fetch_image(&url).await.expect("fetch_image");
    shown.debug("CaptchaImage", &image);
    let captcha_sig = image.captcha_sig.expose_secret().to_owned();
    needles.add("captchaSig", &captcha_sig);
    let answer = emulator
        .answer_for(&captcha_sig)
        .expect("the emulator knows the answer");
    let verify = CaptchaVerify::new(captcha_sig, answer).user_ip(USER_IP);
    shown.debug("CaptchaVerify", &verify);
    let right = client.verify(&verify).await;
    assert!(
        matches!(right, Ok(VerifyVerdict::Right)),
        "{name}: {right:?}"
    );
    shown.result("verify", &right);
    let again = client.verify(&verify).await;
    shown.result("verify again", &again);

    // Ticket flow: pass, then fail.
    let ticket = emulator.mint_ticket(USER_IP, CaptchaType::Slider.value());
    needles.add("ticket", &ticket);
    let check = CaptchaCheck::new(ticket, USER_IP, CaptchaType::Slider);
    shown.debug("CaptchaCheck", &check);
    let pass = client.check(&check).await;
    assert!(matches!(pass, Ok(CheckVerdict::Pass)), "{name}: {pass:?}");
    shown.result("check", &pass);
    let fail = client.check(&check).await;
    assert!(
        matches!(fail, Ok(CheckVerdict::Fail { .. })),
        "{name}: {fail:?}"
    );
    shown.result("check again", &fail);

    // Refused: a wrong key (4100), with a ticket that must not show either.
    let ticket = emulator.mint_ticket(USER_IP, CaptchaType::Slider.value());
    needles.add("ticket of the refused call", &ticket);
    let refused = wrong_key
        .check(&CaptchaCheck::new(ticket, USER_IP, CaptchaType::Slider))
        .await;
    assert!(
        matches!(&refused, Err(Error::Api2(e)) if e.is_auth_failure()),
        "{name}: {refused:?}"
    );
    shown.result("check with a wrong key", &refused);

    // Any action, with a secret-looking parameter.
    let raw = Api2RawAction::new("DescribeSecretThings")
        .param("password", &keys.password)
        .param("limit", "20");
    shown.debug("Api2RawAction", &raw);
    let raw_result = client.call(&raw).await;
    assert!(raw_result.is_err(), "{name}: unknown action accepted");
    shown.result("raw action", &raw_result);

    // API 3.0: pass, spent, wrong AppSecretKey.
    let v3 = emulator
        .mint_api3_ticket(CAPTCHA_APP_ID, USER_IP)
        .expect("the app is configured");
    needles.add("API 3.0 ticket", v3.ticket.expose_secret());
    let describe = DescribeCaptchaResult::new(
        v3.ticket.clone(),
        v3.randstr.clone(),
        USER_IP,
        CAPTCHA_APP_ID,
        keys.app_secret_key.as_str(),
    );
    shown.debug("DescribeCaptchaResult", &describe);
    let passed = client.describe_result(&describe).await;
    assert!(
        passed.as_ref().is_ok_and(|r| r.is_pass()),
        "{name}: {passed:?}"
    );
    shown.result("describe_result", &passed);
    let spent = client.describe_result(&describe).await;
    assert!(
        !spent.as_ref().is_ok_and(|r| r.is_pass()),
        "{name}: {spent:?}"
    );
    shown.result("describe_result again", &spent);
    let wrong_app_key = DescribeCaptchaResult::new(
        v3.ticket,
        v3.randstr,
        USER_IP,
        CAPTCHA_APP_ID,
        keys.wrong_app_secret_key.as_str(),
    );
    let wrong = client.describe_result(&wrong_app_key).await;
    assert!(
        !wrong.as_ref().is_ok_and(|r| r.is_pass()),
        "{name}: {wrong:?}"
    );
    shown.result("describe_result with a wrong AppSecretKey", &wrong);
}

#[test]
fn sdk_flows_of_both_transports_show_no_secret() {
    let captured = capture::install();
    let keys = Keys::new();
    let mut needles = keys.needles();
    let mut shown = Shown::default();
    let emulator = keys.emulator();
    let mut signatures = Vec::new();
    let mut wire = Vec::new();
    for transport in Transport::ALL {
        let proxy = RecordingProxy::start(emulator.local_addr());
        let client_for = |credential: Credential| {
            let mut settings = settings(proxy.endpoint(), credential);
            settings.api3 = settings.api3.with_endpoint(proxy.root_endpoint());
            settings.timeout = Duration::from_secs(30);
            transport.client(settings)
        };
        let client = client_for(keys.credential());
        let wrong_key = client_for(keys.wrong_credential());
        transport.block_on(flow(
            &client,
            &wrong_key,
            &emulator,
            &keys,
            &mut needles,
            &mut shown,
        ));
        drop((client, wrong_key));
        let sent = proxy.sent();
        signatures.push(learn_from_wire(&mut needles, &sent));
        wire.extend(sent);
    }
    emulator.shutdown();

    // The search is not vacuous: the relay saw every call's signature, the wire carries
    // the tickets in a form the needles match, and the logs were captured at TRACE.
    assert!(
        signatures.iter().all(|n| *n >= FLOW_API_CALLS),
        "signatures seen per transport: {signatures:?}"
    );
    let wire_text = String::from_utf8_lossy(&wire.concat()).into_owned();
    for expected in ["ticket (", "captchaSig (", "Token (", "API 3.0 ticket ("] {
        assert!(
            needles
                .found_in(&wire_text)
                .iter()
                .any(|label| label.starts_with(expected)),
            "{expected} not found on the wire"
        );
    }
    let sdk_logs = captured.sdk_text();
    let emulator_logs = captured.emulator_text();
    for expected in ["captcha_call", "sending", "[redacted]", "TRACE"] {
        assert!(sdk_logs.contains(expected), "SDK logs lack {expected:?}");
    }
    assert!(emulator_logs.contains("api request"), "emulator logs empty");

    shown.assert_clean(&needles);
    needles.assert_absent("SDK and dependency logs", &sdk_logs);
    needles.assert_absent("emulator logs", &emulator_logs);
}

/// An upstream (or a broken proxy) that quotes the whole request it got (head and body)
/// back in its answer.
fn echoing(answer: fn(&str) -> Vec<u8>) -> Misbehaviour {
    Misbehaviour::ReplyWith(Arc::new(move |request: &Received| {
        let quoted = format!("{}{}", request.head, String::from_utf8_lossy(&request.body));
        answer(&quoted)
    }))
}

/// `text` as a JSON string literal.
fn json_string(text: &str) -> String {
    serde_json::to_string(text).expect("a string serialises")
}

/// What an upstream quoting the request might answer.
type Quoting = (&'static str, fn(&str) -> Vec<u8>);

/// Error pages and broken bodies: their text reaches errors only as a masked snippet.
const QUOTING_PAGES: [Quoting; 2] = [
    ("HTML 502 page", |quoted| {
        let page = format!("<html><body><h1>502 Bad Gateway</h1><pre>{quoted}</pre></body></html>");
        response("502 Bad Gateway", "text/html", page.as_bytes())
    }),
    ("unparsable JSON", |quoted| {
        json(format!(r#"{{"code":0,"message":{}"#, json_string(quoted)).as_bytes())
    }),
];

/// Well-formed API refusals (2.0 and 3.0 envelopes) whose message quotes the request.
const QUOTING_API_ERRORS: [Quoting; 3] = [
    ("API 2.0 error message", |quoted| {
        let body = format!(
            r#"{{"code":4100,"message":{},"codeDesc":"AuthFailure"}}"#,
            json_string(&format!("bad signature in {quoted}"))
        );
        json(body.as_bytes())
    }),
    ("API 2.0 error on HTTP 500", |quoted| {
        let body = format!(r#"{{"code":6000,"message":{}}}"#, json_string(quoted));
        response(
            "500 Internal Server Error",
            "application/json",
            body.as_bytes(),
        )
    }),
    ("API 3.0 error message", |quoted| {
        let body = format!(
            r#"{{"Response":{{"Error":{{"Code":"AuthFailure.SignatureFailure","Message":{}}},"RequestId":"r-1"}}}}"#,
            json_string(quoted)
        );
        json(body.as_bytes())
    }),
];

/// Sends a ticket check (API 2.0) and a `DescribeCaptchaResult` (API 3.0) through each
/// transport to upstreams answering with `answers`, and asserts that no secret of the
/// requests shows in the errors or logs.
fn quoting_upstreams_show_no_secret(answers: &[Quoting]) {
    let captured = capture::install();
    let keys = Keys::new();
    let mut needles = keys.needles();
    let mut shown = Shown::default();
    for transport in Transport::ALL {
        for (name, answer) in answers {
            let server = ScriptedServer::start(echoing(*answer));
            let mut settings = settings(server.endpoint(), keys.credential());
            settings.api3 = settings.api3.with_endpoint(server.root_endpoint());
            let client = transport.client(settings);
            let place = format!("{} against {name}", transport.name());

            let ticket = random_secret("t03echo*+/=");
            needles.add("ticket", &ticket);
            let check = CaptchaCheck::new(ticket, USER_IP, CaptchaType::Slider);
            let result = transport.block_on(client.check(&check));
            assert!(result.is_err(), "{place}: {result:?}");
            shown.result(&format!("{place}, API 2.0"), &result);

            let ticket = random_secret("tr03echo*+/=");
            needles.add("API 3.0 ticket", &ticket);
            let describe = DescribeCaptchaResult::new(
                ticket,
                random_secret("randstr"),
                USER_IP,
                CAPTCHA_APP_ID,
                keys.app_secret_key.as_str(),
            );
            let result = transport.block_on(client.describe_result(&describe));
            assert!(result.is_err(), "{place}: {result:?}");
            shown.result(&format!("{place}, API 3.0"), &result);

            let sent: Vec<Vec<u8>> = server
                .received()
                .iter()
                .map(|r| [r.head.as_bytes(), &r.body].concat())
                .collect();
            let signatures = learn_from_wire(&mut needles, &sent);
            assert_eq!(signatures, 2, "{place}: two signed requests");
        }
    }
    shown.assert_clean(&needles);
    needles.assert_absent("SDK and dependency logs", &captured.sdk_text());
}

#[test]
fn error_pages_quoting_the_request_show_no_secret() {
    quoting_upstreams_show_no_secret(&QUOTING_PAGES);
}

#[test]
fn api_errors_quoting_the_request_show_no_secret() {
    quoting_upstreams_show_no_secret(&QUOTING_API_ERRORS);
}

/// `--timestamp`/`--nonce` pins shared by a sent call and its dry run, so both carry the
/// same signature.
fn pins(emulator: &BackgroundEmulator, nonce: u64) -> [String; 4] {
    [
        "--timestamp".to_owned(),
        emulator.now_unix().to_string(),
        "--nonce".to_owned(),
        nonce.to_string(),
    ]
}

#[test]
fn cli_output_at_trace_shows_no_secret() {
    let captured = capture::install();
    let keys = Keys::new();
    let mut needles = keys.needles();
    let emulator = keys.emulator();
    let proxy = RecordingProxy::start(emulator.local_addr());
    let endpoint = proxy.endpoint().to_string();
    let env = [
        ("TENCENTCLOUD_SECRET_ID", keys.secret_id.as_str()),
        ("TENCENTCLOUD_SECRET_KEY", keys.secret_key.as_str()),
        ("TENCENTCLOUD_SESSION_TOKEN", keys.token.as_str()),
        (
            "TENCENTCLOUD_CAPTCHA_APP_SECRET_KEY",
            keys.app_secret_key.as_str(),
        ),
        ("RUST_LOG", "trace"),
        ("NO_COLOR", "1"),
    ];
    let wrong_env = [
        ("TENCENTCLOUD_SECRET_ID", keys.secret_id.as_str()),
        ("TENCENTCLOUD_SECRET_KEY", keys.wrong_key.as_str()),
        ("TENCENTCLOUD_SESSION_TOKEN", keys.token.as_str()),
        ("RUST_LOG", "trace"),
        ("NO_COLOR", "1"),
    ];
    let mut outputs = Vec::new();
    let mut run = |label: &str, args: &[&str], env: &[(&str, &str)], expected_exit: i32| {
        let output = cli::run(args, env);
        let text = cli::all_text(&output);
        assert_eq!(
            output.status.code(),
            Some(expected_exit),
            "{label}: {args:?}\n{text}"
        );
        outputs.push((label.to_owned(), text));
    };

    // A ticket that passes once through the relay, then fails: exits 0, then 1.
    let ticket = emulator.mint_ticket(USER_IP, CaptchaType::Slider.value());
    needles.add("ticket", &ticket);
    let pinned = pins(&emulator, 424_242);
    let pinned: Vec<&str> = pinned.iter().map(String::as_str).collect();
    let check = |ticket: &str| {
        let mut args = vec!["--endpoint", &endpoint, "check", "--ticket", ticket];
        args.extend(["--user-ip", "203.0.113.7", "--captcha-type", "9"]);
        args.iter()
            .map(|s| (*s).to_owned())
            .collect::<Vec<String>>()
    };
    let pass_args = check(&ticket);
    let mut pass_args: Vec<&str> = pass_args.iter().map(String::as_str).collect();
    pass_args.extend(&pinned);
    run("check (pass)", &pass_args, &env, 0);
    // The same call, pinned alike, as a dry run: same signature, which must not show.
    let mut dry_args = pass_args.clone();
    dry_args.push("--dry-run");
    run("check --dry-run", &dry_args, &env, 0);
    let fail_args = check(&ticket);
    let fail_args: Vec<&str> = fail_args.iter().map(String::as_str).collect();
    run("check (fail)", &fail_args, &env, 1);
    let refused_ticket = emulator.mint_ticket(USER_IP, CaptchaType::Slider.value());
    needles.add("ticket of the refused call", &refused_ticket);
    let refused_args = check(&refused_ticket);
    let refused_args: Vec<&str> = refused_args.iter().map(String::as_str).collect();
    run("check with a wrong key", &refused_args, &wrong_env, 3);

    // API 3.0 with the AppSecretKey from the environment, sent and as a dry run.
    let v3 = emulator
        .mint_api3_ticket(CAPTCHA_APP_ID, USER_IP)
        .expect("the app is configured");
    needles.add("API 3.0 ticket", v3.ticket.expose_secret());
    let api3_endpoint = proxy.root_endpoint().to_string();
    let app_id = CAPTCHA_APP_ID.to_string();
    let describe = [
        "describe-result",
        "--v3-endpoint",
        &api3_endpoint,
        "--captcha-app-id",
        &app_id,
        "--ticket",
        v3.ticket.expose_secret(),
        "--randstr",
        &v3.randstr,
        "--user-ip",
        "203.0.113.7",
    ];
    run("describe-result", &describe, &env, 0);
    let mut describe_dry = describe.to_vec();
    describe_dry.push("--dry-run");
    run("describe-result --dry-run", &describe_dry, &env, 0);

    // The demo runs its own emulator with the demo keys; its tickets and signatures are
    // not known here, so besides the keys, nothing that looks like one may show unmasked.
    run(
        "demo",
        &["demo"],
        &[("RUST_LOG", "trace"), ("NO_COLOR", "1")],
        0,
    );

    let signatures = learn_from_wire(&mut needles, &proxy.sent());
    assert!(signatures >= 4, "signatures seen: {signatures}");
    needles.add("demo SecretKey", DEMO_SECRET_KEY);
    needles.add("demo AppSecretKey", DEMO_APP_SECRET_KEY);
    emulator.shutdown();

    for (label, text) in &outputs {
        assert!(
            text.contains("TRACE") || label.contains("dry-run"),
            "{label}: no TRACE logs"
        );
        needles.assert_absent(&format!("tencent-captcha {label}"), text);
        assert_all_masked(label, text);
    }
    needles.assert_absent("emulator logs", &captured.emulator_text());
}

/// Every `name=value` or `"name": "value"` with a secret-looking name in `text` is already
/// `[redacted]`: masking it again changes nothing.
fn assert_all_masked(label: &str, text: &str) {
    let masked = captcha_proto::redact::mask_values(text);
    if masked == text {
        return;
    }
    let unmasked: Vec<&str> = text
        .lines()
        .zip(masked.lines())
        .filter(|(a, b)| a != b)
        .map(|(a, _)| a)
        .take(3)
        .collect();
    panic!(
        "tencent-captcha {label} shows unmasked secret-looking values:\n{}",
        unmasked.join("\n")
    );
}
