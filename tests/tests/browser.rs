//! The whole captcha flow in a real browser: headless Chromium, driven over WebDriver
//! (chromedriver), signs in on the `login` example's page, which loads the emulator's
//! stand-in `TCaptcha.js`; the page's form goes to the example's handler behind
//! `captcha-axum`. Scenarios: a solved captcha, the same ticket again, a closed dialog, a
//! failed captcha, a disaster-recovery ticket under both policies, and the captcha service
//! down under fail-closed.
//!
//! Set `CAPTCHA_SCREENSHOT=path.png` to keep the screenshot of the signed-in page (the
//! README's `docs/images/login-solved.png` is made this way).

#[allow(dead_code)]
#[path = "../../crates/captcha-axum/examples/login/app.rs"]
mod app;
#[path = "browser/driver.rs"]
mod driver;

use std::net::SocketAddr;
use std::time::Duration;

use captcha_axum::{CaptchaGuard, DisasterRecoveryPolicy};
use captcha_emulator::{
    DEMO_APP_SECRET_KEY, DEMO_CAPTCHA_APP_ID, Emulator, Fault, RunningEmulator, TCAPTCHA_PATH,
};
use driver::Browser;
use fantoccini::{Client, Locator};
use serde_json::Value;

/// The longest a page may take to show what the test waits for: a bound, not an assertion.
const PAGE_LIMIT: Duration = Duration::from_secs(30);

/// The example's app on a free port of 127.0.0.1, checking against `emulator`.
async fn serve_app(emulator: &RunningEmulator, policy: DisasterRecoveryPolicy) -> String {
    let client = captcha_hyper::ClientBuilder::new()
        .credential(emulator.credential())
        .api3_endpoint(emulator.api3_endpoint())
        .build()
        .expect("a client");
    let guard =
        CaptchaGuard::describe_captcha_result(client, DEMO_CAPTCHA_APP_ID, DEMO_APP_SECRET_KEY)
            .disaster_recovery(policy);
    let page = app::Page {
        script_url: format!("{}{TCAPTCHA_PATH}", emulator.base_url()),
        captcha_app_id: DEMO_CAPTCHA_APP_ID,
    };
    let router = app::router(page, guard);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a free port");
    let addr = listener.local_addr().expect("a local address");
    tokio::spawn(async move {
        let service = router.into_make_service_with_connect_info::<SocketAddr>();
        let _ = axum::serve(listener, service).await;
    });
    format!("http://{addr}/")
}

/// What the result page says: its outcome, heading, detail and HTTP status.
#[derive(Debug)]
struct Outcome {
    outcome: String,
    title: String,
    detail: String,
    status: u64,
}

async fn result_page(browser: &Client) -> Outcome {
    let heading = browser
        .wait()
        .at_most(PAGE_LIMIT)
        .for_element(Locator::Id("outcome"))
        .await
        .expect("a result page");
    let status = browser
        .execute(
            "return performance.getEntriesByType('navigation')[0].responseStatus;",
            vec![],
        )
        .await
        .expect("the navigation status");
    Outcome {
        outcome: heading
            .attr("data-outcome")
            .await
            .expect("an outcome attribute")
            .unwrap_or_default(),
        title: heading.text().await.expect("a heading"),
        detail: browser
            .find(Locator::Id("detail"))
            .await
            .expect("a detail")
            .text()
            .await
            .expect("its text"),
        status: status.as_u64().unwrap_or_default(),
    }
}

/// Opens the sign-in page, fills it in and submits it: the captcha dialog opens.
async fn start_sign_in(browser: &Client, url: &str) {
    browser.goto(url).await.expect("the sign-in page");
    let username = browser
        .wait()
        .at_most(PAGE_LIMIT)
        .for_element(Locator::Id("username"))
        .await
        .expect("the form");
    username.send_keys("alice").await.expect("typing");
    browser
        .find(Locator::Id("password"))
        .await
        .expect("a password field")
        .send_keys("correct horse")
        .await
        .expect("typing");
    // Keep the ticket the page submits, so the test can send it again.
    browser
        .execute(
            "var f = document.getElementById('sign-in');
             f.submit = function () {
               sessionStorage.setItem('ticket', f.ticket.value);
               sessionStorage.setItem('randstr', f.randstr.value);
               HTMLFormElement.prototype.submit.call(f);
             };",
            vec![],
        )
        .await
        .expect("the page runs scripts");
    browser
        .find(Locator::Id("sign-in-button"))
        .await
        .expect("a submit button")
        .click()
        .await
        .expect("a click");
}

/// Clicks a button of the captcha dialog.
async fn choose(browser: &Client, outcome: &str) {
    let selector = format!("button[data-outcome=\"{outcome}\"]");
    browser
        .wait()
        .at_most(PAGE_LIMIT)
        .for_element(Locator::Css(&selector))
        .await
        .expect("the captcha dialog")
        .click()
        .await
        .expect("a click");
}

