//! The stand-in for Tencent's `TCaptcha.js` / `TJCaptcha.js` (API 3.0's browser script),
//! served at [`TCAPTCHA_PATH`](crate::TCAPTCHA_PATH) and
//! [`TJCAPTCHA_PATH`](crate::TJCAPTCHA_PATH). It defines the global `TencentCaptcha` with
//! both constructors, `show()` and `destroy()`; `show()` opens a small dialog whose buttons
//! (`data-outcome` = `pass`, `fail`, `close`, `disaster`) call back with the shapes Tencent's
//! script uses. A solved captcha's ticket is minted at `POST /emulator/v3/tickets` on the
//! emulator the script was loaded from, so it passes `DescribeCaptchaResult` once.
//!
//! Tests can skip the dialog: `options.emulatorOutcome` or `window.__captchaEmulatorOutcome`
//! set to one of the four outcomes makes `show()` finish with it at once. The test keys
//! ([`crate::test_keys`]) finish at once too, with their outcome.

use crate::reply::Reply;

/// The script: the same for every request (it finds the emulator from its own URL).
pub(crate) fn script() -> Reply {
    Reply::javascript(None, source())
}

fn source() -> String {
    let pass = crate::TEST_CAPTCHA_APP_ID_PASS;
    let fail = crate::TEST_CAPTCHA_APP_ID_FAIL;
    let spent = crate::TEST_CAPTCHA_APP_ID_SPENT;
    let disaster = crate::TEST_CAPTCHA_APP_ID_DISASTER_RECOVERY;
    let tickets_path = crate::API3_TICKETS_PATH;
    format!(
        r#"/* Tencent captcha emulator: a stand-in for TCaptcha.js (not Tencent's code). */
(function (w, d) {{
  "use strict";
  var script = d.currentScript;
  var ticketsUrl = new URL("{tickets_path}", script ? script.src : w.location.href).href;
  // A spent key's ticket is solved like any; the back end finds it already used.
  var testKeys = {{"{pass}": "pass", "{fail}": "fail", "{spent}": "pass", "{disaster}": "disaster"}};
  var OUTCOMES = ["pass", "fail", "close", "disaster"];

  function random(n) {{
    var alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    var bytes = new Uint8Array(n), out = "";
    w.crypto.getRandomValues(bytes);
    for (var i = 0; i < n; i++) out += alphabet.charAt(bytes[i] % alphabet.length);
    return out;
  }}

  function TencentCaptcha(a, b, c, d4) {{
    // Two forms: (CaptchaAppId, callback, options) and (element, CaptchaAppId, callback, options).
    if (a && typeof a === "object" && a.nodeType === 1) {{
      this.container = a; a = b; b = c; c = d4;
    }}
    this.appId = String(a);
    this.callback = typeof b === "function" ? b : function () {{}};
    this.options = c || {{}};
    this.dialog = null;
    this.done = false;
  }}

  TencentCaptcha.prototype.answer = function (extra) {{
    var res = {{CaptchaAppId: this.appId, bizState: this.options.bizState}};
    for (var k in extra) res[k] = extra[k];
    return res;
  }};

  TencentCaptcha.prototype.disaster = function () {{
    return this.answer({{
      ret: 0,
      ticket: "trerror_1001_" + this.appId + "_" + Math.floor(Date.now() / 1000),
      randstr: "@" + random(3),
      errorCode: 1001,
      errorMessage: "jsload_error"
    }});
  }};

  TencentCaptcha.prototype.finish = function (outcome) {{
    var self = this;
    if (self.done) return;
    self.done = true;
    var call = function (res) {{ self.destroy(); self.callback(res); }};
    if (outcome === "close") return call(self.answer({{ret: 2, ticket: null, randstr: null}}));
    if (outcome === "disaster") return call(self.disaster());
    if (outcome === "fail") {{
      // Shaped like a ticket, never minted: DescribeCaptchaResult answers 15.
      return call(self.answer({{ret: 0, ticket: "tr03" + random(44), randstr: "@" + random(3)}}));
    }}
    fetch(ticketsUrl, {{
      method: "POST",
      headers: {{"Content-Type": "application/x-www-form-urlencoded"}},
      body: "CaptchaAppId=" + encodeURIComponent(self.appId)
    }})
      .then(function (r) {{ if (!r.ok) throw new Error("HTTP " + r.status); return r.json(); }})
      .then(function (j) {{
        var res = self.answer({{ret: 0, ticket: j.ticket, randstr: j.randstr}});
        if (j.errorCode) {{ res.errorCode = j.errorCode; res.errorMessage = j.errorMessage; }}
        call(res);
      }})
      // What Tencent tells pages to do when its script fails: a disaster-recovery ticket.
      .catch(function () {{ call(self.disaster()); }});
  }};

  TencentCaptcha.prototype.show = function () {{
    var self = this;
    self.destroy();
    self.done = false;
    var preset = self.options.emulatorOutcome || w.__captchaEmulatorOutcome || testKeys[self.appId];
    if (OUTCOMES.indexOf(preset) >= 0) return self.finish(preset);
    var dialog = d.createElement("div");
    dialog.className = "tcaptcha-emulator";
    dialog.setAttribute("role", "dialog");
    dialog.setAttribute("aria-label", "Captcha (emulator)");
    dialog.style.cssText = "position:fixed;left:50%;top:30%;transform:translateX(-50%);z-index:2147483647;" +
      "background:#fff;border:1px solid #888;border-radius:8px;padding:16px;font:14px sans-serif;" +
      "box-shadow:0 4px 16px rgba(0,0,0,.3);color:#222";
    var title = d.createElement("p");
    title.textContent = "Captcha emulator \u2014 app " + self.appId;
    title.style.margin = "0 0 12px";
    dialog.appendChild(title);
    var labels = {{pass: "I am human", fail: "Fail", close: "Close", disaster: "Script failure"}};
    OUTCOMES.forEach(function (outcome) {{
      var button = d.createElement("button");
      button.type = "button";
      button.setAttribute("data-outcome", outcome);
      button.textContent = labels[outcome];
      button.style.marginRight = "6px";
      button.onclick = function () {{ self.finish(outcome); }};
      dialog.appendChild(button);
    }});
    (self.container || d.body).appendChild(dialog);
    self.dialog = dialog;
  }};

  TencentCaptcha.prototype.destroy = function () {{
    if (this.dialog && this.dialog.parentNode) this.dialog.parentNode.removeChild(this.dialog);
    this.dialog = null;
  }};

  w.TencentCaptcha = TencentCaptcha;
}})(window, document);
"#
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_script_defines_the_class_and_knows_the_test_keys() {
        let js = source();
        assert!(js.contains("w.TencentCaptcha = TencentCaptcha"));
        assert!(js.contains(&format!(
            "\"{}\": \"fail\"",
            crate::TEST_CAPTCHA_APP_ID_FAIL
        )));
        assert!(js.contains("\"/emulator/v3/tickets\""));
        for outcome in ["pass", "fail", "close", "disaster"] {
            assert!(js.contains(&format!("\"{outcome}\"")), "{outcome}");
        }
    }
}
