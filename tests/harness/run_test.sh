#!/usr/bin/env bash
# netflap run end to end (root; exit 4, skipped, otherwise).
# Usage: run_test.sh BUILD_DIR CASE
#   seed-vendor  seed-quick as shipped: exit 1, socket_fd 0..37, socket_failed from 39; its
#                rows judged within 16 rows held (--max-rows): the leak and its end kept
#   seed-fixed   seed-quick --set device.stack=fixed: exit 0, one socket_fd throughout
#   fleet        fixed-quick with device.count = 5: exit 0, every row ok
#   fleet20      20 devices on one AP for 10 cycles (a 2-core machine): every row ok
#   fleet100     100 devices x 100 cycles on fixed: every reconnect ok, no finding (the
#                slowdown class tells a loaded machine from a slowing stack), nothing left
#   hostapd      hostapd-quick: a real hostapd switched 10 times: exit 0, every row ok
#   sigint       SIGINT mid-run: the rows so far kept and whole, nothing left
#   sigkill      SIGKILL mid-run, then `netflap cleanup`: nothing left
#   bad          a scenario error: exit 2, file:line, nothing made
#   daemon       run --daemon, status while it runs, stop: it ends its cycle, judges, tears down;
#                the run judges as it goes: status reads its verdict.json, not the rows
#   daemon-vendor the same with the slot leak: status shows it while the run runs
#   matrix       seed-quick (45 loops) over 4 stacks x 2 close modes: only vendor
#                with shutdown+close leaks, and it fails from cycle 39
#   teardown-latency  50 cycles each on fixed lwIP and linux: the carrier loss
#                wakes the device at once, whatever it waits on (no polling
#                slice): median AP-off to TEARDOWN (down_ms) at most 10 ms
#                (a 20 ms slice gave 21 ms)
#   packet-id-wrap  66,000 cycles on fixed (one SUBSCRIBE each): every row ok across
#                the MQTT packet id's wrap (id 0 is not MQTT; it failed once per 65,536)
#   clean-N-STACK  N event-paced cycles with 2 ms jitter: no false alarm (exit 0, verdict
#                clean, every row ok); 1000 on fixed and upstream, 10,000 on fixed,
#                upstream and linux (the false-alarm budget, label long)
#                1000 event-paced cycles: no false alarm (exit 0, verdict clean)
set -uo pipefail
build=$1 case=$2
here=$(cd "$(dirname "$0")/.." && pwd)
root=$(cd "$here/.." && pwd)
. "$here/lib/netns.sh"
nf_need_root
out=$(mktemp -d "${TMPDIR:-/tmp}/nf-runtest.XXXXXX")
nf_defer "rm -rf $out"
nf=$build/netflap

col() { nf_col "$1" "$out/run/cycles.csv"; }
nothing_left() { nf_nothing_left "$out/run"; }
well_formed() { nf_well_formed "$out/run/cycles.csv"; }

case "$case" in
seed-vendor)
	"$nf" run "$root/scenarios/seed-quick.scn" --out "$out/run" --quiet
	rc=$?
	[ $rc = 1 ] || nf_fail "exit $rc, want 1"
	[ "$(col socket_fd | head -38 | tr '\n' ' ')" = "$(seq -s ' ' 0 37) " ] ||
		nf_fail "socket_fd did not climb 0..37: $(col socket_fd | head -40 | tr '\n' ' ')"
	first=$(col status | grep -n -m1 -v '^ok$' | cut -d: -f1)
	[ "$first" = 39 ] || nf_fail "first failed cycle $first, want 39"
	[ "$(col status | tail -n +39 | sort -u)" = socket_failed ] || nf_fail "cycles 39..60 not all socket_failed"
	grep -q '"socket-slot leak"' "$out/run/verdict.json" || nf_fail "verdict misses the leak"
	# the same rows held within 16 (folded): the leak and where it ran out stay
	cp -r "$out/run" "$out/folded"
	"$nf" verdict "$out/folded" --max-rows 16 >"$out/folded.txt" 2>&1
	rc=$?
	[ $rc = 1 ] || nf_fail "folded: exit $rc: $(cat "$out/folded.txt")"
	grep -q 'socket-slot leak (sockets): .* 38 slots exhausted at cycle 39' "$out/folded.txt" ||
		nf_fail "folded to 16 rows, the leak is lost: $(cat "$out/folded.txt")"
	grep -q 'rows folded to bound memory' "$out/folded.txt" || nf_fail "not folded"
	"$nf" verdict "$out/folded" --max-rows 8 >/dev/null 2>&1
	[ $? = 2 ] || nf_fail "--max-rows 8 is not refused"
	;;
