#!/usr/bin/env bash
# The benchmark: bash bench/run.sh [--peers]
#
# Installs wrk if it is missing, builds the release binary and the ceiling
# (examples/ceiling.rs), and measures on loopback with 2 threads and 32
# connections. Every throughput is also printed as a ratio to the ceiling,
# measured in the same run, and every figure with its target and whether it
# is met. A second emulator with --state-dir measures create with
# durability (to the ceiling), show and list (to the in-memory emulator, in
# the same rounds) and the restart with TOKENS tokens in its database. With
# --peers it also runs WireMock serving the same show reply:
# tuned (no request journal, no request logging, 30 s of warm-up) and as
# started with no flags.
#
# DURATION (default 10s) sets each throughput run and ROUNDS (default 5)
# how many alternating rounds give the medians; TOKENS (default 1000000)
# and REQUESTS (default 1000000) the two long runs. Results also go to
# target/bench/results.md.
set -euo pipefail
cd "$(dirname "$0")/.."

PEERS=0
[[ "${1:-}" == "--peers" ]] && PEERS=1
DURATION=${DURATION:-10s}
ROUNDS=${ROUNDS:-5}
TOKENS=${TOKENS:-1000000}
REQUESTS=${REQUESTS:-1000000}
PORT=${PORT:-18181}
CEILING_PORT=$((PORT + 1))
PEER_PORT=$((PORT + 2))
OUT=target/bench
BIN=target/release/crmcom-emulator
API=/crmapi/rest/v2
mkdir -p "$OUT"
rm -f "$OUT/results.md"

need() {
    command -v "$1" >/dev/null 2>&1 && return
    local sudo=""
    [[ $(id -u) -ne 0 ]] && sudo="sudo"
    $sudo apt-get update -qq && $sudo apt-get install -y -qq "$2" >/dev/null
}
need wrk wrk
need curl curl

cargo build --release --quiet --bin crmcom-emulator --example ceiling

PIDS=()
cleanup() { for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT

probe() { python3 bench/probe.py "$@"; }
rss() { probe rss "$EMULATOR"; }

# load NAME WRK-ARGS...: one fixed-time wrk run; sets RPS and P99 (ms).
load() {
    local name=$1
    shift
    wrk -t2 -c32 -d"$DURATION" --latency "$@" >"$OUT/$name.txt"
    RPS=$(awk '/^Requests\/sec/ {printf "%d", $2}' "$OUT/$name.txt")
    P99=$(awk '$1 == "99%" {v=$2; if (v ~ /us$/) {sub("us","",v); v/=1000} else if (v ~ /ms$/) {sub("ms","",v)} else if (v ~ /s$/) {sub("s","",v); v*=1000}; printf "%.2f", v}' "$OUT/$name.txt")
    local errors
    errors=$(grep -E "Non-2xx|Socket errors" "$OUT/$name.txt" || true)
    [[ -z "$errors" ]] || echo "  $name: $errors" >&2
}

# until_done SCRIPT ENV...: runs wrk with a STOP per thread until both
# threads have dropped their file, then stops it.
until_done() {
    local script=$1
    shift
    local done_dir
    done_dir=$(mktemp -d)
    env "$@" DONE_DIR="$done_dir" wrk -t2 -c32 -d3600s -s "$script" "http://127.0.0.1:$PORT" \
        >"$OUT/$(basename "$script" .lua)-long.txt" &
    local wrk_pid=$!
    while [[ $(find "$done_dir" -type f | wc -l) -lt 2 ]]; do
        kill -0 "$wrk_pid" 2>/dev/null || break
        sleep 0.2
    done
    kill -INT "$wrk_pid" 2>/dev/null || true
    wait "$wrk_pid" || true
    rm -rf "$done_dir"
}

ROWS=()
# row FIGURE VALUE TARGET MET
row() { ROWS+=("| $1 | $2 | $3 | $4 |"); printf '%-48s %-14s %-12s %s\n' "$1" "$2" "$3" "$4"; }
# check VALUE OP LIMIT: "met" or "MISSED"
check() { awk -v v="$1" -v l="$3" -v op="$2" 'BEGIN {ok = (op == ">=") ? v >= l : v <= l; print ok ? "met" : "MISSED"}'; }
# Ratios to three decimals, never rounded towards a target: a speed ratio of
# 0.4995 must not print as 0.50 and pass a 0.5 target (truncated), nor a
# memory ratio of 1.2004 pass a 1.2 limit (rounded up).
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.3f", int(a / b * 1000) / 1000}'; }
ratio_up() { awk -v a="$1" -v b="$2" 'BEGIN {r = a / b * 1000; c = int(r); if (c < r) c++; printf "%.3f", c / 1000}'; }
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }

