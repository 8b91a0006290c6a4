//! The whole TC3 signature check of an arbitrary request.
#![no_main]

use captcha_fuzz_harness::Checks;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Every verdict is a valid outcome; the harness has already checked it is the right one.
    let _ = captcha_fuzz_harness::tc3_verify(data, Checks::Quick);
});
