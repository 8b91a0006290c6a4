//! Recognising disaster-recovery tickets in arbitrary text.
#![no_main]

use captcha_fuzz_harness::Checks;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The harness panics when an invariant breaks; anything else is a valid outcome.
    captcha_fuzz_harness::api3_disaster_ticket(data, Checks::Quick);
});
