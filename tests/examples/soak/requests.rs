//! Well-formed requests to the emulator: built, signed (now or at another time) and sent
//! with the pooled hyper client.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use captcha_emulator::{DEMO_APP_SECRET_KEY, DEMO_CAPTCHA_APP_ID};
use captcha_proto::api3::DescribeCaptchaResult;
use captcha_proto::{CaptchaCheck, CaptchaType, Stamp, tc3};
use http::header::CONTENT_TYPE;
use http::{Method, Request};
use http_body_util::{BodyExt, Full};

use crate::expect::{Expect, judge};
use crate::state::{Soak, Verdict};

/// The user every ticket is minted for.
pub const USER_IP: &str = "203.0.113.7";
/// A ticket never minted: `CaptchaCode` 15 when it reaches the ticket check.
pub const UNKNOWN_TICKET: &str = "tr03neverMintedByThisEmulator000000000000000000*";
/// The TC3 service of the captcha API.
pub const SERVICE: &str = "captcha";
/// Longest wait for one SDK call: beyond, it is a transport error.
pub const CALL_TIMEOUT: Duration = Duration::from_secs(60);

pub fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// A stamp `offset` seconds away from now, with a random nonce.
pub fn stamp_at(offset: i64) -> Stamp {
    let timestamp = unix_now().saturating_add_signed(offset);
    Stamp::new(timestamp, Stamp::now().nonce()).expect("a positive timestamp")
}

impl Soak {
    /// The API 3.0 check of `ticket` with `app_secret_key`.
    pub fn describe(
        &self,
        ticket: &str,
        randstr: &str,
        app_secret_key: &str,
    ) -> DescribeCaptchaResult {
        DescribeCaptchaResult::new(
            ticket.to_owned(),
            randstr.to_owned(),
            self.user,
            DEMO_CAPTCHA_APP_ID,
            app_secret_key.to_owned(),
        )
    }

    /// Sends a well-formed request with the pooled hyper client: status and body.
    pub async fn send(&self, request: Request<Vec<u8>>) -> Result<(u16, Bytes), String> {
        let (parts, body) = request.into_parts();
        let request = Request::from_parts(parts, Full::new(Bytes::from(body)));
        let call = async {
            let response = self.http.request(request).await.map_err(|e| {
                format!("send: {}", if e.is_connect() { "connect" } else { "other" })
            })?;
            let status = response.status().as_u16();
            let body = response
                .into_body()
                .collect()
                .await
                .map_err(|_| "body".to_owned())?
                .to_bytes();
            Ok((status, body))
        };
        tokio::time::timeout(CALL_TIMEOUT, call)
            .await
            .unwrap_or_else(|_| Err("timeout".to_owned()))
    }

    /// Sends a well-formed request that must get `expect`.
    pub async fn send_expect(&self, request: Request<Vec<u8>>, expect: Expect) -> Verdict {
        match self.send(request).await {
            Ok((status, body)) => judge(expect, status, &body),
            Err(e) => Verdict::Wrong(e),
        }
    }

    /// A request to this emulator at `path_and_query`.
    pub fn request(&self, method: Method, path_and_query: &str) -> http::request::Builder {
        Request::builder()
            .method(method)
            .uri(format!("http://{}{path_and_query}", self.addr))
    }

    /// A TC3 `DescribeCaptchaResult` of an unknown ticket, signed at `stamp`.
    pub fn tc3_request(&self, stamp: Stamp) -> Request<Vec<u8>> {
        let check = self.describe(UNKNOWN_TICKET, "@abc", DEMO_APP_SECRET_KEY);
        self.api3.encode(&check, stamp).expect("encodes")
    }

    /// An API 2.0 `CaptchaCheck` of an unknown ticket, signed at `stamp`.
    pub fn v1_api2_request(&self, stamp: Stamp) -> Request<Vec<u8>> {
        let check = CaptchaCheck::new("t03neverMinted", self.user, CaptchaType::Slider);
        self.api2.encode(&check, stamp).expect("encodes")
    }

    /// A TC3 request with `body` (any bytes), correctly signed now.
    pub fn signed_body(&self, body: Vec<u8>) -> Request<Vec<u8>> {
        let mut request = self
            .request(Method::POST, "/")
            .header(CONTENT_TYPE, "application/json")
            .header("x-tc-action", "DescribeCaptchaResult")
            .header("x-tc-version", "2019-07-22")
            .body(body)
            .expect("a valid request");
        tc3::sign_request(&mut request, &self.credential, SERVICE, unix_now()).expect("signs");
        request
    }
}