seed-fixed)
	"$nf" run "$root/scenarios/seed-quick.scn" --set device.stack=fixed --out "$out/run" --quiet
	rc=$?
	[ $rc = 0 ] || nf_fail "exit $rc, want 0"
	[ "$(col socket_fd | sort -u)" = 0 ] || nf_fail "socket_fd varied: $(col socket_fd | sort -u | tr '\n' ' ')"
	[ "$(col status | sort -u)" = ok ] || nf_fail "not every cycle ok"
	[ "$(col cycle | wc -l)" = 60 ] || nf_fail "want 60 rows"
	;;
fleet)
	"$nf" run "$root/scenarios/fixed-quick.scn" --set device.count=5 --set run.loops=10 \
		--out "$out/run" --quiet
	rc=$?
	[ $rc = 0 ] || nf_fail "exit $rc, want 0"
	[ "$(col status | grep -c '^ok$')" = 50 ] || nf_fail "want 50 ok rows, got $(col status | grep -c '^ok$')"
	[ "$(col device | sort -u | tr '\n' ' ')" = "0 1 2 3 4 " ] || nf_fail "not 5 devices"
	;;
daemon)
	# event pace, so a loaded machine slows the run instead of failing rows
	"$nf" run "$root/scenarios/fixed-quick.scn" --set run.loops=100000 \
		--set run.disable_interval=100ms --set run.enable_interval=200ms --daemon --out "$out/run" ||
		nf_fail "--daemon did not start"
	pid=$(cat "$out/run/netflap.pid")
	nf_defer "kill $pid"
	nf_wait 30 nf_at_least "$out/run/cycles.csv" '^[0-9]' 3 || nf_fail "no rows came"
	"$nf" status "$out/run" | grep -q "running (pid $pid)" || nf_fail "status does not say running"
	"$nf" status "$out/run" | grep -q "verdict: clean" || nf_fail "status lacks the findings so far"
	# the run judges as it goes: verdict.json within its 10 s, end_state running;
	# status then reads it, not the rows (moved away for the look; the run
	# keeps writing to the file it has open)
	nf_wait 30 test -f "$out/run/verdict.json" || nf_fail "no verdict.json while running"
	grep -q '"end_state": "running"' "$out/run/verdict.json" || nf_fail "the running verdict's end_state"
	mv "$out/run/cycles.csv" "$out/run/rows.away"
	st=$("$nf" status "$out/run")
	mv "$out/run/rows.away" "$out/run/cycles.csv"
	grep -q "verdict.json, [0-9]*s old" <<<"$st" || nf_fail "status did not read verdict.json: $st"
	grep -q "verdict: clean" <<<"$st" || nf_fail "status without the rows: $st"
	"$nf" stop "$out/run" | grep -q "state: stopped" || nf_fail "stop did not end it cleanly"
	[ ! -e "/proc/$pid" ] || grep -q '^State:.*Z' "/proc/$pid/status" || nf_fail "pid $pid still runs after stop"
	[ -f "$out/run/verdict.json" ] && [ -f "$out/run/junit.xml" ] || nf_fail "no verdict after stop"
	grep -q '"end_state": "stopped"' "$out/run/verdict.json" || nf_fail "the final verdict is not the stopped run's"
	! ls "$out/run"/*.tmp 2>/dev/null || nf_fail "temporary files left: $(ls "$out/run"/*.tmp)"
	well_formed
	;;
daemon-vendor)
	# judged as it goes, a fault: the slot leak is in status while the run runs
	"$nf" run "$root/scenarios/seed-quick.scn" --set run.loops=100000 --daemon --out "$out/run" ||
		nf_fail "--daemon did not start"
	pid=$(cat "$out/run/netflap.pid")
	nf_defer "kill $pid"
	nf_wait 40 grep -q 'socket-slot leak' "$out/run/verdict.json" ||
		nf_fail "no slot leak in the running verdict: $(cat "$out/run/verdict.json" 2>&1)"
	st=$("$nf" status "$out/run")
	grep -q "running (pid $pid)" <<<"$st" || nf_fail "status does not say running: $st"
	grep -q "device 0: socket-slot leak (sockets): 1 socket slot kept per cycle" <<<"$st" ||
		nf_fail "status lacks the leak: $st"
	"$nf" stop "$out/run" >/dev/null || nf_fail "stop"
	grep -q '"end_state": "stopped"' "$out/run/verdict.json" || nf_fail "the final verdict is not the stopped run's"
	;;
matrix)
	# a cell with a finding makes the matrix's exit 1 (the worst cell's meaning)
	"$nf" matrix "$root/scenarios/seed-quick.scn" --set run.loops=45 --out "$out/m" --quiet
	rc=$?
	[ $rc = 1 ] || nf_fail "matrix exit $rc, want 1 (vendor/shutdown+close has a finding)"
	leaky=$(awk -F, 'NR > 1 && $4 != "\"clean\"" {print $1 "/" $2}' "$out/m/matrix.csv")
	[ "$leaky" = vendor/shutdown+close ] ||
		nf_fail "cells with findings: '$leaky', want only vendor/shutdown+close: $(grep -h summary "$out"/m/*/verdict.json)"
	[ "$(grep '^vendor,shutdown+close' "$out/m/matrix.csv" | cut -d, -f6)" = 39 ] ||
		nf_fail "vendor/shutdown+close does not fail from cycle 39"
	[ "$(grep -c . "$out/m/matrix.csv")" = 9 ] || nf_fail "want 8 cells"
	grep -q '| vendor |' "$out/m/matrix.md" || nf_fail "matrix.md lacks the table"
	# clean cells only: exit 0
	"$nf" matrix "$root/scenarios/seed-quick.scn" --set run.loops=20 --stacks fixed \
		--close-modes shutdown+close --out "$out/clean" --quiet
	rc=$?
	[ $rc = 0 ] || nf_fail "a clean matrix: exit $rc, want 0"
	echo "PASS: matrix"
	exit 0
	;;
