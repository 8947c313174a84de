#!/usr/bin/env bash
# The verdict on a real heap leak (root; exit 4, skipped, otherwise): a custom
# stack built from tests/lwip/custom/heap-leak-96.patch (lwip_close() forgets
# 96 bytes of lwIP's heap, two closes a cycle) flapped until it stops
# reconnecting. Expected: one finding, the heap leak, with exhaustion_seen at
# the cycle the device stopped reconnecting, the stall said as its
# consequence, the timeout row carrying the stack's figures (from STATUS),
# and the empty cycle predicted from the first 60 and 120 cycles within 10 %
# of the cycle its heap would have run empty, at the rate the rows show,
# from the free heap of the row where it stopped (from the first 30: printed,
# not asserted).
# Then the same leak under blackholes that leave closing connections
# holding heap: the leak is judged on the heap nobody holds, the held heap
# is a late release.
# On this port it fails between cycles 252 and 291 (seen; where depends on
# what else sits in the heap at each leak, and how the leaked blocks cut it
# into holes): run.stop_on_stall ends the run three failed cycles later
# (each a 2 s timeout), 400 bounds it.
# Usage: heap_leak_test.sh SOURCE_DIR LWIP_DIR WORK_DIR
set -uo pipefail
src=$1 lwip=$2 work=$3
. "$src/tests/lib/netns.sh"
nf_need_root
nf_custom_stack "$src" "$lwip" "$work" "$src/tests/lwip/custom/heap-leak-96.patch"
nf=$work/build/netflap
"$nf" run "$src/scenarios/fixed-quick.scn" --set device.stack=custom --set run.loops=400 \
	--set run.stop_on_stall=on --set verdict.stall_cycles=3 \
	--set run.reconnect_timeout=2s \
	--out "$work/run" --quiet
rc=$?
[ $rc = 1 ] || nf_fail "exit $rc, want 1"
csv=$work/run/cycles.csv
failed=$(nf_col status "$csv" | grep -n -m1 -v '^ok$' | cut -d: -f1)
[ -n "$failed" ] || nf_fail "the device never stopped reconnecting"
echo "the device stopped reconnecting at cycle $failed"
grep -q '"state": "stalled"' "$work/run/run.json" || nf_fail "run.json does not say stalled"
grep -q '"end_state": "stalled"' "$work/run/verdict.json" && grep -q '"planned": 400, "done": ' "$work/run/verdict.json" ||
	nf_fail "verdict.json does not say stalled, 400 planned: $(head -20 "$work/run/verdict.json")"