echo "== starting the emulator (default configuration; room for $TOKENS more tokens)"
# Start-up: the median of five starts, then the one that stays.
STARTS=()
for _ in 1 2 3 4 5; do
    read -r pid ms < <(probe start "$PORT" "$OUT/emulator.log" "$BIN" --port "$PORT")
    kill "$pid"
    while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done
    STARTS+=("$ms")
done
START_MS=$(printf '%s\n' "${STARTS[@]}" | sort -n | sed -n 3p)
read -r EMULATOR _ < <(probe start "$PORT" "$OUT/emulator.log" "$BIN" --port "$PORT" \
    --max-access-tokens $((TOKENS + 1000)))
PIDS+=("$EMULATOR")
sleep 1
IDLE_RSS=$(rss)
TENANT_MS=$(probe tenants "$PORT" 200)
TOKEN=$(probe login "$PORT" bench)
export TOKEN

SHOW_BODY="{\"token\":\"$TOKEN\",\"access_token_identifier\":{\"authentication_code\":\"CCD4537CA4AD4EE8912FFBAE53110601\"}}"
curl -sf "http://127.0.0.1:$PORT$API/access_tokens/show" -H 'Content-Type: application/json' \
    -d "$SHOW_BODY" >"$OUT/show-reply.json"
# list_url TOKEN: list by an accounts receivable of two tokens.
list_url() {
    echo "http://127.0.0.1:$PORT$API/access_tokens/list?token=$1&accounts_receivable_identifier=number=ACR001018"
}
LIST_URL=$(list_url "$TOKEN")
# The consumer reads: an accounts receivable (GET, as an app's first
# screen) and a wallet's balance (POST, bench/balance.lua).
ACCOUNT_URL="http://127.0.0.1:$PORT$API/accounts_receivable/show?token=$TOKEN&accounts_receivable_identifier=number=ACR000418"
[[ $(curl -sf "$ACCOUNT_URL" | grep -o '"number":"ACR000418"' | wc -l) -eq 1 ]] ||
    { echo "accounts_receivable/show did not answer ACR000418" >&2; exit 1; }
[[ $(curl -sf "$LIST_URL" | grep -o '"authentication_code"' | wc -l) -eq 2 ]] ||
    { echo "list by accounts receivable did not answer its 2 tokens" >&2; exit 1; }

target/release/examples/ceiling "$CEILING_PORT" "$OUT/show-reply.json" 2>/dev/null &
PIDS+=($!)
sleep 0.5

# Rounds alternate the ceiling with the emulator, so drift of the machine
# reaches both; each figure is the median over the rounds, each ratio the
# median of the rounds' ratios.
declare -A RUNS
for round in $(seq "$ROUNDS"); do
    echo "== round $round of $ROUNDS: ceiling, show, list, account, balance, create"
    load "ceiling-$round" -s bench/show.lua "http://127.0.0.1:$CEILING_PORT"
    RUNS[ceiling]+="$RPS "
    RUNS[ceiling_p99]+="$P99 "
    ceiling=$RPS
    load "show-$round" -s bench/show.lua "http://127.0.0.1:$PORT"
    RUNS[show]+="$RPS "
    RUNS[show_p99]+="$P99 "
    RUNS[show_ratio]+="$(ratio "$RPS" "$ceiling") "
    load "list-$round" "$LIST_URL"
    RUNS[list]+="$RPS "
    RUNS[list_ratio]+="$(ratio "$RPS" "$ceiling") "
    load "account-$round" "$ACCOUNT_URL"
    RUNS[account]+="$RPS "
    RUNS[account_ratio]+="$(ratio "$RPS" "$ceiling") "
    load "balance-$round" -s bench/balance.lua "http://127.0.0.1:$PORT"
    RUNS[balance]+="$RPS "
    RUNS[balance_ratio]+="$(ratio "$RPS" "$ceiling") "
    # Each round creates in a new tenant of the fixtures, so every round
    # measures the same thing (growth is the million-token run's part).
    export OWNER=',"accounts_receivable_identifier":{"number":"ACR000783"}' PREFIX="round$round"
    TOKEN=$(probe login "$PORT" "create-$round") load "create-$round" -s bench/create.lua \
        "http://127.0.0.1:$PORT"
    unset OWNER PREFIX
    RUNS[create]+="$RPS "
    RUNS[create_ratio]+="$(ratio "$RPS" "$ceiling") "
