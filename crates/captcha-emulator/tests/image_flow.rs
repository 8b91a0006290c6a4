//! The back-end image flow end to end: `CaptchaGetUrl` → fetch the one-time image (a real
//! 130×53 PNG with the `vsig` cookie) → `CaptchaVerify` once.

mod support;

use captcha_proto::UserInfo;
use captcha_proto::{Api2Action, CaptchaGetUrl, CaptchaVerify, VerifyVerdict};
use http::StatusCode;
use http::header::{CONTENT_TYPE, SET_COOKIE};
use support::{Answer, Harness, common};

/// Fetches the image behind a `CaptchaGetUrl` URL; returns the answer and the `vsig`.
async fn fetch_image(h: &Harness, url: &str) -> (Answer, Option<String>) {
    let uri: http::Uri = url.parse().unwrap();
    let request = http::Request::get(uri.path_and_query().unwrap().as_str())
        .header("host", uri.authority().unwrap().as_str())
        .body(Vec::new())
        .unwrap();
    let answer = h.send(request).await;
    let vsig = answer
        .headers
        .get(SET_COOKIE)
        .and_then(|c| c.to_str().ok())
        .and_then(|c| c.split(';').next())
        .and_then(|c| c.strip_prefix("vsig="))
        .map(str::to_owned);
    (answer, vsig)
}

fn png_size(png: &[u8]) -> (u32, u32) {
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n", "PNG signature");
    assert_eq!(&png[12..16], b"IHDR");
    let word = |at: usize| u32::from_be_bytes(png[at..at + 4].try_into().unwrap());
    (word(16), word(20))
}

#[tokio::test]
async fn get_url_fetch_verify_once() {
    let h = support::start().await;
    let get_url = CaptchaGetUrl::new().with_user_info(UserInfo {
        business_id: Some(1),
        ..UserInfo::default()
    });
    let answer = h
        .send(h.config().encode(&get_url, h.stamp(1)).unwrap())
        .await;
    let url = get_url
        .decode_response(&answer.to_response())
        .unwrap()
        .to_string();
    assert!(
        url.starts_with(&format!("{}/getcap_new?asig=", h.emulator.base_url())),
        "{url}"
    );

    let (image, vsig) = fetch_image(&h, &url).await;
    assert_eq!(image.status, StatusCode::OK);
    assert_eq!(image.headers[CONTENT_TYPE], "image/png");
    assert_eq!(png_size(&image.body), (130, 53));
    let vsig = vsig.expect("a vsig cookie");
    assert!(
        image.headers[SET_COOKIE]
            .to_str()
            .unwrap()
            .contains("Path=/")
    );

    let (again, no_cookie) = fetch_image(&h, &url).await;
    assert_eq!(again.status, StatusCode::NOT_FOUND, "the URL is one-time");
    assert!(no_cookie.is_none());

    let answer = h.emulator.answer_for(&vsig).expect("the answer is known");
    assert_eq!(answer.len(), 4);
    let over_http = h
        .send(
            http::Request::get(format!("/emulator/answer?vsig={vsig}"))
                .body(Vec::new())
                .unwrap(),
        )
        .await;
    assert_eq!(over_http.json()["answer"], answer.as_str());

    let verify = CaptchaVerify::new(vsig.as_str(), answer.to_lowercase());
    let first = h
        .send(h.config().encode(&verify, h.stamp(2)).unwrap())
        .await;
    assert_eq!(
        first.text(),
        r#"{"code":0,"message":"No Error","is_right":1}"#
    );
    assert_eq!(
        verify.decode_response(&first.to_response()).unwrap(),
        VerifyVerdict::Right
    );
    let second = h
        .send(h.config().encode(&verify, h.stamp(3)).unwrap())
        .await;
    assert_eq!(
        second.text(),
        r#"{"code":0,"message":"No Error","is_right":0}"#
    );
    assert_eq!(h.emulator.stats().image_fetches, 2);
}

#[tokio::test]
async fn a_wrong_answer_spends_the_signature() {
    let h = support::start().await;
    let get_url = CaptchaGetUrl::new();
    let answer = h
        .send(h.config().encode(&get_url, h.stamp(1)).unwrap())
        .await;
    let url = get_url
        .decode_response(&answer.to_response())
        .unwrap()
        .to_string();
    let vsig = fetch_image(&h, &url).await.1.unwrap();
    let right = h.emulator.answer_for(&vsig).unwrap();
    let wrong = CaptchaVerify::new(vsig.as_str(), "ZZZZZZ");
    let answer = h.send(h.config().encode(&wrong, h.stamp(2)).unwrap()).await;
    assert_eq!(answer.json()["is_right"], 0);
    let late = CaptchaVerify::new(vsig.as_str(), right);
    let answer = h.send(h.config().encode(&late, h.stamp(3)).unwrap()).await;
    assert_eq!(answer.json()["is_right"], 0);
    let unknown = CaptchaVerify::new("b01unknown", "ABCD");
    let answer = h
        .send(h.config().encode(&unknown, h.stamp(4)).unwrap())
        .await;
    assert_eq!(
        (answer.code(), answer.json()["is_right"].as_i64()),
        (0, Some(0))
    );
}

#[tokio::test]
async fn verify_needs_sig_and_code() {
    let h = support::start().await;
    for (nonce, missing) in [("1", "captchaSig"), ("2", "verifyCode")] {
        let mut params = common("CaptchaVerify", "1700000000", nonce);
        let all = [("captchaSig", "b01x"), ("verifyCode", "ABCD")];
        params.extend(all.into_iter().filter(|(k, _)| *k != missing));
        let answer = h.get_signed(&params).await;
        assert_eq!(answer.code(), 4000);
        assert!(answer.message().contains(missing), "{}", answer.message());
    }
}

#[tokio::test]
async fn unknown_images_and_answers_are_404() {
    let h = support::start().await;
    let (answer, vsig) = fetch_image(
        &h,
        &format!("{}/getcap_new?asig=nope", h.emulator.base_url()),
    )
    .await;
    assert_eq!((answer.status, vsig), (StatusCode::NOT_FOUND, None));
    let answer = h
        .send(
            http::Request::get("/emulator/answer?vsig=nope")
                .body(Vec::new())
                .unwrap(),
        )
        .await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    assert_eq!(h.emulator.answer_for("nope"), None);
}