clean-*-*)
	n=${case#clean-} stack=${case##*-}
	n=${n%%-*}
	static=()
	[ "$stack" = linux ] && static=(--set device.ip=static)
	"$nf" run "$root/scenarios/fixed-quick.scn" --set device.stack="$stack" "${static[@]}" \
		--set run.loops="$n" --set run.jitter=2ms --set run.pcap_limit=16 --out "$out/run" --quiet
	rc=$?
	[ $rc = 0 ] || nf_fail "exit $rc, want 0: $(cat "$out/run/verdict.json")"
	grep -q '"clean": true' "$out/run/verdict.json" || nf_fail "verdict not clean"
	[ "$(col status | grep -c '^ok$')" = "$n" ] || nf_fail "not $n ok rows"
	;;
packet-id-wrap)
	"$nf" run "$root/scenarios/fixed-quick.scn" --set device.ip=static --set run.loops=66000 \
		--set device.publish_interval=0ms --set run.pcap_limit=0 --out "$out/run" --quiet
	rc=$?
	[ $rc = 0 ] || nf_fail "exit $rc, want 0"
	bad=$(col status | grep -vc '^ok$')
	[ "$bad" = 0 ] || nf_fail "$bad rows not ok: $(awk -F, 'NR > 1 && $24 != "ok" {print $1, $24}' "$out/run/cycles.csv" | head -3)"
	;;
teardown-latency)
	for stack in fixed linux; do
		"$nf" run "$root/scenarios/fixed-quick.scn" --set device.stack=$stack --set device.ip=static \
			--set run.loops=50 --set device.publish_interval=0ms --out "$out/$stack" --quiet ||
			nf_fail "$stack: exit $?"
		med=$(nf_col down_ms "$out/$stack/cycles.csv" | sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}')
		echo "$stack: median AP-off to teardown $med ms over 50 cycles"
		[ "$med" -le 10 ] || nf_fail "$stack: median down_ms $med, want <= 10"
		nf_nothing_left "$out/$stack"
	done
	echo "PASS: teardown-latency"
	exit 0
	;;
sockopts)
	# the firmware's socket options on both stacks: every reconnect ok, every
	# result in the rows (0 = set; lwIP's static profile has no SO_LINGER, so
	# linger0 is refused there with ENOPROTOOPT, 92, and the run goes on)
	opts=keepalive,nodelay,rcvtimeo,sndtimeo,linger0,reuseaddr
	for stack in fixed linux; do
		"$nf" run "$root/scenarios/fixed-quick.scn" --set device.stack=$stack --set device.ip=static \
			--set run.loops=50 --set device.sockopts=$opts --out "$out/$stack" --quiet ||
			nf_fail "$stack: exit $?"
		csv=$out/$stack/cycles.csv
		[ "$(nf_col status "$csv" | grep -c '^ok$')" = 50 ] || nf_fail "$stack: not 50 ok rows"
		for o in keepalive nodelay rcvtimeo sndtimeo reuseaddr; do
			[ "$(nf_col so_$o "$csv" | sort -u)" = 0 ] || nf_fail "$stack: so_$o is $(nf_col so_$o "$csv" | sort -u | tr '\n' ' ')"
		done
		want=0
		[ $stack = fixed ] && want=92
		[ "$(nf_col so_linger0 "$csv" | sort -u)" = $want ] || nf_fail "$stack: so_linger0 not $want"
		nf_nothing_left "$out/$stack"
	done
	echo "PASS: sockopts"
	exit 0
	;;
