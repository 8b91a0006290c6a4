//! Server-side TC3 verification (`tc3::verify_request`): what it accepts and the typed
//! error for each way a request can be wrong.

use captcha_proto::tc3::{self, VerifyError};
use captcha_proto::{Credential, SecretKey};
use http::Request;

const SECRET_ID: &str = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE";
const SECRET_KEY: &str = "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE";
const PAYLOAD: &str =
    r#"{"Limit": 1, "Filters": [{"Values": ["\u672a\u547d\u540d"], "Name": "instance-name"}]}"#;
const SIGNATURE: &str = "72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168";

fn credential() -> Credential {
    Credential::new(SECRET_ID, SECRET_KEY).unwrap()
}

/// The published example exactly as Tencent's doc shows it on the wire: origin-form URI,
/// as a server sees it.
fn published() -> Request<Vec<u8>> {
    Request::post("/")
        .header("authorization", format!("TC3-HMAC-SHA256 Credential={SECRET_ID}/2019-02-25/cvm/tc3_request, SignedHeaders=content-type;host, Signature={SIGNATURE}"))
        .header("content-type", "application/json; charset=utf-8")
        .header("host", "cvm.tencentcloudapi.com")
        .header("x-tc-action", "DescribeInstances")
        .header("x-tc-version", "2017-03-12")
        .header("x-tc-timestamp", "1551113065")
        .header("x-tc-region", "ap-guangzhou")
        .body(PAYLOAD.as_bytes().to_vec())
        .unwrap()
}

fn with_header(name: &'static str, value: &str) -> Request<Vec<u8>> {
    let mut request = published();
    request.headers_mut().insert(name, value.parse().unwrap());
    request
}

fn verify(request: &Request<Vec<u8>>) -> Result<tc3::Verified, VerifyError> {
    tc3::verify_request(request, &credential(), "cvm")
}

#[test]
fn accepts_the_published_request() {
    let verified = verify(&published()).unwrap();
    assert_eq!(verified.secret_id, SECRET_ID);
    assert_eq!(verified.timestamp, 1551113065);
    assert_eq!(verified.date.to_string(), "2019-02-25");
    assert!(!verified.unsigned_payload);
}

#[test]
fn accepts_extra_signed_headers_like_the_doc_example() {
    // Tencent's doc also signs x-tc-action (value lower-cased): signature computed with
    // Python's hashlib/hmac from the doc's rules.
    let request = with_header(
        "authorization",
        &format!(
            "TC3-HMAC-SHA256 Credential={SECRET_ID}/2019-02-25/cvm/tc3_request, SignedHeaders=content-type;host;x-tc-action, Signature=644be983de9a8a3f00db8eadaba61467c3b429e2215758ba897b738ca469fd26"
        ),
    );
    verify(&request).unwrap();
    let mut changed = request.clone();
    changed
        .headers_mut()
        .insert("x-tc-action", "RunInstances".parse().unwrap());
    assert_eq!(verify(&changed), Err(VerifyError::Mismatch));
    let mut missing = request;
    missing.headers_mut().remove("x-tc-action");
    assert_eq!(
        verify(&missing),
        Err(VerifyError::MissingSignedHeader {
            name: "x-tc-action".into()
        })
    );
}