done
echo "== --state-dir: create with durability; show and list beside the in-memory emulator"
# Its own process and database, running beside the in-memory emulator so
# each round compares the two on the same machine state.
STATE_DIR=$(mktemp -d)
DURABLE_PORT=$((PORT + 3))
read -r DURABLE _ < <(probe start "$DURABLE_PORT" "$OUT/emulator-durable.log" "$BIN" \
    --port "$DURABLE_PORT" --state-dir "$STATE_DIR/state" --max-access-tokens $((TOKENS + 1000)))
PIDS+=("$DURABLE")
DURABLE_TOKEN=$(probe login "$DURABLE_PORT" bench)
for round in $(seq "$ROUNDS"); do
    echo "== --state-dir round $round of $ROUNDS: ceiling, create, show and list (in memory and durable, alternating)"
    load "durable-ceiling-$round" -s bench/show.lua "http://127.0.0.1:$CEILING_PORT"
    ceiling=$RPS
    export OWNER=',"accounts_receivable_identifier":{"number":"ACR000783"}' PREFIX="durable$round"
    TOKEN=$(probe login "$DURABLE_PORT" "durable-create-$round") load "durable-create-$round" \
        -s bench/create.lua "http://127.0.0.1:$DURABLE_PORT"
    unset OWNER PREFIX
    RUNS[durable_create]+="$RPS "
    RUNS[durable_create_p99]+="$P99 "
    RUNS[durable_create_ratio]+="$(ratio "$RPS" "$ceiling") "
    # Odd rounds measure the in-memory emulator first, even rounds the
    # durable one, so the order of a pair reaches both sides of its ratio.
    memory_show() { load "memory-show-$round" -s bench/show.lua "http://127.0.0.1:$PORT"; memory_show=$RPS; }
    durable_show() { TOKEN=$DURABLE_TOKEN load "durable-show-$round" -s bench/show.lua "http://127.0.0.1:$DURABLE_PORT"; durable_show=$RPS; }
    memory_list() { load "memory-list-$round" "$LIST_URL"; memory_list=$RPS; }
    durable_list() { load "durable-list-$round" "http://127.0.0.1:$DURABLE_PORT$API/access_tokens/list?token=$DURABLE_TOKEN&accounts_receivable_identifier=number=ACR001018"; durable_list=$RPS; }
    if ((round % 2)); then
        memory_show; durable_show; memory_list; durable_list
    else
        durable_show; memory_show; durable_list; memory_list
    fi
    RUNS[durable_show]+="$durable_show "
    RUNS[durable_show_ratio]+="$(ratio "$durable_show" "$memory_show") "
    RUNS[durable_list]+="$durable_list "
    RUNS[durable_list_ratio]+="$(ratio "$durable_list" "$memory_list") "
done

CEILING=$(median ${RUNS[ceiling]})
CEILING_P99=$(median ${RUNS[ceiling_p99]})
SHOW=$(median ${RUNS[show]})
SHOW_P99=$(median ${RUNS[show_p99]})
LIST=$(median ${RUNS[list]})
CREATE=$(median ${RUNS[create]})

echo "== $REQUESTS requests (a login in every 100): memory after 10,000 and after all"
until_done bench/mix.lua STOP=5000
RSS_10K=$(rss)
until_done bench/mix.lua STOP=$(((REQUESTS - 10000) / 2))
RSS_1M=$(rss)

