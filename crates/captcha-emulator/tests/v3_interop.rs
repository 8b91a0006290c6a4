//! API 3.0 as Tencent's official SDKs meet it: every answer, pass or refusal, carries
//! `Content-Type: application/json` exactly (the Python SDK reads `Response.Error` only
//! then); a signature over the host with or without its port is accepted (Python signs
//! the `Host` it sends, `127.0.0.1:PORT`; Node sends that header but signs `127.0.0.1`);
//! and `X-TC-Content-SHA256: UNSIGNED-PAYLOAD` (Python's `unsignedPayload=True`) is
//! accepted, the ticket then checked as usual.

mod support;

use std::time::Duration;

use captcha_emulator::{Api3Ticket, DEMO_APP_SECRET_KEY, Fault};
use captcha_proto::api3::{Api3Config, DescribeCaptchaResult};
use captcha_proto::tc3;
use captcha_proto::{Credential, Stamp};
use http::header::{CONTENT_TYPE, HOST};
use http::{HeaderValue, Request, StatusCode};
use support::{Answer, Harness, ID, KEY, NOW, USER, api3_check, mint_api3, user};

/// Lowercase hex SHA-256 of the literal text `UNSIGNED-PAYLOAD`: the payload hash of an
/// unsigned-payload request.
const UNSIGNED_PAYLOAD_HASH: &str =
    "438d4109ef0d676b8c2c7ed13cdfcb418e494d53b843d4634ce3b1085f07bb96";

/// The JSON body an SDK sends for `minted` (Python's spacing).
fn body_for(minted: &Api3Ticket) -> Vec<u8> {
    format!(
        r#"{{"CaptchaType": 9, "Ticket": "{}", "UserIp": "{USER}", "Randstr": "{}", "CaptchaAppId": {}, "AppSecretKey": "{DEMO_APP_SECRET_KEY}"}}"#,
        minted.ticket.expose_secret(),
        minted.randstr,
        minted.captcha_app_id
    )
    .into_bytes()
}

/// A `DescribeCaptchaResult` POST with `Host: signed_host`, signed with the demo key at the
/// clock's time, as Python's SDK builds it (`Content-Type: application/json`).
fn signed_over(signed_host: &str, body: Vec<u8>) -> Request<Vec<u8>> {
    let mut request = Request::post("/")
        .header(HOST, signed_host)
        .header(CONTENT_TYPE, "application/json")
        .header("x-tc-action", "DescribeCaptchaResult")
        .header("x-tc-version", "2019-07-22")
        .body(body)
        .unwrap();
    let credential = Credential::new(ID, KEY).unwrap();
    let steps = tc3::debug_steps(&request, &credential, "captcha", NOW).unwrap();
    assert_eq!(steps.host(), signed_host, "the host the signature covers");
    tc3::sign_request(&mut request, &credential, "captcha", NOW).unwrap();
    request
}

/// `request` with its `Host` header replaced (what goes on the wire).
fn sent_as(mut request: Request<Vec<u8>>, host: &str) -> Request<Vec<u8>> {
    request
        .headers_mut()
        .insert(HOST, HeaderValue::from_str(host).unwrap());
    request
}

fn config_for(h: &Harness, credential: Credential) -> Api3Config {
    Api3Config::new(credential).with_endpoint(h.emulator.api3_endpoint())
}

fn assert_plain_json(answer: &Answer, what: &str) {
    assert_eq!(answer.status, StatusCode::OK, "{what}: {}", answer.text());
    let values: Vec<_> = answer.headers.get_all(CONTENT_TYPE).iter().collect();
    assert_eq!(values, ["application/json"], "{what}");
    assert!(answer.response()["RequestId"].is_string(), "{what}");
}