#[test]
fn each_fault_has_its_typed_error() {
    let auth = |rest: &str| with_header("authorization", rest);
    let good_sig = format!("Signature={SIGNATURE}");
    let cases: Vec<(Request<Vec<u8>>, VerifyError)> = vec![
        (
            {
                let mut r = published();
                r.headers_mut().remove("authorization");
                r
            },
            VerifyError::MissingHeader {
                name: "Authorization",
            },
        ),
        (
            auth(&format!(
                "TC3-HMAC-SHA1 Credential={SECRET_ID}/2019-02-25/cvm/tc3_request, SignedHeaders=content-type;host, {good_sig}"
            )),
            VerifyError::UnsupportedAlgorithm,
        ),
        (
            auth("Basic dXNlcjpwYXNz"),
            VerifyError::UnsupportedAlgorithm,
        ),
        (
            auth(&format!(
                "TC3-HMAC-SHA256 Credential={SECRET_ID}/2019-02-25/cvm/tc3_request, {good_sig}"
            )),
            VerifyError::MalformedAuthorization {
                reason: "SignedHeaders is missing",
            },
        ),
        (
            auth(&format!(
                "TC3-HMAC-SHA256 Credential={SECRET_ID}/2019-02-25/cvm, SignedHeaders=content-type;host, {good_sig}"
            )),
            VerifyError::MalformedAuthorization {
                reason: "Credential is not SecretId/date/service/tc3_request",
            },
        ),
        (
            auth(&format!(
                "TC3-HMAC-SHA256 Credential={SECRET_ID}/2019-02-25/cvm/tc4_request, SignedHeaders=content-type;host, {good_sig}"
            )),
            VerifyError::MalformedAuthorization {
                reason: "the credential scope does not end in tc3_request",
            },
        ),
        (
            auth(&format!(
                "TC3-HMAC-SHA256 Credential={SECRET_ID}/2019-02-25/cvm/tc3_request, Credential={SECRET_ID}/2019-02-25/cvm/tc3_request, SignedHeaders=content-type;host, {good_sig}"
            )),
            VerifyError::MalformedAuthorization {
                reason: "an item occurs twice",
            },
        ),
        (
            auth(&format!(
                "TC3-HMAC-SHA256 Credential={SECRET_ID}/2019-02-25/cvm/tc3_request, SignedHeaders=host;content-type, {good_sig}"
            )),
            VerifyError::UnsupportedSignedHeaders,
        ),
        (
            auth(&format!(
                "TC3-HMAC-SHA256 Credential={SECRET_ID}/2019-02-25/cvm/tc3_request, SignedHeaders=content-type, {good_sig}"
            )),
            VerifyError::UnsupportedSignedHeaders,
        ),
        (
            auth(&format!(
                "TC3-HMAC-SHA256 Credential={SECRET_ID}/2019-02-25/cvm/tc3_request, SignedHeaders=content-type;host, Signature=72e494"
            )),
            VerifyError::MalformedSignature,
        ),
        (
            auth(&format!(
                "TC3-HMAC-SHA256 Credential={SECRET_ID}/2019-02-25/cvm/tc3_request, SignedHeaders=content-type;host, Signature={}",
                "zz".repeat(32)
            )),
            VerifyError::MalformedSignature,
        ),
        (
            auth(&format!(
                "TC3-HMAC-SHA256 Credential={SECRET_ID}/2019-02-25/cvm/tc3_request, SignedHeaders=content-type;host, Signature={}",
                "0".repeat(64)
            )),
            VerifyError::Mismatch,
        ),
        (
            auth(&format!(
                "TC3-HMAC-SHA256 Credential={SECRET_ID}/2019-02-25/cbs/tc3_request, SignedHeaders=content-type;host, {good_sig}"
            )),
            VerifyError::ServiceMismatch {
                expected: "cvm".into(),
                found: "cbs".into(),
            },
        ),
        (
            // The Beijing date of the same instant: the midnight pitfall.
            auth(&format!(
                "TC3-HMAC-SHA256 Credential={SECRET_ID}/2019-02-26/cvm/tc3_request, SignedHeaders=content-type;host, {good_sig}"
            )),
            VerifyError::DateMismatch {
                scope: "2019-02-26".into(),
                timestamp: "2019-02-25".into(),
            },
        ),
        (
            auth(&format!(
                "TC3-HMAC-SHA256 Credential=AKIDother/2019-02-25/cvm/tc3_request, SignedHeaders=content-type;host, {good_sig}"
            )),
            VerifyError::UnknownSecretId,
        ),
        (
            {
                let mut r = published();
                r.headers_mut().remove("x-tc-timestamp");
                r
            },
            VerifyError::MissingHeader {
                name: "X-TC-Timestamp",
            },
        ),
        (
            with_header("x-tc-timestamp", "01551113065"),
            VerifyError::InvalidHeader {
                name: "X-TC-Timestamp",
                reason: "is not a decimal UNIX time",
            },
        ),
        (
            with_header("x-tc-timestamp", "-1"),
            VerifyError::InvalidHeader {
                name: "X-TC-Timestamp",
                reason: "is not a decimal UNIX time",
            },
        ),
        (
            with_header("x-tc-timestamp", "99999999999999999999999"),
            VerifyError::InvalidHeader {
                name: "X-TC-Timestamp",
                reason: "is not a decimal UNIX time",
            },
        ),
        (
            // Same UTC day, other second: the signature covers the timestamp.
            with_header("x-tc-timestamp", "1551113066"),
            VerifyError::Mismatch,
        ),
        (
            {
                let mut r = published();
                r.headers_mut().remove("content-type");
                r
            },
            VerifyError::MissingHeader {
                name: "Content-Type",
            },
        ),
        (
            with_header("content-type", "application/json"),
            VerifyError::Mismatch,
        ),
        (
            {
                let mut r = published();
                r.headers_mut().remove("host");
                r
            },
            VerifyError::MissingHeader { name: "Host" },
        ),
        (
            with_header("host", "cvm.tencentcloudapi.com:443"),
            VerifyError::Mismatch,
        ),
        (
            {
                let mut r = published();
                r.headers_mut()
                    .append("host", "evil.example".parse().unwrap());
                r
            },
            VerifyError::InvalidHeader {
                name: "Host",
                reason: "occurs more than once",
            },
        ),
        (
            {
                let mut r = published();
                r.body_mut().push(b' ');
                r
            },
            VerifyError::Mismatch,
        ),
        (
            {
                let (mut parts, body) = published().into_parts();
                parts.method = http::Method::PUT;
                Request::from_parts(parts, body)
            },
            VerifyError::Mismatch,
        ),
        (
            {
                let (mut parts, body) = published().into_parts();
                parts.uri = "/other".parse().unwrap();
                Request::from_parts(parts, body)
            },
            VerifyError::Mismatch,
        ),
    ];
    for (request, expected) in cases {
        let got = verify(&request);
        assert_eq!(got.as_ref().err(), Some(&expected), "{got:?}");
        let text = expected.to_string();
        assert!(
            !text.contains(SIGNATURE) && !text.contains(SECRET_KEY),
            "{text}"
        );
        assert!(expected.tencent_code().starts_with("AuthFailure."));
    }
}

#[test]
fn lookup_picks_the_key_by_secret_id() {
    let request = published();
    let mut asked = None;
    let verified = tc3::verify_request_with(&request, "cvm", |id| {
        asked = Some(id.to_owned());
        Some(SecretKey::new(SECRET_KEY))
    })
    .unwrap();
    assert_eq!(asked.as_deref(), Some(SECRET_ID));
    assert_eq!(verified.secret_id, SECRET_ID);
    assert_eq!(
        tc3::verify_request_with(&request, "cvm", |_| Some(SecretKey::new("wrong"))),
        Err(VerifyError::Mismatch)
    );
}

#[test]
fn parsed_authorization_debug_hides_the_signature() {
    let parsed = tc3::parse_authorization(&format!(
        "TC3-HMAC-SHA256 Credential={SECRET_ID}/2019-02-25/cvm/tc3_request,SignedHeaders=content-type;host,Signature={SIGNATURE}"
    ))
    .unwrap();
    assert_eq!(parsed.signed_headers(), ["content-type", "host"]);
    let shown = format!("{parsed:?}");
    assert!(
        !shown.contains(SIGNATURE) && shown.contains("2019-02-25"),
        "{shown}"
    );
}
