//! `demo`: the whole captcha flow against an in-process emulator, with both transports.

use std::net::{IpAddr, Ipv4Addr};
use std::path::PathBuf;

use captcha_emulator::{
    BackgroundEmulator, DEMO_APP_SECRET_KEY, DEMO_CAPTCHA_APP_ID, DEMO_SECRET_ID, DEMO_SECRET_KEY,
    Emulator,
};
use captcha_proto::UserInfo;
use captcha_proto::api3::{Api3Config, DescribeCaptchaResult, RejectReason, Verdict};
use captcha_proto::redact::{Redacted, mask_values};
use captcha_proto::{
    Api2Config, CaptchaCheck, CaptchaGetUrl, CaptchaType, CaptchaVerify, CheckVerdict, Credential,
    HttpMethod, IsHttps, SignatureMethod, VerifyVerdict,
};
use captcha_proto::{Api2Exchange, Api3Exchange};
use http::Request;

use super::Outcome;
use crate::args::{DemoArgs, TransportArg};
use crate::client::AnyClient;
use crate::failure::Failure;
use crate::inputs;
use crate::pinned::Pinned;

/// The user the demo plays.
const USER_IP: IpAddr = IpAddr::V4(Ipv4Addr::new(203, 0, 113, 7));

/// Starts the emulator on 127.0.0.1 and walks the flow with each transport.
pub fn run(args: &DemoArgs) -> Result<Outcome, Failure> {
    let emulator = BackgroundEmulator::start(Emulator::demo(), ([127, 0, 0, 1], 0).into())
        .map_err(|e| Failure::Transport(format!("cannot start the emulator: {e}")))?;
    let endpoint = emulator.handle().endpoint();
    println!("captcha emulator listening at {endpoint} (credential {DEMO_SECRET_ID})");
    let credential = Credential::new(DEMO_SECRET_ID, DEMO_SECRET_KEY)?;
    let timeout = inputs::timeout(args.timeout)?;
    let flows = [
        (
            TransportArg::Hyper,
            HttpMethod::Get,
            SignatureMethod::HmacSha1,
        ),
        (
            TransportArg::AsyncStd,
            HttpMethod::Post,
            SignatureMethod::HmacSha256,
        ),
    ];
    for (transport, http_method, signature_method) in flows {
        let config = Api2Config::new(credential.clone())
            .with_endpoint(endpoint.clone())
            .with_http_method(http_method)
            .with_signature_method(signature_method);
        let client = AnyClient::build(transport, config.clone(), timeout)?;
        println!(
            "\n== transport {} (API 3.0 signed with TC3; API 2.0 over {}, {})",
            client.name(),
            http_method.as_str(),
            signature_method
        );
        let image_path = match &args.image_path {
            Some(path) => path.clone(),
            None => {
                std::env::temp_dir().join(format!("tencent-captcha-demo-{}.png", client.name()))
            }
        };
        // The check Tencent serves today first, then the API 2.0 flows kept for legacy use.
        let v3_config =
            Api3Config::new(credential.clone()).with_endpoint(emulator.handle().api3_endpoint());
        walk_api3(&client, &v3_config, emulator.handle())?;
        walk_api2(&client, &config, emulator.handle(), &image_path)?;
    }
    println!("\ndemo complete: every step behaved as Tencent's server does");
    Ok(Outcome::Success)
}

/// Prints a signed request, indented, with secrets masked.
fn show(request: &Request<Vec<u8>>) {
    for line in Redacted(request).to_string().lines() {
        println!("    > {line}");
    }
}