#[tokio::test]
async fn every_api3_answer_is_plain_application_json() {
    let h = support::start().await;
    let minted = mint_api3(&h);
    let pass = h.describe(&api3_check(&minted)).await;
    assert_eq!(pass.captcha_code(), 1);
    assert_plain_json(&pass, "pass");
    let reused = h.describe(&api3_check(&minted)).await;
    assert_eq!(reused.captcha_code(), 9);
    assert_plain_json(&reused, "reused ticket");
    let minted = mint_api3(&h);
    let wrong_app_key = DescribeCaptchaResult::new(
        minted.ticket.clone(),
        minted.randstr.clone(),
        user(),
        minted.captcha_app_id,
        "not-the-app-secret-key",
    );
    let answer = h.describe(&wrong_app_key).await;
    assert_eq!(answer.captcha_code(), 100);
    assert_plain_json(&answer, "wrong AppSecretKey");

    let mut refusals: Vec<(&str, Answer)> = Vec::new();
    let get = Request::get("/").body(Vec::new()).unwrap();
    refusals.push(("MissingParameter", h.send(get).await));
    let mut form = h.api3_request(&api3_check(&mint_api3(&h)));
    form.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("application/x-www-form-urlencoded"),
    );
    refusals.push(("InvalidParameter", h.send(form).await));
    let mut no_action = h.api3_request(&api3_check(&mint_api3(&h)));
    no_action.headers_mut().remove("x-tc-action");
    refusals.push(("MissingParameter", h.send(no_action).await));
    let wrong_key = Credential::new(ID, "not-the-emulator-secret-key").unwrap();
    let request = config_for(&h, wrong_key)
        .encode(&api3_check(&mint_api3(&h)), h.stamp(1))
        .unwrap();
    refusals.push(("AuthFailure.SignatureFailure", h.send(request).await));
    let stranger = Credential::new("AKIDnobodyKnowsThisId000000000000000", KEY).unwrap();
    let request = config_for(&h, stranger)
        .encode(&api3_check(&mint_api3(&h)), h.stamp(1))
        .unwrap();
    refusals.push(("AuthFailure.SecretIdNotFound", h.send(request).await));
    let old = Stamp::new(NOW - 3_600, 1).unwrap();
    let request = h
        .api3_config()
        .encode(&api3_check(&mint_api3(&h)), old)
        .unwrap();
    refusals.push(("AuthFailure.SignatureExpire", h.send(request).await));
    let not_json = signed_over("127.0.0.1", b"not json".to_vec());
    refusals.push(("InvalidParameter", h.send(not_json).await));
    h.emulator.set_fault(Fault::Code(4400));
    refusals.push((
        "RequestLimitExceeded",
        h.describe(&api3_check(&mint_api3(&h))).await,
    ));
    h.emulator.set_fault(Fault::Code(21));
    let forced = h.describe(&api3_check(&mint_api3(&h))).await;
    assert_eq!(forced.captcha_code(), 21);
    assert_plain_json(&forced, "forced CaptchaCode");
    h.emulator.clear_faults();

    for (code, answer) in &refusals {
        assert_eq!(answer.error_code(), *code, "{}", answer.text());
        assert_plain_json(answer, code);
    }
}

#[tokio::test]
async fn a_signature_over_the_host_with_or_without_its_port_is_accepted() {
    let h = support::start().await;
    let with_port = h.host();
    assert!(with_port.starts_with("127.0.0.1:"), "{with_port}");

    // Node: sends `Host: 127.0.0.1:PORT`, signs `127.0.0.1`.
    let minted = mint_api3(&h);
    let node = sent_as(signed_over("127.0.0.1", body_for(&minted)), &with_port);
    assert_eq!(h.send(node).await.captcha_code(), 1);

    // Python: signs the `Host` it sends, port included.
    let minted = mint_api3(&h);
    let python = signed_over(&with_port, body_for(&minted));
    assert_eq!(python.headers()[HOST], with_port.as_str());
    assert_eq!(h.send(python.clone()).await.captcha_code(), 1);
    assert_eq!(
        h.send(python).await.captcha_code(),
        9,
        "the ticket is spent once"
    );

    // The other way round: signed with the port, sent without it.
    let minted = mint_api3(&h);
    let request = sent_as(signed_over(&with_port, body_for(&minted)), "127.0.0.1");
    assert_eq!(h.send(request).await.captcha_code(), 1);

    // Any other host, or another port, is still a wrong signature.
    let other_port = format!("127.0.0.1:{}", h.addr().port().wrapping_add(1).max(1));
    for signed_host in ["127.0.0.2", "localhost", other_port.as_str()] {
        let minted = mint_api3(&h);
        let request = sent_as(signed_over(signed_host, body_for(&minted)), &with_port);
        let answer = h.send(request).await;
        assert_eq!(
            answer.error_code(),
            "AuthFailure.SignatureFailure",
            "signed over {signed_host}"
        );
        assert!(answer.error_message().contains("does not match"));
        assert_plain_json(&answer, signed_host);
        // Nothing was spent: the ticket still passes once, properly signed.
        assert_eq!(h.describe(&api3_check(&minted)).await.captcha_code(), 1);
    }
    // The host name is whatever the client signed and sent: only the port may differ.
    let minted = mint_api3(&h);
    let request = sent_as(
        signed_over("localhost", body_for(&minted)),
        &format!("localhost:{}", h.addr().port()),
    );
    assert_eq!(h.send(request).await.captcha_code(), 1);
}

