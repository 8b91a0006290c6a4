//! The `tc3_authorization` and `tc3_verify` targets: the TC3 `Authorization` header parser,
//! and the whole TC3 check of a request a server received.

use captcha_proto::tc3::{self, VerifyError};
use captcha_proto::{Credential, SecretKey};
use http::{HeaderName, HeaderValue, Method, Request};

use crate::Checks;

/// The SecretId whose key [`tc3_verify`] knows.
pub const FUZZ_TC3_SECRET_ID: &str = "AKIDfuzzTc3SecretId";
/// The SecretKey of [`FUZZ_TC3_SECRET_ID`].
pub const FUZZ_TC3_SECRET_KEY: &str = "fuzz-tc3-secret-key";
/// The service [`tc3_verify`] checks for.
pub const FUZZ_TC3_SERVICE: &str = "captcha";

/// Parses `data` (as UTF-8; other bytes are no header value a server could read) with
/// [`tc3::parse_authorization`]. A parsed header's scope parts are pieces of the text
/// without `/`, its signed headers are lowercase, ascending, unique and include
/// `content-type` and `host`, and neither its `Debug` nor any refusal shows the signature.
pub fn tc3_authorization(data: &[u8], _checks: Checks) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let signature = text
        .split(',')
        .filter_map(|item| item.trim().strip_prefix("Signature="))
        .find(|hex| hex.len() == 64);
    match tc3::parse_authorization(text) {
        Ok(parsed) => {
            assert!(text.starts_with("TC3-HMAC-SHA256 "), "another algorithm");
            for part in [parsed.secret_id(), parsed.date(), parsed.service()] {
                assert!(!part.contains('/'), "a scope part with '/'");
                assert!(text.contains(part), "a scope part not in the text");
            }
            assert!(!parsed.secret_id().is_empty(), "an empty SecretId");
            let names = parsed.signed_headers();
            assert!(names.windows(2).all(|w| w[0] < w[1]), "not ascending");
            assert!(names.iter().any(|n| n == "content-type") && names.iter().any(|n| n == "host"));
            let shown = format!("{parsed:?}");
            let signature = signature.expect("a parsed header has a 64-digit signature");
            // The other parts are shown: a signature that they also spell is not a leak.
            let elsewhere = [parsed.secret_id(), parsed.date(), parsed.service()]
                .iter()
                .any(|part| part.contains(signature));
            assert!(
                elsewhere || !shown.contains(signature),
                "Debug shows the signature"
            );
        }
        Err(e) => {
            let shown = format!("{e} {e:?}");
            if let Some(signature) = signature {
                assert!(!shown.contains(signature), "{shown} shows the signature");
            }
        }
    }
}

/// The headers of a [`tc3_request`] input, in the order of its fields.
const TC3_HEADERS: [&str; 5] = [
    "host",
    "content-type",
    "x-tc-timestamp",
    "authorization",
    "x-tc-content-sha256",
];

/// A request as a TC3 server receives it, read from bytes: fields separated by `0xFF` —
/// method, URI (path and query), `Host`, `Content-Type`, `X-TC-Timestamp`,
/// `Authorization`, `X-TC-Content-SHA256`, body. An empty header field is an absent
/// header; a field the `http` crate refuses ends the input (no server would get it).
pub fn tc3_request(data: &[u8]) -> Option<Request<Vec<u8>>> {
    let mut fields = data.splitn(8, |b| *b == 0xFF);
    let method = Method::from_bytes(fields.next()?).ok()?;
    let uri = std::str::from_utf8(fields.next()?).ok()?;
    let mut request = Request::builder()
        .method(method)
        .uri(uri)
        .body(Vec::new())
        .ok()?;
    for name in TC3_HEADERS {
        let value = fields.next().unwrap_or_default();
        if !value.is_empty() {
            let value = HeaderValue::from_bytes(value).ok()?;
            request
                .headers_mut()
                .append(HeaderName::from_static(name), value);
        }
    }
    *request.body_mut() = fields.next().unwrap_or_default().to_vec();
    Some(request)
}

