//! A sign-in page protected by the captcha, end to end: `cargo run -p captcha-axum --example login`,
//! then open the printed URL.
//!
//! With no configuration it needs no credentials: it starts the captcha emulator in-process,
//! and the page loads the emulator's stand-in `TCaptcha.js` (a dialog with "I am human",
//! "Fail", "Close" and "Script failure" buttons). Against Tencent, set
//! `TENCENTCLOUD_SECRET_ID`, `TENCENTCLOUD_SECRET_KEY`, `CAPTCHA_APP_ID` and
//! `CAPTCHA_APP_SECRET_KEY`; the page then loads Tencent's script. Other settings:
//! `CAPTCHA_SCRIPT_URL` (the script the page loads), `LOGIN_ADDR` (default `127.0.0.1:3000`),
//! `CAPTCHA_DISASTER_RECOVERY=accept` and `CAPTCHA_WHEN_UNAVAILABLE=let-through` (both
//! refuse by default).

mod app;

use std::net::SocketAddr;

use captcha_axum::{CaptchaGuard, CaptchaGuardBuilder, DisasterRecoveryPolicy, WhenUnavailable};
use captcha_emulator::{DEMO_APP_SECRET_KEY, DEMO_CAPTCHA_APP_ID, Emulator, RunningEmulator};
use captcha_hyper::Client;

type Failure = Box<dyn std::error::Error>;

#[tokio::main]
async fn main() -> Result<(), Failure> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .init();
    let (page, guard, emulator) = match std::env::var("CAPTCHA_APP_ID") {
        Ok(app_id) => tencent(&app_id)?,
        Err(_) => emulated().await?,
    };
    let guard = policies(guard)?;
    let addr: SocketAddr = std::env::var("LOGIN_ADDR")
        .unwrap_or_else(|_| "127.0.0.1:3000".to_owned())
        .parse()?;
    let listener = tokio::net::TcpListener::bind(addr).await?;
    println!("sign-in page: http://{}/", listener.local_addr()?);
    println!("captcha script: {}", page.script_url);
    let router = app::router(page, guard);
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await?;
    if let Some(emulator) = emulator {
        emulator.shutdown().await;
    }
    Ok(())
}

/// Tencent's service: credentials from the environment.
fn tencent(
    app_id: &str,
) -> Result<(app::Page, CaptchaGuardBuilder, Option<RunningEmulator>), Failure> {
    let captcha_app_id: u64 = app_id.parse()?;
    let key = std::env::var("CAPTCHA_APP_SECRET_KEY")?;
    let client = Client::builder().build()?;
    let page = app::Page {
        script_url: script_url(app::TENCENT_SCRIPT_URL.to_owned()),
        captcha_app_id,
    };
    let guard = CaptchaGuard::describe_captcha_result(client, captcha_app_id, key);
    Ok((page, guard, None))
}

/// The emulator, in-process on a free port of 127.0.0.1.
async fn emulated() -> Result<(app::Page, CaptchaGuardBuilder, Option<RunningEmulator>), Failure> {
    let emulator = Emulator::demo().start("127.0.0.1:0".parse()?).await?;
    println!("captcha emulator: {}", emulator.base_url());
    let client = Client::builder()
        .credential(emulator.credential())
        .api3_endpoint(emulator.api3_endpoint())
        .build()?;
    let page = app::Page {
        script_url: script_url(format!(
            "{}{}",
            emulator.base_url(),
            captcha_emulator::TCAPTCHA_PATH
        )),
        captcha_app_id: DEMO_CAPTCHA_APP_ID,
    };
    let guard =
        CaptchaGuard::describe_captcha_result(client, DEMO_CAPTCHA_APP_ID, DEMO_APP_SECRET_KEY);
    Ok((page, guard, Some(emulator)))
}

fn script_url(default: String) -> String {
    std::env::var("CAPTCHA_SCRIPT_URL").unwrap_or(default)
}

fn policies(guard: CaptchaGuardBuilder) -> Result<CaptchaGuardBuilder, Failure> {
    let disaster = match std::env::var("CAPTCHA_DISASTER_RECOVERY").as_deref() {
        Err(_) | Ok("reject") => DisasterRecoveryPolicy::Reject,
        Ok("accept") => DisasterRecoveryPolicy::Accept,
        Ok(other) => {
            return Err(
                format!("CAPTCHA_DISASTER_RECOVERY: {other:?} is not accept or reject").into(),
            );
        }
    };
    let unavailable = match std::env::var("CAPTCHA_WHEN_UNAVAILABLE").as_deref() {
        Err(_) | Ok("fail-closed") => WhenUnavailable::FailClosed,
        Ok("let-through") => WhenUnavailable::LetThrough,
        Ok(other) => {
            return Err(format!(
                "CAPTCHA_WHEN_UNAVAILABLE: {other:?} is not fail-closed or let-through"
            )
            .into());
        }
    };
    Ok(guard
        .disaster_recovery(disaster)
        .when_unavailable(unavailable))
}
