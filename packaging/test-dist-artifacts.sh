#!/usr/bin/env bash
# Checks what `dist build` made for this machine (target/distrib): the
# archive's checksum holds and its binary starts and answers a login; the
# npm package, installed into a project from a local copy, downloads that
# archive (served on loopback instead of the GitHub release) and its
# launcher (`npx crmcom-emulator`) runs the binary with every flag passed
# through. Run after:
#
#   dist build --artifacts=all --target x86_64-unknown-linux-gnu
set -euo pipefail
cd "$(dirname "$0")/.."
target=${TARGET:-x86_64-unknown-linux-gnu}
distrib=$(realpath target/distrib)
archive=crmcom-emulator-$target.tar.xz
work=$(mktemp -d)
pids=()
# Each started in a process group of its own: the group goes, launcher and
# binary both, whatever failed.
trap 'for p in "${pids[@]}"; do kill -- "-$p" 2>/dev/null || kill "$p" 2>/dev/null || true; done; rm -rf "$work"' EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }

# Starts "$@" (an emulator command line ending in flags), waits for its
# first line, logs in through it and stops it.
answers_login() {
  local out=$work/out.$RANDOM
  # In a process group of its own, stopped as a terminal's Ctrl-C or a
  # test runner stops a tree: the launcher and the binary both get it.
  setsid "$@" --port 0 --log off >"$out" 2>&1 &
  local pid=$!
  pids+=("$pid")
  for _ in $(seq 300); do grep -q '^listening on ' "$out" && break; sleep 0.1; done
  local url
  url=$(sed -n 's/^listening on //p' "$out" | head -1)
  [ -n "$url" ] || { cat "$out" >&2; fail "$* did not start"; }
  local reply
  reply=$(curl -s "$url/crmapi/rest/v2/authentication/token" -H 'Content-Type: application/json' \
    -d '{"username":"MPAdministrator","password":"1234","organisation":"dist-test"}')
  echo "$reply" | grep -q '"code":"OK"' && echo "$reply" | grep -q '"token":"' \
    || fail "$*: no login: $reply"
  # The flags reached the binary: --port 0 picked a free port, not 8080.
  case "$url" in *:8080) fail "$*: --port 0 was not passed on ($url)";; esac
  kill -TERM -- "-$pid"
  local status=0
  wait "$pid" || status=$?
  # The binary itself exits 0 on SIGTERM; a launcher may report the signal.
  [ "$1" = npx ] || [ "$status" = 0 ] || fail "$* did not stop cleanly ($status)"
  for _ in $(seq 50); do curl -s -o /dev/null "$url" || break; sleep 0.1; done
  ! curl -s -o /dev/null "$url" || fail "$*: still answering after SIGTERM"
}

[ -f "$distrib/$archive" ] || fail "no $archive in $distrib (run dist build first)"
(cd "$distrib" && sha256sum -c "$archive.sha256" >/dev/null) || fail "$archive: checksum"
mkdir "$work/archive"
tar -xJf "$distrib/$archive" -C "$work/archive"
binary=$(find "$work/archive" -type f -name crmcom-emulator | head -1)
[ -x "$binary" ] || fail "no executable crmcom-emulator in $archive"
answers_login "$binary"
echo "archive: $archive starts and answers a login"

# The npm package, its download pointed at a loopback server of target/distrib.
mkdir "$work/package" "$work/project"
tar -xzf "$distrib/crmcom-emulator-npm-package.tar.gz" -C "$work/package"
package=$(dirname "$(find "$work/package" -name package.json | head -1)")
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 -m http.server "$port" --bind 127.0.0.1 --directory "$distrib" >/dev/null 2>&1 &
pids+=("$!")
for _ in $(seq 50); do curl -sf -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.1; done
node -e '
  const fs = require("fs"), file = process.argv[1];
  const p = JSON.parse(fs.readFileSync(file));
  p.artifactDownloadUrls = ["http://127.0.0.1:" + process.argv[2]];
  fs.writeFileSync(file, JSON.stringify(p, null, 2));
' "$package/package.json" "$port"
# As from the registry: a packed tarball (a directory would be linked, and
# its install script run without its dependency).
tarball=$(cd "$work" && npm pack --silent "$package")
(cd "$work/project" && npm init -y >/dev/null && npm install --no-audit --no-fund "$work/$tarball" >/dev/null) \
  || fail "npm install of the package"
cd "$work/project"
version=$(npx --no-install crmcom-emulator --version)
[ "$version" = "crmcom-emulator $(sed -n 's/^version = "\(.*\)"/\1/p' "$OLDPWD/Cargo.toml" | head -1)" ] \
  || fail "npx crmcom-emulator --version said: $version"
answers_login npx --no-install crmcom-emulator
cd "$OLDPWD"
echo "npm: npx crmcom-emulator runs the archive's binary, flags passed through"
