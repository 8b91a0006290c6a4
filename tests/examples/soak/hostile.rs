//! Hostile but well-formed requests: tampered signatures, timestamps an hour away, and
//! requests over the emulator's size limits.

use captcha_emulator::{DEMO_APP_SECRET_KEY, MAX_API3_BODY_BYTES, MAX_BODY_BYTES, MAX_QUERY_BYTES};
use captcha_proto::Stamp;
use http::header::{AUTHORIZATION, HeaderValue};
use http::{Method, Request};

use crate::expect::Expect;
use crate::raw::{Pace, judge_raw, raw_exchange};
use crate::requests::{UNKNOWN_TICKET, stamp_at};
use crate::state::Soak;

impl Soak {
    pub async fn tampered(&self, variant: u64) {
        let (kind, request, expect) = match variant % 4 {
            0 => {
                let mut request = self.tc3_request(Stamp::now());
                let value = request.headers()[AUTHORIZATION].as_bytes().to_vec();
                let mut value = value;
                let last = value.len() - 1;
                value[last] = if value[last] == b'0' { b'1' } else { b'0' };
                request.headers_mut().insert(
                    AUTHORIZATION,
                    HeaderValue::from_bytes(&value).expect("still a header value"),
                );
                (
                    "tampered_tc3_signature",
                    request,
                    Expect::Api3Error("AuthFailure.SignatureFailure"),
                )
            }
            1 => {
                let mut request = self.tc3_request(Stamp::now());
                let body = String::from_utf8(request.body().clone()).expect("JSON text");
                *request.body_mut() = body.replace("@abc", "@abd").into_bytes();
                (
                    "tampered_tc3_body",
                    request,
                    Expect::Api3Error("AuthFailure.SignatureFailure"),
                )
            }
            2 => {
                let mut request = self.v1_api2_request(Stamp::now());
                tamper_v1(&mut request);
                (
                    "tampered_v1_api2",
                    request,
                    Expect::Api2 {
                        status: 200,
                        code: 4100,
                        desc: None,
                    },
                )
            }
            _ => {
                let check = self.describe(UNKNOWN_TICKET, "@abc", DEMO_APP_SECRET_KEY);
                let mut request = self.api3_v1.encode(&check, Stamp::now()).expect("encodes");
                tamper_v1(&mut request);
                (
                    "tampered_v1_api3",
                    request,
                    Expect::Api3Error("AuthFailure.SignatureFailure"),
                )
            }
        };
        self.run(kind, self.send_expect(request, expect)).await;
    }

    pub async fn expired(&self, variant: u64) {
        let (kind, request, expect) = match variant % 3 {
            0 => (
                "expired_tc3_past",
                self.tc3_request(stamp_at(-3600)),
                Expect::Api3Error("AuthFailure.SignatureExpire"),
            ),
            1 => (
                "expired_tc3_future",
                self.tc3_request(stamp_at(3600)),
                Expect::Api3Error("AuthFailure.SignatureExpire"),
            ),
            _ => (
                "expired_v1_api2",
                self.v1_api2_request(stamp_at(-3600)),
                Expect::Api2 {
                    status: 200,
                    code: 4500,
                    desc: None,
                },
            ),
        };
        self.run(kind, self.send_expect(request, expect)).await;
    }

    pub async fn oversized(&self, variant: u64) {
        let host = &self.host;
        match variant % 20 {
            // An API 2.0 chunked body actually sent past the limit: rare (1 MiB each).
            19 => {
                let head = format!(
                    "POST /v2/index.php HTTP/1.1\r\nhost: {host}\r\n\
                     content-type: application/x-www-form-urlencoded\r\n\
                     transfer-encoding: chunked\r\nconnection: close\r\n\r\n{:x}\r\n",
                    MAX_BODY_BYTES + 1
                );
                let mut bytes = head.into_bytes();
                bytes.extend(std::iter::repeat_n(b'a', MAX_BODY_BYTES + 1));
                bytes.extend_from_slice(b"\r\n0\r\n\r\n");
                let expect = Expect::Api2 {
                    status: 413,
                    code: 4000,
                    desc: None,
                };
                self.run("oversized_api2_body_sent", async {
                    judge_raw(
                        expect,
                        raw_exchange(self.addr, &bytes, Pace::HalfClose).await,
                    )
                })
                .await;
            }
            v if v % 4 == 0 => {
                let head = format!(
                    "POST / HTTP/1.1\r\nhost: {host}\r\ncontent-type: application/json\r\n\
                     x-tc-action: DescribeCaptchaResult\r\ncontent-length: {}\r\n\
                     connection: close\r\n\r\n",
                    MAX_API3_BODY_BYTES + 1
                );
                let expect = Expect::Api3Error("RequestSizeLimitExceeded");
                self.run_raw("oversized_api3_body", head.as_bytes(), expect)
                    .await;
            }
            v if v % 4 == 1 => {
                let head = format!(
                    "POST /v2/index.php HTTP/1.1\r\nhost: {host}\r\n\
                     content-type: application/x-www-form-urlencoded\r\ncontent-length: {}\r\n\
                     connection: close\r\n\r\n",
                    MAX_BODY_BYTES + 1
                );
                let expect = Expect::Api2 {
                    status: 413,
                    code: 4000,
                    desc: None,
                };
                self.run_raw("oversized_api2_body", head.as_bytes(), expect)
                    .await;
            }
            v => {
                let api3 = v % 4 == 2;
                let path = if api3 { "/" } else { "/v2/index.php" };
                let query = format!("Action=CaptchaCheck&pad={}", "x".repeat(MAX_QUERY_BYTES));
                let request = self
                    .request(Method::GET, &format!("{path}?{query}"))
                    .body(Vec::new())
                    .expect("a valid request");
                let (kind, expect) = if api3 {
                    (
                        "oversized_api3_query",
                        Expect::Api3Error("RequestSizeLimitExceeded"),
                    )
                } else {
                    (
                        "oversized_api2_query",
                        Expect::Api2 {
                            status: 414,
                            code: 4000,
                            desc: None,
                        },
                    )
                };
                self.run(kind, self.send_expect(request, expect)).await;
            }
        }
    }
}

/// Changes one character of the v1 `Signature` parameter (query or form body).
fn tamper_v1(request: &mut Request<Vec<u8>>) {
    fn flip(text: &mut [u8]) -> bool {
        let Some(at) = text
            .windows(10)
            .enumerate()
            .find(|(i, w)| *w == b"Signature=" && (*i == 0 || text[i - 1] == b'&'))
            .map(|(i, _)| i + 10)
        else {
            return false;
        };
        let Some(offset) = text[at..].iter().position(u8::is_ascii_alphanumeric) else {
            return false;
        };
        let c = &mut text[at + offset];
        *c = if *c == b'A' { b'B' } else { b'A' };
        true
    }
    if flip(request.body_mut()) {
        return;
    }
    let uri = request.uri().to_string();
    let mut bytes = uri.into_bytes();
    let query = bytes.iter().position(|b| *b == b'?').map_or(0, |q| q + 1);
    assert!(flip(&mut bytes[query..]), "a v1 request carries Signature");
    *request.uri_mut() = String::from_utf8(bytes)
        .expect("ASCII")
        .parse()
        .expect("still a URI");
}
