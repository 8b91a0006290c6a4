//! The decoders of the 18 API 3.0 captcha actions and the envelope on arbitrary bodies and statuses.
#![no_main]

use captcha_fuzz_harness::Checks;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The harness panics when an invariant breaks; anything else is a valid outcome.
    captcha_fuzz_harness::api3_decode(data, Checks::Quick);
});
