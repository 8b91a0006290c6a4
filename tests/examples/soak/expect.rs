//! What an answer must be, and the check of an answer (status and body) against it.

use serde_json::Value;

use crate::state::Verdict;

/// The answer a request must get.
#[derive(Clone, Copy, Debug)]
pub enum Expect {
    /// HTTP 200, API 3.0 envelope with this `Response.Error.Code`.
    Api3Error(&'static str),
    /// HTTP 200, API 3.0 answer with this `CaptchaCode`.
    Api3Code(i64),
    /// API 2.0 answer: this status and `code` (and `codeDesc` when given).
    Api2 {
        status: u16,
        code: i64,
        desc: Option<&'static str>,
    },
    /// A refusal by the HTTP layer: one of these statuses, or a close without an answer.
    RefusedOrClosed(&'static [u16]),
    /// The connection closed without an answer (or after one of these statuses).
    Closed(&'static [u16]),
}

/// Checks `status` and `body` against `expect`.
pub fn judge(expect: Expect, status: u16, body: &[u8]) -> Verdict {
    let json: Option<Value> = serde_json::from_slice(body).ok();
    let field = |path: &[&str]| {
        let mut value = json.as_ref()?;
        for key in path {
            value = value.get(key)?;
        }
        Some(value.clone())
    };
    match expect {
        Expect::Api3Error(code) => {
            let got = field(&["Response", "Error", "Code"]);
            if status == 200 && got.as_ref().and_then(Value::as_str) == Some(code) {
                Verdict::Right
            } else {
                Verdict::Wrong(format!("status {status}, Error.Code {got:?}; due: {code}"))
            }
        }
        Expect::Api3Code(code) => {
            let got = field(&["Response", "CaptchaCode"]).and_then(|v| v.as_i64());
            if status == 200 && got == Some(code) {
                Verdict::Right
            } else {
                let error = field(&["Response", "Error", "Code"]);
                Verdict::Wrong(format!(
                    "status {status}, CaptchaCode {got:?}, Error.Code {error:?}; due: CaptchaCode {code}"
                ))
            }
        }
        Expect::Api2 {
            status: due,
            code,
            desc,
        } => {
            let got = field(&["code"]).and_then(|v| v.as_i64());
            let got_desc = field(&["codeDesc"]);
            let desc_ok = desc.is_none_or(|d| got_desc.as_ref().and_then(Value::as_str) == Some(d));
            if status == due && got == Some(code) && desc_ok {
                Verdict::Right
            } else {
                Verdict::Wrong(format!(
                    "status {status}, code {got:?}, codeDesc {got_desc:?}; due: status {due}, code {code}, codeDesc {desc:?}"
                ))
            }
        }
        Expect::RefusedOrClosed(statuses) | Expect::Closed(statuses) => {
            if statuses.contains(&status) {
                Verdict::Right
            } else {
                Verdict::Wrong(format!(
                    "status {status}; due: one of {statuses:?} or a close"
                ))
            }
        }
    }
}
