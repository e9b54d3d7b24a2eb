#!/usr/bin/env bash
# The OpenAPI document as peers' tools read it: Redocly's recommended
# ruleset and openapi-spec-validator find nothing; a Postman collection
# converted from it (openapi-to-postmanv2, examples as values) logs in with
# newman, without edits, and the reply shows a login token.
#
#   tests/peers/openapi_tools.sh [BINARY]     (default target/debug/crmcom-emulator)
#
# Installs its tools (pinned) under target/ on first use.
set -euo pipefail
cd "$(dirname "$0")/../.."
binary=${1:-target/debug/crmcom-emulator}
tools=target/openapi-tools
venv=target/openapi-tools-venv
mkdir -p "$tools"
fail() { echo "FAIL: $*" >&2; exit 1; }

if [ ! -x "$tools/node_modules/.bin/newman" ]; then
  (cd "$tools" && { [ -f package.json ] || npm init -y >/dev/null; } \
    && npm install --no-audit --no-fund --silent @redocly/cli@2.77.0 openapi-to-postmanv2@6.3.3 newman@6.2.2)
fi
if [ ! -x "$venv/bin/openapi-spec-validator" ]; then
  python3 -m venv "$venv" && "$venv/bin/pip" install --quiet openapi-spec-validator==0.9.0
fi
bin=$tools/node_modules/.bin

"$venv/bin/openapi-spec-validator" openapi.json
report=$(mktemp)
work=$(mktemp -d)
trap 'kill "${emulator:-}" 2>/dev/null || true; rm -rf "$report" "$work"' EXIT
"$bin/redocly" lint openapi.json --extends=recommended --format=json >"$report" 2>/dev/null || true
python3 - "$report" <<'PY'
import json, sys
problems = json.load(open(sys.argv[1]))["problems"]
for p in problems:
    print(f"  {p['severity']} {p['ruleId']}: {p['message']} at {p['location'][0].get('pointer')}")
sys.exit(f"FAIL: Redocly's recommended ruleset: {len(problems)} problems" if problems else 0)
PY
echo "openapi.json: openapi-spec-validator and Redocly (recommended) clean"

"$bin/openapi2postmanv2" -s openapi.json -o "$work/collection.json" \
  -O folderStrategy=Tags,parametersResolution=Example >/dev/null
"$binary" --port 0 --log off >"$work/out" 2>&1 &
emulator=$!
for _ in $(seq 100); do grep -q '^listening on ' "$work/out" && break; sleep 0.1; done
port=$(sed -n 's/^listening on .*:\([0-9]*\)$/\1/p' "$work/out" | head -1)
[ -n "$port" ] || fail "the emulator did not start"
# The collection as converted; only its port variable points at this run.
"$bin/newman" run "$work/collection.json" --folder "Login with a user name and password" \
  --env-var "port=$port" --reporters json --reporter-json-export "$work/run.json" >/dev/null
python3 - "$work/run.json" <<'PY'
import json, sys
run = json.load(open(sys.argv[1]))["run"]
[execution] = run["executions"]
reply = json.loads(bytes(execution["response"]["stream"]["data"]))
token = reply.get("data", {}).get("token")
if execution["response"]["code"] != 200 or reply["status"]["code"] != "OK" or not token:
    sys.exit(f"FAIL: the Postman collection's login: {reply}")
print(f"Postman collection: logs in without edits, login token {token[:16]}…")
PY
