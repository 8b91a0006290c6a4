//! The command line, as clap sees it. Names are part of the interface: scripts depend on them.
//!
//! Each subcommand flattens the option groups it uses ([`CredentialArgs`], [`Api2Args`],
//! [`Api3Args`], [`TransportArgs`], [`SendArgs`], [`OutputArgs`]), so its `--help` lists only
//! those. The options that were global before the groups existed ([`LEADING_GROUPS`]) may still
//! be written before the subcommand: [`Cli::command_line`] adds them to the top level too,
//! global and hidden. clap then hands a value written before the subcommand to the
//! subcommand's own option of the same id, and accepts (hidden) one the subcommand does not
//! use, which [`Parsed::warnings`] reports as ignored.

use std::ffi::OsString;
use std::path::PathBuf;

use clap::parser::ValueSource;
use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};

/// Sign, send and debug Tencent Cloud captcha (天御) API calls.
#[derive(Debug, Parser)]
#[command(
    name = "tencent-captcha",
    version,
    about,
    long_about = None,
    after_help = "Each subcommand's --help lists its options. Those under Credentials, API 2.0, \
                  Transport and Output may also come before the subcommand, e.g. \
                  `tencent-captcha --output json check ...`."
)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Adds to a top-level command the groups whose options may come before the subcommand:
/// the options that every subcommand accepted when all of them were global.
pub const LEADING_GROUPS: [fn(clap::Command) -> clap::Command; 4] = [
    CredentialArgs::augment_args,
    Api2Args::augment_args,
    TransportArgs::augment_args,
    OutputArgs::augment_args,
];

/// A parsed command line.
#[derive(Debug)]
pub struct Parsed {
    /// What to run.
    pub cli: Cli,
    /// One line per option given on the command line that the subcommand does not use
    /// (e.g. `--region` with `describe-result`): accepted, as before the option groups, and
    /// ignored.
    pub warnings: Vec<String>,
}

impl Cli {
    /// The clap command: the derived one plus, global and hidden, the options of
    /// [`LEADING_GROUPS`], so they may be written before the subcommand without showing up
    /// in the `--help` of subcommands that do not use them.
    pub fn command_line() -> clap::Command {
        // The groups go onto a scratch command first: augmenting the real one would also
        // give it the groups' descriptions.
        LEADING_GROUPS
            .iter()
            .map(|group| group(clap::Command::new("leading")))
            .fold(<Self as CommandFactory>::command(), |command, scratch| {
                command.args(
                    scratch
                        .get_arguments()
                        .map(|arg| arg.clone().global(true).hide(true)),
                )
            })
    }

    /// Parses `args` (program name first).
    pub fn parse_command_line<I, T>(args: I) -> Result<Parsed, clap::Error>
    where
        I: IntoIterator<Item = T>,
        T: Into<OsString> + Clone,
    {
        let mut command = Self::command_line();
        let matches = command.clone().try_get_matches_from(args)?;
        let cli = Self::from_arg_matches(&matches).map_err(|e| e.format(&mut command))?;
        let mut warnings = Vec::new();
        if let Some(sub) = matches
            .subcommand_name()
            .and_then(|name| command.find_subcommand(name))
        {
            // `command` is not built, so `sub` holds only its own options, not the
            // propagated global ones.
            for arg in command.get_arguments() {
                let id = arg.get_id();
                let used = sub.get_arguments().any(|own| own.get_id() == id);
                if !used && matches.value_source(id.as_str()) == Some(ValueSource::CommandLine) {
                    warnings.push(format!(
                        "--{} does not apply to {} and is ignored",
                        arg.get_long().unwrap_or(id.as_str()),
                        sub.get_name()
                    ));
                }
            }
        }
        Ok(Parsed { cli, warnings })
    }
}

/// Default of `--timeout`, in seconds.
pub const DEFAULT_TIMEOUT_SECONDS: f64 = 10.0;

