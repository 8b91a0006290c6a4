//! Runs the `tencent-captcha` binary as a user would: exit codes, golden `sign` output,
//! redacted dry runs, the demo, and both transports against `serve`.

use std::io::{BufRead, BufReader};
use std::net::IpAddr;
use std::process::{Child, Command, Output, Stdio};

use captcha_emulator::{BackgroundEmulator, DEMO_SECRET_ID, DEMO_SECRET_KEY, Emulator};

/// The published V1 vector's key pair (docs/protocol.md, "Known-answer vectors").
const DOC_ID: &str = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3gnPhESA";
const DOC_KEY: &str = "Gu5t9xGARNpq86cd98joQYCN3Cozk1qA";

fn cli() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_tencent-captcha"));
    // The tests choose credentials explicitly; the developer's environment must not leak in.
    for var in [
        "TENCENTCLOUD_SECRET_ID",
        "TENCENTCLOUD_SECRET_KEY",
        "TENCENTCLOUD_SESSION_TOKEN",
        "TENCENTCLOUD_TOKEN",
        "TENCENTCLOUD_CREDENTIALS_FILE",
        "TENCENTCLOUD_CAPTCHA_APP_SECRET_KEY",
        "TKE_REGION",
        "TKE_PROVIDER_ID",
        "TKE_WEB_IDENTITY_TOKEN_FILE",
        "TKE_ROLE_ARN",
    ] {
        command.env_remove(var);
    }
    // No profile file of the developer's either.
    command.env("HOME", "/nonexistent-home-of-the-cli-tests");
    command
}

