//! The TC3 `Authorization` header parser on arbitrary text.
#![no_main]

use captcha_fuzz_harness::Checks;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The harness panics when an invariant breaks; anything else is a valid outcome.
    captcha_fuzz_harness::tc3_authorization(data, Checks::Quick);
});