/// SecretId and SecretKey: what `serve` checks signatures with.
#[derive(Debug, Args)]
#[command(next_help_heading = "Credentials")]
pub struct KeyPairArgs {
    /// SecretId (default: $TENCENTCLOUD_SECRET_ID).
    #[arg(long, env = "TENCENTCLOUD_SECRET_ID", hide_env_values = true)]
    pub secret_id: Option<String>,
    /// SecretKey (default: $TENCENTCLOUD_SECRET_KEY).
    #[arg(
        long,
        env = "TENCENTCLOUD_SECRET_KEY",
        hide_env_values = true,
        allow_hyphen_values = true
    )]
    pub secret_key: Option<String>,
}

/// The credential that signs calls.
#[derive(Debug, Args)]
#[command(next_help_heading = "Credentials")]
pub struct CredentialArgs {
    #[command(flatten)]
    #[allow(missing_docs)]
    pub keys: KeyPairArgs,
    /// Session token of temporary credentials (default: $TENCENTCLOUD_SESSION_TOKEN).
    #[arg(
        long,
        env = "TENCENTCLOUD_SESSION_TOKEN",
        hide_env_values = true,
        allow_hyphen_values = true
    )]
    pub session_token: Option<String>,
}

/// Where and how API 2.0 calls are signed and sent.
#[derive(Debug, Args)]
#[command(next_help_heading = "API 2.0")]
pub struct Api2Args {
    /// API 2.0 endpoint URL.
    #[arg(long, default_value = captcha_proto::DEFAULT_ENDPOINT)]
    pub endpoint: String,
    /// Region parameter.
    #[arg(long, default_value = captcha_proto::api2::DEFAULT_REGION)]
    pub region: String,
    /// Signature method.
    #[arg(long, value_enum, default_value_t = SignatureMethodArg::HmacSHA1)]
    pub signature_method: SignatureMethodArg,
    /// How parameters travel: in the query (GET) or a form body (POST).
    #[arg(long, value_enum, default_value_t = HttpMethodArg::Get)]
    pub http_method: HttpMethodArg,
}

/// Where API 3.0 calls go.
#[derive(Debug, Args)]
#[command(next_help_heading = "API 3.0")]
pub struct Api3Args {
    /// API 3.0 endpoint (default: Tencent's China site).
    #[arg(
        long = "v3-endpoint",
        visible_alias = "api3-endpoint",
        default_value = "https://captcha.tencentcloudapi.com/"
    )]
    pub api3_endpoint: String,
    /// Use Tencent's international site (captcha.intl.tencentcloudapi.com).
    #[arg(long, conflicts_with = "api3_endpoint")]
    pub international: bool,
    /// How API 3.0 calls are signed: TC3-HMAC-SHA256, or signature v1.
    #[arg(long, value_enum, default_value_t = SignMethodArg::Tc3)]
    pub sign_method: SignMethodArg,
    /// How API 3.0 parameters travel: POST (a JSON body for TC3, a form for v1) or GET (the
    /// query string).
    #[arg(long = "api3-http-method", value_enum, default_value_t = HttpMethodArg::Post)]
    pub api3_http_method: HttpMethodArg,
}

/// `--sign-method`: the signature of API 3.0 calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SignMethodArg {
    /// TC3-HMAC-SHA256 (what the official SDKs use unless told otherwise).
    #[value(name = "tc3")]
    Tc3,
    /// Signature v1 with HMAC-SHA1.
    #[value(name = "hmac-sha1")]
    HmacSha1,
    /// Signature v1 with HMAC-SHA256.
    #[value(name = "hmac-sha256")]
    HmacSha256,
}

/// The HTTP stack that sends a call, and how long the call may take.
#[derive(Debug, Args)]
#[command(next_help_heading = "Transport")]
pub struct TransportArgs {
    /// HTTP stack that sends the request.
    #[arg(long, value_enum, default_value_t = TransportArg::Hyper)]
    pub transport: TransportArg,
    /// Whole-call timeout in seconds.
    #[arg(long, default_value_t = DEFAULT_TIMEOUT_SECONDS)]
    pub timeout: f64,
}

/// How results are printed.
#[derive(Debug, Args)]
#[command(next_help_heading = "Output")]
pub struct OutputArgs {
    /// Output format.
    #[arg(long = "output", value_enum, default_value_t = OutputArg::Text)]
    pub format: OutputArg,
}

