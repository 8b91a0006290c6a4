//! Tencent's official Python SDK (`tencentcloud-sdk-python-captcha`) checks tickets against
//! the emulator: what users of that SDK get when they test against `tencent-captcha serve`.
//!
//! Ignored in the plain test run (it needs Python and the SDK); `.ci/run` installs them and
//! runs it every time:
//!
//! ```text
//! pip install tencentcloud-sdk-python-common tencentcloud-sdk-python-captcha
//! cargo test -p captcha-tests --test python_sdk -- --ignored
//! ```

use std::path::Path;
use std::process::Command;

use captcha_emulator::{
    BackgroundEmulator, DEMO_APP_SECRET_KEY, DEMO_CAPTCHA_APP_ID, DEMO_SECRET_ID, DEMO_SECRET_KEY,
    Emulator,
};
use serde_json::Value;

/// Every mode the script runs: TC3 over POST (signed and unsigned payload) and GET, and
/// signature v1 (HmacSHA1, HmacSHA256) over a POST form and a GET query.
const MODES: [&str; 7] = [
    "tc3-post",
    "tc3-post-unsigned-payload",
    "tc3-get",
    "hmac-sha1",
    "hmac-sha1-get",
    "hmac-sha256",
    "hmac-sha256-get",
];

/// One check as the script reports it: mode, case, and the code or the raised error.
fn checks(emulator: &BackgroundEmulator) -> Vec<(String, String, Value)> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("python/official_sdk_describe.py");
    let endpoint = emulator.handle().api3_endpoint();
    let host = format!("{}:{}", endpoint.host(), endpoint.port_or_default());
    let output = Command::new("python3")
        .arg(&script)
        .args([&host, DEMO_SECRET_ID, DEMO_SECRET_KEY])
        .arg(DEMO_CAPTCHA_APP_ID.to_string())
        .arg(DEMO_APP_SECRET_KEY)
        .output()
        .expect("python3 runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "the script failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
        .lines()
        .map(|line| {
            let mut row: Value = serde_json::from_str(line).expect("one JSON object per line");
            let field = |name: &str| row[name].as_str().unwrap_or_default().to_owned();
            let (mode, case) = (field("mode"), field("case"));
            let outcome = row
                .get_mut("code")
                .map(Value::take)
                .or_else(|| row.get_mut("error").map(Value::take))
                .unwrap_or(Value::Null);
            (mode, case, outcome)
        })
        .collect()
}

#[test]
#[ignore = "needs Python 3 and Tencent's SDK: pip install tencentcloud-sdk-python-common tencentcloud-sdk-python-captcha"]
fn the_official_python_sdk_gets_tencents_answers_from_the_emulator() {
    let emulator = BackgroundEmulator::start(Emulator::demo(), ([127, 0, 0, 1], 0).into())
        .expect("the emulator starts");
    let seen = checks(&emulator);
    for mode in MODES {
        let outcome = |case: &str| {
            seen.iter()
                .find(|(m, c, _)| m == mode && c == case)
                .map(|(_, _, outcome)| outcome.clone())
                .unwrap_or_else(|| panic!("no {mode}/{case} in {seen:?}"))
        };
        assert_eq!(outcome("fresh"), 1, "{mode}: a fresh ticket passes");
        assert_eq!(outcome("reused"), 9, "{mode}: a ticket passes once");
        assert_eq!(
            outcome("wrong-app-secret-key"),
            100,
            "{mode}: a wrong AppSecretKey is CaptchaCode 100"
        );
        assert_eq!(
            outcome("wrong-secret-key"),
            "AuthFailure.SignatureFailure",
            "{mode}: a wrong SecretKey is a refusal the SDK raises"
        );
    }
}
