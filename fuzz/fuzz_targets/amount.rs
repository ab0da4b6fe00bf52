//! Amount parsing never panics; an accepted amount round-trips exactly through its wire form.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(a) = enkash::Amount::parse(text) {
            let again = enkash::Amount::parse(&a.to_wire()).expect("wire form parses");
            assert_eq!(a, again);
            assert_eq!(enkash::Amount::from_paise(a.paise()).expect("paise"), a);
        }
    }
});