/// API 2.0: one transport's pass through the image flow and the ticket flow.
fn walk_api2(
    client: &AnyClient,
    config: &Api2Config,
    emulator: &captcha_emulator::EmulatorHandle,
    image_path: &PathBuf,
) -> Result<(), Failure> {
    let send = |step: &str| println!("  {step}");

    send("3. CaptchaGetUrl (API 2.0): ask for a captcha image");
    let get_url = CaptchaGetUrl::new()
        .captcha_type(CaptchaType::Standard)
        .is_https(IsHttps::Http)
        .with_user_info(UserInfo {
            user_ip: Some(USER_IP),
            ..business(1)
        });
    let url = client.exchange(&shown(config, &get_url))?;
    println!("    image URL: {}", mask_values(&url.to_string()));

    send("4. fetch the image (its vsig cookie is the captcha signature)");
    let image = client.fetch_image(&url)?;
    std::fs::write(image_path, &image.bytes).map_err(|e| {
        Failure::Usage(format!(
            "cannot save the image to {}: {e}",
            image_path.display()
        ))
    })?;
    println!(
        "    saved {} bytes ({}) to {}",
        image.bytes.len(),
        image.content_type.as_deref().unwrap_or("unknown type"),
        image_path.display()
    );

    send("5. CaptchaVerify: the user types what the image shows");
    let answer = emulator
        .answer_for(image.captcha_sig.expose_secret())
        .ok_or_else(|| unexpected("the emulator does not know the image's answer"))?;
    println!("    (the emulator reveals the answer: {answer})");
    let verdict = client.exchange(&shown(
        config,
        &CaptchaVerify::new(image.captcha_sig.clone(), answer),
    ))?;
    expect(
        verdict == VerifyVerdict::Right,
        "the right answer was judged wrong",
    )?;
    println!("    verdict: right");

    send("6. CaptchaCheck: a solved captcha's ticket (minted by the emulator) passes");
    let ticket = emulator.mint_ticket(USER_IP, CaptchaType::Slider.value());
    let check = CaptchaCheck::new(ticket, USER_IP, CaptchaType::Slider).with_user_info(business(1));
    let verdict = client.exchange(&shown(config, &check))?;
    expect(verdict == CheckVerdict::Pass, "a fresh ticket did not pass")?;
    println!("    verdict: pass (code 0)");

    send("7. CaptchaCheck again: the same ticket fails, tickets pass once");
    match client.exchange(&shown(config, &check))? {
        CheckVerdict::Fail { message } => println!("    verdict: fail (code 5100: {message})"),
        CheckVerdict::Pass => return Err(unexpected("a used ticket passed a second time")),
    }
    Ok(())
}

/// API 3.0: the check Tencent serves today, `DescribeCaptchaResult` with TC3-HMAC-SHA256.
fn walk_api3(
    client: &AnyClient,
    config: &Api3Config,
    emulator: &captcha_emulator::EmulatorHandle,
) -> Result<(), Failure> {
    println!("  1. DescribeCaptchaResult (API 3.0): a fresh ticket and Randstr pass");
    let minted = emulator
        .mint_api3_ticket(DEMO_CAPTCHA_APP_ID, USER_IP)
        .map_err(|e| unexpected(&e.to_string()))?;
    let describe = DescribeCaptchaResult::new(
        minted.ticket.clone(),
        minted.randstr.as_str(),
        USER_IP,
        DEMO_CAPTCHA_APP_ID,
        DEMO_APP_SECRET_KEY,
    );
    let exchange = || {
        Pinned::new(
            Api3Exchange {
                config,
                action: &describe,
            },
            None,
            None,
        )
        .showing(&show)
    };
    let result = client.exchange(&exchange())?;
    expect(result.is_pass(), "a fresh API 3.0 ticket did not pass")?;
    println!(
        "    verdict: pass (CaptchaCode {}, EvilLevel {:?})",
        result.code, result.evil_level
    );

    println!("  2. DescribeCaptchaResult again: the ticket is spent");
    let again = client.exchange(&exchange())?;
    match again.verdict {
        Verdict::Reject(reason @ RejectReason::TicketReused) => {
            println!(
                "    verdict: reject (CaptchaCode {}: {})",
                again.code,
                reason.description()
            );
            Ok(())
        }
        other => Err(unexpected(&format!(
            "a reused API 3.0 ticket gave {other:?}"
        ))),
    }
}

/// An exchange that prints each request it encodes.
fn shown<'a, A: captcha_proto::Api2Action>(
    config: &'a Api2Config,
    action: &'a A,
) -> Pinned<'static, Api2Exchange<'a, A>> {
    Pinned::new(Api2Exchange { config, action }, None, None).showing(&show)
}

fn expect(condition: bool, what: &str) -> Result<(), Failure> {
    if condition {
        Ok(())
    } else {
        Err(unexpected(what))
    }
}

fn unexpected(what: &str) -> Failure {
    Failure::Transport(format!("demo: {what}"))
}

/// The user fields of the demo's calls: `businessId` only.
fn business(id: u64) -> UserInfo {
    UserInfo {
        business_id: Some(id),
        ..UserInfo::default()
    }
}
