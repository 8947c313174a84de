#!/usr/bin/env bash
# Every path: cuts at each phase of the reconnect, faults beyond the flap
# (root; exit 4, skipped, otherwise).
# Usage: paths_test.sh BUILD_DIR CASE
#   cut-fixed    each run.cut_at (up lease dns connect connack random), 100 cycles on
#                fixed: cut_phase names the phase in at least 99 rows (random: each of
#                the five at least 10 times), every row cut, no finding
#   cut-linux    the same on the kernel stack (random, 100 cycles)
#   cut-vendor   seed-quick on vendor cut at each phase: up, lease and dns never hold
#                a socket, so nothing leaks (exit 0, slots_after_teardown 0); connect
#                and connack close a socket in flight: the field report's leak, first
#                socket_failed at cycle 39; random says which phases kept the slots
#   faults-fixed / faults-linux  each run.fault, 50 cycles: every row ok with a
#                socket, verdict clean (heap closing connections held said as a
#                late release), each row names its fault; blackhole and broker_stall rows say
#                keepalive_timeout noticed it, broker_restart the broker's FIN (or the
#                send or read that met the closed connection first);
#                address_change alternates the lease (lwIP); nothing left
#   fault-mix    flap:2,blackhole:1,broker_restart:1 on fixed: every fault drawn, clean
#   blackhole-truth  blackholes with the default keepalive on fixed and linux, 20
#                cycles: every row ok with a socket (a live session), clean
#   timeout-row  mosquitto stopped mid-run (CONNACK never comes): the timeout rows
#                still carry the stack's heap and slot figures
set -uo pipefail
build=$1 case=$2
here=$(cd "$(dirname "$0")/.." && pwd)
root=$(cd "$here/.." && pwd)
. "$here/lib/netns.sh"
nf_need_root
out=$(mktemp -d "${TMPDIR:-/tmp}/nf-paths.XXXXXX")
nf_defer "rm -rf $out"
nf=$build/netflap


cut_case() { # stack cycles phases...
	local stack=$1 n=$2
	shift 2
	local extra=()
	[ "$stack" = linux ] && extra=(--set device.ip=static)
	for c in "$@"; do
		nf_run_quiet "$stack-$c" "$root/scenarios/fixed-quick.scn" --set device.stack="$stack" "${extra[@]}" \
			--set run.loops="$n" --set run.cut_at="$c"
		csv=$out/$stack-$c/cycles.csv
		[ $rc = 0 ] && nf_clean "$out/$stack-$c" || nf_fail "$stack cut_at=$c: exit $rc, $(cat "$out/$stack-$c/verdict.json")"
		[ "$(nf_col_count status "$csv" cut)" = "$n" ] || nf_fail "$stack cut_at=$c: not every row cut"
		if [ "$c" = random ]; then
			for p in up lease dns connect connack; do
				[ "$(nf_col_count cut_phase "$csv" $p)" -ge 10 ] || nf_fail "$stack random: $p drawn under 10 times"
			done
		else
			got=$(nf_col_count cut_phase "$csv" "$c")
			[ "$got" -ge $((n * 99 / 100)) ] || nf_fail "$stack cut_at=$c: landed in $got of $n"
		fi
		echo "$stack cut_at=$c: $(nf_col cut_phase "$csv" | sort | uniq -c | tr -s ' \n' ' ')"
		nf_nothing_left "$out/$stack-$c"
	done
}

