//! The checks through the SDK clients (captcha-hyper and captcha-async-std): tickets minted
//! over HTTP, then checked, replayed, or checked with a wrong `AppSecretKey` first.

use captcha_emulator::{DEMO_APP_SECRET_KEY, DEMO_CAPTCHA_APP_ID};
use captcha_proto::api3::{CaptchaResult, DescribeCaptchaResult};
use captcha_proto::{CaptchaCheck, CaptchaType, CheckVerdict, Credential, Endpoint, Stamp};
use http::Method;
use http::header::CONTENT_TYPE;
use serde_json::Value;

use crate::expect::{Expect, judge};
use crate::options::Options;
use crate::requests::{CALL_TIMEOUT, USER_IP};
use crate::state::{Soak, Verdict};

/// Not the demo app's `AppSecretKey`.
const WRONG_APP_SECRET_KEY: &str = "not-the-app-secret-key";

/// Which SDK client a call goes through.
#[derive(Clone, Copy)]
pub enum Sdk {
    Hyper,
    AsyncStd,
}

/// A minted API 3.0 ticket: ticket and Randstr.
struct Minted {
    ticket: String,
    randstr: String,
}

impl Soak {
    /// `DescribeCaptchaResult` through an SDK client.
    async fn sdk_describe(
        &self,
        sdk: Sdk,
        check: DescribeCaptchaResult,
    ) -> Result<CaptchaResult, captcha_client::Error> {
        match sdk {
            Sdk::Hyper => self.hyper.describe_captcha_result(&check).await,
            Sdk::AsyncStd => {
                let client = self.async_std.clone();
                async_std::task::spawn(async move { client.describe_captcha_result(&check).await })
                    .await
            }
        }
    }

    /// `CaptchaCheck` through an SDK client.
    async fn sdk_check(
        &self,
        sdk: Sdk,
        check: CaptchaCheck,
    ) -> Result<CheckVerdict, captcha_client::Error> {
        match sdk {
            Sdk::Hyper => self.hyper.captcha_check(&check).await,
            Sdk::AsyncStd => {
                let client = self.async_std.clone();
                async_std::task::spawn(async move { client.captcha_check(&check).await }).await
            }
        }
    }

    /// Mints an API 3.0 ticket over HTTP.
    async fn mint_api3(&self) -> Option<Minted> {
        let form = format!("CaptchaAppId={DEMO_CAPTCHA_APP_ID}&UserIp={USER_IP}");
        let request = self
            .request(Method::POST, "/emulator/v3/tickets")
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(form.into_bytes())
            .expect("a valid request");
        self.start();
        let outcome = match self.send(request).await {
            Ok((200, body)) => {
                let json: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
                match (json["ticket"].as_str(), json["randstr"].as_str()) {
                    (Some(ticket), Some(randstr)) if json["ret"] == 0 => Ok(Minted {
                        ticket: ticket.to_owned(),
                        randstr: randstr.to_owned(),
                    }),
                    _ => Err(Verdict::Wrong("mint answer without a ticket".to_owned())),
                }
            }
            Ok((status, _)) => Err(Verdict::Wrong(format!("mint status {status}; due: 200"))),
            Err(e) => Err(Verdict::Transport(e)),
        };
        match outcome {
            Ok(minted) => {
                self.finish("mint_api3", Verdict::Right);
                Some(minted)
            }
            Err(verdict) => {
                self.finish("mint_api3", verdict);
                None
            }
        }
    }

    /// Mints an API 2.0 ticket over HTTP.
    async fn mint_api2(&self) -> Option<String> {
        let form = format!("captchaType=9&userIp={USER_IP}");
        let request = self
            .request(Method::POST, "/emulator/tickets")
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(form.into_bytes())
            .expect("a valid request");
        self.start();
        let (verdict, ticket) = match self.send(request).await {
            Ok((200, body)) => {
                let json: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
                match json["ticket"].as_str() {
                    Some(ticket) => (Verdict::Right, Some(ticket.to_owned())),
                    None => (
                        Verdict::Wrong("mint answer without a ticket".to_owned()),
                        None,
                    ),
                }
            }
            Ok((status, _)) => (
                Verdict::Wrong(format!("mint status {status}; due: 200")),
                None,
            ),
            Err(e) => (Verdict::Transport(e), None),
        };
        self.finish("mint_api2", verdict);
        ticket
    }