fleet100)
	"$nf" run "$root/scenarios/fixed-quick.scn" --set device.count=100 --set run.loops=100 \
		--set device.publish_interval=0ms --out "$out/run" --quiet
	rc=$?
	[ $rc = 0 ] || nf_fail "exit $rc, want 0: $(cat "$out/run/verdict.json")"
	grep -q '"clean": true' "$out/run/verdict.json" || nf_fail "verdict not clean"
	[ "$(col status | grep -c '^ok$')" = 10000 ] || nf_fail "want 10000 ok rows, got $(col status | grep -c '^ok$')"
	[ "$(col device | sort -un | wc -l)" = 100 ] || nf_fail "not 100 devices"
	;;
fleet20)
	"$nf" run "$root/scenarios/fixed-quick.scn" --set device.count=20 --set run.loops=10 \
		--out "$out/run" --quiet
	rc=$?
	[ $rc = 0 ] || nf_fail "exit $rc, want 0"
	[ "$(col status | grep -c '^ok$')" = 200 ] || nf_fail "want 200 ok rows, got $(col status | grep -c '^ok$')"
	;;
hostapd)
	command -v hostapd >/dev/null || { echo "SKIP: hostapd not installed"; exit $NF_SKIP; }
	"$nf" run "$root/scenarios/hostapd-quick.scn" --out "$out/run" --quiet
	rc=$?
	[ $rc = 0 ] || nf_fail "exit $rc, want 0"
	[ "$(col status | grep -c '^ok$')" = 10 ] || nf_fail "want 10 ok rows"
	[ "$(grep -c 'AP-ENABLED' "$out/run/logs/hostapd.log")" -ge 10 ] || nf_fail "hostapd was not enabled 10 times"
	;;
sigint | sigkill)
	"$nf" run "$root/scenarios/fixed-quick.scn" --set run.pace=timed --set run.loops=1000 \
		--set run.disable_interval=100ms --set run.enable_interval=200ms --out "$out/run" --quiet &
	pid=$!
	nf_wait 30 nf_at_least "$out/run/cycles.csv" '^[0-9]' 3 || nf_fail "no rows came"
	if [ "$case" = sigint ]; then
		kill -INT $pid
		wait $pid
		rc=$?
		[ $rc = 0 ] || [ $rc = 1 ] || nf_fail "exit $rc after SIGINT"
		grep -q '"state": "stopped"' "$out/run/run.json" || nf_fail "run.json does not say stopped"
		# verdict.json says what it did not see: stopped, 1000 planned, fewer done
		v=$out/run/verdict.json
		last=$(tail -1 "$out/run/cycles.csv" | cut -d, -f1)
		grep -q '"end_state": "stopped"' "$v" && grep -q '"planned_cycles": 1000,' "$v" &&
			grep -q "{\"device\": 0, \"planned\": 1000, \"done\": $last, \"rows\": $last," "$v" ||
			nf_fail "verdict.json does not say stopped at $last of 1000: $(head -20 "$v")"
	else
		kill -KILL $pid
		wait $pid
		id=$(sed -n 's/.*"run_id": "\([0-9a-f]*\)".*/\1/p' "$out/run/run.json")
		ip netns list | grep -q "netflap-$id" || nf_fail "SIGKILL left nothing to clean? (unexpected)"
		"$nf" cleanup --quiet || nf_fail "cleanup failed"
	fi
	well_formed
	;;
bad)
	printf '[run]\nloops = 5\nloop = 6\n' >"$out/bad.scn"
	msg=$("$nf" run "$out/bad.scn" --out "$out/run" 2>&1)
	rc=$?
	[ $rc = 2 ] || nf_fail "exit $rc, want 2"
	grep -q "$out/bad.scn:3: unknown key 'loop' in \[run\]; did you mean 'loops'?" <<<"$msg" ||
		nf_fail "message: $msg"
	[ ! -e "$out/run" ] || nf_fail "a run folder was made for a bad scenario"
	# a binary file is no empty scenario: it never starts a run
	printf '\x00\x01\x02garbage' >"$out/bin.scn"
	msg=$("$nf" run "$out/bin.scn" --out "$out/run" 2>&1)
	rc=$?
	[ $rc = 2 ] || nf_fail "binary scenario: exit $rc, want 2"
	grep -q "$out/bin.scn:1: a NUL byte" <<<"$msg" || nf_fail "binary scenario: $msg"
	[ ! -e "$out/run" ] || nf_fail "a run folder was made for a binary scenario"
	echo "PASS: bad"
	exit 0
	;;
*) nf_fail "unknown case $case" ;;
esac
nothing_left
rows=$(col cycle | wc -l)
echo "PASS: $case ($rows rows)"
