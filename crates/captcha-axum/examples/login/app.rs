//! The sign-in app of the `login` example: a page that loads the captcha script, opens the
//! captcha on submit and posts the form with the ticket and randstr; and the `POST /sign-in`
//! handler behind `CaptchaLayer`, which runs only on a pass. Refusals are HTML pages with
//! the refusal's status. (Also compiled into the browser test, so that the test drives this
//! very app.)

use axum::response::{Html, IntoResponse};
use axum::routing::{get, post};
use axum::{Form, Router};
use captcha_axum::{CaptchaGuard, CaptchaGuardBuilder, CaptchaPass, PassedBy, Refusal};
use serde::Deserialize;

/// Tencent's script; the example serves the emulator's stand-in instead unless told otherwise.
pub const TENCENT_SCRIPT_URL: &str = "https://turing.captcha.qcloud.com/TCaptcha.js";

/// What the page needs: where the captcha script is and which captcha app it shows.
pub struct Page {
    pub script_url: String,
    pub captcha_app_id: u64,
}

/// The sign-in form (the ticket and randstr fields are the layer's business).
#[derive(Deserialize)]
struct SignIn {
    username: String,
}

/// `GET /` (the page) and `POST /sign-in` (behind the check `guard` builds).
pub fn router(page: Page, guard: CaptchaGuardBuilder) -> Router {
    let guard = with_html_refusals(guard);
    let html = sign_in_page(&page);
    Router::new()
        .route("/", get(move || async move { Html(html) }))
        .route("/sign-in", post(sign_in).layer(guard.layer()))
}

/// The handler: it runs only on a pass.
async fn sign_in(pass: CaptchaPass, Form(form): Form<SignIn>) -> Html<String> {
    let how = match pass.passed_by() {
        PassedBy::Verified => "captcha verified",
        PassedBy::DisasterRecovery => "captcha skipped: the script could not load",
        PassedBy::LetThrough(_) => "captcha skipped: the captcha service is down",
        _ => "captcha passed",
    };
    let details = format!(
        "EvilLevel {}, Score {}",
        pass.evil_level().map_or("-".to_owned(), |v| v.to_string()),
        pass.score().map_or("-".to_owned(), |v| v.to_string()),
    );
    Html(result_page(
        "signed-in",
        &format!("Signed in as {}", escape(&form.username)),
        &format!("{how} ({details})"),
    ))
}

/// The refusals as HTML pages (the status stays the refusal's: 400, 403, 503).
fn with_html_refusals(guard: CaptchaGuardBuilder) -> CaptchaGuard {
    guard
        .refusal_response(|refusal: &Refusal| {
            Html(result_page(
                refusal.kind(),
                "Not signed in",
                &escape(&refusal.to_string()),
            ))
            .into_response()
        })
        .build()
}

fn result_page(outcome: &str, title: &str, detail: &str) -> String {
    format!(
        r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>{STYLE}</head>
<body><main>
<h1 id="outcome" data-outcome="{outcome}">{title}</h1>
<p id="detail">{detail}</p>
<p><a href="/">Back to sign-in</a></p>
</main></body></html>
"#
    )
}

fn sign_in_page(page: &Page) -> String {
    let script_url = escape(&page.script_url);
    let app_id = page.captcha_app_id;
    format!(
        r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sign in</title>{STYLE}
<script src="{script_url}"></script></head>
<body><main>
<h1>Sign in</h1>
<form id="sign-in" method="post" action="/sign-in">
  <label>Username <input id="username" name="username" autocomplete="username" required></label>
  <label>Password <input id="password" name="password" type="password" autocomplete="current-password" required></label>
  <input type="hidden" id="ticket" name="ticket">
  <input type="hidden" id="randstr" name="randstr">
  <button id="sign-in-button" type="submit">Sign in</button>
</form>
<p id="status" role="status"></p>
</main>
<script>
(function () {{
  var form = document.getElementById("sign-in");
  var status = document.getElementById("status");
  function submitWith(res) {{
    document.getElementById("ticket").value = res.ticket;
    document.getElementById("randstr").value = res.randstr;
    form.submit();
  }}
  function onCaptcha(res) {{
    // Tencent's advice: branch on the ticket, not on ret.
    if (res.ticket) return submitWith(res);
    status.textContent = "Captcha closed: not signed in.";
    status.setAttribute("data-outcome", "closed");
  }}
  form.addEventListener("submit", function (event) {{
    event.preventDefault();
    try {{
      new TencentCaptcha("{app_id}", onCaptcha, {{bizState: "sign-in"}}).show();
    }} catch (e) {{
      // The script did not load: a disaster-recovery ticket, as Tencent tells pages to make.
      var rand = Math.random().toString(36).slice(2, 8);
      onCaptcha({{ret: 0, randstr: "@" + rand, errorCode: 1001, errorMessage: "jsload_error",
        ticket: "trerror_1001_{app_id}_" + Math.floor(Date.now() / 1000)}});
    }}
  }});
}})();
</script>
</body></html>
"#
    )
}

const STYLE: &str = "<style>body{font:16px system-ui,sans-serif;background:#f4f6f8;margin:0}\
main{max-width:360px;margin:48px auto;background:#fff;padding:24px 28px;border-radius:10px;\
box-shadow:0 2px 10px rgba(0,0,0,.08)}label{display:block;margin:12px 0}\
input{display:block;width:100%;box-sizing:border-box;padding:8px;margin-top:4px}\
button{padding:8px 18px;margin-top:8px}h1{font-size:22px}</style>";

/// HTML-escapes text for element content and attribute values.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}
