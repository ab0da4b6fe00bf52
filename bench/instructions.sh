#!/usr/bin/env bash
# Instructions per refund + status round trip, per language, counted by callgrind (repeatable on
# a noisy machine, unlike seconds). Each program runs twice under callgrind, with W and with W+K
# sequential round trips; (I(W+K) - I(W)) / K is the steady-state cost of one round trip: start-up,
# the token fetch and the first W round trips (lazy imports, caches, V8's JIT tiering up) are in
# both runs and cancel out. With W=1 and K=20 one-off work landing in one window moved the counts
# by up to ±10% (Python) and made Node's anything from 144 k to 543 k, once negative; with W=100
# and K=300 three pairs of Node runs gave 331-347 k (V8's JIT and GC amortised over 300).
# Only the client process is counted (the simulator runs apart).
# Prints one JSON line per language and writes where one round trip's instructions go (the
# difference of the two profiles: by object file, top functions) to OUT/instructions-<lang>.txt.
#   bench/instructions.sh URL OUT RUST_BENCH_BIN PYTHON NODE_PATH [K] [W]
set -euo pipefail
URL=$1 OUT=$2 RUST_BIN=$3 PY=$4 NODE_MODULES=$5 K=${6:-300} W=${7:-100}
cd "$(dirname "$0")/.."
mkdir -p "$OUT"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

total() { awk '/^(summary|totals):/ { print $2; exit }' "$1"; }

count() {  # count LANG CMD... ; the command takes the number of round trips as $N in its args
  local lang=$1; shift
  local one="$WORK/$lang.1" many="$WORK/$lang.many"
  run() { local n=$1 out=$2; shift 2
    local args=("${@//@N@/$n}")
    valgrind --tool=callgrind --callgrind-out-file="$out" "${args[@]}" >/dev/null 2>"$out.log" \
      || { tail -n 20 "$out.log" >&2; return 1; }; }
  run "$W" "$one" "$@"
  run $((W + K)) "$many" "$@"
  local a b per
  a=$(total "$one"); b=$(total "$many")
  per=$(( (b - a) / K ))
  echo "{\"name\":\"instructions_$lang\",\"per_round_trip\":$per,\"k\":$K}"
  python3 bench/callgrind_diff.py "$one" "$many" "$K" "$lang" "$per" > "$OUT/instructions-$lang.txt"
}

# Set here, not through `env` (valgrind does not follow the exec into the measured program).
export BENCH_ONLY=roundtrips NODE_PATH="$NODE_MODULES"
count rust "$RUST_BIN" "$URL" @N@
count python_sync "$PY" bench/roundtrips.py "$URL" @N@ sync
count python_async "$PY" bench/roundtrips.py "$URL" @N@ async
count node node bench/roundtrips.js "$URL" @N@
