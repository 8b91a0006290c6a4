//! `api3`: any API 3.0 action, its body given as JSON; prints the `Response` object.

use std::io::Read as _;

use captcha_proto::Api3RawAction;
use captcha_proto::api3::{CAPTCHA_SERVICE, DESCRIBE_CAPTCHA_RESULT};
use serde_json::{Map, Value};

use super::Outcome;
use super::describe::{Sending, v3_config};
use crate::args::{Api3CallArgs, OutputArg};
use crate::failure::Failure;

/// Sends (or with `--dry-run` prints) the action; exit 0 with its `Response` printed, 3 when
/// the server refuses (`Response.Error`).
pub fn run(args: &Api3CallArgs) -> Result<Outcome, Failure> {
    if args.action.trim().is_empty() {
        return Err(Failure::usage("ACTION", "must not be empty"));
    }
    let params = json_body(&args.json)?;
    let v3_config = v3_config(&args.credential, &args.api3)?;
    let mut action = Api3RawAction::new(
        args.service.as_str(),
        args.api_version.as_str(),
        args.action.as_str(),
    )
    .with_params(params);
    // A ticket check spends a one-time proof, as `describe-result` does: never sent twice.
    if args.service == CAPTCHA_SERVICE && args.action == DESCRIBE_CAPTCHA_RESULT {
        action = action.mark_single_use();
    }
    let sending = Sending {
        send: &args.send,
        transport: &args.transport,
        output: &args.output,
    };
    let Some(response) = sending.run(&v3_config, &action)? else {
        return Ok(Outcome::Success);
    };
    let response = Value::Object(response);
    match args.output.format {
        OutputArg::Json => println!("{response}"),
        OutputArg::Text => println!(
            "{}",
            serde_json::to_string_pretty(&response).unwrap_or_else(|_| response.to_string())
        ),
    }
    Ok(Outcome::Success)
}

/// The request body of `--json`: the JSON object itself, `@FILE` to read it from a file, or
/// `-` to read it from standard input.
fn json_body(value: &str) -> Result<Map<String, Value>, Failure> {
    let (text, source) = if value == "-" {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| Failure::usage("--json", format!("cannot read standard input: {e}")))?;
        (text, Some("standard input".to_owned()))
    } else if let Some(path) = value.strip_prefix('@') {
        let text = std::fs::read_to_string(path)
            .map_err(|e| Failure::usage("--json", format!("cannot read {path:?}: {e}")))?;
        (text, Some(format!("{path:?}")))
    } else {
        (value.to_owned(), None)
    };
    let option = match &source {
        Some(source) => format!("--json (from {source})"),
        None => "--json".to_owned(),
    };
    match serde_json::from_str::<Value>(&text) {
        Ok(Value::Object(object)) => Ok(object),
        Ok(other) => Err(Failure::usage(
            &option,
            format!("must be a JSON object, not {}", kind(&other)),
        )),
        // serde_json's message names line and column, never the text itself (which may hold
        // a secret).
        Err(e) => Err(Failure::usage(&option, format!("not valid JSON: {e}"))),
    }
}

/// What kind of JSON value `value` is, for messages.
fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_body_must_be_a_json_object() {
        assert_eq!(json_body(r#"{"A":1}"#).unwrap()["A"], 1);
        let message = |text: &str| json_body(text).unwrap_err().to_string();
        assert_eq!(
            message("[1]"),
            "error: --json: must be a JSON object, not an array"
        );
        assert!(message("{nope").starts_with("error: --json: not valid JSON"));
        assert!(
            message("@/nonexistent/body.json").contains("cannot read \"/nonexistent/body.json\"")
        );
    }

    #[test]
    fn the_body_may_come_from_a_file() {
        let path = std::env::temp_dir().join(format!("api3-body-{}.json", std::process::id()));
        std::fs::write(&path, "\"text\"").unwrap();
        let from_file = json_body(&format!("@{}", path.display()));
        std::fs::write(&path, r#"{"Limit": 1}"#).unwrap();
        let object = json_body(&format!("@{}", path.display()));
        std::fs::remove_file(&path).unwrap();
        let message = from_file.unwrap_err().to_string();
        assert!(
            message.starts_with("error: --json (from \"")
                && message.contains("api3-body-")
                && message.ends_with("must be a JSON object, not a string"),
            "{message}"
        );
        assert_eq!(object.unwrap()["Limit"], 1);
    }
}
