#!/usr/bin/env bash
# Runs every test of the project on a fresh machine: formatting, lints, the Rust core, simulator
# and CLI, then each language binding against the shared scenario manifest, from release artifacts
# built once. Installs what it needs by itself. Ends with one "N passed, N failed" line.
# Usage: ./scripts/test-all.sh
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
export CARGO_TERM_COLOR=never
# One target dir for cargo, maturin and napi (napi always passes --target).
export CARGO_BUILD_TARGET="${CARGO_BUILD_TARGET:-x86_64-unknown-linux-gnu}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"

step() { printf '\n==> %s\n' "$*"; }
SECONDS=0
LOGS="$CARGO_TARGET_DIR/test-logs"
rm -rf "$LOGS" && mkdir -p "$LOGS"
SWIFT_ROOT=""
PRISM_PID=""
REDIS_PID=""
cleanup() {
  if [ -n "$SWIFT_ROOT" ]; then umount "$SWIFT_ROOT/proc" 2>/dev/null || true; fi
  if [ -n "$PRISM_PID" ]; then kill "$PRISM_PID" 2>/dev/null || true; fi
  if [ -n "$REDIS_PID" ]; then kill "$REDIS_PID" 2>/dev/null || true; fi
}
trap cleanup EXIT

step "glibc 2.17 toolchain: every native artifact (wheel, .node, libraries) links against glibc 2.17"
# A GCC cross toolchain with a glibc 2.17 sysroot, from npm (@napi-rs/cross-toolchain-*, what
# napi's --use-napi-cross uses): wheels tagged manylinux2014 and an addon that loads on Amazon
# Linux 2, Debian 10/11, Ubuntu 20.04, RHEL 8. (zig-built wheels crashed at interpreter exit with
# requests in flight; this GCC build passes the same test.)
GLIBC217="$CARGO_TARGET_DIR/glibc217"
GCC217="$GLIBC217/tc/bin/x86_64-unknown-linux-gnu-gcc"
if [ ! -x "$GCC217" ]; then
  rm -rf "$GLIBC217" && mkdir -p "$GLIBC217/tc"
  (cd "$GLIBC217" && npm init -y >/dev/null \
    && npm install --no-audit --no-fund --loglevel=error @napi-rs/cross-toolchain-x64-target-x86_64@1.0.0 \
    && tar xJf node_modules/@napi-rs/cross-toolchain-x64-target-x86_64/x86_64-unknown-linux-gnu.tar.xz -C tc \
    && rm -rf node_modules) || echo "glibc 2.17 toolchain: not available; building against this machine's glibc"
fi
# Only the release artifacts (and what shares their build: the sdist install, bench, cargo
# install) go through `g217`; debug builds and tests link against this machine's libpython and
# glibc, which a 2.17 sysroot cannot.
GLIBC217_ENV=()
g217() { env "${GLIBC217_ENV[@]}" "$@"; }
if [ -x "$GCC217" ]; then
  GLIBC217_ENV=("CC_x86_64_unknown_linux_gnu=$GCC217" "AR_x86_64_unknown_linux_gnu=${GCC217%gcc}ar"
    "CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_LINKER=$GCC217")
  echo "using $("$GCC217" --version | head -n 1), sysroot glibc $(ls "$GLIBC217"/tc/x86_64-unknown-linux-gnu/sysroot/lib/libc-*.so 2>/dev/null | sed 's/.*libc-\(.*\)\.so/\1/')"
elif [ -n "${CI:-}" ]; then
  echo "CI needs the glibc 2.17 toolchain" >&2; exit 1
fi

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy (all targets, -D warnings)"
cargo clippy --workspace --all-targets -- -D warnings

