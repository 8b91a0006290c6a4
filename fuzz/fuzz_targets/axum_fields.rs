//! The axum extractor's ticket, randstr and client-address parsing on arbitrary requests.
#![no_main]

use captcha_fuzz_harness::Checks;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The harness panics when an invariant breaks; anything else is a valid outcome.
    captcha_fuzz_harness::axum_fields(data, Checks::Quick);
});
