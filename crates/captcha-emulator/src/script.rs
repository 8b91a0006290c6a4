//! The captcha script: a small stand-in for Tencent's `TCapIframeApi.js`. It offers
//! `capInit(element, {callback})` like the real one; its button "solves" the captcha by
//! minting a ticket at the emulator and calls back with `{ret: 0, ticket}`.
//! [`ScriptStore`] keeps the one-time script URLs of `CaptchaIframeQuery`.

use crate::expiring::{ExpiringMap, WhenFull};
use crate::json::JsonObject;
use crate::random;

/// Most unfetched scripts held at once; the oldest is forgotten beyond that.
const CAPACITY: usize = 100_000;

/// What a script needs to know to mint the ticket for its user.
pub(crate) struct ScriptSpec<'a> {
    /// `scheme://host[:port]` of the emulator as the client reached it.
    pub(crate) base_url: &'a str,
    pub(crate) captcha_type: u32,
    /// The `userIp` the ticket is minted for; the browser's address when absent.
    pub(crate) user_ip: Option<&'a str>,
    /// A global function to call on failure (`callBack` of `CaptchaQuery`), already checked.
    pub(crate) call_back: Option<&'a str>,
}

/// True for a dotted JavaScript identifier path such as `onCaptchaError` or `app.fail`.
pub(crate) fn is_function_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 128
        && name.split('.').all(|part| {
            part.chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic() || "_$".contains(c))
                && part
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "_$".contains(c))
        })
}

/// The JavaScript source for `spec`.
pub(crate) fn render(spec: &ScriptSpec<'_>) -> String {
    let mut config = JsonObject::new()
        .str(
            "ticketsUrl",
            &format!("{}{}", spec.base_url, crate::TICKETS_PATH),
        )
        .int("captchaType", i64::from(spec.captcha_type));
    if let Some(ip) = spec.user_ip {
        config = config.str("userIp", ip);
    }
    if let Some(name) = spec.call_back {
        config = config.str("callBack", name);
    }
    let config = config.finish_string();
    format!(
        r#"/* Tencent captcha API 2.0 emulator: a stand-in for TCapIframeApi.js (not Tencent's code). */
(function (w) {{
  var cfg = {config};
  function fail(e, done) {{
    var cb = cfg.callBack ? cfg.callBack.split(".").reduce(function (o, k) {{ return o && o[k]; }}, w) : null;
    if (typeof cb === "function") cb(e);
    done({{ret: 1, error: String(e)}});
  }}
  function solve(done) {{
    var body = "captchaType=" + cfg.captchaType + (cfg.userIp ? "&userIp=" + encodeURIComponent(cfg.userIp) : "");
    fetch(cfg.ticketsUrl, {{method: "POST", headers: {{"Content-Type": "application/x-www-form-urlencoded"}}, body: body}})
      .then(function (r) {{ if (!r.ok) throw new Error("HTTP " + r.status); return r.json(); }})
      .then(function (j) {{ done({{ret: 0, ticket: j.ticket}}); }})
      .catch(function (e) {{ fail(e, done); }});
  }}
  w.capInit = function (el, opts) {{
    opts = opts || {{}};
    var button = document.createElement("button");
    button.type = "button";
    button.textContent = "I am human (captcha emulator)";
    button.onclick = function () {{
      button.disabled = true;
      solve(function (res) {{
        button.disabled = res.ret === 0;
        button.textContent = res.ret === 0 ? "Verified" : "Try again";
        if (typeof opts.callback === "function") opts.callback(res);
      }});
    }};
    (el || document.body).appendChild(button);
  }};
  w.TencentCaptchaEmulator = {{solve: solve}};
}})(window);
"#
    )
}

/// One-time script URLs: id → script source, until fetched.
pub(crate) struct ScriptStore {
    scripts: ExpiringMap<String, String>,
    ttl: u64,
}

impl ScriptStore {
    pub(crate) fn new(ttl: u64) -> Self {
        Self {
            scripts: ExpiringMap::new(CAPACITY, WhenFull::EvictOldest),
            ttl,
        }
    }

    /// Stores `script`; returns the id for its one-time URL.
    pub(crate) fn create(&self, script: String, now: u64) -> String {
        let asig = random::token("");
        let _ = self
            .scripts
            .insert(asig.clone(), script, now.saturating_add(self.ttl), now);
        asig
    }

    /// The script behind `asig`, once.
    pub(crate) fn fetch(&self, asig: &str, now: u64) -> Option<String> {
        self.scripts.take_live(asig, now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn function_names_are_checked() {
        assert!(is_function_name("onError"));
        assert!(is_function_name("app.captcha.fail_1"));
        for bad in ["", "1a", "a..b", "alert(1)", "a b", "x;y"] {
            assert!(!is_function_name(bad), "{bad}");
        }
    }

    #[test]
    fn script_embeds_config_and_is_one_time() {
        let js = render(&ScriptSpec {
            base_url: "http://127.0.0.1:1",
            captcha_type: 9,
            user_ip: Some("203.0.113.7"),
            call_back: Some("onFail"),
        });
        assert!(js.contains(r#""ticketsUrl":"http://127.0.0.1:1/emulator/tickets""#));
        assert!(js.contains(r#""userIp":"203.0.113.7""#) && js.contains("capInit"));
        let store = ScriptStore::new(60);
        let id = store.create(js, 0);
        assert!(store.fetch(&id, 1).is_some());
        assert!(store.fetch(&id, 1).is_none());
    }
}
