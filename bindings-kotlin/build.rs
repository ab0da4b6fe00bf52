//! Link options for the library apps load: identical-code folding and string tail merging
//! (`--icf=all`, `-O2`), on the lld linker Rust uses on x86_64 Linux and the NDK uses on Android,
//! in release-like profiles only.

fn main() {
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let arch = std::env::var("CARGO_CFG_TARGET_ARCH").unwrap_or_default();
    let release = std::env::var("PROFILE").is_ok_and(|p| p == "release");
    // x86_64 Linux links with rust-lld by default (Rust >= 1.90) unless a linker of its own is
    // configured (RUSTC_LINKER; e.g. the glibc-2.17 GCC, whose ld has no --icf); the NDK's clang
    // uses lld.
    let default_linker = std::env::var_os("RUSTC_LINKER").is_none();
    let lld = os == "android" || (os == "linux" && arch == "x86_64" && default_linker);
    if release && lld && std::env::var_os("ENKASH_NO_ICF").is_none() {
        println!("cargo:rustc-cdylib-link-arg=-Wl,--icf=all");
        println!("cargo:rustc-cdylib-link-arg=-Wl,-O2");
    }
    println!("cargo:rerun-if-env-changed=ENKASH_NO_ICF");
}
