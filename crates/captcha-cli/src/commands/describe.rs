//! `describe-result` and `describe-rce-result`: API 3.0 `DescribeCaptchaResult`, the captcha
//! check Tencent serves today, and its variant with the risk engine's findings.

use captcha_proto::api3::{
    Api3Config, Api3Signature, CaptchaResult, DescribeCaptchaRceResult, DescribeCaptchaResult,
    Verdict,
};
use captcha_proto::redact::Redacted;
use captcha_proto::{Api2Config, Endpoint, HttpMethod, Stamp};
use captcha_proto::{Api3Action, Api3Exchange, Exchange};

use super::Outcome;
use crate::args::{
    Api3Args, CredentialArgs, DescribeResultArgs, HttpMethodArg, OutputArgs, SendArgs,
    SignMethodArg, TransportArgs,
};
use crate::client::AnyClient;
use crate::failure::Failure;
use crate::inputs;
use crate::output::Report;
use crate::pinned::Pinned;

/// Sends (or with `--dry-run` prints) one `DescribeCaptchaResult`; exit 0 on pass, 1 on reject.
pub fn run(args: &DescribeResultArgs) -> Result<Outcome, Failure> {
    let v3_config = v3_config(&args.credential, &args.api3)?;
    let action = check_of(args)?;
    let Some(result) = sending(args).run(&v3_config, &action)? else {
        return Ok(Outcome::Success);
    };
    report("DescribeCaptchaResult", &result).print(args.output.format);
    Ok(outcome(&result))
}

/// Sends (or prints) one `DescribeCaptchaRceResult`; exit 0 on pass, 1 on reject.
pub fn run_rce(args: &DescribeResultArgs) -> Result<Outcome, Failure> {
    let v3_config = v3_config(&args.credential, &args.api3)?;
    let action = DescribeCaptchaRceResult::from(check_of(args)?);
    let Some(answer) = sending(args).run(&v3_config, &action)? else {
        return Ok(Outcome::Success);
    };
    let mut report = report(DescribeCaptchaRceResult::ACTION, &answer.result);
    if let Some(level) = answer.rce_result.and_then(|rce| rce.risk_level) {
        report = report.field("risk_level", level);
    }
    report.print(args.output.format);
    Ok(outcome(&answer.result))
}

/// The web ticket check the arguments describe.
fn check_of(args: &DescribeResultArgs) -> Result<DescribeCaptchaResult, Failure> {
    let mut action = DescribeCaptchaResult::new(
        args.ticket.as_str(),
        args.randstr.as_str(),
        inputs::ip("--user-ip", &args.user_ip)?,
        args.captcha_app_id,
        args.app_secret_key.as_str(),
    )
    .captcha_type(args.captcha_type)
    .need_get_captcha_time(args.need_get_captcha_time);
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

fn sending(args: &DescribeResultArgs) -> Sending<'_> {
    Sending {
        send: &args.send,
        transport: &args.transport,
        output: &args.output,
    }
}

/// Exit 0 on a pass, 1 on anything else.
pub fn outcome(result: &CaptchaResult) -> Outcome {
    if result.is_pass() {
        Outcome::Success
    } else {
        Outcome::Negative
    }
}

/// How an API 3.0 call is sent: the options `describe-result` and `api3` share.
pub struct Sending<'a> {
    /// `--dry-run`, `--timestamp`, `--nonce`.
    pub send: &'a SendArgs,
    /// `--transport`, `--timeout`.
    pub transport: &'a TransportArgs,
    /// `--output`.
    pub output: &'a OutputArgs,
}

impl Sending<'_> {
    /// Sends `action` signed by `config` on the chosen transport; with `--dry-run`, prints
    /// the signed request (secrets redacted) instead and sends nothing (`None`).
    pub fn run<A: Api3Action>(
        &self,
        config: &Api3Config,
        action: &A,
    ) -> Result<Option<A::Output>, Failure> {
        let exchange = Pinned::new(
            Api3Exchange { config, action },
            self.send.timestamp,
            self.send.nonce,
        );
        if self.send.dry_run {
            let request = exchange.encode(Stamp::now())?;
            Report::new(action.name())
                .field("dry_run", true)
                .field("request", Redacted(&request).to_string())
                .print(self.output.format);
            return Ok(None);
        }
        // The exchange carries its own API 3.0 config; the client's API 2.0 config goes unused.
        let client = AnyClient::build(
            self.transport.transport,
            Api2Config::new(config.credential().clone()),
            inputs::timeout(self.transport.timeout)?,
        )?;
        Ok(Some(client.exchange(&exchange)?))
    }
}

/// The API 3.0 config described by the credential and API 3.0 options.
pub fn v3_config(credential: &CredentialArgs, api3: &Api3Args) -> Result<Api3Config, Failure> {
    let credential = inputs::credential(credential)?;
    let config = if api3.international {
        Api3Config::international(credential)
    } else {
        let endpoint: Endpoint = api3
            .api3_endpoint
            .parse()
            .map_err(|e| Failure::usage("--v3-endpoint", e))?;
        Api3Config::new(credential).with_endpoint(endpoint)
    };
    let signature = match api3.sign_method {
        SignMethodArg::Tc3 => Api3Signature::Tc3,
        SignMethodArg::HmacSha1 => Api3Signature::HmacSha1,
        SignMethodArg::HmacSha256 => Api3Signature::HmacSha256,
    };
    let http_method = match api3.api3_http_method {
        HttpMethodArg::Get => HttpMethod::Get,
        HttpMethodArg::Post => HttpMethod::Post,
    };
    Ok(config
        .with_signature(signature)
        .with_http_method(http_method))
}

/// The report of a ticket check named `action`.
pub fn report(action: &str, result: &CaptchaResult) -> Report {
    let verdict = match result.verdict {
        Verdict::Pass => "pass".to_owned(),
        Verdict::Reject(reason) => format!("reject ({})", reason.description()),
        // A verdict this build does not know is no pass.
        other => format!("reject ({other:?})"),
    };
    let mut report = Report::new(action)
        .field("verdict", verdict)
        .field("captcha_code", result.code)
        .field("request_id", result.request_id.as_str());
    if let Some(message) = &result.message {
        report = report.field("message", message.as_str());
    }
    if let Some(level) = result.evil_level {
        report = report.field("evil_level", level);
    }
    if let Some(time) = result.get_captcha_time {
        report = report.field("get_captcha_time", time);
    }
    report
}