async fn sign_in_with(browser: &Client, url: &str, outcome: &str) -> Outcome {
    start_sign_in(browser, url).await;
    choose(browser, outcome).await;
    result_page(browser).await
}

fn keep_screenshot(png: &[u8]) {
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "a PNG screenshot");
    if let Ok(path) = std::env::var("CAPTCHA_SCREENSHOT") {
        std::fs::write(&path, png).expect("the screenshot is written");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs chromium and chromedriver: apt-get install chromium chromium-driver"]
async fn sign_in_through_the_captcha_in_chromium() {
    let emulator = Emulator::demo()
        .start("127.0.0.1:0".parse().expect("an address"))
        .await
        .expect("the emulator starts");
    let rejecting = serve_app(&emulator, DisasterRecoveryPolicy::Reject).await;
    let accepting = serve_app(&emulator, DisasterRecoveryPolicy::Accept).await;
    let browser = Browser::start().await;
    let b = &browser.client;

    // Solved: the handler runs and says so.
    let solved = sign_in_with(b, &rejecting, "pass").await;
    assert_eq!(solved.outcome, "signed-in", "{solved:?}");
    assert_eq!(solved.title, "Signed in as alice");
    assert!(solved.detail.starts_with("captcha verified"), "{solved:?}");
    assert_eq!(solved.status, 200);
    keep_screenshot(&b.screenshot().await.expect("a screenshot"));
    assert_eq!(emulator.stats().requests("DescribeCaptchaResult"), 1);

    // The same ticket and randstr again: refused by the emulator as reused.
    b.goto(&rejecting).await.expect("the sign-in page");
    b.execute(
        "var f = document.getElementById('sign-in');
         f.username.value = 'alice'; f.password.value = 'again';
         f.ticket.value = sessionStorage.getItem('ticket');
         f.randstr.value = sessionStorage.getItem('randstr');
         HTMLFormElement.prototype.submit.call(f);",
        vec![],
    )
    .await
    .expect("the page runs scripts");
    let reused = result_page(b).await;
    assert_eq!(
        (reused.outcome.as_str(), reused.status),
        ("rejected", 403),
        "{reused:?}"
    );
    assert!(reused.detail.contains("CaptchaCode 9"), "{reused:?}");

    // Closed: the page stays, says so, and nothing is checked.
    start_sign_in(b, &rejecting).await;
    choose(b, "close").await;
    let status = b
        .wait()
        .at_most(PAGE_LIMIT)
        .for_element(Locator::Css("#status[data-outcome=closed]"))
        .await
        .expect("the closed message");
    assert_eq!(
        status.text().await.expect("its text"),
        "Captcha closed: not signed in."
    );
    assert_eq!(b.find_all(Locator::Id("outcome")).await.unwrap().len(), 0);
    assert_eq!(emulator.stats().requests("DescribeCaptchaResult"), 2);

    // A failed captcha's ticket: rejected.
    let failed = sign_in_with(b, &rejecting, "fail").await;
    assert_eq!((failed.outcome.as_str(), failed.status), ("rejected", 403));
    assert!(failed.detail.contains("CaptchaCode 15"), "{failed:?}");

    // Disaster recovery: refused by default, let in where the app accepts it.
    let refused = sign_in_with(b, &rejecting, "disaster").await;
    assert_eq!(
        (refused.outcome.as_str(), refused.status),
        ("rejected", 403),
        "{refused:?}"
    );
    assert!(
        refused.detail.contains("could not be loaded"),
        "{refused:?}"
    );
    let accepted = sign_in_with(b, &accepting, "disaster").await;
    assert_eq!(
        (accepted.outcome.as_str(), accepted.status),
        ("signed-in", 200),
        "{accepted:?}"
    );
    assert!(
        accepted
            .detail
            .starts_with("captcha skipped: the script could not load"),
        "{accepted:?}"
    );

    // The captcha service down (the connection drops): fail closed.
    emulator.set_fault(Fault::DropConnection);
    let down = sign_in_with(b, &rejecting, "pass").await;
    emulator.clear_faults();
    assert_eq!(
        (down.outcome.as_str(), down.status),
        ("unavailable", 503),
        "{down:?}"
    );

    // The four-argument constructor puts the dialog in the given element; destroy removes it.
    b.goto(&rejecting).await.expect("the sign-in page");
    let counts = b
        .execute(
            "var c = document.createElement('div'); document.body.appendChild(c);
             var captcha = new TencentCaptcha(c, arguments[0], function () {}, {});
             captcha.show();
             var shown = c.querySelectorAll('button[data-outcome]').length;
             captcha.destroy();
             return [shown, c.querySelectorAll('button[data-outcome]').length];",
            vec![Value::from(DEMO_CAPTCHA_APP_ID.to_string())],
        )
        .await
        .expect("the page runs scripts");
    assert_eq!(counts, serde_json::json!([4, 0]));

    browser.close().await;
    emulator.shutdown().await;
}
