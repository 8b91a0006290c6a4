//! The command line, as clap sees it. Names are part of the interface: scripts depend on them.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Sign, send and debug Tencent Cloud captcha (天御) API calls.
#[derive(Debug, Parser)]
#[command(name = "tencent-captcha", version, about, long_about = None)]
pub struct Cli {
    /// Options shared by every subcommand.
    #[command(flatten)]
    pub global: GlobalArgs,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Options shared by every subcommand.
#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// API 2.0 endpoint URL.
    #[arg(long, global = true, default_value = captcha_proto::DEFAULT_ENDPOINT)]
    pub endpoint: String,
    /// Region parameter.
    #[arg(long, global = true, default_value = captcha_proto::api2::DEFAULT_REGION)]
    pub region: String,
    /// SecretId (default: $TENCENTCLOUD_SECRET_ID).
    #[arg(
        long,
        global = true,
        env = "TENCENTCLOUD_SECRET_ID",
        hide_env_values = true
    )]
    pub secret_id: Option<String>,
    /// SecretKey (default: $TENCENTCLOUD_SECRET_KEY).
    #[arg(
        long,
        global = true,
        env = "TENCENTCLOUD_SECRET_KEY",
        hide_env_values = true
    )]
    pub secret_key: Option<String>,
    /// Session token of temporary credentials (default: $TENCENTCLOUD_SESSION_TOKEN).
    #[arg(
        long,
        global = true,
        env = "TENCENTCLOUD_SESSION_TOKEN",
        hide_env_values = true
    )]
    pub session_token: Option<String>,
    /// Signature method.
    #[arg(long, global = true, value_enum, default_value_t = SignatureMethodArg::HmacSHA1)]
    pub signature_method: SignatureMethodArg,
    /// How parameters travel: in the query (GET) or a form body (POST).
    #[arg(long, global = true, value_enum, default_value_t = HttpMethodArg::Get)]
    pub http_method: HttpMethodArg,
    /// HTTP stack that sends the request.
    #[arg(long, global = true, value_enum, default_value_t = TransportArg::Hyper)]
    pub transport: TransportArg,
    /// Whole-call timeout in seconds.
    #[arg(long, global = true, default_value_t = 10.0)]
    pub timeout: f64,
    /// Output format.
    #[arg(long, global = true, value_enum, default_value_t = OutputArg::Text)]
    pub output: OutputArg,
}

/// `--signature-method`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
#[allow(non_camel_case_types, clippy::upper_case_acronyms)]
pub enum SignatureMethodArg {
    /// HMAC-SHA1.
    #[value(name = "HmacSHA1")]
    HmacSHA1,
    /// HMAC-SHA256.
    #[value(name = "HmacSHA256")]
    HmacSHA256,
}

/// `--http-method`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum HttpMethodArg {
    /// Parameters in the query string.
    #[value(name = "GET", alias = "get")]
    Get,
    /// Parameters in an x-www-form-urlencoded body.
    #[value(name = "POST", alias = "post")]
    Post,
}

/// `--transport`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TransportArg {
    /// captcha-hyper (tokio).
    Hyper,
    /// captcha-async-std.
    AsyncStd,
}

/// `--output`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputArg {
    /// Human-readable lines.
    Text,
    /// One JSON object.
    Json,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// CaptchaGetUrl: the URL of a captcha image (back-end image flow).
    GetUrl(GetUrlArgs),
    /// CaptchaCheck: check a ticket (exit 0 pass, 1 fail).
    Check(CheckArgs),
    /// CaptchaVerify: check what the user typed (exit 0 right, 1 wrong).
    Verify(VerifyArgs),
    /// CaptchaIframeQuery: a one-time captcha script URL.
    IframeQuery(IframeQueryArgs),
    /// CaptchaQuery: the captcha JavaScript itself.
    Query(QueryArgs),
    /// API 3.0 DescribeCaptchaResult: check a ticket with today's API (exit 0 pass, 1 reject).
    DescribeResult(DescribeResultArgs),
    /// Any API 2.0 action; prints the JSON response.
    Call(CallArgs),
    /// Print a signed request without sending it.
    Sign(SignArgs),
    /// Run the local captcha emulator until Ctrl-C.
    Serve(ServeArgs),
    /// Walk the whole captcha flow against a built-in emulator, with both transports.
    Demo(DemoArgs),
}

