//! Turning command-line values into SDK values, with errors that name the option.

use std::net::IpAddr;

use captcha_client::credentials::CredentialEndpoints;
use captcha_proto::{
    AccountType, Api2Config, Api2RawAction, Credential, Endpoint, HttpMethod, SignatureMethod,
    UserInfo,
};

use crate::args::{Api2Args, CredentialArgs, HttpMethodArg, SignatureMethodArg, UserArgs};
use crate::failure::Failure;

/// The credential from `--secret-id`/`--secret-key`/`--session-token` (or their environment variables).
pub fn credential(args: &CredentialArgs) -> Result<Credential, Failure> {
    match (&args.keys.secret_id, &args.keys.secret_key) {
        (Some(id), Some(key)) => {
            let credential = Credential::new(id.clone(), key.clone())?;
            Ok(match &args.session_token {
                Some(token) => credential.with_token(token.clone())?,
                None => credential,
            })
        }
        (None, None) if args.session_token.is_some() => Err(Failure::usage(
            "--session-token",
            "goes with --secret-id and --secret-key",
        )),
        (None, None) => {
            let client = chain_client(args)?;
            block_on(client.credential()).map_err(no_credential)
        }
        (Some(_), None) => Err(Failure::usage(
            "--secret-key",
            "missing (given --secret-id)",
        )),
        (None, Some(_)) => Err(Failure::usage(
            "--secret-id",
            "missing (given --secret-key)",
        )),
    }
}

/// A client whose credential comes from the default chain, pointed at the metadata
/// service and STS the options name.
pub fn chain_client(args: &CredentialArgs) -> Result<captcha_hyper::Client, Failure> {
    let endpoint = |option: &str, url: &str| {
        url.parse::<Endpoint>()
            .map_err(|e| Failure::usage(option, e))
    };
    let endpoints = CredentialEndpoints {
        metadata: endpoint("--metadata-endpoint", &args.metadata_endpoint)?,
        sts: endpoint("--sts-endpoint", &args.sts_endpoint)?,
        ..CredentialEndpoints::default()
    };
    captcha_hyper::Client::builder()
        .credential_endpoints(endpoints)
        .build()
        .map_err(|e| Failure::Usage(format!("credentials: {e}")))
}

/// Runs `future` on a runtime of its own (the commands that resolve credentials are not
/// inside one).
pub fn block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a current-thread runtime starts")
        .block_on(future)
}

/// The usage error of a chain that found no credential.
pub fn no_credential(error: captcha_client::Error) -> Failure {
    Failure::Usage(format!(
        "{error} (pass --secret-id and --secret-key, or see `tencent-captcha credentials --help`)"
    ))
}

/// The API 2.0 config described by the credential and API 2.0 options.
pub fn config(keys: &CredentialArgs, api2: &Api2Args) -> Result<Api2Config, Failure> {
    let endpoint: Endpoint = api2
        .endpoint
        .parse()
        .map_err(|e| Failure::usage("--endpoint", e))?;
    Ok(Api2Config::new(credential(keys)?)
        .with_endpoint(endpoint)
        .with_region(api2.region.clone())
        .with_signature_method(match api2.signature_method {
            SignatureMethodArg::HmacSHA1 => SignatureMethod::HmacSha1,
            SignatureMethodArg::HmacSHA256 => SignatureMethod::HmacSha256,
        })
        .with_http_method(match api2.http_method {
            HttpMethodArg::Get => HttpMethod::Get,
            HttpMethodArg::Post => HttpMethod::Post,
        }))
}

/// `--timeout` as a duration (positive, finite).
pub fn timeout(seconds: f64) -> Result<std::time::Duration, Failure> {
    std::time::Duration::try_from_secs_f64(seconds)
        .ok()
        .filter(|d| !d.is_zero())
        .ok_or_else(|| Failure::usage("--timeout", "must be a positive number of seconds"))
}

/// Parses an IP address option.
pub fn ip(option: &str, value: &str) -> Result<IpAddr, Failure> {
    value
        .trim()
        .parse()
        .map_err(|_| Failure::usage(option, format!("{value:?} is not an IP address")))
}

/// Parses an optional IP address option.
pub fn optional_ip(option: &str, value: Option<&str>) -> Result<Option<IpAddr>, Failure> {
    value.map(|v| ip(option, v)).transpose()
}

/// The user fields given on the command line.
pub fn user_info(args: &UserArgs) -> UserInfo {
    UserInfo {
        account_type: args.account_type.map(AccountType::from),
        app_id: args.app_id.clone(),
        uid: args.uid.clone(),
        associate_account: args.associate_account.clone(),
        register_time: args.register_time,
        user_ip: None,
        x_forwarded_for: args.x_forwarded_for.clone(),
        mac_address: args.mac_address.clone(),
        imei: args.imei.clone(),
        business_id: args.business_id,
        scene_id: args.scene_id,
    }
}

/// A raw action from `--action` and `--param key=value` pairs.
pub fn raw_action(action: &str, params: &[String]) -> Result<Api2RawAction, Failure> {
    if action.trim().is_empty() {
        return Err(Failure::usage("--action", "must not be empty"));
    }
    params
        .iter()
        .try_fold(Api2RawAction::new(action), |raw, pair| {
            let (key, value) = pair
                .split_once('=')
                .ok_or_else(|| Failure::usage("--param", format!("{pair:?} is not key=value")))?;
            if key.is_empty() {
                return Err(Failure::usage(
                    "--param",
                    format!("{pair:?} has an empty key"),
                ));
            }
            Ok(raw.param(key, value))
        })
}

/// `--script` as a format.
pub fn script_format(value: u32) -> Result<captcha_proto::ScriptFormat, Failure> {
    match value {
        0 => Ok(captcha_proto::ScriptFormat::Json),
        1 => Ok(captcha_proto::ScriptFormat::JavaScript),
        _ => Err(Failure::usage("--script", "must be 0 or 1")),
    }
}

/// `--is-https` as a value.
pub fn is_https(value: u32) -> Result<captcha_proto::IsHttps, Failure> {
    match value {
        0 | 1 => Ok(captcha_proto::IsHttps::from(value)),
        _ => Err(Failure::usage("--is-https", "must be 0 or 1")),
    }
}