last=$(tail -1 "$csv" | cut -d, -f1)
[ "$last" = $((failed + 2)) ] || nf_fail "the run ended at cycle $last, want $((failed + 2)) (stop_on_stall)"
v=$work/run/verdict.json
[ "$(grep '"class"' "$v" | grep -vc '"note": true')" = 1 ] || nf_fail "want one finding: $(grep summary "$v")"
grep -q '"class": "heap leak".*"exhaustion_seen": true' "$v" || nf_fail "no heap leak seen exhausted: $(cat "$v")"
grep -q "\"exhaustion_cycle\": $failed," "$v" || nf_fail "exhaustion not at cycle $failed: $(cat "$v")"
grep -q "stopped reconnecting at cycle $failed" "$v" || nf_fail "the stall is not linked: $(cat "$v")"
row=$(awk -F, -v c="$failed" 'NR == 1 {for (i = 1; i <= NF; i++) k[$i] = i; next}
	$1 == c {print $k["heap_free"], $k["heap_largest_free"]}' "$csv")
read -r free largest <<<"$row"
[ -n "$free" ] && [ -n "$largest" ] || nf_fail "the failing row has no heap figures: '$row'"
echo "its row: $free B free, the largest block $largest B"
# The prediction is of the heap running empty. A heap the leak has cut into
# holes refuses a reconnect's allocation before that, with kilobytes still
# free (seen: cycle 252 with 9240 B free and no block over 280 B; cycle 242
# with 11480 B free and none over 336 B, under CI's load; most runs 281-291
# with about 2.4 KB free): when depends on what else sat in the heap at each
# leak, which no trend can see. So the prediction is held to what it claims:
# within 10 % of the cycle the failing row's free heap would have run out at,
# at the rate the rows show it falling (which is the failing cycle itself,
# give or take a few cycles, when the heap did run empty).
rate=$(awk -F, 'NR == 1 {for (i = 1; i <= NF; i++) k[$i] = i; next}
	$k["status"] == "ok" && !c0 {c0 = $1; h0 = $k["heap_free"]}
	$1 == f {printf "%.3f", (h0 - $k["heap_free"]) / ($1 - c0)}' f="$failed" "$csv")
empty=$(awk -v f="$failed" -v h="$free" -v r="$rate" 'BEGIN {printf "%d", f + h / r}')
echo "its free heap fell $rate B a cycle: it would have run empty at cycle $empty"
[ $((free - largest)) -ge 4096 ] && echo "the heap fragmented: $free B free, no block over $largest B"
for at in 30 60 120; do
	d=$work/at$at
	mkdir -p "$d"
	head -n $((at + 1)) "$csv" >"$d/cycles.csv"
	cp "$work/run/run.json" "$d/"
	"$nf" verdict "$d" >/dev/null
	pred=$(sed -n 's/.*"exhaustion_cycle": \([0-9]*\),.*/\1/p' "$d/verdict.json" | head -1)
	[ -n "$pred" ] || nf_fail "no prediction at cycle $at"
	err=$(awk -v p="$pred" -v a="$empty" 'BEGIN {e = (p - a) / a * 100; printf "%.1f", e < 0 ? -e : e}')
	echo "predicted at cycle $at: empty at $pred (the heap's empty cycle $empty, off by $err %)"
	[ "$at" = 30 ] || awk -v e="$err" 'BEGIN {exit !(e <= 10)}' ||
		nf_fail "prediction at cycle $at off by $err %"
done
nf_nothing_left "$work/run"

# The same leak beside a late release: blackholes with a 1 s keepalive make
# the device close sessions into them, and those connections hold heap
# until lwIP's timers end them (heap_closing). The leak is still found, on
# the heap nobody holds: its slope is the leak's, not the lingering's, and
# the held heap is said as a late release.
"$nf" run "$src/scenarios/fixed-quick.scn" --set device.stack=custom --set run.loops=30 \
	--set run.fault=blackhole --set device.keepalive=1s --set run.disable_interval=3s \
	--out "$work/bh" --quiet
rc=$?
[ $rc = 1 ] || nf_fail "blackhole: exit $rc, want 1"
v=$work/bh/verdict.json
held=$(nf_col heap_closing "$work/bh/cycles.csv" | sort -n | tail -n 1)
[ "${held:-0}" -gt 0 ] || nf_fail "blackhole: no closing connection ever held heap (the case is not made)"
grep -q '"class": "heap leak".*no connection holds' "$v" || nf_fail "blackhole: the leak is not judged on the unheld heap: $(cat "$v")"
grep -q '"class": "late release".*"note": true' "$v" || nf_fail "blackhole: the late release is not said: $(cat "$v")"
# the fall of free heap plus what closed connections hold, per cycle, is the leak's alone
slope=$(sed -n 's/.*"class": "heap leak".*"slope_per_cycle": \(-\?[0-9.]*\).*/\1/p' "$v")
fall=$(awk -F, 'NR == 1 {for (i = 1; i <= NF; i++) k[$i] = i; next}
	$k["status"] == "ok" {c[++n] = $1; h[n] = $k["heap_free"] + $k["heap_closing"]}
	END {printf "%.0f", (h[3] - h[n]) / (c[n] - c[3])}' "$work/bh/cycles.csv")
echo "blackhole: leak slope $slope B/cycle, unheld heap fell $fall B/cycle, up to $held B held by closing connections"
awk -v s="$slope" -v f="$fall" 'BEGIN {d = -s - f; exit !(f > 0 && d * d <= (f / 4) * (f / 4))}' ||
	nf_fail "blackhole: the leak's slope $slope is not the unheld fall $fall"
nf_nothing_left "$work/bh"
echo "PASS: heap leak"