echo "== $TOKENS tokens in one tenant, in a fresh emulator"
# Its own process, so the tokens and heap of the runs above do not count.
kill "$EMULATOR"
while kill -0 "$EMULATOR" 2>/dev/null; do sleep 0.05; done
read -r EMULATOR _ < <(probe start "$PORT" "$OUT/emulator-million.log" "$BIN" --port "$PORT" \
    --max-access-tokens $((TOKENS + 1000)))
PIDS+=("$EMULATOR")
MILLION_TOKEN=$(probe login "$PORT" million)
FIXTURES_TOKEN=$(probe login "$PORT" fixtures)
until_done bench/create.lua STOP=$((TOKENS / 2)) PREFIX=stock OWNER= TOKEN="$MILLION_TOKEN"
COUNT=$(curl -sf "http://127.0.0.1:$PORT/__admin/tenants" | python3 -c \
    'import json,sys; print([t["access_tokens"] for t in json.load(sys.stdin)["data"] if t["organisation"] == "million"][0])')
RSS_TOKENS=$(rss)
# Show and list in the tenant of a million tokens, each round right after
# the same call in a tenant of the fixtures alone in the same process, so
# the machine's drift reaches both sides of each ratio (measured minutes
# apart, one run's baseline rounds were 42–47k req/s and the next 40–46k).
# reads NAME TOKEN ROUND: show, then list, in one tenant; sets SHOW_RPS and LIST_RPS.
reads() {
    TOKEN=$2 load "show-$1-$3" -s bench/show.lua "http://127.0.0.1:$PORT"
    SHOW_RPS=$RPS
    load "list-$1-$3" "$(list_url "$2")"
    LIST_RPS=$RPS
}
for round in $(seq "$ROUNDS"); do
    reads fixtures "$FIXTURES_TOKEN" "$round"
    fixtures_show=$SHOW_RPS
    fixtures_list=$LIST_RPS
    reads million "$MILLION_TOKEN" "$round"
    RUNS[show_million]+="$SHOW_RPS "
    RUNS[list_million]+="$LIST_RPS "
    RUNS[show_million_ratio]+="$(ratio "$SHOW_RPS" "$fixtures_show") "
    RUNS[list_million_ratio]+="$(ratio "$LIST_RPS" "$fixtures_list") "
done
SHOW_MILLION=$(median ${RUNS[show_million]})
LIST_MILLION=$(median ${RUNS[list_million]})
SHOW_MILLION_RATIO=$(median ${RUNS[show_million_ratio]})
LIST_MILLION_RATIO=$(median ${RUNS[list_million_ratio]})

echo "== $TOKENS tokens through --state-dir in a fresh database, then restarts on them"
# A database of its own, so the restart reads the million and not the
# rounds' tokens too.
kill "$DURABLE"
while kill -0 "$DURABLE" 2>/dev/null; do sleep 0.1; done
rm -rf "$STATE_DIR/state"
read -r DURABLE _ < <(probe start "$DURABLE_PORT" "$OUT/emulator-durable-million.log" "$BIN" \
    --port "$DURABLE_PORT" --state-dir "$STATE_DIR/state" --max-access-tokens $((TOKENS + 1000)))
PIDS+=("$DURABLE")
DURABLE_MILLION=$(probe login "$DURABLE_PORT" million)
PORT=$DURABLE_PORT until_done bench/create.lua STOP=$((TOKENS / 2)) PREFIX=stock OWNER= \
    TOKEN="$DURABLE_MILLION"
kill "$DURABLE"
while kill -0 "$DURABLE" 2>/dev/null; do sleep 0.1; done
RESTARTS=()
for _ in 1 2 3; do
    read -r pid ms < <(probe start "$DURABLE_PORT" "$OUT/emulator-durable-restart.log" "$BIN" \
        --port "$DURABLE_PORT" --state-dir "$STATE_DIR/state" --max-access-tokens $((TOKENS + 1000)))
    DURABLE_COUNT=$(curl -sf "http://127.0.0.1:$DURABLE_PORT/__admin/tenants" | python3 -c \
        'import json,sys; print([t["access_tokens"] for t in json.load(sys.stdin)["data"] if t["organisation"] == "million"][0])')
    kill "$pid"
    while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
    RESTARTS+=("$ms")