/// Options of every sending subcommand.
#[derive(Debug, Args)]
pub struct SendArgs {
    /// Print the signed request (secrets redacted) and send nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Pin the Timestamp (UNIX seconds) instead of the clock.
    #[arg(long)]
    pub timestamp: Option<u64>,
    /// Pin the Nonce (positive integer) instead of a random one.
    #[arg(long)]
    pub nonce: Option<u64>,
}

/// The optional user fields most actions take.
#[derive(Debug, Args)]
pub struct UserArgs {
    /// businessId.
    #[arg(long)]
    pub business_id: Option<u64>,
    /// sceneId.
    #[arg(long)]
    pub scene_id: Option<u64>,
    /// accountType (0 other, 1 QQ, 2 WeChat, 4 phone, 6 phone code, 7 e-mail).
    #[arg(long)]
    pub account_type: Option<u32>,
    /// appId (QQ/WeChat app id).
    #[arg(long)]
    pub app_id: Option<String>,
    /// uid.
    #[arg(long)]
    pub uid: Option<String>,
    /// associateAccount.
    #[arg(long)]
    pub associate_account: Option<String>,
    /// registerTime (UNIX seconds).
    #[arg(long)]
    pub register_time: Option<u64>,
    /// xForwardedFor.
    #[arg(long)]
    pub x_forwarded_for: Option<String>,
    /// macAddress.
    #[arg(long)]
    pub mac_address: Option<String>,
    /// imei.
    #[arg(long)]
    pub imei: Option<String>,
}

/// `get-url`.
#[derive(Debug, Args)]
pub struct GetUrlArgs {
    /// userIp.
    #[arg(long)]
    pub user_ip: Option<String>,
    /// captchaType.
    #[arg(long)]
    pub captcha_type: Option<u32>,
    /// disturbLevel.
    #[arg(long)]
    pub disturb_level: Option<u32>,
    /// isHttps (0 or 1).
    #[arg(long)]
    pub is_https: Option<u32>,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub user: UserArgs,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub send: SendArgs,
}

/// `check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The ticket from the front end.
    #[arg(long)]
    pub ticket: String,
    /// userIp.
    #[arg(long)]
    pub user_ip: String,
    /// captchaType.
    #[arg(long)]
    pub captcha_type: u32,
    /// disturbLevel.
    #[arg(long)]
    pub disturb_level: Option<u32>,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub user: UserArgs,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub send: SendArgs,
}

/// `verify`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// captchaSig: the vsig cookie of the image fetch.
    #[arg(long)]
    pub captcha_sig: String,
    /// verifyCode: what the user typed.
    #[arg(long)]
    pub verify_code: String,
    /// userIp.
    #[arg(long)]
    pub user_ip: Option<String>,
    /// captchaType.
    #[arg(long)]
    pub captcha_type: Option<u32>,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub user: UserArgs,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub send: SendArgs,
}

/// `iframe-query`.
#[derive(Debug, Args)]
pub struct IframeQueryArgs {
    /// captchaType.
    #[arg(long)]
    pub captcha_type: u32,
    /// disturbLevel.
    #[arg(long)]
    pub disturb_level: u32,
    /// isHttps (0 or 1).
    #[arg(long)]
    pub is_https: u32,
    /// clientType (1 mobile web, 2 PC web, 4 app).
    #[arg(long)]
    pub client_type: u32,
    /// userIp.
    #[arg(long)]
    pub user_ip: Option<String>,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub user: UserArgs,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub send: SendArgs,
}

