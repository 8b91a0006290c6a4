//! The API 2.0 response decoders on arbitrary bodies and statuses.
#![no_main]

use captcha_fuzz_harness::Checks;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The harness panics when an invariant breaks; anything else is a valid outcome.
    captcha_fuzz_harness::api2_decode(data, Checks::Quick);
});