/// Options of every sending subcommand: a dry run, and pins of the signed stamp.
#[derive(Debug, Args)]
#[command(next_help_heading = "Sending")]
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

/// The option groups of every API 2.0 sending subcommand.
#[derive(Debug, Args)]
pub struct Api2CallArgs {
    #[command(flatten)]
    #[allow(missing_docs)]
    pub send: SendArgs,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub credential: CredentialArgs,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub api2: Api2Args,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub transport: TransportArgs,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub output: OutputArgs,
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
    /// API 3.0 DescribeCaptchaRceResult: check a web ticket and read the risk engine's view.
    DescribeRceResult(DescribeResultArgs),
    /// API 3.0 DescribeCaptchaMiniResult: check a mini-program plugin ticket.
    DescribeMiniResult(DescribeMiniResultArgs),
    /// API 3.0 DescribeCaptchaMiniRiskResult (discontinued by Tencent): a mini-program check
    /// with the marketing-risk engine's view.
    DescribeMiniRiskResult(DescribeMiniRiskResultArgs),
    /// Any API 2.0 action; prints the JSON response.
    Call(CallArgs),
    /// Any API 3.0 action with a JSON body; prints the `Response` object.
    Api3(Api3CallArgs),
    /// Print a signed request without sending it.
    Sign(SignArgs),
    /// Run the local captcha emulator until Ctrl-C.
    Serve(ServeArgs),
    /// Walk the whole captcha flow against a built-in emulator, with both transports.
    Demo(DemoArgs),
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
    pub common: Api2CallArgs,
}

/// `check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The ticket from the front end.
    #[arg(long, allow_hyphen_values = true)]
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
    pub common: Api2CallArgs,
}

/// `verify`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// captchaSig: the vsig cookie of the image fetch.
    #[arg(long, allow_hyphen_values = true)]
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
    pub common: Api2CallArgs,
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
    pub common: Api2CallArgs,
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
    pub common: Api2CallArgs,
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
        hide_env_values = true,
        allow_hyphen_values = true
    )]
    pub app_secret_key: String,
    /// Ticket from the front end's callback.
    #[arg(long, allow_hyphen_values = true)]
    pub ticket: String,
    /// Randstr from the front end's callback.
    #[arg(long, allow_hyphen_values = true)]
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
    #[command(flatten)]
    #[allow(missing_docs)]
    pub send: SendArgs,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub credential: CredentialArgs,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub api3: Api3Args,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub transport: TransportArgs,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub output: OutputArgs,
}

/// `describe-mini-result`.
#[derive(Debug, Args)]
pub struct DescribeMiniResultArgs {
    /// CaptchaAppId of the captcha application (from the captcha console).
    #[arg(long)]
    pub captcha_app_id: u64,
    /// AppSecretKey of the captcha application (default: $TENCENTCLOUD_CAPTCHA_APP_SECRET_KEY).
    #[arg(
        long,
        env = "TENCENTCLOUD_CAPTCHA_APP_SECRET_KEY",
        hide_env_values = true,
        allow_hyphen_values = true
    )]
    pub app_secret_key: String,
    /// Ticket from the mini-program plugin.
    #[arg(long, allow_hyphen_values = true)]
    pub ticket: String,
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
    #[command(flatten)]
    #[allow(missing_docs)]
    pub send: SendArgs,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub credential: CredentialArgs,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub api3: Api3Args,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub transport: TransportArgs,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub output: OutputArgs,
}

/// `describe-mini-risk-result`.
#[derive(Debug, Args)]
pub struct DescribeMiniRiskResultArgs {
    /// SceneCode: 1 activity anti-abuse, 2 login protection, 3 sign-up protection.
    #[arg(long)]
    pub scene_code: Option<i64>,
    /// WeChatOpenId of the user.
    #[arg(long)]
    pub we_chat_open_id: Option<String>,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub mini: DescribeMiniResultArgs,
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
    pub common: Api2CallArgs,
}