done
RESTART_MS=$(median "${RESTARTS[@]}")
DATABASE_MIB=$(du -m "$STATE_DIR/state/crmcom-emulator.sqlite3" | cut -f1)
rm -rf "$STATE_DIR"

if [[ $PEERS -eq 1 ]]; then
    echo "== WireMock"
    WIREMOCK_DIR=target/bench-peers
    if ! compgen -G "$WIREMOCK_DIR/node_modules/wiremock/build/*.jar" >/dev/null; then
        need npm npm
        npm install --silent --prefix "$WIREMOCK_DIR" wiremock >/dev/null
    fi
    JAR=$(compgen -G "$WIREMOCK_DIR/node_modules/wiremock/build/*.jar" | head -1)
    # wiremock NAME WARMUP FLAGS...: WireMock serving the same show reply,
    # warmed up with the same load for WARMUP (the JVM compiles as it
    # runs), then measured; sets RPS and P99.
    wiremock() {
        local name=$1 warmup=$2
        shift 2
        java -jar "$JAR" --port "$PEER_PORT" --bind-address 127.0.0.1 --disable-banner "$@" \
            >"$OUT/$name.log" 2>&1 &
        local pid=$!
        PIDS+=("$pid")
        for _ in $(seq 100); do
            curl -sf "http://127.0.0.1:$PEER_PORT/__admin/mappings" >/dev/null && break
            sleep 0.3
        done
        python3 -c 'import json,sys; print(json.dumps({"request": {"method": "POST", "url": sys.argv[1]},
            "response": {"status": 200, "headers": {"Content-Type": "application/json"},
            "body": open(sys.argv[2]).read()}}))' "$API/access_tokens/show" "$OUT/show-reply.json" |
            curl -sf "http://127.0.0.1:$PEER_PORT/__admin/mappings" -d @- >/dev/null
        DURATION=$warmup load "$name-warmup" -s bench/show.lua "http://127.0.0.1:$PEER_PORT"
        load "$name" -s bench/show.lua "http://127.0.0.1:$PEER_PORT"
        kill "$pid"
        while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
    }
    # At its best: no request journal, no request logging (both on by
    # default), after 30 s of JIT warm-up.
    wiremock wiremock-tuned 30s --no-request-journal --disable-request-logging
    WIREMOCK=$RPS
    WIREMOCK_P99=$P99
    # As started with no flags, after 5 s.
    wiremock wiremock-default 5s
    WIREMOCK_DEFAULT=$RPS
    WIREMOCK_DEFAULT_P99=$P99
fi

