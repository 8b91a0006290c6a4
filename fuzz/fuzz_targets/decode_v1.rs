//! Every API 2.0 response decoder on arbitrary bodies and statuses.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| captcha_fuzz_harness::decode_v1_responses(data));
