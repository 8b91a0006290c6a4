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

/// Runs `script` (in `tests/python/`) against the emulator; one JSON object per line.
fn run_script(script: &str, emulator: &BackgroundEmulator) -> Vec<Value> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("python")
        .join(script);
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
        .map(|line| serde_json::from_str(line).expect("one JSON object per line"))
        .collect()
}

/// One check as the script reports it: mode, case, and the code or the raised error.
fn checks(emulator: &BackgroundEmulator) -> Vec<(String, String, Value)> {
    run_script("official_sdk_describe.py", emulator)
        .into_iter()
        .map(|mut row| {
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

/// The modes of the every-action script: TC3 and signature v1, over POST and GET.
const ACTION_MODES: [&str; 6] = [
    "tc3-post",
    "tc3-get",
    "hmac-sha1",
    "hmac-sha1-get",
    "hmac-sha256",
    "hmac-sha256-get",
];

#[test]
#[ignore = "needs Python 3 and Tencent's SDK: pip install tencentcloud-sdk-python-common tencentcloud-sdk-python-captcha"]
fn the_official_python_sdk_calls_every_action_in_every_mode() {
    let emulator = BackgroundEmulator::start(Emulator::demo(), ([127, 0, 0, 1], 0).into())
        .expect("the emulator starts");
    let rows = run_script("official_sdk_actions.py", &emulator);
    let answer = |mode: &str, action: &str| -> Value {
        let row = rows
            .iter()
            .find(|row| row["mode"] == mode && row["action"] == action)
            .unwrap_or_else(|| panic!("no {mode}/{action} in the script's output"));
        assert!(
            row.get("error").is_none(),
            "{mode}/{action}: the SDK raised {}",
            row["error"]
        );
        row["response"].clone()
    };
    let mut served = 0;
    for mode in ACTION_MODES {
        for action in captcha_proto::api3::CAPTCHA_ACTIONS {
            let response = answer(mode, action);
            assert!(
                response["RequestId"]
                    .as_str()
                    .is_some_and(|id| !id.is_empty()),
                "{mode}/{action}: {response}"
            );
            let expected_code = match action {
                "DescribeCaptchaResult"
                | "DescribeCaptchaRceResult"
                | "DescribeCaptchaMiniResult"
                | "DescribeCaptchaMiniRiskResult" => 1,
                _ => 0,
            };
            assert_eq!(
                response["CaptchaCode"], expected_code,
                "{mode}/{action}: {response}"
            );
            served += 1;
        }
        let data = answer(mode, "DescribeCaptchaData");
        let dates: Vec<_> = data["Data"]
            .as_array()
            .expect("a series")
            .iter()
            .map(|point| point["Date"].as_str().unwrap_or_default().to_owned())
            .collect();
        assert_eq!(
            dates,
            ["201911291859", "201911291900", "201911291901"],
            "{mode}"
        );
        let rce = answer(mode, "DescribeCaptchaRceResult");
        assert_eq!(rce["RceResult"]["RiskLevel"], "pass", "{mode}");
        let risk = answer(mode, "DescribeCaptchaMiniRiskResult");
        assert_eq!(
            risk["ManageMarketingRiskValue"]["RiskLevel"], "pass",
            "{mode}"
        );
        let totals = answer(mode, "GetTotalTicketStatistics");
        let trend = totals["Data"]["TicketCheckTrend"]
            .as_array()
            .expect("a trend");
        assert_eq!(trend.len(), 3, "{mode}: three days");
        let apps = answer(mode, "DescribeCaptchaUserAllAppId");
        assert_eq!(
            apps["Data"][0]["CaptchaAppId"], DEMO_CAPTCHA_APP_ID,
            "{mode}"
        );
        let settings = answer(mode, "settings-after-update");
        assert_eq!(
            settings["AppName"], "sign-in page",
            "{mode}: the update is kept"
        );
        assert_eq!(settings["MailAlarm"][0], "ops@example.com", "{mode}");
        let missing = rows
            .iter()
            .find(|row| row["mode"] == mode && row["action"] == "missing-End")
            .expect("the missing-field case ran");
        assert_eq!(missing["error"], "MissingParameter", "{mode}");
    }
    assert_eq!(served, 18 * 6);
}
