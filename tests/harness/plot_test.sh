#!/usr/bin/env bash
# Plot smoke test (no privileges): netflap plot and scripts/plot.sh on a
# synthetic two-device cycles.csv make valid PNG and SVG files and a
# report.html with every plot inline.
set -uo pipefail
build=$1
root=$(cd "$(dirname "$0")/../.." && pwd)
command -v gnuplot >/dev/null || { echo "SKIP: gnuplot not installed"; exit 4; }
dir=$(mktemp -d "${TMPDIR:-/tmp}/nf-plot.XXXXXX")
trap 'rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

awk 'BEGIN {
	print "cycle,device,connack_ms,socket_fd,sockets_in_use,socket_slots,heap_free,heap_min_free,memp_netconn_used,memp_tcp_pcb_used,memp_pbuf_pool_used,tcp_time_wait,slots_after_teardown,status"
	for (c = 1; c <= 60; c++) for (d = 0; d < 2; d++) {
		fd = d ? 0 : (c < 39 ? c - 1 : -1)
		st = (!d && c >= 39) ? "socket_failed" : "ok"
		ca = (st == "ok") ? 4 + c % 3 : ""
		used = d ? 1 : (c < 39 ? c : 38)
		after = (c == 1) ? "" : (d ? 0 : (c - 1 < 38 ? c - 1 : 38))
		printf "%d,%d,%s,%d,%d,38,%d,64000,1,1,0,0,%s,%s\n", c, d, ca, fd, used, 65000 - d * 10, after, st
	}
}' >"$dir/cycles.csv"
echo '{"scenario": {"verdict": {"settle_cycles": "2", "stall_cycles": "3"}}}' >"$dir/run.json"

"$build/netflap" plot "$dir" || fail "netflap plot exited $?"
check_plots() {
	for p in sockets heap connack status pools; do
		[ "$(head -c 8 "$1/$p.png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] ||
			fail "$1/$p.png is not a PNG"
		grep -q '<svg' "$1/$p.svg" && tail -c 200 "$1/$p.svg" | grep -q '</svg>' ||
			fail "$1/$p.svg is not a whole SVG"
	done
}
check_plots "$dir/plots"
[ "$(grep -c '<svg' "$dir/report.html")" = 5 ] || fail "report.html does not inline 5 plots"
grep -q 'socket-slot leak' "$dir/report.html" || fail "report.html lacks the verdict"
grep -q '</html>' "$dir/report.html" || fail "report.html is cut short"

"$root/scripts/plot.sh" "$dir/cycles.csv" "$dir/p2" >/dev/null || fail "scripts/plot.sh failed"
check_plots "$dir/p2"
echo "PASS: plots"
