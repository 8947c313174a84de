#!/usr/bin/env bash
# Faults mid-run (root; exit 4, skipped, otherwise). Each case states its
# expected outcome; each asserts the rows stay whole and nothing is left.
# Usage: fault_test.sh BUILD_DIR CASE
#   broker-killed  mosquitto killed: the run ends with a clear error (exit 3),
#                  naming it; rows so far whole. (netflap does not restart
#                  services: a soak that lost its broker measures nothing.)
#   dnsmasq-killed the same for dnsmasq
#   device-killed  one of three devices SIGKILLed: its row says device_crashed,
#                  the run stops after that cycle (device.on_crash = stop); the
#                  verdict names the crash by its signal (exit 1), no stall
#   device-killed-restart  the same with device.on_crash = restart: the device
#                  starts again, its next row says rebooted, the others go on
#   disk-full      the run folder on a 256 KiB tmpfs: a clear error (exit 3),
#                  the rows written so far whole and parseable
#   two-at-once    two seed-quick runs at the same time: both right, no collision
#   odd-paths      a run folder path with spaces works; an unwritable one is a
#                  clear error (exit 3)
set -uo pipefail
build=$1 case=$2
here=$(cd "$(dirname "$0")/.." && pwd)
root=$(cd "$here/.." && pwd)
. "$here/lib/netns.sh"
nf_need_root
out=$(mktemp -d "${TMPDIR:-/tmp}/nf-fault.XXXXXX")
nf_defer "rm -rf $out"
nf=$build/netflap

long_run() { # run dir, extra args: a timed run that would go on for long
	"$nf" run "$root/scenarios/fixed-quick.scn" --set run.pace=timed --set run.loops=100000 \
		--set run.disable_interval=100ms --set run.enable_interval=200ms --out "$1" --quiet "${@:2}" \
		2>"$1.err" &
	run_pid=$!
	nf_defer "kill $run_pid"
	nf_wait 30 nf_at_least "$1/cycles.csv" '^[0-9]' 3 || nf_fail "no rows came: $(cat "$1.err")"
}

case "$case" in
broker-killed | dnsmasq-killed)
	long_run "$out/run"
	if [ "$case" = broker-killed ]; then
		victim=$(pgrep -f "mosquitto -c $out/run/mosquitto.conf") name=mosquitto
	else
		# the DHCP one of netflap's two dnsmasq processes (the other answers DNS)
		victim=$(pgrep -f "dnsmasq.*$out/run/dnsmasq.leases") name="dnsmasq (DHCP)"
	fi
	[ -n "$victim" ] || nf_fail "no $name to kill"
	kill -KILL "$victim"
	wait $run_pid
	rc=$?
	[ $rc = 3 ] || nf_fail "exit $rc after $name died, want 3"
	grep -qF "$name (pid $victim) died mid-run" "$out/run.err" || nf_fail "no clear message: $(cat "$out/run.err")"
	grep -q '"state": "aborted"' "$out/run/run.json" || nf_fail "run.json does not say aborted"
	nf_well_formed "$out/run/cycles.csv"
	nf_nothing_left "$out/run"
	;;
device-killed | device-killed-restart)
	# event pace: each phase waits for the devices still alive, so a loaded
	# machine slows the run down instead of failing the others' rows
	on_crash=stop
	[ "$case" = device-killed-restart ] && on_crash=restart
	"$nf" run "$root/scenarios/fixed-quick.scn" --set device.count=3 --set run.loops=60 \
		--set device.on_crash=$on_crash --out "$out/run" --quiet 2>"$out/run.err" &
	run_pid=$!
	nf_defer "kill $run_pid"
	nf_wait 30 nf_at_least "$out/run/cycles.csv" '^[0-9]+,1,' 5 || nf_fail "no rows came"
	id=$(sed -n 's/.*"run_id": "\([0-9a-f]*\)".*/\1/p' "$out/run/run.json")
	victim=$(pgrep -f "client-id netflap-$id-d1")
	[ -n "$victim" ] || nf_fail "no device 1 to kill"
	kill -KILL "$victim"
	wait $run_pid
	rc=$?
	[ $rc = 1 ] || nf_fail "exit $rc, want 1 (the crash is a finding)"
	pairs=$(paste -d, <(nf_col device "$out/run/cycles.csv") <(nf_col status "$out/run/cycles.csv"))
	crashed=$(grep -c '^1,device_crashed$' <<<"$pairs")
	[ "$crashed" = 1 ] || nf_fail "device 1 has $crashed device_crashed rows, want the one"
	rows=$(wc -l <<<"$pairs")
	if [ "$on_crash" = stop ]; then # the crash's cycle is the last
		[ "$rows" -lt 180 ] || nf_fail "the run went on after the crash: $rows rows"
		grep -q '"state": "crashed"' "$out/run/run.json" && grep -q '"end_state": "crashed"' "$out/run/verdict.json" ||
			nf_fail "run.json or verdict.json does not say crashed"
		[ "$(tail -n 3 <<<"$pairs" | grep -c device_crashed)" = 1 ] || nf_fail "the crash is not in the last cycle"
	else # restarted: every cycle, and the one after the crash says so
		[ "$rows" = 180 ] || nf_fail "want 60 cycles x 3 devices, have $rows"
		[ "$(grep -c '^1,rebooted$' <<<"$pairs")" = 1 ] || nf_fail "no rebooted row for device 1"
		[ "$(nf_col reboots "$out/run/cycles.csv" | tail -n 3 | sort -n | tail -n 1)" = 1 ] ||
			nf_fail "reboots not counted"
	fi
	others=$(grep -v '^1,' <<<"$pairs" | grep -vc ',ok$')
	[ "$others" = 0 ] || nf_fail "the other devices had $others failed rows: $(grep -v '^1,' <<<"$pairs" | grep -v ',ok$' | sort | uniq -c)"
	grep -q '"device": 1, "class": "device crash".*SIGKILL' "$out/run/verdict.json" ||
		nf_fail "verdict does not name the crash by its signal: $(cat "$out/run/verdict.json")"
	! grep -q '"class": "reconnect stall"' "$out/run/verdict.json" || nf_fail "the crash is also called a stall"
	nf_well_formed "$out/run/cycles.csv"
	nf_nothing_left "$out/run"
	;;
