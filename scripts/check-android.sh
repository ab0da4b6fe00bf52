#!/usr/bin/env bash
# Type-checks the Android build of the mobile library (the JNI entry point EnkashAndroid.init, the
# platform-verifier fallback, every cfg(target_os = "android") branch) with clippy, without the NDK:
# ring's C sources are only compiled for their build script here (never linked), so a freestanding
# clang with two stub headers is enough. The real build (cargo-ndk + NDK) is
# bindings-kotlin/android/build-rust.sh, run in the release workflow.
set -euo pipefail
cd "$(dirname "$0")/.."
TARGET=aarch64-linux-android
if ! rustup target list --installed | grep -qx "$TARGET"; then
  timeout 300 rustup target add "$TARGET" >/dev/null 2>&1 || {
    echo "android check: SKIPPED — the Rust standard library for $TARGET cannot be downloaded here"; exit 0; }
fi
if ! command -v clang >/dev/null; then
  if [ "$(id -u)" -eq 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q clang >/dev/null 2>&1 \
      || { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q clang >/dev/null; }
  else
    echo "android check: SKIPPED — no clang (Debian package clang)"; exit 0
  fi
fi
STUBS="$(realpath -m "${CARGO_TARGET_DIR:-target}")/android-check-stubs"  # absolute: cc runs elsewhere
mkdir -p "$STUBS"
printf '#pragma once\n#define assert(x) ((void)0)\n' > "$STUBS/assert.h"
printf '#pragma once\n#include <stddef.h>\nvoid *memcpy(void *, const void *, size_t);\nvoid *memset(void *, int, size_t);\nvoid *memmove(void *, const void *, size_t);\nint memcmp(const void *, const void *, size_t);\n' > "$STUBS/string.h"
CLANG_INCLUDE=$(clang -print-resource-dir)/include
export CC_aarch64_linux_android=clang AR_aarch64_linux_android=llvm-ar
command -v llvm-ar >/dev/null || export AR_aarch64_linux_android=ar
export CFLAGS_aarch64_linux_android="--target=$TARGET""24 -ffreestanding -nostdinc -isystem $CLANG_INCLUDE -isystem $STUBS"
# CARGO_BUILD_TARGET (the host triple in test-all) is overridden by --target.
cargo clippy -q --target "$TARGET" -p enkash-uniffi --lib -- -D warnings
echo "android check: enkash-uniffi type-checks and lints clean for $TARGET"