fault_case() { # stack
	local stack=$1 extra=()
	[ "$stack" = linux ] && extra=(--set device.ip=static)
	for f in flap blackhole broker_restart broker_stall dhcp_outage dns_outage address_change; do
		# the device notices a blackhole or a stall by its keepalive (1 s,
		# the least MQTT has): those last 1 s; the others 300 ms
		local off=300ms
		case $f in blackhole | broker_stall) off=1s ;; esac
		nf_run_quiet "$stack-$f" "$root/scenarios/fixed-quick.scn" --set device.stack="$stack" "${extra[@]}" \
			--set run.loops=50 --set run.fault=$f --set run.disable_interval=$off \
			--set device.keepalive=1s
		csv=$out/$stack-$f/cycles.csv
		[ $rc = 0 ] && nf_clean "$out/$stack-$f" || nf_fail "$stack fault=$f: exit $rc, $(cat "$out/$stack-$f/verdict.json")"
		[ "$(nf_col_count status "$csv" ok)" = 50 ] || nf_fail "$stack fault=$f: not every reconnect ok"
		[ "$(nf_col_count fault "$csv" $f)" -ge 49 ] || nf_fail "$stack fault=$f: rows do not name it" # cycle 1 is the first association
		# what noticed it: the keepalive for a silent link or broker; for a
		# stopped broker its FIN (broker_closed), or a publish or read that
		# met the closed connection first (send_failed, recv_failed)
		case $f in
		blackhole | broker_stall) want=keepalive_timeout ;;
		broker_restart) want='broker_closed|send_failed|recv_failed' ;;
		*) want=carrier_lost ;;
		esac
		[ "$(nf_col teardown_cause "$csv" | grep -c -x -E "$want")" = 49 ] ||
			nf_fail "$stack fault=$f: teardown_cause not $want: $(nf_col teardown_cause "$csv" | sort | uniq -c | tr -s ' \n' ' ')"
		# ok means a live session: a socket in every ok row; memory closing
		# connections held is said as a late release, never a leak
		[ "$(awk -F, 'NR == 1 {for (i = 1; i <= NF; i++) c[$i] = i; next}
			$c["status"] == "ok" && $c["socket_fd"] == "" {n++} END {print n + 0}' "$csv")" = 0 ] ||
			nf_fail "$stack fault=$f: an ok row without a socket"
		held=$(nf_col heap_closing "$csv" | sort -n | tail -1)
		if [ "${held:-0}" -ge 16 ]; then
			grep -q '"class": "late release".*"note": true' "$out/$stack-$f/verdict.json" ||
				nf_fail "$stack fault=$f: closing connections held $held B, no late release said"
		fi
		if [ $f = address_change ] && [ "$stack" != linux ]; then
			[ "$(nf_col address "$csv" | sort -u | wc -l)" = 2 ] || nf_fail "address_change: not two addresses"
		fi
		echo "$stack fault=$f: 50 ok, noticed by$(nf_col teardown_cause "$csv" | grep . | sort | uniq -c | tr -s ' \n' ' '), connack median $(nf_col connack_ms "$csv" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}') ms"
		nf_nothing_left "$out/$stack-$f"
	done
}

case $case in
cut-fixed) cut_case fixed 100 up lease dns connect connack random ;;
cut-linux) cut_case linux 100 random ;;
blackhole-truth)
	# fixed-quick with blackholes and the default 10 s keepalive: each
	# blackhole lasts the 5 s reconnect timeout (the carrier stays, no
	# teardown comes); the up phase lasts until the device shows its session
	# alive or reconnects. Every row ok with a socket, clean (the rows the
	# old engine called ok from a STATUS without a session are gone)
	for stack in fixed linux; do
		extra=()
		[ $stack = linux ] && extra=(--set device.ip=static)
		nf_run_quiet "bh-$stack" "$root/scenarios/fixed-quick.scn" --set device.stack=$stack "${extra[@]}" \
			--set run.fault=blackhole --set run.loops=20
		csv=$out/bh-$stack/cycles.csv
		[ $rc = 0 ] && nf_clean "$out/bh-$stack" || nf_fail "blackhole $stack: exit $rc, $(grep summary "$out/bh-$stack/verdict.json")"
		[ "$(nf_col_count status "$csv" ok)" = 20 ] || nf_fail "blackhole $stack: not 20 ok rows: $(nf_col status "$csv" | sort | uniq -c | tr -s ' \n' ' ')"
		[ "$(nf_col socket_fd "$csv" | grep -c .)" = 20 ] || nf_fail "blackhole $stack: an ok row without a socket"
		# each ok row is the reconnect's report or a session heard from after the blackhole
		echo "blackhole $stack: 20 ok, up phase median $(nf_col up_ms "$csv" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}') ms, reconnects $(nf_col reconnect_ok "$csv" | tail -1)"
		nf_nothing_left "$out/bh-$stack"
	done
	;;
