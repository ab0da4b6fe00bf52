#!/usr/bin/env bash
# Runs every test of the project on a fresh machine: formatting, lints, the Rust core and
# simulator, and (as they land) each language binding against the shared scenario manifest.
# Installs what it needs by itself. Usage: ./scripts/test-all.sh
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
export CARGO_TERM_COLOR=never
# One target dir for cargo, maturin and napi (napi always passes --target).
export CARGO_BUILD_TARGET="${CARGO_BUILD_TARGET:-x86_64-unknown-linux-gnu}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
export ENKASH_SHARED_DIR="${ENKASH_SHARED_DIR:-$ROOT/../shared}"

step() { printf '\n==> %s\n' "$*"; }
SECONDS=0

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy (all targets, -D warnings)"
cargo clippy --workspace --all-targets -- -D warnings

step "cargo test (Rust core + simulator + scenario manifest)"
cargo test --workspace

step "done in ${SECONDS}s"
