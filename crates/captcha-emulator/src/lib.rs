//! # captcha-emulator
//!
//! A local server that answers Tencent Cloud's captcha API 2.0 (`/v2/index.php`) the way
//! `csec.api.qcloud.com` did, and all 18 actions of API 3.0 captcha 2019-07-22 (`/`, every
//! signing mode) the way `captcha.tencentcloudapi.com` does, so that an integration that passes against it passes
//! against Tencent. API 2.0 is switched off upstream: this is the stand-in every test, the
//! CLI's `serve`/`demo` commands and the benchmarks use. It is a test server, not a client:
//! to call Tencent (or this emulator) use `captcha-hyper` or `captcha-async-std`, or
//! `captcha-proto` with an HTTP client of your own.
//!
//! What it checks, in this order (docs/protocol.md, "API 2.0 common parameters" to
//! "API 2.0 answers"): required common parameters present and well formed (4000), a known `SecretId` (4104), the v1 signature over the request's own
//! method, `Host` (without port) and path (4100), a `Timestamp` within the allowed skew (4500),
//! a `Nonce` not seen before for that `SecretId` (4500), and a known `Action` (4000). Then it
//! runs the action: tickets minted here pass `CaptchaCheck` exactly once; `CaptchaGetUrl`
//! hands out a one-time URL of a real 130×53 PNG whose `vsig` cookie `CaptchaVerify` accepts
//! once; `CaptchaIframeQuery`/`CaptchaQuery` hand out a captcha script.
//!
//! ```no_run
//! use std::sync::Arc;
//! use std::time::Duration;
//! use captcha_emulator::{Emulator, ManualClock};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let clock = Arc::new(ManualClock::new(1_700_000_000));
//! let running = Emulator::builder()
//!     .credential("AKIDemulator0000000000000000000000000", "emulator-secret-key")
//!     .max_skew(Duration::from_secs(300))
//!     .clock(clock.clone())
//!     .build()
//!     .start("127.0.0.1:0".parse()?)
//!     .await?;
//! let ticket = running.mint_ticket("203.0.113.7".parse()?, 9);
//! // … point a client at running.endpoint() and check `ticket` …
//! running.shutdown().await;
//! # Ok(()) }
//! ```
//!
//! API 3.0 (docs/protocol.md, "API 3.0"): `POST /` with a JSON body, TC3-HMAC-SHA256 verified against
//! the same credentials (with captcha-proto's `tc3::verify_request_with`), the 5-minute
//! window on the emulator clock, and Tencent's 3.0 error envelope (HTTP 200, `RequestId`)
//! for every refusal (`AuthFailure.*`, `MissingParameter`, `InvalidParameter`,
//! `UnknownParameter`, `InvalidAction`, `NoSuchVersion`). Captcha apps are configured with
//! [`EmulatorBuilder::captcha_app`] (default: [`DEMO_CAPTCHA_APP_ID`] /
//! [`DEMO_APP_SECRET_KEY`]); [`EmulatorHandle::mint_api3_ticket`] (also
//! `POST /emulator/v3/tickets`) hands out a ticket and Randstr, which answer `CaptchaCode` 1
//! exactly once, and 7, 8, 9, 13, 15, 16, 21 or 100 as Tencent documents otherwise.
//!
//! ```no_run
//! use captcha_emulator::{DEMO_APP_SECRET_KEY, DEMO_CAPTCHA_APP_ID, Emulator};
//! use captcha_proto::{Stamp, api3::{DescribeCaptchaResult, Api3Config}};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let running = Emulator::demo().start("127.0.0.1:0".parse()?).await?;
//! let user = "203.0.113.7".parse()?;
//! let minted = running.mint_api3_ticket(DEMO_CAPTCHA_APP_ID, user)?;
//! let check = DescribeCaptchaResult::new(minted.ticket, minted.randstr, user, DEMO_CAPTCHA_APP_ID, DEMO_APP_SECRET_KEY);
//! let config = Api3Config::new(running.credential()).with_endpoint(running.api3_endpoint());
//! let request = config.encode(&check, Stamp::new(running.now_unix(), 1)?)?;
//! // … send `request` with any client: CaptchaCode 1 the first time, 9 after …
//! # Ok(()) }
//! ```
//!
//! Credential sources, so that a provider chain can be tested end to end (README,
//! "Credentials"): the CVM instance-role metadata paths under
//! [`METADATA_CREDENTIALS_PATH`] ([`EmulatorBuilder::cvm_role`],
//! [`EmulatorHandle::metadata_endpoint`], [`MetadataFault`]), STS 2018-08-13
//! `AssumeRole` and `AssumeRoleWithWebIdentity` at `/` ([`EmulatorHandle::sts_endpoint`],
//! [`EmulatorBuilder::web_identity_token`]), and the temporary credentials they issue
//! (also [`EmulatorHandle::issue_temporary_credential`]), which the captcha APIs accept
//! with their own token until they expire on the emulator clock.
//!
//! The browser side of API 3.0: `GET /TCaptcha.js` (also `/TJCaptcha.js`, [`TCAPTCHA_PATH`])
//! serves a stand-in for Tencent's script — the global `TencentCaptcha` with both
//! constructors, `show()` and `destroy()`, and a dialog whose `pass`, `fail`, `close` and
//! `disaster` buttons call back with the shapes Tencent's script uses (the README's "The
//! browser side"). Test keys, configured on every emulator with [`TEST_APP_SECRET_KEY`]:
//! [`TEST_CAPTCHA_APP_ID_PASS`], [`TEST_CAPTCHA_APP_ID_FAIL`],
//! [`TEST_CAPTCHA_APP_ID_SPENT`] and [`TEST_CAPTCHA_APP_ID_DISASTER_RECOVERY`].
//!
//! Test helpers beyond the protocol: [`EmulatorHandle::mint_ticket`] (also
//! `POST /emulator/tickets`), [`EmulatorHandle::mint_api3_ticket`] (also
//! `POST /emulator/v3/tickets`), [`EmulatorHandle::answer_for`] (also
//! `GET /emulator/answer?vsig=…`), fault switches ([`Fault`]), counters ([`Stats`]), an
//! injectable [`Clock`], optional TLS, and [`BackgroundEmulator`] for callers without a
//! tokio runtime.