/// A request like Python's `ClientProfile(unsignedPayload=True)` builds: the payload hash
/// is that of `UNSIGNED-PAYLOAD`, so the body is not signed.
fn unsigned_payload(signed_host: &str, body: Vec<u8>) -> Request<Vec<u8>> {
    let mut request = Request::post("/")
        .header(HOST, signed_host)
        .header(CONTENT_TYPE, "application/json")
        .header("x-tc-action", "DescribeCaptchaResult")
        .header("x-tc-version", "2019-07-22")
        .header("x-tc-content-sha256", "UNSIGNED-PAYLOAD")
        .body(body)
        .unwrap();
    let credential = Credential::new(ID, KEY).unwrap();
    let steps = tc3::debug_steps(&request, &credential, "captcha", NOW).unwrap();
    assert_eq!(steps.hashed_payload(), UNSIGNED_PAYLOAD_HASH);
    assert!(
        steps
            .canonical_request()
            .ends_with(&format!("\n{UNSIGNED_PAYLOAD_HASH}"))
    );
    tc3::sign_request(&mut request, &credential, "captcha", NOW).unwrap();
    request
}

#[tokio::test]
async fn an_unsigned_payload_is_accepted_and_the_ticket_checked() {
    let h = support::start().await;
    let minted = mint_api3(&h);
    h.clock.advance(Duration::from_secs(2));
    let request = unsigned_payload(&h.host(), body_for(&minted));
    let answer = h.send(request.clone()).await;
    assert_eq!(answer.captcha_code(), 1, "{}", answer.text());
    assert_eq!(answer.response()["CaptchaMsg"], "OK");
    assert_plain_json(&answer, "unsigned payload, fresh ticket");

    // The body is not covered: the same signature carries other bytes, read as usual.
    let mut respaced = request;
    *respaced.body_mut() = String::from_utf8(body_for(&minted))
        .unwrap()
        .replace(": ", ":")
        .into_bytes();
    let answer = h.send(respaced).await;
    assert_eq!(answer.captcha_code(), 9, "{}", answer.text());
    assert_eq!(answer.response()["CaptchaMsg"], "ticket reused");

    // Signed over the host without the port, as Node would, and still checked normally.
    let minted = mint_api3(&h);
    let node = sent_as(unsigned_payload("127.0.0.1", body_for(&minted)), &h.host());
    assert_eq!(h.send(node.clone()).await.captcha_code(), 1);
    assert_eq!(h.send(node).await.captcha_code(), 9);

    // The headers are still signed: another Content-Type or key fails as always.
    let mut forged = unsigned_payload(&h.host(), body_for(&mint_api3(&h)));
    forged.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    assert_eq!(
        h.send(forged).await.error_code(),
        "AuthFailure.SignatureFailure"
    );
    let mut wrong_key = Request::post("/")
        .header(HOST, h.host())
        .header(CONTENT_TYPE, "application/json")
        .header("x-tc-action", "DescribeCaptchaResult")
        .header("x-tc-version", "2019-07-22")
        .header("x-tc-content-sha256", "UNSIGNED-PAYLOAD")
        .body(body_for(&mint_api3(&h)))
        .unwrap();
    let stranger_key = Credential::new(ID, "not-the-emulator-secret-key").unwrap();
    tc3::sign_request(&mut wrong_key, &stranger_key, "captcha", NOW).unwrap();
    assert_eq!(
        h.send(wrong_key).await.error_code(),
        "AuthFailure.SignatureFailure"
    );
}