step "redis: a real redis-server on loopback (the shared token store tests in Rust, Python and Node)"
if ! command -v redis-server >/dev/null && [ "$(id -u)" -eq 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q redis-server >/dev/null 2>&1 \
    || { apt-get update -q >/dev/null && apt-get install -y -q redis-server >/dev/null; }
fi
if command -v redis-server >/dev/null; then
  REDIS_PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no --logfile "$LOGS/redis.log" &
  REDIS_PID=$!
  for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$REDIS_PORT") 2>/dev/null && break; sleep 0.1; done
  export ENKASH_REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0"
  echo "redis-server $(redis-server --version | sed 's/.*v=\([^ ]*\).*/\1/') on $ENKASH_REDIS_URL"
else
  echo "redis: SKIPPED — no redis-server and not root to install it (Debian package redis-server)"
fi

step "cargo test (Rust core, simulator, CLI, scenario manifest)"
cargo test --workspace 2>&1 | tee "$LOGS/cargo.log"

step "cargo package: the core, the simulator and the CLI package as they would for crates.io"
cargo package -p enkash -p enkash-mock -p enkash-cli --no-verify --allow-dirty --quiet
ls "$CARGO_TARGET_DIR/package/"*.crate

step "release workflow: actionlint (.github/workflows/release.yml)"
if command -v go >/dev/null; then
  GOBIN="$CARGO_TARGET_DIR/go-bin" go install github.com/rhysd/actionlint/cmd/actionlint@v1.7.12
  "$CARGO_TARGET_DIR/go-bin/actionlint" -color=false && echo "actionlint: no findings"
else
  echo "actionlint: SKIPPED (no Go toolchain on this machine)"
fi

step "shell scripts: shellcheck (warnings and errors)"
if ! command -v shellcheck >/dev/null && [ "$(id -u)" -eq 0 ]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q shellcheck >/dev/null 2>&1 \
    || { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q shellcheck >/dev/null; } || true
fi
if command -v shellcheck >/dev/null; then
  shellcheck -S warning scripts/*.sh bench/*.sh bindings-kotlin/android/build-rust.sh \
    bindings-kotlin/swift/build-xcframework.sh && echo "shellcheck: no findings"
else
  echo "shellcheck: SKIPPED (Debian package shellcheck not installed)"
fi

step "android: clippy for aarch64-linux-android (JNI init, TLS fallback; no NDK needed)"
./scripts/check-android.sh

step "cargo build (debug: simulator for the binding suites, CLI, uniffi-bindgen)"
cargo build --workspace --bins
cargo build -p enkash-uniffi --features bindgen --bin uniffi-bindgen
DEBUG_DIR="$CARGO_TARGET_DIR/$CARGO_BUILD_TARGET/debug"
MOCK_BIN="$DEBUG_DIR/enkash-mock"
export ENKASH_MOCK_BIN="$MOCK_BIN"

step "contract: every SDK request validates against the OpenAPI file (Prism mock --errors)"
PRISM="$CARGO_TARGET_DIR/prism"
mkdir -p "$PRISM"
(cd "$PRISM" && { [ -f package.json ] || npm init -y >/dev/null; } \
  && npm install --no-audit --no-fund --loglevel=error @stoplight/prism-cli@5.16.0)
PRISM_PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$PRISM/node_modules/.bin/prism" mock --errors -h 127.0.0.1 -p "$PRISM_PORT" \
  "$ROOT/spec/enkash-pg.openapi.yaml" > "$LOGS/prism.log" 2>&1 &
PRISM_PID=$!
for _ in $(seq 120); do grep -q "listening" "$LOGS/prism.log" && break; sleep 0.5; done
cargo run -q -p enkash --example contract -- "http://127.0.0.1:$PRISM_PORT"
kill "$PRISM_PID" 2>/dev/null || true; PRISM_PID=""

# ---------------------------------------------------------------- Python
step "python: tools venv (maturin, pytest, mypy)"
PYTHON="${PYTHON:-python3}"
TOOLS="$CARGO_TARGET_DIR/venv-tools"
[ -x "$TOOLS/bin/python" ] || "$PYTHON" -m venv "$TOOLS"
"$TOOLS/bin/pip" install -q --disable-pip-version-check "maturin>=1.9,<2" "pytest>=8" "mypy>=1.11" "typing_extensions>=4.15" "auditwheel>=6"

step "python: maturin build --release (abi3 wheel, manylinux2014), auditwheel show"
rm -rf "$CARGO_TARGET_DIR/wheels"
COMPAT=()
[ -x "$GCC217" ] && COMPAT=(--compatibility manylinux2014)
g217 "$TOOLS/bin/maturin" build --release "${COMPAT[@]}" -m bindings-python/Cargo.toml --out "$CARGO_TARGET_DIR/wheels"
WHEEL=$(ls "$CARGO_TARGET_DIR"/wheels/enkash-*.whl)
"$TOOLS/bin/auditwheel" show "$WHEEL"

step "python: fresh venv, pip install the wheel, pytest"
VENV="$CARGO_TARGET_DIR/venv-wheel"
rm -rf "$VENV" && "$PYTHON" -m venv "$VENV"
"$VENV/bin/pip" install -q --disable-pip-version-check "$WHEEL" "pytest>=8" "mypy>=1.11" "typing_extensions>=4.15" "flask>=3,<4"
(cd bindings-python && "$VENV/bin/python" -m pytest -q -p no:cacheprovider tests) 2>&1 | tee "$LOGS/pytest.log"

step "python: sdist (maturin sdist), pip install from source in a fresh venv, import"
"$TOOLS/bin/maturin" sdist -m bindings-python/Cargo.toml --out "$CARGO_TARGET_DIR/wheels/sdist"
SDIST=$(ls "$CARGO_TARGET_DIR"/wheels/sdist/enkash-*.tar.gz)
SDIST_VENV="$CARGO_TARGET_DIR/venv-sdist"
rm -rf "$SDIST_VENV" && "$PYTHON" -m venv "$SDIST_VENV"
g217 "$SDIST_VENV/bin/pip" install -q --disable-pip-version-check "$SDIST"
"$SDIST_VENV/bin/python" -c "import enkash; print('sdist install: enkash', enkash.__version__, 'imported from', enkash.__file__)"

step "python: mypy --strict (examples, tests) and stubtest"
(cd bindings-python && "$VENV/bin/python" -m mypy --strict --cache-dir=/dev/null examples tests)
(cd "$CARGO_TARGET_DIR" && "$VENV/bin/python" -m mypy.stubtest --mypy-config-file /dev/null enkash)

# ---------------------------------------------------------------- Node
step "node: npm ci, napi build --profile node, pack the main package and the linux-x64-gnu package"
NPM_OUT="$CARGO_TARGET_DIR/npm"
rm -rf "$NPM_OUT" && mkdir -p "$NPM_OUT"
(cd bindings-node \
  && npm ci --no-audit --no-fund --loglevel=error \
  && g217 npx napi build --platform --profile node --strip --js native.js --dts native.d.ts \
  && node scripts/pack.js "$NPM_OUT")
GLIBC_NEEDED=$(objdump -T bindings-node/enkash.linux-x64-gnu.node | grep -o 'GLIBC_[0-9.]*' | sort -Vu | tail -n 1)
echo "enkash.linux-x64-gnu.node needs at most $GLIBC_NEEDED"
if [ -x "$GCC217" ] && [ "$(printf '%s\n' "$GLIBC_NEEDED" GLIBC_2.17 | sort -V | tail -n 1)" != GLIBC_2.17 ]; then
  echo "the addon needs a glibc newer than 2.17" >&2; exit 1
fi
NODE_VERSION=$(node -p "require('./bindings-node/package.json').version")
TARBALL="$NPM_OUT/enkash-$NODE_VERSION.tgz"
PLATFORM_TARBALL="$NPM_OUT/enkash-linux-x64-gnu-$NODE_VERSION.tgz"

step "node: fresh folder, npm install both tarballs as the registry would, node:test suites, tsc --strict"
FRESH="$NPM_OUT/fresh"
mkdir -p "$FRESH" && cp -r bindings-node/test bindings-node/examples "$FRESH/"
(cd "$FRESH" \
  && npm init -y >/dev/null \
  && npm install --no-audit --no-fund --loglevel=error "$TARBALL" "$PLATFORM_TARBALL" typescript@~5.9.0 @types/node@^20.19.0 \
  && ENKASH_REGISTRY_LAYOUT=1 ENKASH_REPO_ROOT="$ROOT" node --test --test-concurrency=1 test/ 2>&1 | tee "$LOGS/node.log" \
  && npx tsc -p examples/tsconfig.json)

# ---------------------------------------------------------------- Kotlin and Swift (uniffi)
step "uniffi: release library, then Kotlin + Swift sources (uniffi-bindgen, library mode)"
# The `mobile` profile (size-tuned, no proxy stack): the suites test the library apps ship.
cargo build --profile mobile -p enkash-uniffi --lib
UNIFFI_LIB_DIR="$CARGO_TARGET_DIR/$CARGO_BUILD_TARGET/mobile"
GEN="$CARGO_TARGET_DIR/uniffi-generated"
rm -rf "$GEN"
"$DEBUG_DIR/uniffi-bindgen" generate --no-format --language kotlin --language swift \
  --out-dir "$GEN" "$UNIFFI_LIB_DIR/libenkash_uniffi.so"

step "kotlin: mvn test (kotlin-maven-plugin, JNA, coroutines, JUnit 5)"
KGEN=bindings-kotlin/kotlin/target/generated-sources/uniffi
rm -rf "$KGEN" && mkdir -p "$KGEN" && cp -r "$GEN/com" "$KGEN/"
rm -rf bindings-kotlin/kotlin/target/surefire-reports
(cd bindings-kotlin/kotlin && mvn -B -q test -Denkash.lib.dir="$UNIFFI_LIB_DIR" -Denkash.mock.bin="$MOCK_BIN")
read -r kt_tests kt_fail < <(cat bindings-kotlin/kotlin/target/surefire-reports/TEST-*.xml \
  | awk 'match($0, /<testsuite [^>]*>/) { h = substr($0, RSTART, RLENGTH)
      if (match(h, / tests="[0-9]+"/)) t += substr(h, RSTART + 8, RLENGTH - 9)
      if (match(h, / failures="[0-9]+"/)) f += substr(h, RSTART + 11, RLENGTH - 12)
      if (match(h, / errors="[0-9]+"/)) f += substr(h, RSTART + 9, RLENGTH - 10) }
    END { print t + 0, f + 0 }')
echo "kotlin: $((kt_tests - kt_fail)) passed, $kt_fail failed" | tee "$LOGS/kotlin.log"

# The Swift suite needs root (a chroot holding swiftlang). Skip it with ENKASH_SKIP_SWIFT=1, or
# when not root; CI runs as root and runs it.
SWIFT_SKIPPED=""
if [ "${ENKASH_SKIP_SWIFT:-0}" = 1 ]; then
  SWIFT_SKIPPED="ENKASH_SKIP_SWIFT=1"
elif [ "$(id -u)" -ne 0 ]; then
  SWIFT_SKIPPED="not root (the Swift suite runs in a chroot)"
fi
if [ -n "$SWIFT_SKIPPED" ]; then
  step "swift: SKIPPED — $SWIFT_SKIPPED"
  : > "$LOGS/swift.log"
else
  step "swift: Debian 13 chroot with swiftlang (cached), swift test (XCTest)"
  SWIFT_ROOT=$(./scripts/setup-swift.sh | tail -n 1)
  # Copy (never mount) what the Swift suite needs into the chroot; .build stays cached there.
  W="$SWIFT_ROOT/work/enkash"
  mkdir -p "$W/swift" "$W/lib" "$W/bin"
  rm -rf "$W/swift/Sources" "$W/swift/Tests" "$W/scenarios"
  cp -r bindings-kotlin/swift/Package.swift bindings-kotlin/swift/Sources bindings-kotlin/swift/Tests "$W/swift/"
  cp bindings-kotlin/swift/Examples/*.swift "$W/swift/Tests/EnkashTests/"  # the app examples run with the tests
  # The FFI target holds only generated files (git-ignored), so a fresh clone has no folder for it.
  mkdir -p "$W/swift/Sources/Enkash" "$W/swift/Sources/EnkashFFI"
  cp "$GEN/Enkash.swift" "$W/swift/Sources/Enkash/Enkash.swift"
  cp "$GEN/EnkashFFI.h" "$W/swift/Sources/EnkashFFI/EnkashFFI.h"
  cp "$GEN/EnkashFFI.modulemap" "$W/swift/Sources/EnkashFFI/module.modulemap"
  cp "$UNIFFI_LIB_DIR/libenkash_uniffi.so" "$W/lib/"
  cp "$MOCK_BIN" "$W/bin/enkash-mock"
  cp -r tests/scenarios "$W/scenarios"
  mountpoint -q "$SWIFT_ROOT/proc" || mount -t proc proc "$SWIFT_ROOT/proc"
  chroot "$SWIFT_ROOT" /usr/bin/env -i PATH=/usr/bin:/bin HOME=/root \
    ENKASH_LIB_DIR=/work/enkash/lib ENKASH_MOCK_BIN=/work/enkash/bin/enkash-mock \
    ENKASH_SCENARIOS=/work/enkash/scenarios \
    /bin/bash -c "cd /work/enkash/swift && swift test --disable-swift-testing" 2>&1 | tee "$LOGS/swift.log"
  cleanup; SWIFT_ROOT=""
fi

# ---------------------------------------------------------------- fuzz and bench smoke runs
step "cargo install the CLI from its packaged crate (deps = the packaged core and simulator), run the demo"
# As from crates.io: the .crate files are unpacked and the CLI is installed from its own, with
# crates.io's enkash/enkash-mock replaced by the unpacked packages (not yet published).
PKG="$CARGO_TARGET_DIR/package"
UNPACKED="$PKG/unpacked"
rm -rf "$UNPACKED" && mkdir -p "$UNPACKED"
for c in "$PKG"/enkash-0*.crate "$PKG"/enkash-mock-*.crate "$PKG"/enkash-cli-*.crate; do tar xzf "$c" -C "$UNPACKED"; done
CORE_PKG=$(ls -d "$UNPACKED"/enkash-0*)
MOCK_PKG=$(ls -d "$UNPACKED"/enkash-mock-*)
CLI_PKG=$(ls -d "$UNPACKED"/enkash-cli-*)
g217 cargo install --quiet --locked --root "$PKG/install" --path "$CLI_PKG" \
  --config "patch.crates-io.enkash.path=\"$CORE_PKG\"" --config "patch.crates-io.enkash-mock.path=\"$MOCK_PKG\"" \
  || g217 cargo install --quiet --root "$PKG/install" --path "$CLI_PKG" \
  --config "patch.crates-io.enkash.path=\"$CORE_PKG\"" --config "patch.crates-io.enkash-mock.path=\"$MOCK_PKG\""
"$PKG/install/bin/enkash" demo 2>&1 | tail -n 5

step "fuzz: cargo-fuzz smoke, 20,000 runs per target (stable rustc via RUSTC_BOOTSTRAP, no sanitizer)"
command -v cargo-fuzz >/dev/null || cargo install --locked cargo-fuzz
for t in amount response notify; do
  (cd fuzz && CARGO_TARGET_DIR="$CARGO_TARGET_DIR/fuzz" RUSTC_BOOTSTRAP=1 \
    cargo fuzz run -s none -O "$t" -- -runs=20000 -max_len=4096) > "$LOGS/fuzz-$t.log" 2>&1 \
    || { tail -n 30 "$LOGS/fuzz-$t.log"; exit 1; }
  echo "fuzz $t: $(grep -E '^Done' "$LOGS/fuzz-$t.log")"
done

step "bench: smoke run (tiny counts; no ratios asserted)"
BENCH_RUNS=1 BENCH_OPS=60 BENCH_SECS=1 SOAK_CALLS=2000 BENCH_OUT="$CARGO_TARGET_DIR/bench-smoke" g217 ./bench/run.sh > "$LOGS/bench.log" 2>&1 \
  || { tail -n 40 "$LOGS/bench.log"; exit 1; }
grep -E '^\| \*\*|^\| instructions per' "$CARGO_TARGET_DIR/bench-smoke/latest.md" || true

# ---------------------------------------------------------------- totals
step "totals"
# Each runner's own closing lines, added up.
read -r rust_pass rust_fail < <(awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i } } END { print p + 0, f + 0 }' "$LOGS/cargo.log")
read -r py_pass py_fail < <(awk '/ (passed|failed)/ { p = 0; f = 0; for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p = $i; if ($(i+1) ~ /^failed/) f = $i } lp = p; lf = f } END { print lp + 0, lf + 0 }' "$LOGS/pytest.log")
read -r node_pass node_fail < <(awk '/^# pass / { p += $3 } /^# fail / { f += $3 } END { print p + 0, f + 0 }' "$LOGS/node.log")
read -r sw_tests sw_fail < <(awk "/Test Suite 'All tests'/ { grab = 1; next } grab && /Executed/ { t = \$2; f = \$5; grab = 0 } END { print t + 0, f + 0 }" "$LOGS/swift.log")
printf 'rust %s/%s, python %s/%s, node %s/%s, kotlin %s/%s, swift %s (passed/failed)\n' \
  "$rust_pass" "$rust_fail" "$py_pass" "$py_fail" "$node_pass" "$node_fail" \
  "$((kt_tests - kt_fail))" "$kt_fail" "${SWIFT_SKIPPED:+skipped ($SWIFT_SKIPPED)}${SWIFT_SKIPPED:-$((sw_tests - sw_fail))/$sw_fail}"
total_pass=$((rust_pass + py_pass + node_pass + kt_tests - kt_fail + sw_tests - sw_fail))
total_fail=$((rust_fail + py_fail + node_fail + kt_fail + sw_fail))
step "done in ${SECONDS}s"
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
