#!/usr/bin/env bash
# Benchmark (not a test): carrier-up to CONNACK, fixed lwIP vs the kernel
# stack, in one run on one topology, static addressing, event-paced flaps.
# Usage: scripts/bench-device.sh [CYCLES]   (root; build/ from scripts/setup.sh)
# Prints per stack: cycles, median and p99 in ms, then one summary line.
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
. "$here/tests/lib/netns.sh"
nf_need_root
cycles=${1:-200}
build=$here/build
[ -x "$build/netflap-device" ] || nf_fail "build/netflap-device missing: run scripts/setup.sh"

id=$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')
dir=$(mktemp -d "${TMPDIR:-/tmp}/nf-bench.XXXXXX")
chmod 755 "$dir"
nf_defer "rm -rf $dir"
nf_topology "$id" || nf_fail "could not build the namespaces"
nf_services "$dir"

run_stack() { # stack -> prints "median p99" of carrier-up..CONNACK
	local stack=$1 log=$dir/$1.chan pid i
	ip netns exec "$NF_DEV" "$build/netflap-device" --interface "$NF_DEVIF" --stack "$stack" \
		--client-id "bench-$stack" --ip static --address 10.213.0.50/24 --gateway 10.213.0.1 \
		--publish-interval 0 --attempt-timeout 5s --control-fd 3 3>"$log" 2>"$dir/$stack.log" &
	pid=$!
	nf_wait 5 grep -q '^HELLO' "$log" || nf_fail "$stack device did not start"
	for ((i = 1; i <= cycles; i++)); do
		nf_ap up
		nf_wait 10 grep -q "^REPORT phase=$i attempt=1 " "$log" || nf_fail "$stack: cycle $i: no report"
		nf_ap down
		nf_wait 10 grep -q "^TEARDOWN phase=$i " "$log" || nf_fail "$stack: cycle $i: no teardown"
	done
	kill "$pid"
	wait "$pid"
	grep '^REPORT .* attempt=1 .*status=ok' "$log" |
		sed -n 's/.* t_carrier_up=\([0-9]*\) .* t_connack=\([0-9]*\) .*/\2 \1/p' |
		awk '{print $1 - $2}' | sort -n >"$dir/$stack.ms"
	local n med p99
	n=$(wc -l <"$dir/$stack.ms")
	[ "$n" -gt 0 ] || nf_fail "$stack: no successful reconnects"
	med=$(awk -v n="$n" 'NR == int((n + 1) / 2) {print; exit}' "$dir/$stack.ms")
	p99=$(awk -v n="$n" 'BEGIN {k = int(n * 0.99 + 0.999)} NR == k {print; exit}' "$dir/$stack.ms")
	echo "$stack: $n/$cycles reconnects, carrier-up to CONNACK median ${med} ms, p99 ${p99} ms" >&2
	echo "$med $p99"
}

read -r lw_med lw_p99 < <(run_stack fixed)
read -r lx_med lx_p99 < <(run_stack linux)
echo "bench-device: cycles=$cycles fixed_median_ms=$lw_med fixed_p99_ms=$lw_p99 linux_median_ms=$lx_med linux_p99_ms=$lx_p99"