/// Writes the bytes [`tc3_request`] reads back into `request` (its URI without scheme
/// and authority): how seeds are made from signed requests.
pub fn tc3_request_bytes(request: &Request<Vec<u8>>) -> Vec<u8> {
    let mut bytes = request.method().as_str().as_bytes().to_vec();
    let uri = request.uri().path_and_query().map_or("/", |p| p.as_str());
    bytes.push(0xFF);
    bytes.extend_from_slice(uri.as_bytes());
    for name in TC3_HEADERS {
        bytes.push(0xFF);
        if let Some(value) = request.headers().get(name) {
            bytes.extend_from_slice(value.as_bytes());
        }
    }
    bytes.push(0xFF);
    bytes.extend_from_slice(request.body());
    bytes
}

/// Runs [`tc3::verify_request_with`] on the request [`tc3_request`] reads from `data`,
/// for [`FUZZ_TC3_SERVICE`] with the one key [`FUZZ_TC3_SECRET_KEY`]. An accepted request
/// was signed by [`FUZZ_TC3_SECRET_ID`] at the timestamp it carries; no refusal shows
/// the key or the signature. [`Checks::Full`] also checks that an accepted request is
/// refused under another key, and that signing it again at its timestamp gives a request
/// that verifies. Returns whether it was accepted.
pub fn tc3_verify(data: &[u8], checks: Checks) -> bool {
    let Some(request) = tc3_request(data) else {
        return false;
    };
    let lookup = |id: &str| (id == FUZZ_TC3_SECRET_ID).then(|| SecretKey::new(FUZZ_TC3_SECRET_KEY));
    let verdict = tc3::verify_request_with(&request, FUZZ_TC3_SERVICE, lookup);
    let Ok(verified) = verdict else {
        let e = verdict.expect_err("refused");
        let shown = format!("{e} {e:?}");
        assert!(
            !shown.contains(FUZZ_TC3_SECRET_KEY),
            "{shown} shows the key"
        );
        if let Some(auth) = request
            .headers()
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            && let Some((_, signature)) = auth.rsplit_once("Signature=")
            && signature.trim().len() == 64
            && signature.trim().bytes().all(|b| b.is_ascii_hexdigit())
            && auth.matches(signature.trim()).count() == 1
        {
            assert!(
                !shown.contains(signature.trim()),
                "{shown} shows the signature"
            );
        }
        return false;
    };
    assert_eq!(
        verified.secret_id, FUZZ_TC3_SECRET_ID,
        "another SecretId accepted"
    );
    let stamp = request
        .headers()
        .get("x-tc-timestamp")
        .and_then(|v| v.to_str().ok());
    assert_eq!(
        stamp.and_then(|s| s.parse::<u64>().ok()),
        Some(verified.timestamp),
        "the timestamp differs from the header"
    );
    if checks == Checks::Full {
        let other = |_: &str| Some(SecretKey::new("another-key"));
        assert_eq!(
            tc3::verify_request_with(&request, FUZZ_TC3_SERVICE, other),
            Err(VerifyError::Mismatch),
            "accepted under another key"
        );
        if !verified.unsigned_payload {
            let credential = Credential::new(FUZZ_TC3_SECRET_ID, FUZZ_TC3_SECRET_KEY)
                .expect("a valid credential");
            let mut again = request.clone();
            again.headers_mut().remove("authorization");
            tc3::sign_request(
                &mut again,
                &credential,
                FUZZ_TC3_SERVICE,
                verified.timestamp,
            )
            .expect("an accepted request can be signed");
            assert!(
                tc3::verify_request(&again, &credential, FUZZ_TC3_SERVICE).is_ok(),
                "a request signed again does not verify"
            );
        }
    }
    true
}
