//! The API 2.0 response decoders on arbitrary bodies and statuses.
#![no_main]

use captcha_fuzz_harness::Checks;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Every verdict is a valid outcome; the harness has already checked it is the right one.
    let _ = captcha_fuzz_harness::api2_decode(data, Checks::Quick);
});