/// `query`.
#[derive(Debug, Args)]
pub struct QueryArgs {
    /// userIp.
    #[arg(long)]
    pub user_ip: String,
    /// captchaType.
    #[arg(long)]
    pub captcha_type: u32,
    /// 1: the response is the JavaScript itself; 0: JSON holding it.
    #[arg(long, default_value_t = 0)]
    pub script: u32,
    /// callBack: error-callback function name (script=1).
    #[arg(long)]
    pub call_back: Option<String>,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub user: UserArgs,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub send: SendArgs,
}

/// `describe-result`.
#[derive(Debug, Args)]
pub struct DescribeResultArgs {
    /// CaptchaAppId of the captcha application (from the captcha console).
    #[arg(long)]
    pub captcha_app_id: u64,
    /// AppSecretKey of the captcha application (default: $TENCENTCLOUD_CAPTCHA_APP_SECRET_KEY).
    #[arg(
        long,
        env = "TENCENTCLOUD_CAPTCHA_APP_SECRET_KEY",
        hide_env_values = true
    )]
    pub app_secret_key: String,
    /// Ticket from the front end's callback.
    #[arg(long)]
    pub ticket: String,
    /// Randstr from the front end's callback.
    #[arg(long)]
    pub randstr: String,
    /// The user's public IP as your back end sees it.
    #[arg(long)]
    pub user_ip: String,
    /// CaptchaType (the API fixes it at 9).
    #[arg(long, default_value_t = 9)]
    pub captcha_type: u64,
    /// BusinessId.
    #[arg(long)]
    pub business_id: Option<u64>,
    /// SceneId.
    #[arg(long)]
    pub scene_id: Option<u64>,
    /// MacAddress.
    #[arg(long)]
    pub mac_address: Option<String>,
    /// Imei.
    #[arg(long)]
    pub imei: Option<String>,
    /// Ask for GetCaptchaTime in the answer.
    #[arg(long)]
    pub need_get_captcha_time: bool,
    /// API 3.0 endpoint (default: Tencent's China site).
    #[arg(long, default_value = "https://captcha.tencentcloudapi.com/")]
    pub api3_endpoint: String,
    /// Use Tencent's international site (captcha.intl.tencentcloudapi.com).
    #[arg(long, conflicts_with = "api3_endpoint")]
    pub international: bool,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub send: SendArgs,
}

/// `call`.
#[derive(Debug, Args)]
pub struct CallArgs {
    /// The `Action` name, e.g. DescribeInstances.
    #[arg(long)]
    pub action: String,
    /// A parameter as key=value (repeatable).
    #[arg(long = "param", value_name = "KEY=VALUE")]
    pub params: Vec<String>,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub send: SendArgs,
}

/// `sign`.
#[derive(Debug, Args)]
pub struct SignArgs {
    /// The `Action` name.
    #[arg(long)]
    pub action: String,
    /// A parameter as key=value (repeatable).
    #[arg(long = "param", value_name = "KEY=VALUE")]
    pub params: Vec<String>,
    /// Pin the Timestamp (UNIX seconds).
    #[arg(long)]
    pub timestamp: Option<u64>,
    /// Pin the Nonce.
    #[arg(long)]
    pub nonce: Option<u64>,
    /// Print the string to sign instead of the request.
    #[arg(long)]
    pub string_to_sign: bool,
    /// Leave out the RequestClient parameter (as the published test vectors do).
    #[arg(long)]
    pub no_request_client: bool,
}

/// `serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on. The emulator accepts the global --secret-id/--secret-key
    /// (or the environment), else a built-in demo credential that it prints.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: std::net::SocketAddr,
}

/// `demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Where to save the captcha image (default: a file in the temp directory).
    #[arg(long)]
    pub image_path: Option<PathBuf>,
}
