#!/usr/bin/env bash
# Builds the Containerfile's final stage around a static binary built here,
# unpacks the image's root file system, and starts the emulator in it with
# chroot: the image needs nothing but what it holds. Running containers
# does not work on our machines; `podman build` of a `FROM scratch` image
# does.
#
#   packaging/test-container-image.sh target/x86_64-unknown-linux-musl/dist/crmcom-emulator
#
# Needs root (chroot, a network namespace): the emulator binds 0.0.0.0 as
# in the image, inside a namespace whose only interface is loopback.
set -euo pipefail
cd "$(dirname "$0")/.."
binary=$(realpath "${1:?the static binary to put in the image}")
command -v podman >/dev/null || { apt-get update -qq && apt-get install -y -qq podman >/dev/null; }

# A static executable asks for no program interpreter (ld.so).
if readelf -l "$binary" | grep -q 'Requesting program interpreter'; then
  echo "FAIL: $binary is dynamically linked" >&2; exit 1
fi

work=$(mktemp -d)
trap 'podman rm -f crmcom-image-test >/dev/null 2>&1 || true; podman rmi -f crmcom-emulator:test >/dev/null 2>&1 || true; rm -rf "$work"' EXIT

# The build stage is replaced by the binary built here; the final stage is
# the Containerfile's own, from its `FROM scratch` line to the end.
mkdir -p "$work/context/out/state"
cp "$binary" "$work/context/out/crmcom-emulator"
{
  echo 'FROM scratch AS build'
  echo 'COPY out /out'
  sed -n '/^FROM scratch AS runtime/,$p' Containerfile
} >"$work/context/Containerfile"
grep -q '^FROM scratch AS runtime' "$work/context/Containerfile" || { echo "FAIL: no final stage" >&2; exit 1; }
# Docker's format keeps HEALTHCHECK (OCI's has no field for it).
podman build --quiet --format docker -t crmcom-emulator:test "$work/context" >/dev/null

inspect() { podman image inspect crmcom-emulator:test --format "$1"; }
[ "$(inspect '{{.Config.User}}')" = "65532:65532" ] || { echo "FAIL: user $(inspect '{{.Config.User}}')" >&2; exit 1; }
inspect '{{json .Config.ExposedPorts}}' | grep -q '"8080/tcp"' || { echo "FAIL: port 8080 not exposed" >&2; exit 1; }
inspect '{{json .Config.Healthcheck}}' | grep -q '"/crmcom-emulator","health"' || { echo "FAIL: no health check" >&2; exit 1; }

# The root file system, as a container of the image would see it.
podman create --name crmcom-image-test crmcom-emulator:test >/dev/null
mkdir "$work/rootfs"
podman export crmcom-image-test | tar -x -C "$work/rootfs"
# Only the emulator and its state directory (podman adds the mount points
# a runtime fills: /dev, /proc, /sys, /etc/hosts, /etc/resolv.conf, /run).
extra=$(cd "$work/rootfs" && find . -mindepth 1 \
  -not -path ./crmcom-emulator -not -path ./state \
  -not -path ./dev -not -path './dev/*' -not -path ./proc -not -path ./sys \
  -not -path ./etc -not -path ./etc/hosts -not -path ./etc/resolv.conf -not -path ./etc/hostname \
  -not -path ./run -not -path './run/*')
[ -z "$extra" ] || { echo "FAIL: the image holds more than the emulator: $extra" >&2; exit 1; }
[ "$(stat -c %u "$work/rootfs/state")" = 65532 ] || { echo "FAIL: /state is not the user's" >&2; exit 1; }

# The image's environment, as the entry point gets it.
mapfile -t env < <(podman image inspect crmcom-emulator:test --format '{{range .Config.Env}}{{println .}}{{end}}' | grep .)
user=$(inspect '{{.Config.User}}')

# In a network namespace of its own (loopback only): the emulator binds
# 0.0.0.0 as in a container, the health check and a login run there too.
unshare --net bash -s "$work/rootfs" "$user" "${env[@]}" <<'INNER'
set -euo pipefail
rootfs=$1 user=$2; shift 2
ip link set lo up
env -i "$@" CRMCOM_EMULATOR_STATE_DIR=/state chroot --userspec="$user" "$rootfs" /crmcom-emulator >"$rootfs.out" 2>"$rootfs.err" &
emulator=$!
# A failed check below leaves no emulator behind.
trap 'kill "$emulator" 2>/dev/null || true' EXIT
for _ in $(seq 100); do grep -q '^listening on ' "$rootfs.out" && break; sleep 0.1; done
grep -q '^listening on http://0.0.0.0:8080$' "$rootfs.out" || { echo "FAIL: did not start as the image says"; cat "$rootfs.out" "$rootfs.err"; exit 1; } >&2
# The image's HEALTHCHECK command.
env -i "$@" chroot --userspec="$user" "$rootfs" /crmcom-emulator health || { echo "FAIL: health check" >&2; exit 1; }
reply=$(curl -s localhost:8080/crmapi/rest/v2/authentication/token -H 'Content-Type: application/json' \
  -d '{"username":"MPAdministrator","password":"1234","organisation":"image-test"}')
echo "$reply" | grep -q '"token":"' || { echo "FAIL: no login: $reply" >&2; exit 1; }
# Another container calls it by its compose service name.
curl -s -o /dev/null -w '%{http_code}' -H 'Host: crmcom-emulator:8080' localhost:8080/__admin/health | grep -q 200 \
  || { echo "FAIL: the service name is refused" >&2; exit 1; }
# The admin API past health still needs a secret on this bind.
[ "$(curl -s -o /dev/null -w '%{http_code}' localhost:8080/__admin/tenants)" = 403 ] \
  || { echo "FAIL: the admin API is open" >&2; exit 1; }
kill -TERM "$emulator"
wait "$emulator" || { echo "FAIL: did not stop cleanly on SIGTERM" >&2; exit 1; }
# It kept its state in the state directory, as the user it runs as.
[ -n "$(ls "$rootfs/state")" ] || { echo "FAIL: nothing written to /state" >&2; exit 1; }
INNER
echo "container image: final stage built, holds only the emulator, starts in its root file system as 65532 and answers a login"
