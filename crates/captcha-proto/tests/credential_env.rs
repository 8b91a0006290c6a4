//! `Credential::from_env` against the real environment. Setting variables inside a test
//! process is unsound (and `unsafe`), so each case runs this test binary again as a child
//! with the variables it needs, and the child checks what `from_env` says.
#![cfg(unix)]

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::process::Command;

use captcha_proto::Credential;

/// Set in the child: the outcome `from_env` must have there.
const EXPECTED: &str = "CAPTCHA_PROTO_TEST_FROM_ENV_EXPECTS";
const ID: &str = "TENCENTCLOUD_SECRET_ID";
const KEY: &str = "TENCENTCLOUD_SECRET_KEY";
const TOKEN: &str = "TENCENTCLOUD_SESSION_TOKEN";

/// The child's side; does nothing in a normal run (the parent test below asserts on it).
#[test]
fn from_env_in_child() {
    let Some(expected) = std::env::var_os(EXPECTED) else {
        return;
    };
    let outcome = match Credential::from_env() {
        Ok(credential) => format!("ok {}", credential.secret_id().as_str()),
        Err(error) => error.to_string(),
    };
    assert_eq!(outcome, expected.to_str().expect("UTF-8 expectation"));
}

/// Runs the child with `vars` (and none of the credential variables otherwise).
fn from_env_with(vars: &[(&str, &OsStr)], expected: &str) {
    let mut child = Command::new(std::env::current_exe().expect("the test binary"));
    child.args([
        "--exact",
        "from_env_in_child",
        "--quiet",
        "--test-threads=1",
    ]);
    for name in [ID, KEY, TOKEN] {
        child.env_remove(name);
    }
    child.envs(vars.iter().copied()).env(EXPECTED, expected);
    let output = child.output().expect("the child runs");
    assert!(
        output.status.success(),
        "expected {expected:?}: {}",
        String::from_utf8_lossy(&output.stdout)
    );
}

#[test]
fn from_env_reads_the_variables_and_names_a_bad_one() {
    let text = |s: &'static str| OsStr::new(s);
    let not_utf8 = OsStr::from_bytes(b"Gu5t9x\xffGARN");
    from_env_with(&[(ID, text("AKIDx")), (KEY, text("key"))], "ok AKIDx");
    from_env_with(
        &[(ID, text("AKIDx")), (KEY, not_utf8)],
        "credential: TENCENTCLOUD_SECRET_KEY is not valid UTF-8",
    );
    from_env_with(
        &[(ID, text("AKIDx")), (KEY, text("key")), (TOKEN, not_utf8)],
        "credential: TENCENTCLOUD_SESSION_TOKEN is not valid UTF-8",
    );
    from_env_with(
        &[(KEY, text("key"))],
        "credential: TENCENTCLOUD_SECRET_ID is not set",
    );
}
