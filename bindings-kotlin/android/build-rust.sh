#!/usr/bin/env bash
# Builds libenkash_uniffi.so for the Android ABIs (profile `mobile`: size-tuned, no proxy stack)
# into build/jniLibs/<abi>/, and generates the Kotlin bindings into build/generated/uniffi.
# Needs: ANDROID_NDK_HOME, `cargo install cargo-ndk`, and
#   rustup target add aarch64-linux-android armv7-linux-androideabi x86_64-linux-android
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$(cd ../.. && pwd)
OUT=$PWD/build
: "${ANDROID_NDK_HOME:?set ANDROID_NDK_HOME to the Android NDK}"
command -v cargo-ndk >/dev/null || { echo "cargo-ndk is missing: cargo install cargo-ndk" >&2; exit 1; }

(cd "$ROOT" && cargo ndk --platform 24 -t arm64-v8a -t armeabi-v7a -t x86_64 \
  -o "$OUT/jniLibs" build --profile mobile -p enkash-uniffi --lib)

# uniffi-bindgen reads the interface from the library's metadata (library mode; uniffi.toml is
# found through the crate).
rm -rf "$OUT/generated/uniffi"
(cd "$ROOT" && cargo run -q -p enkash-uniffi --features bindgen --bin uniffi-bindgen -- \
  generate --no-format --language kotlin --out-dir "$OUT/generated/uniffi" \
  "$OUT/jniLibs/arm64-v8a/libenkash_uniffi.so")
echo "jniLibs and Kotlin sources are in $OUT"
