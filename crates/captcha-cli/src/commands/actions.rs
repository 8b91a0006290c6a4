//! The sending subcommands: one per API 2.0 action, plus `call` for any action.

use captcha_proto::redact::Redacted;
use captcha_proto::{
    Api2Action, CaptchaCheck, CaptchaGetUrl, CaptchaIframeQuery, CaptchaQuery, CaptchaType,
    CaptchaVerify, CheckVerdict, ClientType, DisturbLevel, Stamp, VerifyVerdict,
};
use captcha_proto::{Api2Exchange, Exchange};
use serde_json::Value;

use super::Outcome;
use crate::args::{
    Api2CallArgs, CallArgs, CheckArgs, GetUrlArgs, IframeQueryArgs, QueryArgs, VerifyArgs,
};
use crate::client::AnyClient;
use crate::failure::Failure;
use crate::inputs;
use crate::output::Report;
use crate::pinned::Pinned;

/// Encodes `action` and either prints it (`--dry-run`, redacted) or sends it.
/// Returns `None` for a dry run.
fn send<A: Api2Action>(common: &Api2CallArgs, action: &A) -> Result<Option<A::Output>, Failure> {
    let config = inputs::config(&common.credential, &common.api2)?;
    let timeout = inputs::timeout(common.transport.timeout)?;
    let send = &common.send;
    let exchange = Pinned::new(
        Api2Exchange {
            config: &config,
            action,
        },
        send.timestamp,
        send.nonce,
    );
    if send.dry_run {
        let request = exchange.encode(Stamp::now())?;
        Report::new(action.name())
            .field("dry_run", true)
            .field("request", Redacted(&request).to_string())
            .print(common.output.format);
        return Ok(None);
    }
    let client = AnyClient::build(common.transport.transport, config.clone(), timeout)?;
    Ok(Some(client.exchange(&exchange)?))
}

/// `get-url`.
pub fn get_url(args: &GetUrlArgs) -> Result<Outcome, Failure> {
    let mut action = CaptchaGetUrl::new().with_user_info(inputs::user_info(&args.user));
    if let Some(ip) = inputs::optional_ip("--user-ip", args.user_ip.as_deref())? {
        action = action.user_ip(ip);
    }
    if let Some(v) = args.captcha_type {
        action = action.captcha_type(CaptchaType::from(v));
    }
    if let Some(v) = args.disturb_level {
        action = action.disturb_level(DisturbLevel::from(v));
    }
    if let Some(v) = args.is_https {
        action = action.is_https(inputs::is_https(v)?);
    }
    if let Some(url) = send(&args.common, &action)? {
        Report::new(action.name())
            .field("url", url.to_string())
            .print(args.common.output.format);
    }
    Ok(Outcome::Success)
}

/// `check`: exit 0 on pass, 1 on fail.
pub fn check(args: &CheckArgs) -> Result<Outcome, Failure> {
    let ip = inputs::ip("--user-ip", &args.user_ip)?;
    let mut action = CaptchaCheck::new(
        args.ticket.as_str(),
        ip,
        CaptchaType::from(args.captcha_type),
    )
    .with_user_info(inputs::user_info(&args.user));
    if let Some(v) = args.disturb_level {
        action = action.disturb_level(DisturbLevel::from(v));
    }
    let Some(verdict) = send(&args.common, &action)? else {
        return Ok(Outcome::Success);
    };
    let report = Report::new(action.name());
    match verdict {
        CheckVerdict::Pass => {
            report
                .field("verdict", "pass")
                .print(args.common.output.format);
            Ok(Outcome::Success)
        }
        CheckVerdict::Fail { message } => {
            report
                .field("verdict", "fail")
                .field("message", message)
                .print(args.common.output.format);
            Ok(Outcome::Negative)
        }
    }
}

/// `verify`: exit 0 when right, 1 when wrong.
pub fn verify(args: &VerifyArgs) -> Result<Outcome, Failure> {
    let mut action = CaptchaVerify::new(args.captcha_sig.as_str(), args.verify_code.as_str())
        .with_user_info(inputs::user_info(&args.user));
    if let Some(ip) = inputs::optional_ip("--user-ip", args.user_ip.as_deref())? {
        action = action.user_ip(ip);
    }
    if let Some(v) = args.captcha_type {
        action = action.captcha_type(CaptchaType::from(v));
    }
    let Some(verdict) = send(&args.common, &action)? else {
        return Ok(Outcome::Success);
    };
    let right = verdict == VerifyVerdict::Right;
    Report::new(action.name())
        .field("verdict", if right { "right" } else { "wrong" })
        .print(args.common.output.format);
    Ok(if right {
        Outcome::Success
    } else {
        Outcome::Negative
    })
}

/// `iframe-query`.
pub fn iframe_query(args: &IframeQueryArgs) -> Result<Outcome, Failure> {
    let mut action = CaptchaIframeQuery::new(
        CaptchaType::from(args.captcha_type),
        DisturbLevel::from(args.disturb_level),
        inputs::is_https(args.is_https)?,
        ClientType::from(args.client_type),
    )
    .with_user_info(inputs::user_info(&args.user));
    if let Some(ip) = inputs::optional_ip("--user-ip", args.user_ip.as_deref())? {
        action = action.user_ip(ip);
    }
    if let Some(url) = send(&args.common, &action)? {
        Report::new(action.name())
            .field("url", url.to_string())
            .print(args.common.output.format);
    }
    Ok(Outcome::Success)
}

/// `query`.
pub fn query(args: &QueryArgs) -> Result<Outcome, Failure> {
    let ip = inputs::ip("--user-ip", &args.user_ip)?;
    let business_id = args
        .user
        .business_id
        .ok_or_else(|| Failure::usage("--business-id", "is required by CaptchaQuery"))?;
    let register_time = args
        .user
        .register_time
        .ok_or_else(|| Failure::usage("--register-time", "is required by CaptchaQuery"))?;
    let mut action = CaptchaQuery::new(
        ip,
        CaptchaType::from(args.captcha_type),
        business_id,
        register_time,
        inputs::script_format(args.script)?,
    )
    .with_user_info(inputs::user_info(&args.user));
    if let Some(name) = &args.call_back {
        action = action.call_back(name.as_str());
    }
    if let Some(script) = send(&args.common, &action)? {
        Report::new(action.name())
            .field("script", script.into_string())
            .print(args.common.output.format);
    }
    Ok(Outcome::Success)
}

/// `call`: any API 2.0 action; prints the JSON response.
pub fn call(args: &CallArgs) -> Result<Outcome, Failure> {
    let action = inputs::raw_action(&args.action, &args.params)?;
    if let Some(object) = send(&args.common, &action)? {
        println!("{}", Value::Object(object));
    }
    Ok(Outcome::Success)
}
