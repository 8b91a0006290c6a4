//! `serve`: runs captcha-emulator until Ctrl-C.

use captcha_emulator::{
    DEMO_APP_SECRET_KEY, DEMO_CAPTCHA_APP_ID, DEMO_SECRET_ID, DEMO_SECRET_KEY, Emulator,
};

use super::Outcome;
use crate::args::ServeArgs;
use crate::failure::Failure;

/// Serves on `--addr` with the given credential (or the demo one) until Ctrl-C.
pub fn run(args: &ServeArgs) -> Result<Outcome, Failure> {
    let (secret_id, secret_key, is_demo) = match (&args.keys.secret_id, &args.keys.secret_key) {
        (Some(id), Some(key)) => (id.clone(), key.clone(), false),
        (None, None) => (DEMO_SECRET_ID.to_owned(), DEMO_SECRET_KEY.to_owned(), true),
        _ => {
            return Err(Failure::usage(
                "--secret-id/--secret-key",
                "give both, or neither to use the demo credential",
            ));
        }
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::Transport(format!("cannot start the tokio runtime: {e}")))?;
    runtime.block_on(async {
        let emulator = Emulator::builder()
            .credential(secret_id.clone(), secret_key)
            .build();
        let running = emulator
            .start(args.addr)
            .await
            .map_err(|e| Failure::Transport(format!("cannot serve on {}: {e}", args.addr)))?;
        let base = running.base_url();
        println!("captcha emulator listening");
        println!(
            "API 3.0:     {} (captcha 2019-07-22: all 18 actions, TC3 and HmacSHA1/256, POST and GET)",
            running.api3_endpoint()
        );
        println!("API 2.0:     {}", running.endpoint());
        println!("secret id:   {secret_id}");
        if is_demo {
            println!("secret key:  {DEMO_SECRET_KEY}  (the built-in demo key)");
        } else {
            println!("secret key:  the one you passed");
        }
        // The demo app's key is a published test value, like the demo SecretKey.
        println!(
            "captcha app: CaptchaAppId {DEMO_CAPTCHA_APP_ID}, AppSecretKey {DEMO_APP_SECRET_KEY}  (the built-in demo app)"
        );
        println!(
            "tickets:     POST {base}/emulator/v3/tickets (form: CaptchaAppId, UserIp, Kind=web|mini) for API 3.0"
        );
        println!("             POST {base}/emulator/tickets (form: userIp, captchaType) for API 2.0");
        println!("press Ctrl-C to stop");
        tokio::signal::ctrl_c()
            .await
            .map_err(|e| Failure::Transport(format!("cannot wait for Ctrl-C: {e}")))?;
        running.shutdown().await;
        println!("stopped");
        Ok(Outcome::Success)
    })
}
