#!/usr/bin/env bash
# netflap run without root: as an unprivileged user (nobody), in a user +
# network namespace of its own. seed-quick must find the leak as under root
# (exit 1, socket_fd 0..37) and leave no process behind.
# Skipped (exit 4) where there is no root to switch users from, no setpriv,
# the build is not reachable by that user, or user namespaces are off.
set -uo pipefail
build=$1
root=$(cd "$(dirname "$0")/../.." && pwd)
skip() { echo "SKIP: $*"; exit 4; }
[ "$(id -u)" = 0 ] || skip "needs root to switch to an unprivileged user"
command -v setpriv >/dev/null || skip "setpriv not installed"
as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
as_nobody test -x "$build/netflap" -a -r "$root/scenarios/seed-quick.scn" ||
	skip "the build is not reachable by an unprivileged user"
as_nobody unshare -Urn true 2>/dev/null || skip "unprivileged user namespaces are off"

out=$(mktemp -d "${TMPDIR:-/tmp}/nf-rootless.XXXXXX")
trap 'rm -rf "$out"' EXIT
chown 65534:65534 "$out"
(cd "$out" && as_nobody "$build/netflap" run "$root/scenarios/seed-quick.scn" --out "$out/run" --quiet)
rc=$?
[ $rc = 1 ] || { echo "FAIL: exit $rc without root, want 1"; exit 1; }
fds=$(awk -F, 'NR == 1 {for (i = 1; i <= NF; i++) if ($i == "socket_fd") c = i; next} NR <= 39 {print $c}' "$out/run/cycles.csv" | tr '\n' ' ')
[ "$fds" = "$(seq -s ' ' 0 37) " ] || { echo "FAIL: socket_fd $fds"; exit 1; }
[ "$(stat -c %U "$out/run/cycles.csv")" = nobody ] || { echo "FAIL: rows not owned by the user"; exit 1; }
! pgrep -u 65534 -f "netflap|mosquitto|dnsmasq" >/dev/null || { echo "FAIL: processes left: $(pgrep -u 65534 -af 'netflap|mosquitto|dnsmasq')"; exit 1; }
echo "PASS: rootless seed-quick"
