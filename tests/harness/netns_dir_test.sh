#!/usr/bin/env bash
# /run/netns made a mount point before a run mounts its namespaces there:
# in a mount namespace of the test's own with a fresh /run (a new
# machine's: /run/netns not yet a mount point), an `ip netns add` while a
# run is under way (iproute2 then binds the folder over itself) must not
# bury the run's mounts: the run ends and leaves nothing (before the fix
# its two namespace files stayed, neither unmountable nor deletable).
# Root; exit 4, skipped, otherwise or without unshare.
set -uo pipefail
build=$1
root=$(cd "$(dirname "$0")/../.." && pwd)
if [ "${1:-}" != --inside ]; then
	[ "$(id -u)" = 0 ] || { echo "SKIP: needs root"; exit 4; }
	command -v unshare >/dev/null || { echo "SKIP: unshare not installed"; exit 4; }
	exec unshare -m --propagation private "$0" --inside "$build"
fi
build=$2
. "$root/tests/lib/netns.sh"
nf_need_root
mount -t tmpfs tmpfs /run || nf_fail "a fresh /run in the test's mount namespace"
out=$(mktemp -d "${TMPDIR:-/tmp}/nf-netnsdir.XXXXXX")
nf_defer "rm -rf $out"
"$build/netflap" run "$root/scenarios/fixed-quick.scn" --set run.loops=3000 --out "$out/run" \
	--quiet &
pid=$!
nf_defer "kill $pid"
nf_wait 10 test -s "$out/run/cycles.csv" || nf_fail "the run made no row in 10 s"
other=nfdir-$$
ip netns add "$other" || nf_fail "ip netns add $other"
nf_defer "ip netns del $other"
wait $pid
rc=$?
[ $rc = 0 ] || nf_fail "run: exit $rc, want 0"
left=$(ls /run/netns | grep -v "^$other\$")
[ -z "$left" ] || nf_fail "the run's namespaces left: $left"
echo "an ip netns add mid-run buried nothing: the run left no namespace"