mod actions;
mod api2;
mod api3;
mod apps;
mod assets;
mod background;
mod body;
mod builder;
mod clock;
mod common;
mod control;
mod error;
mod expiring;
mod faults;
mod font;
mod images;
mod incoming;
mod issued_keys;
mod json;
mod metadata;
mod nonces;
mod params;
mod random;
mod rate_limit;
mod render;
mod reply;
mod router;
mod script;
mod server;
mod stall;
mod state;
mod stats;
mod tcaptcha;
mod test_keys;
mod tickets;
mod tls;

pub use api3::{Api3Ticket, Api3TicketKind};
pub use apps::{CaptchaApp, UnknownCaptchaApp};
pub use background::BackgroundEmulator;
pub use builder::{DEFAULT_API3_RATE_LIMIT, Emulator, EmulatorBuilder};
pub use clock::{Clock, ManualClock, SystemClock};
pub use error::StartError;
pub use faults::Fault;
pub use metadata::{
    DEFAULT_CVM_ROLE_LIFETIME, METADATA_CREDENTIALS_PATH, MetadataFault, REFRESH_MARGIN,
};
pub use server::{EmulatorHandle, RunningEmulator};
pub use stats::{NO_ACTION, Stats, UNKNOWN_ACTION};

/// The SecretId the CLI's `serve` and `demo` use when none is configured. Not a real key.
pub const DEMO_SECRET_ID: &str = "AKIDemulator0000000000000000000000000";
/// The SecretKey paired with [`DEMO_SECRET_ID`]. Not a real key: never use it outside tests.
pub const DEMO_SECRET_KEY: &str = "emulator-secret-key";

/// The `CaptchaAppId` of the demo captcha app (API 3.0), configured when no other app is
/// and by [`Emulator::demo`]. Not a real app.
pub const DEMO_CAPTCHA_APP_ID: u64 = 190_000_000;
/// The `AppSecretKey` of [`DEMO_CAPTCHA_APP_ID`]. Not a real key: never use it outside tests.
pub const DEMO_APP_SECRET_KEY: &str = "emulator-app-secret-key";

