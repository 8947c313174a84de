#!/usr/bin/env bash
# Plot smoke test (no privileges): netflap plot and scripts/plot.sh on a
# synthetic two-device cycles.csv make valid PNG and SVG files and a
# report.html with every plot inline and the run's own verdict.json; on a
# kernel-stack run (no heap, no pools) the panels with data are drawn and
# the report says which had none.
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

"$build/netflap" verdict "$dir" >/dev/null
[ $? = 1 ] || fail "netflap verdict on the leaking rows did not exit 1"
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

# the report shows verdict.json as written, it does not judge again
sed -i 's/"summary": "[^"]*"/"summary": "as the run judged it"/' "$dir/verdict.json"
"$build/netflap" plot "$dir" >/dev/null || fail "netflap plot exited $? on an edited verdict.json"
grep -q 'as the run judged it' "$dir/report.html" || fail "report.html does not show verdict.json"

# a kernel-stack run: sockets, connack, status have data; heap and pools none
lx=$dir/linux
mkdir "$lx"
awk 'BEGIN {
	print "cycle,device,connack_ms,socket_fd,sockets_in_use,heap_free,heap_min_free,memp_netconn_used,memp_tcp_pcb_used,memp_pbuf_pool_used,tcp_time_wait,slots_after_teardown,status"
	for (c = 1; c <= 20; c++) printf "%d,0,%d,8,,,,,,,,,ok\n", c, 1 + c % 2
}' >"$lx/cycles.csv"
echo '{"scenario": {}}' >"$lx/run.json"
"$build/netflap" verdict "$lx" >/dev/null || fail "a clean kernel-stack run is not clean"
"$build/netflap" plot "$lx" >/dev/null || fail "netflap plot on a kernel-stack run exited $?"
for p in sockets connack status; do [ -s "$lx/plots/$p.svg" ] || fail "no $p plot for the kernel stack"; done
for p in heap pools; do
	[ ! -e "$lx/plots/$p.svg" ] || fail "a $p plot with no data"
	grep -q "$p: no data" "$lx/report.html" || fail "report.html does not say $p had no data"
done
[ "$(grep -c '<svg' "$lx/report.html")" = 3 ] || fail "report.html does not inline the 3 plots with data"
"$root/scripts/plot.sh" "$lx/cycles.csv" "$lx/p2" >/dev/null 2>&1 || fail "scripts/plot.sh failed on a kernel-stack run"
# a fleet of 12 over 5000 cycles: a median/lowest/highest line each, at most
# 2000 points a line, every row still in cycles.csv
fl=$dir/fleet
mkdir "$fl"
awk 'BEGIN {
	print "cycle,device,connack_ms,socket_fd,sockets_in_use,heap_free,heap_min_free,memp_netconn_used,memp_tcp_pcb_used,memp_pbuf_pool_used,tcp_time_wait,slots_after_teardown,status"
	for (c = 1; c <= 5000; c++) for (d = 0; d < 12; d++) printf "%d,%d,%d,0,1,60000,59000,1,1,0,0,0,ok\n", c, d, 3 + d
}' >"$fl/cycles.csv"
echo '{"scenario": {}}' >"$fl/run.json"
"$build/netflap" verdict "$fl" >/dev/null || fail "the clean fleet is not clean"
"$build/netflap" plot "$fl" >/dev/null || fail "netflap plot on a fleet exited $?"
[ "$(grep -c . "$fl/cycles.csv")" = 60001 ] || fail "rows lost from cycles.csv"
lines=$(grep -c . "$fl/plots/plot.dat")
[ "$lines" -le 2001 ] && [ "$lines" -ge 1000 ] || fail "plot.dat has $lines lines, want 1000..2001"
head -1 "$fl/plots/plot.dat" | grep -q 'connack_ms_2' && ! head -1 "$fl/plots/plot.dat" | grep -q 'connack_ms_3' ||
	fail "a fleet's plot.dat is not three lines a figure"
grep -q 'connack highest' "$fl/plots/connack.svg" || fail "the fleet's connack plot lacks its highest line"
awk 'NR > 1 && ($2 != 0 || $9 != 0) {bad++} END {exit bad > 0}' "$fl/plots/plot.dat" ||
	fail "the fleet's median socket fd is not 0"
echo "PASS: plots"
