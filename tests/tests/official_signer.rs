//! Our clients against a server that checks every request with the signing code of
//! Tencent's official Python SDK (`tests/python/official_signer_server.py`): in each API 3.0
//! mode (TC3 over POST and GET, signature v1 HmacSHA1 and HmacSHA256 over POST and GET),
//! through both transports, the SDK reproduces our signature, sees the action we sent, and
//! refuses a request signed with another key.
//!
//! Ignored in the plain test run (it needs Python and the SDK); `.ci/run` installs them and
//! runs it every time:
//!
//! ```text
//! pip install tencentcloud-sdk-python-common tencentcloud-sdk-python-captcha
//! cargo test -p captcha-tests --test official_signer -- --ignored
//! ```

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

use captcha_hyper::ClientBuilder;
use captcha_proto::api3::{Api3RawAction, Api3Signature, DescribeCaptchaResult};
use captcha_proto::{Credential, Endpoint, HttpMethod};
use captcha_tests::{TestClient, Transport};

const SECRET_ID: &str = "AKIDofficialsigner00000000000000000";
const SECRET_KEY: &str = "official-signer-secret-key";

const MODES: [(Api3Signature, HttpMethod, &str); 6] = [
    (Api3Signature::Tc3, HttpMethod::Post, "TC3-HMAC-SHA256"),
    (Api3Signature::Tc3, HttpMethod::Get, "TC3-HMAC-SHA256"),
    (Api3Signature::HmacSha1, HttpMethod::Post, "HmacSHA1"),
    (Api3Signature::HmacSha1, HttpMethod::Get, "HmacSHA1"),
    (Api3Signature::HmacSha256, HttpMethod::Post, "HmacSHA256"),
    (Api3Signature::HmacSha256, HttpMethod::Get, "HmacSHA256"),
];

/// The Python server, killed when dropped.
struct SignerServer {
    child: Child,
    port: u16,
}

impl SignerServer {
    fn start() -> Self {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("python/official_signer_server.py");
        let mut child = Command::new("python3")
            .arg(script)
            .args([SECRET_ID, SECRET_KEY])
            .stdout(Stdio::piped())
            .spawn()
            .expect("python3 runs");
        let stdout = child.stdout.take().expect("piped stdout");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("the server prints its port");
        let port = line.trim().parse().unwrap_or_else(|_| {
            let _ = child.kill();
            panic!("the server did not start: {line:?}")
        });
        Self { child, port }
    }
}

impl Drop for SignerServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn client(
    transport: Transport,
    port: u16,
    secret_key: &str,
    signature: Api3Signature,
    method: HttpMethod,
) -> TestClient {
    let endpoint: Endpoint = format!("http://127.0.0.1:{port}/")
        .parse()
        .expect("a valid endpoint");
    let mut settings = ClientBuilder::new()
        .credential(Credential::new(SECRET_ID, secret_key).expect("a valid credential"))
        .api3_endpoint(endpoint)
        .settings()
        .expect("valid client settings");
    settings.api3 = settings
        .api3
        .clone()
        .with_signature(signature)
        .with_http_method(method);
    transport.client(settings)
}

/// A check whose values need escaping on the wire: spaces, `+`, `&`, `=`, non-ASCII.
fn awkward_check() -> DescribeCaptchaResult {
    DescribeCaptchaResult::new(
        "t03 ticket+with&odd=chars/验证",
        "@a b+c",
        "203.0.113.7".parse().expect("an IP"),
        199_999_164,
        "app secret key",
    )
    .mac_address("00:1A:2B:3C:4D:5E")
    .need_get_captcha_time(true)
}

#[test]
#[ignore = "needs Python 3 and Tencent's SDK: pip install tencentcloud-sdk-python-common tencentcloud-sdk-python-captcha"]
fn the_official_sdk_verifies_our_signatures_in_every_mode() {
    let server = SignerServer::start();
    let mut verified = 0;
    for transport in Transport::ALL {
        for (signature, method, sign_method) in MODES {
            let name = format!("{} {signature} {}", transport.name(), method.as_str());
            let good = client(transport, server.port, SECRET_KEY, signature, method);
            let bad = client(transport, server.port, "another-key", signature, method);
            let raw = Api3RawAction::new("captcha", "2019-07-22", "DescribeCaptchaData")
                .param("CaptchaAppId", 199_999_164)
                .param("Start", 201_911_291_859_i64)
                .param("End", 201_911_291_901_i64)
                .param("Type", 1);
            let (check, echo, refused) = transport.block_on_one_thread(async {
                (
                    good.describe_result(&awkward_check()).await,
                    good.call_api3(&raw).await,
                    bad.describe_result(&awkward_check()).await,
                )
            });
            let check = check.unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(check.is_pass(), "{name}: {check:?}");
            let echo = echo.unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(echo["Echo"]["Action"], "DescribeCaptchaData", "{name}");
            assert_eq!(echo["Echo"]["SignatureMethod"], sign_method, "{name}");
            let refused = refused.expect_err("a wrong key is refused");
            let code = refused.api3().map(|e| e.code().to_owned());
            assert_eq!(
                code.as_deref(),
                Some("AuthFailure.SignatureFailure"),
                "{name}: {refused}"
            );
            verified += 1;
        }
    }
    assert_eq!(verified, 12, "6 modes x 2 transports");
}