/// The first test key: a `CaptchaAppId` (with [`TEST_APP_SECRET_KEY`]) whose captcha the
/// stand-in `TCaptcha.js` solves at `show()`, and whose tickets always pass: a ticket check
/// with it answers `CaptchaCode` 1 every time, whatever the ticket. Configured on every
/// emulator, not listed among [`EmulatorHandle::captcha_apps`]. Not a real app.
pub const TEST_CAPTCHA_APP_ID_PASS: u64 = 100_000_001;
/// Test key whose tickets always fail: `CaptchaCode` 15 ("decrypt fail") every time.
pub const TEST_CAPTCHA_APP_ID_FAIL: u64 = 100_000_002;
/// Test key whose tickets are always already spent: `CaptchaCode` 9 ("ticket reused").
pub const TEST_CAPTCHA_APP_ID_SPENT: u64 = 100_000_003;
/// Test key whose tickets are disaster-recovery tickets
/// (`trerror_1001_100000004_<unixSeconds>`, `errorCode` 1001), as a page makes when
/// `TCaptcha.js` cannot load: `CaptchaCode` 21, or `Verdict::DisasterRecovery` without a call.
pub const TEST_CAPTCHA_APP_ID_DISASTER_RECOVERY: u64 = 100_000_004;
/// The `AppSecretKey` of every test key. Not a real key.
pub const TEST_APP_SECRET_KEY: &str = "emulator-test-app-secret-key";

/// The API 2.0 path every action is posted to.
pub const API2_PATH: &str = "/v2/index.php";
/// Test-only endpoint that mints a ticket: `POST` a form with `userIp` and `captchaType`,
/// get `{"ticket":"…"}`.
pub const TICKETS_PATH: &str = "/emulator/tickets";
/// The API 3.0 path: `POST /` with a JSON body, signed with TC3-HMAC-SHA256.
pub const API3_PATH: &str = "/";
/// Test-only endpoint that mints an API 3.0 ticket: `POST` a form with `CaptchaAppId`
/// (default: the first configured app) and `UserIp` (default: the caller's address), get
/// `{"ret":0,"ticket":"…","randstr":"…","appid":"…"}`, the shape of the front-end callback.
pub const API3_TICKETS_PATH: &str = "/emulator/v3/tickets";
/// Test-only endpoint that tells an image's answer: `GET /emulator/answer?vsig=…`,
/// get `{"answer":"…"}` (404 when the signature is unknown).
pub const ANSWER_PATH: &str = "/emulator/answer";
/// Test-only endpoint that reports the counters as JSON.
pub const STATS_PATH: &str = "/emulator/stats";
/// Where the one-time captcha images are served (the path Tencent's image URLs used).
pub const IMAGE_PATH: &str = "/getcap_new";
/// Where the stand-in for API 3.0's browser script `TCaptcha.js` is served (the global
/// `TencentCaptcha`; see the README, "The browser side").
pub const TCAPTCHA_PATH: &str = "/TCaptcha.js";
/// The same script under the name of Tencent's newer `TJCaptcha.js`.
pub const TJCAPTCHA_PATH: &str = "/TJCaptcha.js";
/// Where the one-time captcha scripts of `CaptchaIframeQuery` are served.
pub const SCRIPT_PATH: &str = "/template/TCapIframeApi.js";

/// The largest POST body accepted (docs/protocol.md, "Algorithm": 1 MB for v1 POST).
pub const MAX_BODY_BYTES: usize = 1024 * 1024;
/// The longest GET query accepted (docs/protocol.md, "Algorithm": GET requests up to 32 KB).
pub const MAX_QUERY_BYTES: usize = 32 * 1024;
/// The largest API 3.0 body accepted (docs/protocol.md, "Endpoint and headers": 10 MB for a v3 POST).
pub const MAX_API3_BODY_BYTES: usize = 10 * 1024 * 1024;

/// The README's example, compiled and run as a doctest.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctest;