    /// Judges an SDK API 3.0 answer that must be `CaptchaCode` `due`; `valid` calls count
    /// their transport failures as transport errors.
    fn judge_describe(
        due: i64,
        result: Result<CaptchaResult, captcha_client::Error>,
        valid: bool,
    ) -> Verdict {
        match result {
            Ok(result) if result.code == due => Verdict::Right,
            Ok(result) => Verdict::Wrong(format!("CaptchaCode {}; due: {due}", result.code)),
            Err(e) => match e.api3() {
                Some(api) => {
                    Verdict::Wrong(format!("refused {}; due: CaptchaCode {due}", api.code()))
                }
                None if valid => Verdict::Transport(format!("{:?}", e.phase())),
                None => Verdict::Wrong(format!("transport {:?}", e.phase())),
            },
        }
    }

    /// A fresh API 3.0 ticket checked through `sdk` (1); every `replay`-th time presented
    /// again (9).
    pub async fn valid_describe(&self, sdk: Sdk, kind: &'static str, replay: bool) {
        let Some(minted) = self.mint_api3().await else {
            return;
        };
        let check = self.describe(&minted.ticket, &minted.randstr, DEMO_APP_SECRET_KEY);
        let first = self
            .run(kind, async {
                Self::judge_describe(1, self.sdk_describe(sdk, check.clone()).await, true)
            })
            .await;
        if replay && matches!(first, Verdict::Right) {
            self.run("replay_api3", async {
                Self::judge_describe(9, self.sdk_describe(sdk, check).await, true)
            })
            .await;
        }
    }

    /// A wrong `AppSecretKey` (100), then the right one on the same, unspent ticket (1).
    pub async fn wrong_app_key(&self, sdk: Sdk) {
        let Some(minted) = self.mint_api3().await else {
            return;
        };
        let wrong = self.describe(&minted.ticket, &minted.randstr, WRONG_APP_SECRET_KEY);
        let refused = self
            .run("wrong_app_secret_key", async {
                Self::judge_describe(100, self.sdk_describe(sdk, wrong).await, true)
            })
            .await;
        if matches!(refused, Verdict::Right) {
            let right = self.describe(&minted.ticket, &minted.randstr, DEMO_APP_SECRET_KEY);
            self.run("describe_after_wrong_key", async {
                Self::judge_describe(1, self.sdk_describe(sdk, right).await, true)
            })
            .await;
        }
    }

    /// A fresh API 2.0 ticket checked through `sdk` (pass); when `replay`, checked again
    /// with a freshly signed request (5100 `TicketUsed`).
    pub async fn valid_check(&self, sdk: Sdk, replay: bool) {
        let Some(ticket) = self.mint_api2().await else {
            return;
        };
        let check = CaptchaCheck::new(ticket, self.user, CaptchaType::Slider);
        let first = self
            .run("check_api2", async {
                match self.sdk_check(sdk, check.clone()).await {
                    Ok(CheckVerdict::Pass) => Verdict::Right,
                    Ok(CheckVerdict::Fail { .. }) => {
                        Verdict::Wrong("verdict fail; due: pass".to_owned())
                    }
                    Err(e) => match e.api2() {
                        Some(api) => Verdict::Wrong(format!("refused {}; due: pass", api.code())),
                        None => Verdict::Transport(format!("{:?}", e.phase())),
                    },
                }
            })
            .await;
        if replay && matches!(first, Verdict::Right) {
            let request = self.api2.encode(&check, Stamp::now()).expect("encodes");
            self.run("replay_api2", async {
                let expect = Expect::Api2 {
                    status: 200,
                    code: 5100,
                    desc: Some("TicketUsed"),
                };
                match self.send(request).await {
                    Ok((status, body)) => judge(expect, status, &body),
                    Err(e) => Verdict::Transport(e),
                }
            })
            .await;
        }
    }
}

/// An SDK client of either runtime aimed at the emulator: no retries (the default), so that
/// every call is sent once.
pub fn sdk_client<R: captcha_client::Runtime>(
    options: &Options,
    credential: &Credential,
    api2: &Endpoint,
    api3: &Endpoint,
) -> Result<captcha_client::Client<R>, captcha_client::BuildError> {
    captcha_client::Client::<R>::builder()
        .credential(credential.clone())
        .api2_endpoint(api2.clone())
        .api3_endpoint(api3.clone())
        .max_idle_per_host(options.concurrency)
        .timeout(CALL_TIMEOUT)
        .build()
}
