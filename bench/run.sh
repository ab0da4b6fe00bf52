#!/usr/bin/env bash
# The benchmark: builds release artifacts, starts the simulator (release, faults off, pending 0),
# and measures in one run the SDK in Rust, Python and Node against what users would write instead
# and against wrk, plus import times, artifact sizes and (with SOAK_CALLS) RSS over a soak.
# Writes bench/results/latest.{jsonl,md,png}.
#   bench/run.sh                      # full: BENCH_RUNS=3 BENCH_OPS=3000 BENCH_SECS=3 SOAK_CALLS=100000
#   BENCH_RUNS=1 BENCH_OPS=60 BENCH_SECS=1 SOAK_CALLS=2000 bench/run.sh   # smoke (CI)
# Peers: wrk; requests, httpx, aiohttp, pyreqwest, primp; undici fetch and undici.request (Pool);
# one call in a fresh process (bench/one_call/): pyreqwest, primp, fetch, undici.request.
# BENCH_INSTRUCTIONS=0 skips the callgrind instruction counts (bench/instructions.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
export CARGO_BUILD_TARGET="${CARGO_BUILD_TARGET:-x86_64-unknown-linux-gnu}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
RUNS="${BENCH_RUNS:-3}"
OPS="${BENCH_OPS:-3000}"
SECS="${BENCH_SECS:-3}"
SOAK_CALLS="${SOAK_CALLS:-100000}"
OUT="${BENCH_OUT:-$ROOT/bench/results}"
REL="$CARGO_TARGET_DIR/$CARGO_BUILD_TARGET/release"
WORK="$CARGO_TARGET_DIR/bench-work"
mkdir -p "$OUT" "$WORK"
RESULTS="$WORK/latest.jsonl"
: > "$RESULTS"
say() { printf '\n--> %s\n' "$*" >&2; }

command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }

say "release builds: simulator, Rust bench, uniffi library, wheel, .node"
cargo build --release -p enkash-mock -p enkash --bin enkash-mock --example bench
# The mobile library with Rust's default linker (rust-lld: identical-code folding, see
# bindings-kotlin/build.rs), as the NDK links it for Android; a glibc-2.17 linker is not for it.
env -u CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_LINKER -u CC_x86_64_unknown_linux_gnu -u AR_x86_64_unknown_linux_gnu \
  cargo build --profile mobile -p enkash-uniffi --lib
VENV="$WORK/venv"
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
"$VENV/bin/pip" install -q --disable-pip-version-check "maturin>=1.9,<2" requests httpx aiohttp pyreqwest primp matplotlib
rm -rf "$WORK/wheels" && "$VENV/bin/maturin" build -q --release -m bindings-python/Cargo.toml --out "$WORK/wheels"
"$VENV/bin/pip" install -q --force-reinstall --no-deps "$WORK"/wheels/enkash-*.whl
(cd bindings-node && npm ci --no-audit --no-fund --loglevel=error \
  && npx napi build --platform --profile node --strip --js native.js --dts native.d.ts \
  && rm -rf "$WORK/npm" && node scripts/pack.js "$WORK/npm")
# Installed the way the registry would: the main package and its linux-x64-gnu platform package.
mkdir -p "$WORK/node" && (cd "$WORK/node" && { [ -f package.json ] || npm init -y >/dev/null; } \
  && npm install --no-audit --no-fund --loglevel=error "$WORK"/npm/enkash-*.tgz undici@^7)

