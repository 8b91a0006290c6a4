//! Malformed requests, most over raw sockets: garbage, requests cut short, bad JSON,
//! non-UTF-8, bad `Authorization` headers, headers past the limits, duplicates, pipelining.

use captcha_emulator::DEMO_SECRET_ID;
use captcha_proto::{Credential, Stamp, tc3};
use http::Method;
use http::header::{AUTHORIZATION, CONTENT_TYPE, HeaderName, HeaderValue};

use crate::expect::{Expect, judge};
use crate::raw::{Pace, judge_raw, raw_exchange, serialize};
use crate::requests::{SERVICE, unix_now};
use crate::state::{Soak, Verdict};

/// A request head past the server's limit. hyper refuses a head once its read buffer holds
/// more than 8 KiB + 100 × 4 KiB without the end of it; a head that a single read completes
/// can be up to about twice that, so the head sent is surely past both.
const HEAD_LIMIT: usize = 1024 * 1024;

impl Soak {
    pub async fn malformed(&self, variant: u64) {
        let host = &self.host;
        const BAD_REQUEST: &[u16] = &[400];
        match variant % 22 {
            0 => {
                let bytes = garbage(variant);
                self.run("malformed_garbage", async {
                    judge_raw(
                        Expect::RefusedOrClosed(BAD_REQUEST),
                        raw_exchange(self.addr, &bytes, Pace::HalfClose).await,
                    )
                })
                .await;
            }
            1 => {
                let bytes = format!("POST /v2/index.php HTTP/1.1\r\nhost: {host}\r\ncontent-ty");
                self.run("malformed_truncated_headers", async {
                    judge_raw(
                        Expect::Closed(BAD_REQUEST),
                        raw_exchange(self.addr, bytes.as_bytes(), Pace::HalfClose).await,
                    )
                })
                .await;
            }
            2 => {
                let bytes = format!(
                    "POST /v2/index.php HTTP/1.1\r\nhost: {host}\r\n\
                     content-type: application/x-www-form-urlencoded\r\ncontent-length: 100\r\n\
                     connection: close\r\n\r\nAction=Capt"
                );
                let expect = Expect::Api2 {
                    status: 400,
                    code: 4000,
                    desc: None,
                };
                self.run("malformed_truncated_body", async {
                    judge_raw(
                        expect,
                        raw_exchange(self.addr, bytes.as_bytes(), Pace::HalfClose).await,
                    )
                })
                .await;
            }
            3 => {
                let request = self.signed_body(br#"{"CaptchaType":9,"Ticket":"#.to_vec());
                let expect = Expect::Api3Error("InvalidParameter");
                self.run("malformed_invalid_json", self.send_expect(request, expect))
                    .await;
            }
            4 => {
                let body = b"{\"CaptchaType\":9,\"Ticket\":\"\xff\xfe\x80\",\"Randstr\":\"@abc\"}"
                    .to_vec();
                let request = self.signed_body(body);
                let expect = Expect::Api3Error("InvalidParameter");
                self.run("malformed_non_utf8_json", self.send_expect(request, expect))
                    .await;
            }
            5 => {
                let depth = 100_000;
                let mut body = vec![b'['; depth];
                body.extend(std::iter::repeat_n(b']', depth));
                let request = self.signed_body(body);
                let expect = Expect::Api3Error("InvalidParameter");
                self.run("malformed_deep_json", self.send_expect(request, expect))
                    .await;
            }
            6 => {
                let request = self.signed_body(b"[1,2,3]".to_vec());
                let expect = Expect::Api3Error("InvalidParameter");
                self.run(
                    "malformed_json_not_object",
                    self.send_expect(request, expect),
                )
                .await;
            }
            7 => {
                let mut request = self.tc3_request(Stamp::now());
                request.headers_mut().insert(
                    HeaderName::from_static("x-tc-action"),
                    HeaderValue::from_bytes(b"Describe\xff\xfeResult")
                        .expect("obs-text is allowed"),
                );
                let expect = Expect::Api3Error("InvalidParameter");
                self.run(
                    "malformed_non_utf8_header",
                    self.send_expect(request, expect),
                )
                .await;
            }
            8 => {
                let mut bytes = b"GET /v2/index.php?Action=Describe\xff\xfeResult".to_vec();
                bytes.extend_from_slice(
                    format!(" HTTP/1.1\r\nhost: {host}\r\nconnection: close\r\n\r\n").as_bytes(),
                );
                self.run_raw(
                    "malformed_non_utf8_request_line",
                    &bytes,
                    Expect::RefusedOrClosed(BAD_REQUEST),
                )
                .await;
            }
            9 => {
                let query = format!(
                    "Action=%FF%FE&Region=gz&Timestamp=1&Nonce=1&SecretId={DEMO_SECRET_ID}&Signature=%FF"
                );
                let request = self
                    .request(Method::GET, &format!("/v2/index.php?{query}"))
                    .body(Vec::new())
                    .expect("a valid request");
                let expect = Expect::Api2 {
                    status: 200,
                    code: 4100,
                    desc: None,
                };
                self.run(
                    "malformed_non_utf8_query",
                    self.send_expect(request, expect),
                )
                .await;
            }
            10 => self.bad_authorization(variant / 22).await,
            11 => {
                let mut request = self.tc3_request(Stamp::now());
                let junk = "j".repeat(64 * 1024);
                request.headers_mut().insert(
                    HeaderName::from_static("x-junk"),
                    HeaderValue::from_str(&junk).expect("a header value"),
                );
                self.run(
                    "huge_header_answered",
                    self.send_expect(request, Expect::Api3Code(15)),
                )
                .await;
            }
            12 => {
                // Past the server's limit on the request head: rare, as each is a megabyte.
                if (variant / 22).is_multiple_of(4) {
                    let mut bytes =
                        format!("GET /v2/index.php HTTP/1.1\r\nhost: {host}\r\n").into_bytes();
                    let line = format!("x-junk: {}\r\n", "j".repeat(8 * 1024));
                    while bytes.len() <= HEAD_LIMIT {
                        bytes.extend_from_slice(line.as_bytes());
                    }
                    bytes.extend_from_slice(b"connection: close\r\n\r\n");
                    self.run_raw(
                        "headers_past_limit",
                        &bytes,
                        Expect::RefusedOrClosed(&[431]),
                    )
                    .await;
                } else {
                    let mut bytes =
                        format!("GET /v2/index.php HTTP/1.1\r\nhost: {host}\r\n").into_bytes();
                    for i in 0..120 {
                        bytes.extend_from_slice(format!("x-h{i}: v\r\n").as_bytes());
                    }
                    bytes.extend_from_slice(b"connection: close\r\n\r\n");
                    self.run_raw("too_many_headers", &bytes, Expect::RefusedOrClosed(&[431]))
                        .await;
                }
            }
            13 => {
                let query = format!(
                    "Action=CaptchaCheck&Region=gz&Action=CaptchaCheck&Timestamp={}&Nonce=7&SecretId={DEMO_SECRET_ID}&Signature=x",
                    unix_now()
                );
                let request = self
                    .request(Method::GET, &format!("/v2/index.php?{query}"))
                    .body(Vec::new())
                    .expect("a valid request");
                let expect = Expect::Api2 {
                    status: 200,
                    code: 4000,
                    desc: None,
                };
                self.run("duplicate_param_api2", self.send_expect(request, expect))
                    .await;
            }
            14 => {
                let form = format!(
                    "Action=DescribeCaptchaResult&Version=2019-07-22&Timestamp={}&Nonce=7&Nonce=8&SecretId={DEMO_SECRET_ID}&Signature=x",
                    unix_now()
                );
                let request = self
                    .request(Method::POST, "/")
                    .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
                    .body(form.into_bytes())
                    .expect("a valid request");
                let expect = Expect::Api3Error("InvalidParameter");
                self.run("duplicate_param_api3_v1", self.send_expect(request, expect))
                    .await;
            }
            15 => {
                let mut request = self.tc3_request(Stamp::now());
                request.headers_mut().append(
                    HeaderName::from_static("x-tc-action"),
                    HeaderValue::from_static("DescribeCaptchaResult"),
                );
                let expect = Expect::Api3Error("InvalidParameter");
                self.run("duplicate_header", self.send_expect(request, expect))
                    .await;
            }
            16 => {
                let bytes = format!(
                    "BREW /v2/index.php HTTP/1.1\r\nhost: {host}\r\nconnection: close\r\n\r\n"
                );
                let expect = Expect::Api2 {
                    status: 405,
                    code: 4000,
                    desc: None,
                };
                self.run_raw("unknown_method", bytes.as_bytes(), expect)
                    .await;
            }
            17 => {
                let bytes = format!(
                    "POST /v2/index.php HTTP/1.1\r\nhost: {host}\r\ncontent-length: ten\r\n\r\nAction=x"
                );
                self.run_raw(
                    "invalid_content_length",
                    bytes.as_bytes(),
                    Expect::RefusedOrClosed(BAD_REQUEST),
                )
                .await;
            }
            18 => {
                let one = format!(
                    "GET /v2/index.php?Action=CaptchaCheck HTTP/1.1\r\nhost: {host}\r\n\r\n"
                );
                let last = format!(
                    "GET /v2/index.php?Action=CaptchaCheck HTTP/1.1\r\nhost: {host}\r\nconnection: close\r\n\r\n"
                );
                let bytes = format!("{one}{one}{last}");
                self.run("pipelined", async {
                    let reply = match raw_exchange(self.addr, bytes.as_bytes(), Pace::AtOnce).await
                    {
                        Ok(reply) => reply,
                        Err(e) => return Verdict::Wrong(e),
                    };
                    let expect = Expect::Api2 {
                        status: 200,
                        code: 4000,
                        desc: None,
                    };
                    if reply.responses.len() != 3 || reply.leftover != 0 || !reply.ended {
                        return Verdict::Wrong(format!(
                            "{} responses, {} more bytes; due: 3 answers",
                            reply.responses.len(),
                            reply.leftover
                        ));
                    }
                    for (status, body) in &reply.responses {
                        if let wrong @ Verdict::Wrong(_) = judge(expect, *status, body) {
                            return wrong;
                        }
                    }
                    Verdict::Right
                })
                .await;
            }
            19 => {
                // A body sent without its JSON type: refused before the signature.
                let mut request = self.tc3_request(Stamp::now());
                request
                    .headers_mut()
                    .insert(CONTENT_TYPE, HeaderValue::from_static("text/plain"));
                let expect = Expect::Api3Error("InvalidParameter");
                self.run("wrong_content_type", self.send_expect(request, expect))
                    .await;
            }
            20 => {
                // A TC3 request over a raw socket, its signature intact but its JSON body
                // cut short by a half-close.
                let request = self.tc3_request(Stamp::now());
                let mut bytes = serialize(&request);
                bytes.truncate(bytes.len() - request.body().len() / 2);
                self.run("malformed_truncated_api3_body", async {
                    judge_raw(
                        Expect::Api3Error("InvalidParameter"),
                        raw_exchange(self.addr, &bytes, Pace::HalfClose).await,
                    )
                })
                .await;
            }
            _ => {
                // Missing required API 2.0 parameters, over a raw socket.
                let bytes = format!(
                    "GET /v2/index.php?Action=CaptchaCheck&Region= HTTP/1.1\r\nhost: {host}\r\nconnection: close\r\n\r\n"
                );
                let expect = Expect::Api2 {
                    status: 200,
                    code: 4000,
                    desc: None,
                };
                self.run_raw("missing_params_api2", bytes.as_bytes(), expect)
                    .await;
            }
        }
    }

    async fn bad_authorization(&self, variant: u64) {
        let mut request = self.tc3_request(Stamp::now());
        let (value, expect): (Option<&[u8]>, &'static str) = match variant % 7 {
            0 => (Some(b""), "AuthFailure.InvalidAuthorization"),
            1 => (Some(b"Basic Zm9vOmJhcg=="), "AuthFailure.InvalidAuthorization"),
            2 => (Some(b"TC3-HMAC-SHA256"), "AuthFailure.InvalidAuthorization"),
            3 => (
                Some(
                    b"TC3-HMAC-SHA256 Credential=AKIDemulator0000000000000000000000000/2024-01-01/captcha/tc3_request, SignedHeaders=content-type;host, Signature=zz",
                ),
                "AuthFailure.InvalidAuthorization",
            ),
            4 => {
                let unknown = Credential::new("AKIDunknown0000000000000000000000000000", "some-key")
                    .expect("a credential");
                request.headers_mut().remove(AUTHORIZATION);
                tc3::sign_request(&mut request, &unknown, SERVICE, unix_now()).expect("signs");
                (None, "AuthFailure.SecretIdNotFound")
            }
            5 => {
                request.headers_mut().remove(AUTHORIZATION);
                tc3::sign_request(&mut request, &self.credential, "cvm", unix_now()).expect("signs");
                (None, "AuthFailure.SignatureFailure")
            }
            _ => {
                let sent = request.headers()[AUTHORIZATION].clone();
                request.headers_mut().append(AUTHORIZATION, sent);
                (None, "AuthFailure.InvalidAuthorization")
            }
        };
        if let Some(value) = value {
            request.headers_mut().insert(
                AUTHORIZATION,
                HeaderValue::from_bytes(value).expect("a header value"),
            );
        }
        self.run(
            "bad_authorization",
            self.send_expect(request, Expect::Api3Error(expect)),
        )
        .await;
    }
}

/// 1 to 600 bytes of noise, fixed by `seed`.
fn garbage(seed: u64) -> Vec<u8> {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let len = 1 + (next() % 600) as usize;
    let mut bytes: Vec<u8> = (0..len).map(|_| next() as u8).collect();
    // Never a request line by chance: a control character first.
    bytes[0] = 0x01;
    bytes
}
