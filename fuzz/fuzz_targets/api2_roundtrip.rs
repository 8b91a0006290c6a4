//! Encode an arbitrary API 2.0 call, parse it back as a server does, and verify it.
#![no_main]

use captcha_fuzz_harness::Checks;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Every verdict is a valid outcome; the harness has already checked it is the right one.
    let _ = captcha_fuzz_harness::roundtrip_bytes(data, Checks::Quick);
});