echo
echo "== results ($(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, wrk -t2 -c32 -d$DURATION, medians of $ROUNDS rounds)"
row "figure" "value" "target" "met"
row "---" "---" "---" "---"
row "ceiling (bare actix handler) req/s" "$CEILING" "" "p99 ${CEILING_P99} ms"
SHOW_RATIO=$(median ${RUNS[show_ratio]})
LIST_RATIO=$(median ${RUNS[list_ratio]})
CREATE_RATIO=$(median ${RUNS[create_ratio]})
row "show req/s (ratio to ceiling)" "$SHOW (${SHOW_RATIO}×)" "≥ 1.0×" "$(check "$SHOW_RATIO" ">=" 1.0)"
row "list req/s (ratio to ceiling)" "$LIST (${LIST_RATIO}×)" "≥ 0.8×" "$(check "$LIST_RATIO" ">=" 0.8)"
row "create req/s (ratio to ceiling)" "$CREATE (${CREATE_RATIO}×)" "≥ 0.5×" "$(check "$CREATE_RATIO" ">=" 0.5)"
ACCOUNT_RATIO=$(median ${RUNS[account_ratio]})
BALANCE_RATIO=$(median ${RUNS[balance_ratio]})
row "accounts_receivable/show req/s (ratio to ceiling)" "$(median ${RUNS[account]}) (${ACCOUNT_RATIO}×)" "≥ 0.8×" "$(check "$ACCOUNT_RATIO" ">=" 0.8)"
row "wallets/get_balance req/s (ratio to ceiling)" "$(median ${RUNS[balance]}) (${BALANCE_RATIO}×)" "≥ 0.8×" "$(check "$BALANCE_RATIO" ">=" 0.8)"
row "show p99 at 32 connections" "$SHOW_P99 ms" "≤ 5 ms" "$(check "$SHOW_P99" "<=" 5)"
row "resident memory at idle" "$IDLE_RSS MiB" "≤ 20 MiB" "$(check "$IDLE_RSS" "<=" 20)"
row "resident memory, $COUNT tokens in one tenant" "$RSS_TOKENS MiB" "≤ 1024 MiB" "$(check "$RSS_TOKENS" "<=" 1024)"
row "show req/s with them (ratio to fixtures alone)" "$SHOW_MILLION (${SHOW_MILLION_RATIO}×)" "≥ 0.9×" "$(check "$SHOW_MILLION_RATIO" ">=" 0.9)"
row "list req/s with them (ratio to fixtures alone)" "$LIST_MILLION (${LIST_MILLION_RATIO}×)" "≥ 0.9×" "$(check "$LIST_MILLION_RATIO" ">=" 0.9)"
row "first login of a new organisation, median" "$TENANT_MS ms" "≤ 1 ms" "$(check "$TENANT_MS" "<=" 1)"
row "start to first reply (median of 5)" "$START_MS ms" "≤ 200 ms" "$(check "$START_MS" "<=" 200)"
DURABLE_CREATE_RATIO=$(median ${RUNS[durable_create_ratio]})
DURABLE_SHOW_RATIO=$(median ${RUNS[durable_show_ratio]})
DURABLE_LIST_RATIO=$(median ${RUNS[durable_list_ratio]})
DURABLE_P99=$(median ${RUNS[durable_create_p99]})
row "--state-dir create req/s (ratio to ceiling)" "$(median ${RUNS[durable_create]}) (${DURABLE_CREATE_RATIO}×)" "≥ 0.25×" "$(check "$DURABLE_CREATE_RATIO" ">=" 0.25)"
row "--state-dir create p99 at 32 connections" "$DURABLE_P99 ms" "≤ 50 ms" "$(check "$DURABLE_P99" "<=" 50)"
row "--state-dir show req/s (ratio to in-memory)" "$(median ${RUNS[durable_show]}) (${DURABLE_SHOW_RATIO}×)" "≥ 0.95×" "$(check "$DURABLE_SHOW_RATIO" ">=" 0.95)"
row "--state-dir list req/s (ratio to in-memory)" "$(median ${RUNS[durable_list]}) (${DURABLE_LIST_RATIO}×)" "≥ 0.95×" "$(check "$DURABLE_LIST_RATIO" ">=" 0.95)"
row "--state-dir restart, $DURABLE_COUNT tokens on disk ($DATABASE_MIB MiB), median of 3" "$RESTART_MS ms" "≤ 5000 ms" "$(check "$RESTART_MS" "<=" 5000)"
row "memory after $REQUESTS requests / after 10,000" "$RSS_1M / $RSS_10K MiB ($(ratio_up "$RSS_1M" "$RSS_10K")×)" "≤ 1.2×" "$(check "$(ratio_up "$RSS_1M" "$RSS_10K")" "<=" 1.2)"
if [[ $PEERS -eq 1 ]]; then
    row "WireMock, tuned and warmed: show req/s (our ratio)" "$WIREMOCK ($(ratio "$SHOW" "$WIREMOCK")×)" "" "p99 ${WIREMOCK_P99} ms"
    row "WireMock, default flags: show req/s (our ratio)" "$WIREMOCK_DEFAULT ($(ratio "$SHOW" "$WIREMOCK_DEFAULT")×)" "" "p99 ${WIREMOCK_DEFAULT_P99} ms"
fi
printf '%s\n' "${ROWS[@]}" >"$OUT/results.md"
! grep -q MISSED "$OUT/results.md"