# A fresh simulator for each run (and one for the phases after the runs): one that had taken the
# earlier runs' ~300,000 refunds served GETs ~25% slower (wrk at c=16: 84k -> 66k requests/s over
# a 7-run bench) and not equally for every client, so a run's figures depended on the runs before it.
MOCK_PID=
trap 'kill $MOCK_PID 2>/dev/null || true' EXIT
# What every fresh simulator is seeded with: the bench's merchant and 64 payments, and the soak's.
TXNS=$(python3 -c 'import json; print(json.dumps({"merchants":[{"access_key":"ak_test","secret_key":"sk_test","balance":"100000000"}],"transactions":[{"id":"EKBENCH%03d"%i,"amount":"1000000000"} for i in range(64)]+[{"id":"EKSOAK","amount":"1000000000"}]}))')
start_simulator() {
  if [ -n "$MOCK_PID" ]; then kill "$MOCK_PID" 2>/dev/null || true; wait "$MOCK_PID" 2>/dev/null || true; fi
  rm -f "$WORK/mock.url"
  # The journal bounded: unbounded it grew by ~270 bytes per request, gigabytes over a full bench.
  "$REL/enkash-mock" --listen 127.0.0.1:0 --journal-limit 100000 > "$WORK/mock.url" &
  MOCK_PID=$!
  for _ in $(seq 50); do [ -s "$WORK/mock.url" ] && break; sleep 0.1; done
  URL=$(head -n 1 "$WORK/mock.url")
  curl -fsS -X POST "$URL/__mock/seed" -H 'content-type: application/json' -d "$TXNS" >/dev/null
  TOKEN=$(curl -fsS -X POST "$URL/api/v0/merchant/token" -H 'content-type: application/json' \
    -d '{"accessKey":"ak_test","secretKey":"sk_test"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
}

# The mean of one-second slices' rates (equal durations: total requests over total time).
mean_rate() { python3 -c 'import statistics,sys; print(statistics.fmean(map(float, sys.argv[1:])))' "$@"; }
for run in $(seq "$RUNS"); do
  say "run $run/$RUNS: a fresh simulator"
  start_simulator
  # Rust and wrk alternate per concurrency in one-second slices (SECS of each), so both are measured
  # across the same machine states: back-to-back 3-second pairs at c=1 gave ratios from 0.76 to 0.97
  # within a minute on this machine.
  for c in 1 16 64; do
    say "run $run/$RUNS: c=$c wrk (GET status, the ceiling) and the Rust client, ${SECS} one-second slices each"
    wrk_rates=() rust_rates=()
    for _ in $(seq "$SECS"); do
      wrk_out=$(wrk -t"$(( c < 2 ? 1 : 2 ))" -c"$c" -d1s -H "Authorization: Bearer $TOKEN" -H "merchantAccessKey: ak_test" \
        "$URL/api/v0/payment/EKBENCH000")
      # wrk counts any answer as a request: a refusal (an expired token, say) would make the
      # ceiling cheaper than the SDK's work, so only an all-2xx slice counts.
      if grep -q 'Non-2xx' <<<"$wrk_out"; then printf 'wrk got refusals:\n%s\n' "$wrk_out" >&2; exit 1; fi
      wrk_rates+=("$(awk '/^Requests\/sec:/ { print $2 }' <<<"$wrk_out")")
      rust_rates+=("$(BENCH_ONLY=get BENCH_CONC=$c "$REL/examples/bench" "$URL" "$OPS" 1 \
        | python3 -c 'import json,sys; print(json.load(sys.stdin)["ops_per_s"])')")
    done
    echo "{\"name\":\"wrk_get_c$c\",\"run\":$run,\"concurrency\":$c,\"slices\":$SECS,\"ops_per_s\":$(mean_rate "${wrk_rates[@]}")}" >> "$RESULTS"
    echo "{\"name\":\"rust_get_c$c\",\"run\":$run,\"concurrency\":$c,\"slices\":$SECS,\"ops_per_s\":$(mean_rate "${rust_rates[@]}")}" >> "$RESULTS"
  done
  say "run $run/$RUNS: Rust refund + status"
  BENCH_ONLY=refund "$REL/examples/bench" "$URL" "$OPS" | sed "s/^{/{\"run\":$run,/" >> "$RESULTS"
  say "run $run/$RUNS: Python"
  "$VENV/bin/python" bench/py_bench.py "$URL" "$OPS" >> "$RESULTS"
  say "run $run/$RUNS: Node"
  NODE_PATH="$WORK/node/node_modules" node bench/node_bench.js "$URL" "$OPS" >> "$RESULTS"
done

say "a fresh simulator for the phases after the runs"
start_simulator

say "token requests made by 256 concurrent callers on a fresh client"
BENCH_ONLY=token "$REL/examples/bench" "$URL" "$OPS" >> "$RESULTS"

if [ "${BENCH_INSTRUCTIONS:-1}" = 1 ] && command -v valgrind >/dev/null; then
  say "instructions per refund + status round trip (callgrind), Rust, Python, Node"
  bench/instructions.sh "$URL" "$OUT" "$REL/examples/bench" "$VENV/bin/python" "$WORK/node/node_modules" \
    "${BENCH_INSTRUCTIONS_K:-300}" >> "$RESULTS"
fi

say "start-up and sizes"
# Start-up is paired: the command with the SDK and the bare one alternate (a warm-up of each, then
# 21 pairs), so a drift in the machine's speed moves both; the figure over bare is the median of the
# pair differences (unpaired medians of 7 runs each moved by 5-20 ms from run to run on this machine).
startup() { python3 - "$@" <<'PY'
import json, statistics, subprocess, sys, time
name, bare_name = sys.argv[1], sys.argv[2]
sep = sys.argv.index("--")
with_sdk, bare = sys.argv[3:sep], sys.argv[sep + 1:]
def run(cmd):
    t = time.perf_counter(); subprocess.run(cmd, check=True); return (time.perf_counter() - t) * 1000
run(with_sdk); run(bare)
a, b = [], []
for _ in range(21):
    a.append(run(with_sdk)); b.append(run(bare))
print(json.dumps({"name": name, "ms": round(statistics.median(a), 1)}))
print(json.dumps({"name": bare_name, "ms": round(statistics.median(b), 1)}))
over = f"{name}_over_{bare_name.rsplit('_', 1)[1]}"
print(json.dumps({"name": over, "ms": round(statistics.median(x - y for x, y in zip(a, b)), 1),
                  "ratio": round(statistics.median(x / y for x, y in zip(a, b)), 3)}))
PY
}
startup import_python_enkash import_python_bare "$VENV/bin/python" -c 'import enkash' -- "$VENV/bin/python" -c pass >> "$RESULTS"
NODE_PATH="$WORK/node/node_modules" startup require_node_enkash require_node_bare node -e "require('enkash')" -- node -e 0 >> "$RESULTS"
# One call in a fresh process (a script, a cron job, a serverless cold start): token + status read,
# start-up included, against the same script written with each peer (bench/one_call/).
for peer in pyreqwest primp; do
  "$VENV/bin/python" -c "import $peer" 2>/dev/null || continue  # wheels for CPython >= 3.11 / 3.10
  startup one_call_python_enkash "one_call_python_$peer" "$VENV/bin/python" bench/one_call/enkash_client.py "$URL" \
    -- "$VENV/bin/python" "bench/one_call/${peer}_client.py" "$URL" >> "$RESULTS"
done
for peer in fetch undici; do
  NODE_PATH="$WORK/node/node_modules" startup one_call_node_enkash "one_call_node_$peer" node bench/one_call/enkash_client.js "$URL" \
    -- node "bench/one_call/${peer}_client.js" "$URL" >> "$RESULTS"
done
mb() { python3 -c "import os,sys; print(f'{os.path.getsize(sys.argv[1])/1048576:.3f}')" "$1"; }
cp "$CARGO_TARGET_DIR/$CARGO_BUILD_TARGET/mobile/libenkash_uniffi.so" "$WORK/libenkash_uniffi.stripped.so" && strip "$WORK/libenkash_uniffi.stripped.so"
echo "{\"name\":\"size_wheel\",\"mb\":$(mb "$(ls "$WORK"/wheels/enkash-*.whl)")}" >> "$RESULTS"
echo "{\"name\":\"size_node\",\"mb\":$(mb "$(ls "$WORK"/node/node_modules/enkash-linux-x64-gnu/enkash.*.node)")}" >> "$RESULTS"
echo "{\"name\":\"size_uniffi\",\"mb\":$(mb "$WORK/libenkash_uniffi.stripped.so")}" >> "$RESULTS"

if [ "$SOAK_CALLS" -gt 0 ]; then
  say "soak: $SOAK_CALLS calls through Python and Node"
  "$VENV/bin/python" bench/soak.py "$URL" "$SOAK_CALLS" >> "$RESULTS"
  NODE_PATH="$WORK/node/node_modules" node --expose-gc bench/soak.js "$URL" "$SOAK_CALLS" >> "$RESULTS"
fi

cp "$RESULTS" "$OUT/latest.jsonl"
"$VENV/bin/python" bench/report.py "$OUT/latest.jsonl" "$OUT"