disk-full)
	mkdir "$out/fs"
	mount -t tmpfs -o size=256k tmpfs "$out/fs" || nf_fail "cannot mount a tmpfs"
	nf_defer "umount $out/fs"
	"$nf" run "$root/scenarios/fixed-quick.scn" --set run.pace=timed --set run.loops=100000 \
		--set run.disable_interval=20ms --set run.enable_interval=50ms --out "$out/fs/run" --quiet \
		2>"$out/run.err" &
	run_pid=$!
	nf_defer "kill $run_pid"
	nf_wait 120 sh -c "! kill -0 $run_pid 2>/dev/null" || nf_fail "the run did not stop on a full disk"
	wait $run_pid
	rc=$?
	[ $rc = 3 ] || nf_fail "exit $rc on a full disk, want 3: $(cat "$out/run.err")"
	grep -q "No space left on device" "$out/run.err" || nf_fail "no clear message: $(cat "$out/run.err")"
	rows=$(grep -c '^[0-9]' "$out/fs/run/cycles.csv")
	[ "$rows" -gt 0 ] || nf_fail "no rows at all"
	nf_well_formed "$out/fs/run/cycles.csv"
	nf_nothing_left "$out/fs/run"
	echo "disk full after $rows rows: $(grep -m1 'cycles.csv' "$out/run.err")"
	;;
two-at-once)
	"$nf" run "$root/scenarios/seed-quick.scn" --out "$out/a" --quiet & a=$!
	"$nf" run "$root/scenarios/seed-quick.scn" --out "$out/b" --quiet & b=$!
	wait $a; ra=$?
	wait $b; rb=$?
	[ $ra = 1 ] && [ $rb = 1 ] || nf_fail "exits $ra and $rb, want 1 and 1"
	for r in a b; do
		[ "$(nf_col socket_fd "$out/$r/cycles.csv" | head -38 | tr '\n' ' ')" = "$(seq -s ' ' 0 37) " ] ||
			nf_fail "run $r: socket_fd did not climb 0..37"
		nf_nothing_left "$out/$r"
	done
	ida=$(sed -n 's/.*"run_id": "\(.*\)".*/\1/p' "$out/a/run.json")
	idb=$(sed -n 's/.*"run_id": "\(.*\)".*/\1/p' "$out/b/run.json")
	[ "$ida" != "$idb" ] || nf_fail "both runs had id $ida"
	;;
odd-paths)
	mkdir -p "$out/dir with spaces"
	"$nf" run "$root/scenarios/fixed-quick.scn" --set run.loops=3 --out "$out/dir with spaces/run 1" --quiet ||
		nf_fail "a run folder with spaces failed"
	[ "$(grep -c '^[0-9]' "$out/dir with spaces/run 1/cycles.csv")" = 3 ] || nf_fail "want 3 rows"
	nf_nothing_left "$out/dir with spaces/run 1"
	msg=$("$nf" run "$root/scenarios/fixed-quick.scn" --out /proc/netflap-cannot-write 2>&1)
	rc=$?
	[ $rc = 3 ] || nf_fail "exit $rc for an unwritable run folder, want 3"
	grep -q "run folder /proc/netflap-cannot-write" <<<"$msg" || nf_fail "message: $msg"
	;;
*) nf_fail "unknown case $case" ;;
esac
echo "PASS: $case"