fn run(args: &[&str]) -> Output {
    cli().args(args).output().expect("the binary runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn code(output: &Output) -> i32 {
    output.status.code().expect("exited normally")
}

/// The global options that point the CLI at an emulator with the demo credential.
fn at(emulator: &BackgroundEmulator) -> Vec<String> {
    vec![
        "--endpoint".into(),
        emulator.handle().endpoint().to_string(),
        "--secret-id".into(),
        DEMO_SECRET_ID.into(),
        "--secret-key".into(),
        DEMO_SECRET_KEY.into(),
    ]
}

fn emulator() -> BackgroundEmulator {
    BackgroundEmulator::start(Emulator::demo(), ([127, 0, 0, 1], 0).into())
        .expect("emulator starts")
}

fn with(base: &[String], rest: &[&str]) -> Vec<String> {
    base.iter()
        .cloned()
        .chain(rest.iter().map(|s| s.to_string()))
        .collect()
}

fn run_owned(args: &[String]) -> Output {
    cli().args(args).output().expect("the binary runs")
}

const USER_IP: &str = "203.0.113.7";

#[test]
fn sign_prints_the_published_v1_url() {
    let output = run(&[
        "--endpoint",
        "https://cvm.api.qcloud.com/v2/index.php",
        "--secret-id",
        DOC_ID,
        "--secret-key",
        DOC_KEY,
        "sign",
        "--action",
        "DescribeInstances",
        "--param",
        "instanceIds.0=ins-09dx96dg",
        "--param",
        "limit=20",
        "--param",
        "offset=0",
        "--timestamp",
        "1465185768",
        "--nonce",
        "11886",
        "--no-request-client",
    ]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert_eq!(
        stdout(&output),
        "https://cvm.api.qcloud.com/v2/index.php?Action=DescribeInstances&Nonce=11886&Region=gz\
         &SecretId=AKIDz8krbsJ5yKBZQpn74WFkmLPx3gnPhESA&Timestamp=1465185768&instanceIds.0=ins-09dx96dg\
         &limit=20&offset=0&Signature=NSI3UqqD99b%2FUJb4tbG%2FxZpRW64%3D\n"
    );
}

#[test]
fn sign_prints_the_string_to_sign_and_the_d3_post_body() {
    let d3 = [
        "--secret-id",
        DOC_ID,
        "--secret-key",
        DOC_KEY,
        "sign",
        "--action",
        "CaptchaCheck",
        "--param",
        "captchaType=9",
        "--param",
        "ticket=t02 a+b/c=d*~",
        "--param",
        "userIp=127.0.0.1",
        "--param",
        "accountType=0",
        "--param",
        "businessId=1",
        "--timestamp",
        "1465185768",
        "--nonce",
        "11886",
        "--no-request-client",
    ];
    let text = run(&[&d3[..], &["--string-to-sign"]].concat());
    assert_eq!(
        stdout(&text),
        "GETcsec.api.qcloud.com/v2/index.php?Action=CaptchaCheck&Nonce=11886&Region=gz\
         &SecretId=AKIDz8krbsJ5yKBZQpn74WFkmLPx3gnPhESA&Timestamp=1465185768&accountType=0&businessId=1\
         &captchaType=9&ticket=t02 a+b/c=d*~&userIp=127.0.0.1\n"
    );
    let body = run(&[&["--http-method", "POST"], &d3[..]].concat());
    assert_eq!(code(&body), 0, "{}", stderr(&body));
    assert_eq!(
        stdout(&body),
        "Action=CaptchaCheck&Nonce=11886&Region=gz&SecretId=AKIDz8krbsJ5yKBZQpn74WFkmLPx3gnPhESA\
         &Timestamp=1465185768&accountType=0&businessId=1&captchaType=9&ticket=t02%20a%2Bb%2Fc%3Dd%2A~\
         &userIp=127.0.0.1&Signature=Lu9KKGNYMIy3EkpO7nZhr5p3Q5A%3D\n"
    );
}

#[test]
fn sign_with_sha256_matches_d2() {
    let output = run(&[
        "--secret-id",
        DOC_ID,
        "--secret-key",
        DOC_KEY,
        "--signature-method",
        "HmacSHA256",
        "sign",
        "--action",
        "CaptchaIframeQuery",
        "--param",
        "captchaType=9",
        "--param",
        "disturbLevel=1",
        "--param",
        "isHttps=1",
        "--param",
        "clientType=2",
        "--param",
        "accountType=0",
        "--param",
        "userIp=127.0.0.1",
        "--param",
        "businessId=1",
        "--timestamp",
        "1465185768",
        "--nonce",
        "11886",
        "--no-request-client",
    ]);
    assert!(
        stdout(&output)
            .ends_with("&Signature=BO4mVo%2F56PohtzfavKtO%2BhooALBlWCbgKyqPIWERYcg%3D\n"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn check_passes_once_then_fails_with_exit_0_then_1() {
    let emulator = emulator();
    let ticket = emulator.handle().mint_ticket(USER_IP.parse().unwrap(), 9);
    let args = with(
        &at(&emulator),
        &[
            "check",
            "--ticket",
            &ticket,
            "--user-ip",
            USER_IP,
            "--captcha-type",
            "9",
        ],
    );
    let first = run_owned(&args);
    assert_eq!(code(&first), 0, "{}{}", stdout(&first), stderr(&first));
    assert!(stdout(&first).contains("verdict: pass"));
    let second = run_owned(&args);
    assert_eq!(code(&second), 1, "{}", stderr(&second));
    assert!(stdout(&second).contains("verdict: fail"));
    for output in [&first, &second] {
        assert!(!stdout(output).contains(&ticket) && !stderr(output).contains(&ticket));
    }
}

#[test]
fn usage_errors_exit_2_and_name_the_option() {
    let missing = run(&["check", "--user-ip", USER_IP, "--captcha-type", "9"]);
    assert_eq!(code(&missing), 2);
    assert!(
        stderr(&missing).contains("--ticket"),
        "{}",
        stderr(&missing)
    );

    let bad_ip = run(&[
        "--secret-id",
        "AKIDx",
        "--secret-key",
        "k",
        "check",
        "--ticket",
        "t",
        "--user-ip",
        "nope",
        "--captcha-type",
        "9",
    ]);
    assert_eq!(code(&bad_ip), 2);
    assert!(stderr(&bad_ip).contains("--user-ip"), "{}", stderr(&bad_ip));

    let no_key = run(&[
        "check",
        "--ticket",
        "t",
        "--user-ip",
        USER_IP,
        "--captcha-type",
        "9",
    ]);
    assert_eq!(code(&no_key), 2);
    assert!(
        stderr(&no_key).contains("--secret-id"),
        "{}",
        stderr(&no_key)
    );

    let bad_endpoint = run(&[
        "--endpoint",
        "ftp://x/",
        "--secret-id",
        "AKIDx",
        "--secret-key",
        "k",
        "get-url",
        "--dry-run",
    ]);
    assert_eq!(code(&bad_endpoint), 2);
    assert!(
        stderr(&bad_endpoint).contains("--endpoint"),
        "{}",
        stderr(&bad_endpoint)
    );

    let zero_nonce = run(&[
        "--secret-id",
        "AKIDx",
        "--secret-key",
        "k",
        "sign",
        "--action",
        "A",
        "--nonce",
        "0",
    ]);
    assert_eq!(code(&zero_nonce), 2);
    assert!(
        stderr(&zero_nonce).contains("Nonce"),
        "{}",
        stderr(&zero_nonce)
    );

    for output in [&missing, &bad_ip, &no_key, &bad_endpoint, &zero_nonce] {
        assert_eq!(
            stderr(output)
                .trim()
                .lines()
                .filter(|l| l.contains("panicked"))
                .count(),
            0
        );
    }
}

/// A timeout as long as the user likes (here about 317 billion years) is a timeout, not
/// a panic on `Instant` arithmetic, on both transports.
#[test]
fn a_huge_timeout_still_works() {
    let emulator = emulator();
    for transport in ["hyper", "async-std"] {
        let args = with(
            &at(&emulator),
            &["--timeout", "1e19", "--transport", transport, "get-url"],
        );
        let output = run_owned(&args);
        assert_eq!(code(&output), 0, "{transport}: {}", stderr(&output));
        assert!(stdout(&output).contains("http"), "{}", stdout(&output));
    }
}

#[test]
fn api_refusal_exits_3() {
    let emulator = emulator();
    let mut args = at(&emulator);
    args[5] = "not-the-demo-key".into();
    let output = run_owned(&with(&args, &["get-url"]));
    assert_eq!(code(&output), 3, "{}", stderr(&output));
    assert!(stderr(&output).contains("4100"), "{}", stderr(&output));
    assert!(!stderr(&output).contains("not-the-demo-key"));
    assert_eq!(
        stderr(&output).trim().lines().count(),
        1,
        "one clear line: {}",
        stderr(&output)
    );
}

#[test]
fn transport_failure_exits_4() {
    let output = run(&[
        "--endpoint",
        &format!("http://127.0.0.1:{CLOSED_PORT}/v2/index.php"),
        "--secret-id",
        "AKIDx",
        "--secret-key",
        "k",
        "--timeout",
        "5",
        "get-url",
    ]);
    assert_eq!(code(&output), 4, "{}", stderr(&output));
    assert!(stderr(&output).contains("not sent"), "{}", stderr(&output));
}

#[test]
fn dry_run_prints_a_redacted_request_and_sends_nothing() {
    let emulator = emulator();
    let output = run_owned(&with(
        &at(&emulator),
        &[
            "check",
            "--ticket",
            "t03SecretTicketValue",
            "--user-ip",
            USER_IP,
            "--captcha-type",
            "9",
            "--dry-run",
        ],
    ));
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let shown = stdout(&output);
    assert!(
        shown.contains("ticket=[redacted]") && shown.contains("Signature=[redacted]"),
        "{shown}"
    );
    assert!(!shown.contains("t03SecretTicketValue") && !shown.contains(DEMO_SECRET_KEY));
    assert_eq!(
        emulator.handle().stats().requests_total,
        0,
        "a dry run sends nothing"
    );
}

/// `describe-result` signs and sends in every mode the official SDKs offer; the emulator
/// checks each signature and spends the ticket once.
#[test]
fn describe_result_in_every_signing_mode() {
    let emulator = emulator();
    let app_id = captcha_emulator::DEMO_CAPTCHA_APP_ID.to_string();
    let v3 = emulator.handle().api3_endpoint().to_string();
    let modes = [
        ("tc3", "GET"),
        ("hmac-sha1", "POST"),
        ("hmac-sha1", "GET"),
        ("hmac-sha256", "POST"),
        ("hmac-sha256", "GET"),
    ];
    for (sign_method, http_method) in modes {
        let minted = emulator
            .handle()
            .mint_api3_ticket(
                captcha_emulator::DEMO_CAPTCHA_APP_ID,
                USER_IP.parse().unwrap(),
            )
            .unwrap();
        let args = with(
            &at(&emulator),
            &[
                "describe-result",
                "--v3-endpoint",
                &v3,
                "--sign-method",
                sign_method,
                "--api3-http-method",
                http_method,
                "--captcha-app-id",
                &app_id,
                "--app-secret-key",
                captcha_emulator::DEMO_APP_SECRET_KEY,
                "--ticket",
                minted.ticket.expose_secret(),
                "--randstr",
                &minted.randstr,
                "--user-ip",
                USER_IP,
            ],
        );
        let mode = format!("{sign_method} {http_method}");
        let pass = run_owned(&args);
        assert_eq!(code(&pass), 0, "{mode}: {}{}", stdout(&pass), stderr(&pass));
        assert!(
            stdout(&pass).contains("verdict: pass"),
            "{mode}: {}",
            stdout(&pass)
        );
        let again = run_owned(&args);
        assert_eq!(code(&again), 1, "{mode}: {}", stderr(&again));
        assert!(
            stdout(&again).contains("captcha_code: 9"),
            "{mode}: {}",
            stdout(&again)
        );
    }
}

#[test]
fn describe_result_passes_then_rejects_against_the_emulator() {
    let emulator = emulator();
    let minted = emulator
        .handle()
        .mint_api3_ticket(
            captcha_emulator::DEMO_CAPTCHA_APP_ID,
            USER_IP.parse().unwrap(),
        )
        .unwrap();
    let app_id = captcha_emulator::DEMO_CAPTCHA_APP_ID.to_string();
    let v3 = emulator.handle().api3_endpoint().to_string();
    let args = with(
        &at(&emulator),
        &[
            "describe-result",
            "--v3-endpoint",
            &v3,
            "--captcha-app-id",
            &app_id,
            "--app-secret-key",
            captcha_emulator::DEMO_APP_SECRET_KEY,
            "--ticket",
            minted.ticket.expose_secret(),
            "--randstr",
            &minted.randstr,
            "--user-ip",
            USER_IP,
        ],
    );
    let pass = run_owned(&args);
    assert_eq!(code(&pass), 0, "{}{}", stdout(&pass), stderr(&pass));
    assert!(stdout(&pass).contains("verdict: pass"), "{}", stdout(&pass));
    let again = run_owned(&args);
    assert_eq!(code(&again), 1, "{}", stderr(&again));
    assert!(
        stdout(&again).contains("captcha_code: 9"),
        "{}",
        stdout(&again)
    );
    for output in [&pass, &again] {
        let all = stdout(output) + &stderr(output);
        assert!(
            !all.contains(minted.ticket.expose_secret())
                && !all.contains(captcha_emulator::DEMO_APP_SECRET_KEY)
        );
    }
}

/// The typed subcommands of the other three ticket checks pass a fresh ticket of their
/// kind, reject it the second time, and show the risk level their action adds.
#[test]
fn the_other_ticket_checks_pass_then_reject() {
    use captcha_emulator::Api3TicketKind;
    let emulator = emulator();
    let app_id = captcha_emulator::DEMO_CAPTCHA_APP_ID.to_string();
    let v3 = emulator.handle().api3_endpoint().to_string();
    let cases: [(&str, Api3TicketKind, &[&str], bool); 3] = [
        ("describe-rce-result", Api3TicketKind::Web, &[], true),
        ("describe-mini-result", Api3TicketKind::Mini, &[], false),
        (
            "describe-mini-risk-result",
            Api3TicketKind::Mini,
            &["--scene-code", "2"],
            true,
        ),
    ];
    for (command, kind, extra, shows_risk) in cases {
        let minted = emulator
            .handle()
            .mint_api3_ticket_of(
                kind,
                captcha_emulator::DEMO_CAPTCHA_APP_ID,
                USER_IP.parse().unwrap(),
            )
            .unwrap();
        let mut args = vec![
            command,
            "--v3-endpoint",
            &v3,
            "--captcha-app-id",
            &app_id,
            "--app-secret-key",
            captcha_emulator::DEMO_APP_SECRET_KEY,
            "--ticket",
            minted.ticket.expose_secret(),
            "--user-ip",
            USER_IP,
        ];
        if kind == Api3TicketKind::Web {
            args.extend(["--randstr", &minted.randstr]);
        }
        args.extend(extra);
        let args = with(&at(&emulator), &args);
        let pass = run_owned(&args);
        assert_eq!(
            code(&pass),
            0,
            "{command}: {}{}",
            stdout(&pass),
            stderr(&pass)
        );
        assert!(stdout(&pass).contains("verdict: pass"), "{}", stdout(&pass));
        assert_eq!(
            stdout(&pass).contains("risk_level: pass"),
            shows_risk,
            "{command}: {}",
            stdout(&pass)
        );
        let again = run_owned(&args);
        assert_eq!(code(&again), 1, "{command}: {}", stderr(&again));
        assert!(
            stdout(&again).contains("captcha_code: 9"),
            "{}",
            stdout(&again)
        );
        let all = stdout(&pass) + &stderr(&pass) + &stdout(&again);
        assert!(!all.contains(minted.ticket.expose_secret()));
        assert!(!all.contains(captcha_emulator::DEMO_APP_SECRET_KEY));
    }
}

#[test]
fn json_output_is_one_object() {
    let emulator = emulator();
    let ticket = emulator.handle().mint_ticket(USER_IP.parse().unwrap(), 9);
    let output = run_owned(&with(
        &at(&emulator),
        &[
            "--output",
            "json",
            "check",
            "--ticket",
            &ticket,
            "--user-ip",
            USER_IP,
            "--captcha-type",
            "9",
        ],
    ));
    let value: serde_json::Value = serde_json::from_str(stdout(&output).trim()).expect("JSON");
    assert_eq!(value["verdict"], "pass");
    assert_eq!(value["action"], "CaptchaCheck");
}

#[test]
fn demo_walks_the_whole_flow() {
    let dir =
        std::env::temp_dir().join(format!("tencent-captcha-demo-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let image = dir.join("captcha.png");
    let output = run(&["demo", "--image-path", image.to_str().unwrap()]);
    assert_eq!(code(&output), 0, "{}{}", stdout(&output), stderr(&output));
    let shown = stdout(&output);
    assert!(shown.contains("demo complete"), "{shown}");
    assert_eq!(
        shown.matches("verdict: pass (code 0)").count(),
        2,
        "{shown}"
    );
    assert_eq!(shown.matches("verdict: fail").count(), 2, "{shown}");
    assert_eq!(shown.matches("verdict: right").count(), 2, "{shown}");
    assert_eq!(
        shown.matches("CaptchaCode 1,").count(),
        2,
        "API 3.0 passes once per transport: {shown}"
    );
    assert_eq!(
        shown.matches("CaptchaCode 9:").count(),
        2,
        "then reports the reuse: {shown}"
    );
    let png = std::fs::read(&image).expect("the image was saved");
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
    std::fs::remove_dir_all(&dir).ok();
}

/// A `serve` process, stopped when dropped.
struct Served {
    child: Child,
    endpoint: String,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve() -> Served {
    // Port 0: the server picks a free port and prints it, so no other test can take it first.
    let mut child = cli()
        .args(["serve", "--addr", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("serve starts");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let endpoint = loop {
        let line = lines.next().expect("serve prints its endpoint").unwrap();
        if let Some(rest) = line.strip_prefix("API 2.0:") {
            break rest.trim().to_owned();
        }
    };
    Served { child, endpoint }
}

/// Mints a ticket through the emulator's HTTP endpoint.
fn mint_over_http(endpoint: &str, user_ip: IpAddr) -> String {
    let base = endpoint.trim_end_matches("/v2/index.php");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let client = captcha_hyper::Client::builder()
        .credential(captcha_proto::Credential::new(DEMO_SECRET_ID, DEMO_SECRET_KEY).unwrap())
        .build()
        .unwrap();
    let request = http::Request::post(format!("{base}/emulator/tickets"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("captchaType=9&userIp={user_ip}").into_bytes())
        .unwrap();
    let response = runtime.block_on(client.send(request)).expect("mint");
    let body: serde_json::Value = serde_json::from_slice(response.body()).expect("JSON");
    body["ticket"].as_str().expect("a ticket").to_owned()
}

#[test]
fn both_transports_agree_against_serve() {
    let served = serve();
    let global = |transport: &str| -> Vec<String> {
        [
            "--endpoint",
            &served.endpoint,
            "--secret-id",
            DEMO_SECRET_ID,
            "--secret-key",
            DEMO_SECRET_KEY,
            "--transport",
            transport,
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    };
    let mut transcripts = Vec::new();
    for transport in ["hyper", "async-std"] {
        let ticket = mint_over_http(&served.endpoint, USER_IP.parse().unwrap());
        let check = with(
            &global(transport),
            &[
                "check",
                "--ticket",
                &ticket,
                "--user-ip",
                USER_IP,
                "--captcha-type",
                "9",
            ],
        );
        let pass = run_owned(&check);
        let fail = run_owned(&check);
        let wrong_key = run_owned(&with(
            &global(transport)
                .into_iter()
                .map(|a| {
                    if a == DEMO_SECRET_KEY {
                        "wrong".into()
                    } else {
                        a
                    }
                })
                .collect::<Vec<_>>(),
            &[
                "check",
                "--ticket",
                &ticket,
                "--user-ip",
                USER_IP,
                "--captcha-type",
                "9",
            ],
        ));
        let get_url = run_owned(&with(
            &global(transport),
            &["get-url", "--captcha-type", "1"],
        ));
        assert!(
            stdout(&get_url).contains("url: http://"),
            "{}",
            stderr(&get_url)
        );
        transcripts.push((
            code(&pass),
            stdout(&pass),
            code(&fail),
            stdout(&fail),
            code(&wrong_key),
            code(&get_url),
        ));
    }
    assert_eq!(transcripts[0], transcripts[1]);
    assert_eq!(
        (
            transcripts[0].0,
            transcripts[0].2,
            transcripts[0].4,
            transcripts[0].5
        ),
        (0, 1, 3, 0)
    );
}

fn help(subcommand: &str) -> String {
    let output = run(&[subcommand, "--help"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    stdout(&output)
}

/// Whether `help` lists `option` itself (`--endpoint` is not `--v3-endpoint`).
fn lists(help: &str, option: &str) -> bool {
    help.split(|c: char| c.is_whitespace() || c == ',' || c == '[' || c == ']')
        .any(|word| word == option)
}

#[test]
fn each_subcommand_lists_only_the_options_it_uses() {
    let describe = help("describe-result");
    for option in [
        "--v3-endpoint",
        "--secret-key",
        "--transport",
        "--output",
        "--dry-run",
    ] {
        assert!(lists(&describe, option), "{option} missing: {describe}");
    }
    for option in [
        "--signature-method",
        "--region",
        "--http-method",
        "--endpoint",
    ] {
        assert!(!lists(&describe, option), "{option} listed: {describe}");
    }

    let check = help("check");
    for option in [
        "--signature-method",
        "--region",
        "--http-method",
        "--endpoint",
        "--transport",
        "--timeout",
        "--output",
        "--secret-id",
    ] {
        assert!(lists(&check, option), "{option} missing: {check}");
    }
    for option in ["--v3-endpoint", "--international"] {
        assert!(!lists(&check, option), "{option} listed: {check}");
    }

    let serve = help("serve");
    for option in ["--addr", "--secret-id", "--secret-key"] {
        assert!(lists(&serve, option), "{option} missing: {serve}");
    }
    for option in [
        "--transport",
        "--timeout",
        "--output",
        "--endpoint",
        "--session-token",
    ] {
        assert!(!lists(&serve, option), "{option} listed: {serve}");
    }

    let sign = help("sign");
    assert!(lists(&sign, "--signature-method"), "{sign}");
    for option in ["--transport", "--output", "--dry-run"] {
        assert!(!lists(&sign, option), "{option} listed: {sign}");
    }

    let demo = help("demo");
    assert!(lists(&demo, "--timeout"), "{demo}");
    for option in ["--transport", "--secret-id", "--endpoint"] {
        assert!(!lists(&demo, option), "{option} listed: {demo}");
    }
}

/// The options every subcommand took when all were global, before the subcommand and after
/// it: the same signed request either way.
#[test]
fn options_before_the_subcommand_still_work() {
    let shared = [
        "--endpoint",
        "http://127.0.0.1:1/v2/index.php",
        "--region",
        "sh",
        "--secret-id",
        "AKIDx",
        "--secret-key",
        "k",
        "--session-token",
        "token",
        "--signature-method",
        "HmacSHA256",
        "--http-method",
        "POST",
        "--transport",
        "async-std",
        "--timeout",
        "5",
        "--output",
        "json",
    ];
    let check = [
        "--ticket",
        "t03SecretTicketValue",
        "--user-ip",
        USER_IP,
        "--captcha-type",
        "9",
        "--dry-run",
        "--timestamp",
        "1465185768",
        "--nonce",
        "11886",
    ];
    let before = run(&[&shared[..], &["check"], &check[..]].concat());
    let after = run(&[&["check"], &shared[..], &check[..]].concat());
    assert_eq!(code(&before), 0, "{}", stderr(&before));
    assert_eq!(stdout(&before), stdout(&after));
    assert_eq!(stderr(&before), "", "no warning: check uses them all");
    let value: serde_json::Value = serde_json::from_str(stdout(&before).trim()).expect("JSON");
    let request = value["request"].as_str().unwrap();
    assert!(
        request.starts_with("POST http://127.0.0.1:1/v2/index.php")
            && request.contains("Region=sh")
            && request.contains("SignatureMethod=HmacSHA256"),
        "{request}"
    );

    let describe = [
        "describe-result",
        "--captcha-app-id",
        "190000000",
        "--app-secret-key",
        "app-key",
        "--ticket",
        "t03SecretTicketValue",
        "--randstr",
        "@r4nd",
        "--user-ip",
        USER_IP,
        "--dry-run",
    ];
    let output = run(&[
        &[
            "--output",
            "json",
            "--secret-id",
            "AKIDx",
            "--secret-key",
            "k",
            "--transport",
            "async-std",
            "--timeout",
            "5",
        ],
        &describe[..],
    ]
    .concat());
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert_eq!(stderr(&output), "");
    let value: serde_json::Value = serde_json::from_str(stdout(&output).trim()).expect("JSON");
    assert_eq!(value["action"], "DescribeCaptchaResult");
    assert!(
        value["request"]
            .as_str()
            .unwrap()
            .starts_with("POST https://captcha.tencentcloudapi.com/"),
        "{value}"
    );
}

/// An option of another group, before the subcommand or after it, is accepted as it was when
/// all options were global, and named in a warning as ignored.
#[test]
fn an_option_the_subcommand_does_not_use_is_ignored_with_a_warning() {
    let output = run(&[
        "--region",
        "sh",
        "--secret-id",
        "AKIDx",
        "--secret-key",
        "k",
        "describe-result",
        "--captcha-app-id",
        "190000000",
        "--app-secret-key",
        "app-key",
        "--ticket",
        "t",
        "--randstr",
        "r",
        "--user-ip",
        USER_IP,
        "--dry-run",
        "--signature-method",
        "HmacSHA256",
    ]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert!(stdout(&output).contains("DescribeCaptchaResult"));
    assert_eq!(
        stderr(&output),
        "warning: --region does not apply to describe-result and is ignored\n\
         warning: --signature-method does not apply to describe-result and is ignored\n"
    );

    let sign = run(&[
        "--output",
        "json",
        "--secret-id",
        "AKIDx",
        "--secret-key",
        "k",
        "sign",
        "--action",
        "A",
        "--timestamp",
        "1",
        "--nonce",
        "1",
    ]);
    assert_eq!(code(&sign), 0, "{}", stderr(&sign));
    assert_eq!(stdout(&sign).lines().count(), 1, "{}", stdout(&sign));
    assert!(stderr(&sign).contains("--output does not apply to sign"));
}

/// Secrets and tickets may start with `-`; the secret key never shows.
#[test]
fn values_may_start_with_a_hyphen() {
    const KEY: &str = "-abcHyphenSecretKey";
    const TICKET: &str = "-t03HyphenTicket";
    let check = [
        "check",
        "--ticket",
        TICKET,
        "--user-ip",
        USER_IP,
        "--captcha-type",
        "9",
        "--dry-run",
    ];
    let before = run(&[&["--secret-id", "AKIDx", "--secret-key", KEY], &check[..]].concat());
    let after = run(&[&check[..], &["--secret-id", "AKIDx", "--secret-key", KEY]].concat());
    for output in [&before, &after] {
        assert_eq!(code(output), 0, "{}", stderr(output));
        assert!(
            stdout(output).contains("ticket=[redacted]"),
            "{}",
            stdout(output)
        );
        let all = stdout(output) + &stderr(output);
        assert!(!all.contains(KEY) && !all.contains(TICKET), "{all}");
    }

    // The key really is `-abc…`: the same signature as `--secret-key=-abc…`.
    let sign = |key_args: &[&str]| {
        let output = run(&[
            &["--secret-id", "AKIDx"],
            key_args,
            &["sign", "--action", "A", "--timestamp", "1", "--nonce", "1"],
        ]
        .concat());
        assert_eq!(code(&output), 0, "{}", stderr(&output));
        assert!(!(stdout(&output) + &stderr(&output)).contains(KEY));
        stdout(&output)
    };
    let spaced = sign(&["--secret-key", KEY]);
    assert_eq!(spaced, sign(&[&format!("--secret-key={KEY}")]));
    assert_ne!(spaced, sign(&["--secret-key", "other"]));

    let describe = run(&[
        "--secret-id",
        "AKIDx",
        "--secret-key",
        KEY,
        "describe-result",
        "--captcha-app-id",
        "190000000",
        "--app-secret-key",
        "-xAppSecretKey",
        "--ticket",
        TICKET,
        "--randstr",
        "-yRandstr",
        "--user-ip",
        USER_IP,
        "--dry-run",
    ]);
    assert_eq!(code(&describe), 0, "{}", stderr(&describe));
    let all = stdout(&describe) + &stderr(&describe);
    assert!(
        !all.contains(KEY) && !all.contains("-xAppSecretKey") && !all.contains(TICKET),
        "{all}"
    );

    let verify = run(&[
        "verify",
        "--captcha-sig",
        "-zCaptchaSig",
        "--verify-code",
        "abcd",
        "--secret-id",
        "AKIDx",
        "--secret-key",
        KEY,
        "--dry-run",
    ]);
    assert_eq!(code(&verify), 0, "{}", stderr(&verify));
    assert!(!(stdout(&verify) + &stderr(&verify)).contains(KEY));
}

/// A port nothing listens on: privileged, so never handed out to a test's `bind(…:0)`
/// (unlike a port found free and released, which a parallel test may take meanwhile).
const CLOSED_PORT: u16 = 1;

/// The options that point `api3` at an emulator's API 3.0 endpoint with the demo credential.
fn api3_at(emulator: &BackgroundEmulator, action: &str) -> Vec<String> {
    [
        "api3",
        action,
        "--v3-endpoint",
        &emulator.handle().api3_endpoint().to_string(),
        "--secret-id",
        DEMO_SECRET_ID,
        "--secret-key",
        DEMO_SECRET_KEY,
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

/// The `DescribeCaptchaResult` body for a ticket minted by `emulator`, and the ticket.
fn describe_body(emulator: &BackgroundEmulator) -> (String, String) {
    let minted = emulator
        .handle()
        .mint_api3_ticket(
            captcha_emulator::DEMO_CAPTCHA_APP_ID,
            USER_IP.parse().unwrap(),
        )
        .unwrap();
    let body = serde_json::json!({
        "CaptchaType": 9,
        "Ticket": minted.ticket.expose_secret(),
        "UserIp": USER_IP,
        "Randstr": minted.randstr,
        "CaptchaAppId": captcha_emulator::DEMO_CAPTCHA_APP_ID,
        "AppSecretKey": captcha_emulator::DEMO_APP_SECRET_KEY,
    });
    (body.to_string(), minted.ticket.expose_secret().to_owned())
}

#[test]
fn api3_prints_the_response_then_the_spent_ticket_code() {
    let emulator = emulator();
    let (body, ticket) = describe_body(&emulator);
    let base = api3_at(&emulator, "DescribeCaptchaResult");

    // --output text: the Response object, pretty-printed.
    let pass = run_owned(&with(&base, &["--json", &body]));
    assert_eq!(code(&pass), 0, "{}{}", stdout(&pass), stderr(&pass));
    assert!(
        stdout(&pass).trim().lines().count() > 1,
        "{}",
        stdout(&pass)
    );
    let response: serde_json::Value = serde_json::from_str(&stdout(&pass)).expect("JSON");
    assert_eq!(response["CaptchaCode"], 1, "{response}");
    assert!(response["RequestId"].is_string(), "{response}");

    // The same body again, from standard input, --output json: one line, code 9 (spent).
    let mut child = cli()
        .args(with(&base, &["--json", "-", "--output", "json"]))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    {
        use std::io::Write as _;
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(body.as_bytes()).unwrap();
    }
    let again = child.wait_with_output().unwrap();
    assert_eq!(code(&again), 0, "{}", stderr(&again));
    assert_eq!(
        stdout(&again).trim().lines().count(),
        1,
        "{}",
        stdout(&again)
    );
    let response: serde_json::Value = serde_json::from_str(stdout(&again).trim()).expect("JSON");
    assert_eq!(response["CaptchaCode"], 9, "{response}");

    for output in [&pass, &again] {
        let all = stdout(output) + &stderr(output);
        assert!(
            !all.contains(&ticket)
                && !all.contains(captcha_emulator::DEMO_APP_SECRET_KEY)
                && !all.contains(DEMO_SECRET_KEY),
            "{all}"
        );
    }
}

#[test]
fn api3_body_may_come_from_a_file() {
    let emulator = emulator();
    let (body, _) = describe_body(&emulator);
    let path = std::env::temp_dir().join(format!("cli-api3-{}.json", std::process::id()));
    std::fs::write(&path, &body).unwrap();
    let output = run_owned(&with(
        &api3_at(&emulator, "DescribeCaptchaResult"),
        &[
            "--json",
            &format!("@{}", path.display()),
            "--output",
            "json",
        ],
    ));
    std::fs::remove_file(&path).unwrap();
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let response: serde_json::Value = serde_json::from_str(stdout(&output).trim()).expect("JSON");
    assert_eq!(response["CaptchaCode"], 1, "{response}");
}

#[test]
fn api3_refusal_exits_3_with_its_code() {
    let emulator = emulator();
    let output = run_owned(&with(
        &api3_at(&emulator, "DescribeCaptchaNothing"),
        &["--json", r#"{"CaptchaAppId": 190000000}"#],
    ));
    assert_eq!(code(&output), 3, "{}{}", stdout(&output), stderr(&output));
    let message = stderr(&output);
    assert!(
        message.contains("InvalidAction") && message.contains("DescribeCaptchaNothing"),
        "{message}"
    );
    assert_eq!(
        message.trim().lines().count(),
        1,
        "one clear line: {message}"
    );
    assert!(stdout(&output).is_empty(), "{}", stdout(&output));
}

#[test]
fn api3_transport_failure_exits_4() {
    let output = run(&[
        "api3",
        "DescribeCaptchaResult",
        "--json",
        "{}",
        "--v3-endpoint",
        &format!("http://127.0.0.1:{CLOSED_PORT}/"),
        "--secret-id",
        "AKIDx",
        "--secret-key",
        "k",
        "--timeout",
        "5",
    ]);
    assert_eq!(code(&output), 4, "{}", stderr(&output));
}

#[test]
fn api3_rejects_a_body_that_is_not_a_json_object() {
    let emulator = emulator();
    let base = api3_at(&emulator, "DescribeCaptchaResult");
    for bad in ["{not json", "[1, 2]", "\"text\"", ""] {
        let output = run_owned(&with(&base, &["--json", bad]));
        assert_eq!(code(&output), 2, "{bad:?}: {}", stderr(&output));
        assert!(stderr(&output).contains("--json"), "{}", stderr(&output));
    }
    let path = std::env::temp_dir().join(format!("cli-api3-bad-{}.json", std::process::id()));
    std::fs::write(&path, "[]").unwrap();
    let from_file = run_owned(&with(&base, &["--json", &format!("@{}", path.display())]));
    std::fs::remove_file(&path).unwrap();
    assert_eq!(code(&from_file), 2, "{}", stderr(&from_file));
    let message = stderr(&from_file);
    assert!(
        message.contains("--json") && message.contains(&path.display().to_string()),
        "{message}"
    );
    let missing = run_owned(&with(&base, &["--json", "@/nonexistent/cli-api3.json"]));
    assert_eq!(code(&missing), 2, "{}", stderr(&missing));
    assert!(
        stderr(&missing).contains("--json")
            && stderr(&missing).contains("/nonexistent/cli-api3.json"),
        "{}",
        stderr(&missing)
    );
    // --json is required.
    let without = run_owned(&base);
    assert_eq!(code(&without), 2, "{}", stderr(&without));
    assert!(stderr(&without).contains("--json"), "{}", stderr(&without));
    assert_eq!(emulator.handle().stats().requests_total, 0, "nothing sent");
}

#[test]
fn api3_dry_run_prints_the_redacted_request_and_sends_nothing() {
    let emulator = emulator();
    let (body, ticket) = describe_body(&emulator);
    let output = run_owned(&with(
        &api3_at(&emulator, "DescribeCaptchaResult"),
        &["--json", &body, "--dry-run", "--timestamp", "1700000000"],
    ));
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let shown = stdout(&output);
    let lower = shown.to_ascii_lowercase();
    assert!(
        lower.contains("x-tc-action: describecaptcharesult"),
        "{shown}"
    );
    assert!(lower.contains("x-tc-version: 2019-07-22"), "{shown}");
    assert!(shown.contains("x-tc-timestamp: 1700000000"), "{shown}");
    assert!(shown.contains("authorization: [redacted]"), "{shown}");
    assert!(
        shown.contains(r#""AppSecretKey":"[redacted]""#)
            && shown.contains(r#""Ticket":"[redacted]""#),
        "{shown}"
    );
    assert!(
        !shown.contains(&ticket)
            && !shown.contains(captcha_emulator::DEMO_APP_SECRET_KEY)
            && !shown.contains(DEMO_SECRET_KEY),
        "{shown}"
    );
    // Fields with public names are shown as given.
    assert!(shown.contains(USER_IP), "{shown}");

    // --service and --version reach the request; --output json is one object.
    let other = run_owned(&with(
        &api3_at(&emulator, "DescribeInstances"),
        &[
            "--json",
            r#"{"Limit": 1}"#,
            "--service",
            "cvm",
            "--version",
            "2017-03-12",
            "--dry-run",
            "--output",
            "json",
        ],
    ));
    assert_eq!(code(&other), 0, "{}", stderr(&other));
    let value: serde_json::Value = serde_json::from_str(stdout(&other).trim()).expect("JSON");
    assert_eq!(value["action"], "DescribeInstances");
    assert_eq!(value["dry_run"], true);
    let request = value["request"].as_str().unwrap();
    assert!(
        request.contains("x-tc-action: DescribeInstances")
            && request.contains("x-tc-version: 2017-03-12")
            && request.ends_with(r#"{"Limit":1}"#),
        "{request}"
    );
    assert_eq!(
        emulator.handle().stats().requests_total,
        0,
        "a dry run sends nothing"
    );
}

#[test]
fn api3_help_lists_its_options() {
    let api3 = help("api3");
    for option in [
        "--json",
        "--service",
        "--version",
        "--v3-endpoint",
        "--international",
        "--secret-key",
        "--session-token",
        "--transport",
        "--timeout",
        "--dry-run",
        "--timestamp",
        "--nonce",
        "--output",
    ] {
        assert!(lists(&api3, option), "{option} missing: {api3}");
    }
    for option in ["--endpoint", "--region", "--signature-method"] {
        assert!(!lists(&api3, option), "{option} listed: {api3}");
    }
}