/// `api3`.
#[derive(Debug, Args)]
pub struct Api3CallArgs {
    /// The action name, sent as X-TC-Action, e.g. DescribeCaptchaResult.
    #[arg(value_name = "ACTION")]
    pub action: String,
    /// The request body: a JSON object, `@FILE` to read it from a file, or `-` to read it
    /// from standard input.
    #[arg(long, value_name = "JSON|@FILE|-", allow_hyphen_values = true)]
    pub json: String,
    /// The service the signature is scoped to (with another service than captcha, point
    /// --v3-endpoint at its host, e.g. `https://cvm.tencentcloudapi.com/`).
    #[arg(long, default_value = captcha_proto::api3::CAPTCHA_SERVICE)]
    pub service: String,
    /// The API version, sent as X-TC-Version.
    #[arg(long = "version", value_name = "VERSION", default_value = captcha_proto::api3::CAPTCHA_VERSION)]
    pub api_version: String,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub send: SendArgs,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub credential: CredentialArgs,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub api3: Api3Args,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub transport: TransportArgs,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub output: OutputArgs,
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
    #[command(flatten)]
    #[allow(missing_docs)]
    pub credential: CredentialArgs,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub api2: Api2Args,
}

/// `serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: std::net::SocketAddr,
    /// The credential the emulator accepts: --secret-id with --secret-key (or the
    /// environment), else a built-in demo credential that it prints.
    #[command(flatten)]
    pub keys: KeyPairArgs,
}

/// `demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Where to save the captcha image (default: a file in the temp directory).
    #[arg(long)]
    pub image_path: Option<PathBuf>,
    /// Whole-call timeout in seconds, for each call of the demo.
    #[arg(long, default_value_t = DEFAULT_TIMEOUT_SECONDS)]
    pub timeout: f64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Parsed {
        Cli::parse_command_line(std::iter::once("tencent-captcha").chain(args.iter().copied()))
            .expect("parses")
    }

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command_line().debug_assert();
    }

    /// A leading option's value reaches a subcommand's own option of the same id only if
    /// both agree on name, type and default; anything else is a panic at parse time.
    #[test]
    fn own_options_agree_with_the_leading_ones() {
        let command = Cli::command_line();
        let mut shared = 0;
        for sub in command.get_subcommands() {
            for own in sub.get_arguments() {
                let Some(leading) = command
                    .get_arguments()
                    .find(|arg| arg.get_id() == own.get_id())
                else {
                    continue;
                };
                shared += 1;
                let what = format!("{} --{}", sub.get_name(), own.get_id());
                assert_eq!(own.get_long(), leading.get_long(), "{what}");
                assert_eq!(
                    own.get_value_parser().type_id(),
                    leading.get_value_parser().type_id(),
                    "{what}"
                );
                assert_eq!(
                    own.get_default_values(),
                    leading.get_default_values(),
                    "{what}"
                );
                assert_eq!(own.get_env(), leading.get_env(), "{what}");
            }
        }
        assert!(shared > 0);
    }

    #[test]
    fn a_leading_option_reaches_the_subcommand() {
        let parsed = parse(&["--timeout", "5", "demo"]);
        let Command::Demo(demo) = parsed.cli.command else {
            panic!("demo")
        };
        assert_eq!(demo.timeout, 5.0);
        assert!(parsed.warnings.is_empty(), "{:?}", parsed.warnings);
    }

    #[test]
    fn an_option_written_after_the_subcommand_wins() {
        let parsed = parse(&["--region", "sh", "sign", "--action", "A", "--region", "bj"]);
        let Command::Sign(sign) = parsed.cli.command else {
            panic!("sign")
        };
        assert_eq!(sign.api2.region, "bj");
    }

    #[test]
    fn an_option_the_subcommand_does_not_use_is_ignored_with_a_warning() {
        let parsed = parse(&["--transport", "async-std", "serve", "--output", "json"]);
        assert!(matches!(parsed.cli.command, Command::Serve(_)));
        assert_eq!(
            parsed.warnings,
            [
                "--transport does not apply to serve and is ignored",
                "--output does not apply to serve and is ignored",
            ]
        );
    }
}
