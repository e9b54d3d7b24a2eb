#!/usr/bin/env bash
# Memory: bash bench/memory.sh
#
# The resident memory of the release binary in the three cases of issue 19's
# "Memory and bounds", each in a fresh emulator, printed with its limit:
#   1. --journal-size 1000, 1,000 POSTs of a 16,301-byte body, then one
#      GET /__admin/journal: the peak over the start's, and what stays.
#   2. --dataset large, then logins to 20 new organisations: MiB per extra
#      organisation (limit 1 MiB: they share the dataset until they change it).
#   3. a mixed load of LOAD (default 60s: shows and logins, and creates in
#      200 organisations), then every organisation reset and the journal
#      cleared: the memory left over the warm-up figure (limit 1.5x), once
#      the allocator has given it back (at most 30 s).
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${PORT:-18191}
LOAD=${LOAD:-60s}
OUT=target/bench
BIN=target/release/crmcom-emulator
mkdir -p "$OUT"
command -v wrk >/dev/null || { echo "wrk is needed (apt-get install -y wrk)" >&2; exit 1; }
cargo build --release --quiet --bin crmcom-emulator

probe() { python3 bench/probe.py "$@"; }
EMULATOR=
cleanup() { [[ -n "$EMULATOR" ]] && kill "$EMULATOR" 2>/dev/null || true; }
trap cleanup EXIT
start() {
    cleanup
    [[ -n "$EMULATOR" ]] && while kill -0 "$EMULATOR" 2>/dev/null; do sleep 0.05; done
    read -r EMULATOR _ < <(probe start "$PORT" "$OUT/memory.log" "$BIN" --port "$PORT" --log warn "$@")
    sleep 0.5
}
rss() { probe rss "$EMULATOR"; }
verdict() { awk -v v="$1" -v l="$2" 'BEGIN {print (v <= l) ? "met" : "MISSED"}'; }

echo "== 1. the journal of 1,000 bodies of 16 KB"
start --journal-size 1000
BEFORE=$(rss)
probe zeros "$PORT" 1000
probe get "$PORT" /__admin/journal >/dev/null
PEAK=$(probe peak "$EMULATOR")
AFTER=$(rss)
printf 'journal: start %s MiB, peak %s MiB, after the read %s MiB\n' "$BEFORE" "$PEAK" "$AFTER"

echo "== 2. --dataset large and 20 more organisations"
start --dataset large
BEFORE=$(rss)
probe logins "$PORT" 20 extra
AFTER=$(rss)
EACH=$(awk -v a="$AFTER" -v b="$BEFORE" 'BEGIN {printf "%.2f", (a - b) / 20}')
printf 'dataset: %s MiB, with 20 more organisations %s MiB: %s MiB each (limit 1): %s\n' \
    "$BEFORE" "$AFTER" "$EACH" "$(verdict "$EACH" 1)"

echo "== 3. $LOAD of mixed load, then every organisation reset and the journal cleared"
start
TOKEN=$(probe login "$PORT" bench)
export TOKEN
wrk -t1 -c8 -d5s -s bench/mix.lua "http://127.0.0.1:$PORT" >/dev/null
WARM=$(rss)
for n in $(seq 0 199); do probe login "$PORT" "load-$n" >/dev/null; done
wrk -t1 -c16 -d"$LOAD" -s bench/mix.lua "http://127.0.0.1:$PORT" >"$OUT/memory-mix.txt" &
MIX=$!
TOKEN=$(probe login "$PORT" load-0) wrk -t1 -c16 -d"$LOAD" -s bench/create.lua \
    "http://127.0.0.1:$PORT" >"$OUT/memory-create.txt"
wait "$MIX"
LOADED=$(rss)
probe call "$PORT" POST /__admin/reset >/dev/null
probe call "$PORT" DELETE /__admin/journal >/dev/null
# The allocator gives memory back over seconds: wait until the limit is
# met or 30 s have passed.
WAITED=0
while :; do
    sleep 1
    WAITED=$((WAITED + 1))
    RETURNED=$(rss)
    RATIO=$(awk -v a="$RETURNED" -v b="$WARM" 'BEGIN {printf "%.2f", a / b}')
    [[ $(verdict "$RATIO" 1.5) == met || $WAITED -ge 30 ]] && break
done
printf 'load: warm %s MiB, loaded %s MiB, %s s after reset and clear %s MiB: %sx the warm figure (limit 1.5): %s\n' \
    "$WARM" "$LOADED" "$WAITED" "$RETURNED" "$RATIO" "$(verdict "$RATIO" 1.5)"
