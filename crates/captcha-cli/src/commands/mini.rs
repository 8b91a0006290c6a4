//! `describe-mini-result` and `describe-mini-risk-result`: API 3.0 ticket checks of the
//! mini-program plugin (the second is discontinued by Tencent).

use captcha_proto::api3::{DescribeCaptchaMiniResult, DescribeCaptchaMiniRiskResult};

use super::Outcome;
use super::describe::{Sending, outcome, report, v3_config};
use crate::args::{DescribeMiniResultArgs, DescribeMiniRiskResultArgs};
use crate::failure::Failure;
use crate::inputs;

/// Sends (or with `--dry-run` prints) one `DescribeCaptchaMiniResult`; exit 0 on pass.
pub fn run(args: &DescribeMiniResultArgs) -> Result<Outcome, Failure> {
    let config = v3_config(&args.credential, &args.api3)?;
    let Some(result) = sending(args).run(&config, &check_of(args)?)? else {
        return Ok(Outcome::Success);
    };
    report(DescribeCaptchaMiniResult::ACTION, &result).print(args.output.format);
    Ok(outcome(&result))
}

/// Sends (or prints) one `DescribeCaptchaMiniRiskResult`; exit 0 on pass.
pub fn run_risk(args: &DescribeMiniRiskResultArgs) -> Result<Outcome, Failure> {
    let mini = &args.mini;
    let config = v3_config(&mini.credential, &mini.api3)?;
    let mut action = DescribeCaptchaMiniRiskResult::from(check_of(mini)?);
    if let Some(code) = args.scene_code {
        action = action.scene_code(code);
    }
    if let Some(id) = &args.we_chat_open_id {
        action = action.we_chat_open_id(id.as_str());
    }
    let Some(answer) = sending(mini).run(&config, &action)? else {
        return Ok(Outcome::Success);
    };
    let mut report = report(DescribeCaptchaMiniRiskResult::ACTION, &answer.result);
    if let Some(level) = answer
        .manage_marketing_risk_value
        .and_then(|risk| risk.risk_level)
    {
        report = report.field("risk_level", level);
    }
    report.print(mini.output.format);
    Ok(outcome(&answer.result))
}

fn check_of(args: &DescribeMiniResultArgs) -> Result<DescribeCaptchaMiniResult, Failure> {
    let mut action = DescribeCaptchaMiniResult::new(
        args.ticket.as_str(),
        inputs::ip("--user-ip", &args.user_ip)?,
        args.captcha_app_id,
        args.app_secret_key.as_str(),
    )
    .captcha_type(args.captcha_type);
    if let Some(v) = args.business_id {
        action = action.business_id(v);
    }
    if let Some(v) = args.scene_id {
        action = action.scene_id(v);
    }
    if let Some(v) = &args.mac_address {
        action = action.mac_address(v.as_str());
    }
    if let Some(v) = &args.imei {
        action = action.imei(v.as_str());
    }
    Ok(action)
}

fn sending(args: &DescribeMiniResultArgs) -> Sending<'_> {
    Sending {
        send: &args.send,
        transport: &args.transport,
        output: &args.output,
    }
}
