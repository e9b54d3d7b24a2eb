#!/usr/bin/env bash
# Runs schemathesis against the release binary: every CRM.COM method, and
# the admin API's read-only routes. Installs schemathesis (pinned) into a
# virtualenv under target/ on first use. Exits non-zero on any failure.
#
#   schemathesis/run.sh            # 300 examples per operation, seed 42
#   EXAMPLES=50 schemathesis/run.sh
#   BINARY=target/x86_64-unknown-linux-gnu/dist/crmcom-emulator schemathesis/run.sh
#                                  # a release binary already built (CI: dist's)
set -euo pipefail
cd "$(dirname "$0")/.."

SCHEMATHESIS_VERSION=4.32.5
EXAMPLES="${EXAMPLES:-300}"
SEED="${SEED:-42}"
VENV=target/schemathesis-venv

if ! "$VENV/bin/schemathesis" --version 2>/dev/null | grep -q "$SCHEMATHESIS_VERSION"; then
  python3 -m venv "$VENV" || { apt-get install -y python3-venv && python3 -m venv "$VENV"; }
  "$VENV/bin/pip" install --quiet "schemathesis==$SCHEMATHESIS_VERSION"
fi

if [ -z "${BINARY:-}" ]; then
  cargo build --release --quiet
  BINARY=./target/release/crmcom-emulator
fi
out=$(mktemp)
"$BINARY" --port 0 --seed 7 --log warn >"$out" &
emulator=$!
trap 'kill "$emulator" 2>/dev/null || true; rm -f "$out"' EXIT
for _ in $(seq 100); do
  grep -q '^listening on ' "$out" && break
  sleep 0.1
done
url=$(sed -n 's/^listening on //p' "$out" | head -1)
[ -n "$url" ] || { echo "the emulator did not start" >&2; exit 1; }

run() {
  (cd schemathesis && EMULATOR_URL="$url" SCHEMATHESIS_HOOKS=hooks \
    "../$VENV/bin/schemathesis" --no-color run "$url/openapi.json" --url "$url" \
      --seed "$SEED" --max-examples "$EXAMPLES" \
      --checks all --exclude-checks ignored_auth,missing_required_header "$@")
}
# The CRM.COM methods, then the admin API's GET routes (its writes inject
# faults and delete tenants on purpose, which no fuzzer should do).
run --include-path-regex '^/crmapi/'
run --include-path-regex '^/__admin/' --exclude-method POST --exclude-method PUT --exclude-method DELETE
