//! Decoding any response body (any status) never panics.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (status, body) = match data.split_first() {
        Some((s, rest)) => (200 + u16::from(*s) % 400, rest),
        None => (200, data),
    };
    enkash::__fuzz::decode_response(status, body);
});
