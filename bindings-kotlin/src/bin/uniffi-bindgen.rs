//! In-workspace `uniffi-bindgen` (library mode): generates the Kotlin and Swift sources.
//! `cargo build -p enkash-uniffi --features bindgen --bin uniffi-bindgen`
fn main() {
    uniffi::uniffi_bindgen_main()
}