cut-vendor)
	for c in up lease dns connect connack; do
		nf_run_quiet "vendor-$c" "$root/scenarios/seed-quick.scn" --set run.cut_at=$c
		csv=$out/vendor-$c/cycles.csv
		first=$(awk -F, 'NR == 1 {for (i = 1; i <= NF; i++) if ($i == "status") s = i; next}
			$s == "socket_failed" {print $1; exit}' "$csv")
		case $c in
		up | lease | dns)
			[ $rc = 0 ] || nf_fail "vendor cut_at=$c: exit $rc, want 0 (no socket yet, nothing to leak)"
			[ "$(nf_col slots_after_teardown "$csv" | sort -u | tr -d '\n')" = 0 ] ||
				nf_fail "vendor cut_at=$c: slots kept" ;;
		*)
			[ $rc = 1 ] && [ "$first" = 39 ] || nf_fail "vendor cut_at=$c: exit $rc, first socket_failed ${first:-none}, want 1 and 39" ;;
		esac
		echo "vendor cut_at=$c: exit $rc, first socket_failed ${first:--}"
	done
	nf_run_quiet vendor-random "$root/scenarios/seed-quick.scn" --set run.cut_at=random --set run.loops=120
	[ $rc = 1 ] || nf_fail "vendor random: exit $rc"
	paths=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['findings'][0].get('paths', ''))" "$out/vendor-random/verdict.json")
	echo "vendor random: $paths"
	case $paths in
	"by cut phase: connect 1.00 kept per cycle"*", connack 1.00 kept per cycle"*"; none at up"*lease*dns*) ;;
	*) nf_fail "vendor random: the finding does not split by phase: $paths" ;;
	esac
	;;
faults-fixed) fault_case fixed ;;
faults-linux) fault_case linux ;;
fault-mix)
	nf_run_quiet mix "$root/scenarios/fixed-quick.scn" --set run.loops=60 --set run.fault=flap:2,blackhole:1,broker_restart:1 \
		--set run.disable_interval=1s --set device.keepalive=1s
	csv=$out/mix/cycles.csv
	[ $rc = 0 ] && nf_clean "$out/mix" || nf_fail "fault mix: exit $rc"
	for f in flap blackhole broker_restart; do
		[ "$(nf_col_count fault "$csv" $f)" -ge 5 ] || nf_fail "fault mix: $f drawn under 5 times"
	done
	echo "fault mix: $(nf_col fault "$csv" | sort | uniq -c | tr -s ' \n' ' ')"
	;;
timeout-row)
	# mosquitto stopped by this test mid-run: TCP still connects (the kernel
	# holds the backlog), CONNACK never comes; the rows of a device that did
	# not report in time say where it was (in_connack) and still carry what
	# its stack holds (STATUS)
	"$nf" run "$root/scenarios/fixed-quick.scn" --set run.loops=12 --set run.reconnect_timeout=1s \
		--set run.disable_interval=300ms --out "$out/stalled" --quiet >"$out/stalled.log" 2>&1 &
	pid=$!
	nf_wait 20 bash -c "[ \$(cat '$out/stalled/cycles.csv' 2>/dev/null | wc -l) -ge 3 ]" ||
		nf_fail "the run did not get going"
	mosq=$(pgrep -f "mosquitto -c $out/stalled/mosquitto.conf")
	[ -n "$mosq" ] || nf_fail "no mosquitto of this run"
	kill -STOP "$mosq"
	wait $pid
	rc=$?
	[ $rc = 1 ] || nf_fail "a device that never gets its CONNACK: exit $rc, want 1 (a stall)"
	grep -q '"class": "reconnect stall"' "$out/stalled/verdict.json" ||
		nf_fail "no stall found: $(cat "$out/stalled/verdict.json")"
	csv=$out/stalled/cycles.csv
	# the rows say where the device was: waiting for the CONNACK
	timeouts=$(nf_col_count status "$csv" in_connack)
	[ "$timeouts" -ge 3 ] || nf_fail "under 3 in_connack rows: $(nf_col status "$csv" | tr '\n' ' ')"
	awk -F, 'NR == 1 {for (i = 1; i <= NF; i++) c[$i] = i; next}
		$c["status"] == "in_connack" && ($c["heap_free"] == "" || $c["sockets_in_use"] == "") {bad++}
		END {exit bad > 0}' "$csv" || nf_fail "an in_connack row without heap or slot figures"
	echo "timeout-row: $timeouts in_connack rows, each with heap and slot figures"
	nf_nothing_left "$out/stalled"
	;;
*) nf_fail "unknown case $case" ;;
esac
echo "PASS: $case"
