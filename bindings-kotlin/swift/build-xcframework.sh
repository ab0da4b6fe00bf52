#!/usr/bin/env bash
# Builds EnkashFFI.xcframework (static libenkash_uniffi, profile `mobile`: size-tuned, no proxy
# stack) for iOS devices, the iOS simulator (arm64 + x86_64) and macOS (arm64 + x86_64), and
# generates Sources/Enkash/Enkash.swift. Runs on macOS with Xcode and these Rust targets:
#   rustup target add aarch64-apple-ios aarch64-apple-ios-sim x86_64-apple-ios \
#     aarch64-apple-darwin x86_64-apple-darwin
set -euo pipefail
cd "$(dirname "$0")"
HERE=$PWD
ROOT=$(cd ../.. && pwd)
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
WORK=$TARGET_DIR/xcframework
rm -rf "$WORK" "$HERE/EnkashFFI.xcframework" && mkdir -p "$WORK/include" "$WORK/ios-sim" "$WORK/macos"

lib() { echo "$TARGET_DIR/$1/mobile/libenkash_uniffi.a"; }
for target in aarch64-apple-ios aarch64-apple-ios-sim x86_64-apple-ios aarch64-apple-darwin x86_64-apple-darwin; do
  (cd "$ROOT" && cargo build --profile mobile -p enkash-uniffi --lib --target "$target")
done
lipo -create "$(lib aarch64-apple-ios-sim)" "$(lib x86_64-apple-ios)" -output "$WORK/ios-sim/libenkash_uniffi.a"
lipo -create "$(lib aarch64-apple-darwin)" "$(lib x86_64-apple-darwin)" -output "$WORK/macos/libenkash_uniffi.a"

# Swift sources and the C header + module map, read from the library's uniffi metadata.
(cd "$ROOT" && cargo run -q -p enkash-uniffi --features bindgen --bin uniffi-bindgen -- \
  generate --no-format --language swift --out-dir "$WORK/gen" "$(lib aarch64-apple-ios)")
cp "$WORK/gen/EnkashFFI.h" "$WORK/include/"
cp "$WORK/gen/EnkashFFI.modulemap" "$WORK/include/module.modulemap"
mkdir -p "$HERE/Sources/Enkash"
cp "$WORK/gen/Enkash.swift" "$HERE/Sources/Enkash/Enkash.swift"

xcodebuild -create-xcframework \
  -library "$(lib aarch64-apple-ios)" -headers "$WORK/include" \
  -library "$WORK/ios-sim/libenkash_uniffi.a" -headers "$WORK/include" \
  -library "$WORK/macos/libenkash_uniffi.a" -headers "$WORK/include" \
  -output "$HERE/EnkashFFI.xcframework"
echo "built $HERE/EnkashFFI.xcframework; add this folder as a Swift package dependency"
