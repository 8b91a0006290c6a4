//! The API 3.0 `DescribeCaptchaResult` decoder and envelope on arbitrary bodies and statuses.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| captcha_fuzz_harness::decode_v3_response(data));
