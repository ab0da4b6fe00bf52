//! Parsing any Payment Notify body never panics.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = enkash::parse_payment_notification(data);
});
