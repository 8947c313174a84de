#!/usr/bin/env bash
# The field lane with a stand-in board (root; exit 4, skipped, otherwise).
# The test makes a veth pair: one end in a namespace of its own, where it
# starts netflap-device as the board (--telemetry: its reports are
# firmware/netflap_report.c's lines), the other end left in the host
# namespace and handed to netflap as ap.iface. netflap starts nothing of
# the board's. Cases:
#   mqtt-vendor    backend iface, reports over MQTT: the slot leak, 38 slots
#                  predicted exhausted at cycle 39, no_report rows from then
#                  (a board without a socket cannot publish), exit 1; the
#                  port back in the host namespace, up as it was
#   mqtt-fixed     200 cycles, clean, exit 0
#   serial-vendor  reports on a console (a socat pty pair): socket_failed
#                  seen at cycle 39, exit 1; junk lines and a malformed
#                  report logged, no row from them; the console's other
#                  lines in logs/board-0.log
#   serial-fixed   60 cycles clean
#   command        backend command: ip(8) takes the board's own end down and
#                  up; clean; NETFLAP_CYCLE reaches the command
#   command-fails  an off command that exits 1, one that hangs: exit 3, the
#                  run's error names it, the port given back
#   stops          SIGTERM mid-run: exit 0/1, the port back; SIGKILL +
#                  `netflap cleanup`: the port back, up
#   silent         a board that never reports: no_report rows, a stall, exit 1;
#                  reports under another client id (mosquitto_pub from the
#                  board's network) logged in telemetry.log, no row from them
#   bad-input      ap.iface missing or lo (exit 2), carrying an address or in
#                  a bridge (exit 3), board.serial not a tty (exit 2), nl80211
#                  on a port that is no radio (exit 2); the port untouched
#   wifi           hostapd driver=nl80211 on mac80211_hwsim's first radio, the
#                  board a station on the second: ap.off disable and deauth,
#                  clean; skipped (4) without hwsim
# Usage: board_test.sh BUILD_DIR CASE
set -uo pipefail
build=$1 case=$2
here=$(cd "$(dirname "$0")/.." && pwd)
root=$(cd "$here/.." && pwd)
. "$here/lib/netns.sh"
nf_need_root
nf=$build/netflap
out=$(mktemp -d "${TMPDIR:-/tmp}/nf-board.XXXXXX")
[ -n "${NF_KEEP:-}" ] || nf_defer "rm -rf $out"
# the test's own pid names its links: unique among the tests running at once
# (two bash RANDOMs seeded in the same microsecond have collided on CI)
id=$(printf '%x' $$)
ns=nfb-$id host=nfb${id}h dev=nfb${id}d

# the board's network: its end in $ns, ours in the host namespace
ip netns add "$ns" && nf_defer "ip netns del $ns" || nf_fail "ip netns add $ns"
ip link add "$host" type veth peer name "$dev" && nf_defer "ip link del $host" || nf_fail "veth"
ip link set "$dev" netns "$ns"
ip -n "$ns" link set lo up
ip -n "$ns" link set "$dev" up
ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
# lwIP checks checksums: the kernel fills them in rather than leaving them to offload
ethtool -K "$host" tx off >/dev/null 2>&1
ip netns exec "$ns" ethtool -K "$dev" tx off >/dev/null 2>&1

# board STACK TELEMETRY [ARGS...]: the stand-in board, started by the test
board() {
	local stack=$1 tel=$2
	shift 2
	ip netns exec "$ns" "$build/netflap-device" --interface "$dev" --stack "$stack" \
		--client-id board0 --telemetry "$tel" "$@" >"$out/board.log" 2>&1 &
	bpid=$!
	nf_defer "kill $bpid 2>/dev/null; wait $bpid 2>/dev/null"
}
stop_board() { kill "$bpid" 2>/dev/null; wait "$bpid" 2>/dev/null; }

# the port is in the host namespace, up or down as wanted
port_back() {
	ip link show "$host" >/dev/null 2>&1 || nf_fail "$1: $host is not back in the host namespace"
	local flags
	flags=$(ip -o link show "$host" | sed -n 's/.*<\([^>]*\)>.*/\1/p')
	case $2 in
	up) [[ ,$flags, == *,UP,* ]] || nf_fail "$1: $host came back down, it was up ($flags)" ;;
	down) [[ ,$flags, != *,UP,* ]] || nf_fail "$1: $host came back up, it was down ($flags)" ;;
	esac
}

# a board waits for nothing but its carrier: the off lasts long enough to be seen
ext=(--set device.kind=external --set ap.iface="$host" --set board.clients=board0
	--set run.disable_interval=100ms)
quick=$root/scenarios/fixed-quick.scn
seed=$root/scenarios/seed-quick.scn

case $case in
mqtt-vendor)
	ip link set "$host" up # lent up: it must come back up
	board vendor mqtt
	nf_run_quiet run "$seed" "${ext[@]}" --set ap.backend=iface --set run.loops=45
	stop_board
	csv=$out/run/cycles.csv
	[ $rc = 1 ] || nf_fail "mqtt-vendor: exit $rc, want 1: $(cat "$out/run.log")"
	v=$(grep '"class": "socket-slot leak"' "$out/run/verdict.json")
	[[ $v == *"38 slots predicted exhausted at cycle 39"* ]] ||
		nf_fail "mqtt-vendor: the slot finding: $(grep summary "$out/run/verdict.json")"
	first=$(nf_col status "$csv" | grep -n -m1 -v -x ok | cut -d: -f1)
	[ "$first" = 39 ] || nf_fail "mqtt-vendor: first row not ok at cycle $first, want 39"
	[ "$(nf_col status "$csv" | tail -n +39 | sort -u)" = no_report ] ||
		nf_fail "mqtt-vendor: rows from 39 are not all no_report"
	nf_well_formed "$csv"
	port_back mqtt-vendor up
	nf_nothing_left "$out/run"
	echo "mqtt-vendor: $(grep -o '"summary": "[^"]*' "$out/run/verdict.json" | head -1)"
	;;
mqtt-fixed)
	board fixed mqtt
	nf_run_quiet run "$quick" "${ext[@]}" --set ap.backend=iface --set run.loops=200
	stop_board
	[ $rc = 0 ] && nf_clean "$out/run" || nf_fail "mqtt-fixed: exit $rc: $(grep summary "$out/run/verdict.json")"
	[ "$(nf_col_count status "$out/run/cycles.csv" ok)" = 200 ] || nf_fail "mqtt-fixed: not 200 ok rows"
	port_back mqtt-fixed down
	nf_nothing_left "$out/run"
	echo "mqtt-fixed: 200 cycles clean"
	;;
serial-vendor | serial-fixed)
	command -v socat >/dev/null || { echo "SKIP: socat not installed"; exit $NF_SKIP; }
	socat pty,raw,echo=0,link="$out/tty-board" pty,raw,echo=0,link="$out/tty-host" 2>"$out/socat.log" &
	spid=$!
	nf_defer "kill $spid 2>/dev/null"
	nf_wait 5 test -e "$out/tty-host" || nf_fail "socat made no pty pair"
	stack=${case#serial-} loops=60
	[ "$stack" = vendor ] && loops=42
	# what a console holds besides telemetry, and two bad lines
	printf 'boot: hello from the board\r\nNETFLAP REPORT phase=x status=ok\r\nNETFLAP junk\r\n' >"$out/tty-board"
	board "$stack" serial --serial "$out/tty-board"
	nf_run_quiet run "$root/scenarios/$([ "$stack" = vendor ] && echo seed || echo fixed)-quick.scn" \
		"${ext[@]}" --set ap.backend=iface --set board.telemetry=serial \
		--set board.serial="$out/tty-host" --set run.loops=$loops
	stop_board
	csv=$out/run/cycles.csv
	if [ "$stack" = vendor ]; then
		[ $rc = 1 ] || nf_fail "serial-vendor: exit $rc, want 1"
		first=$(nf_col status "$csv" | grep -n -m1 -x socket_failed | cut -d: -f1)
		[ "$first" = 39 ] || nf_fail "serial-vendor: first socket_failed at cycle $first, want 39"
		grep -q '38 slots exhausted at cycle 39' "$out/run/verdict.json" ||
			nf_fail "serial-vendor: $(grep summary "$out/run/verdict.json")"
	else
		[ $rc = 0 ] && nf_clean "$out/run" || nf_fail "serial-fixed: exit $rc: $(grep summary "$out/run/verdict.json")"
		[ "$(nf_col_count status "$csv" ok)" = 60 ] || nf_fail "serial-fixed: not 60 ok rows"
	fi
	grep -q 'malformed line' "$out/run/logs/telemetry.log" || nf_fail "$case: the malformed report not logged"
	grep -q '"lines_refused": [1-9]' "$out/run/verdict.json" || nf_fail "$case: verdict.json does not count the refused line"
	grep -q 'hello from the board' "$out/run/logs/board-0.log" || nf_fail "$case: the console's log lost"
	grep -q 'NETFLAP junk' "$out/run/logs/board-0.log" && nf_fail "$case: telemetry junk in the console log"
	nf_well_formed "$csv"
	port_back "$case" down
	nf_nothing_left "$out/run"
	echo "$case: exit $rc, $(nf_col status "$csv" | sort | uniq -c | tr '\n' ' ')"
	;;
command)
	# the AP as a script a user writes (a PoE switch, a relay): it finds the
	# run's AP namespace from NETFLAP_RUN_DIR and switches the port there
	cat >"$out/ap.sh" <<EOF
#!/bin/sh
id=\$(sed -n 's/.*"run_id": "\\([0-9a-f]*\\)".*/\\1/p' "\$NETFLAP_RUN_DIR/run.json")
echo "cycle \$NETFLAP_CYCLE: \$1"
exec ip -n "netflap-\$id-ap" link set $host "\$1"
EOF
	chmod +x "$out/ap.sh"
	board fixed mqtt
	nf_run_quiet run "$quick" "${ext[@]}" --set ap.backend=command \
		--set ap.off_command="$out/ap.sh down" --set ap.on_command="$out/ap.sh up" --set run.loops=20
	stop_board
	[ $rc = 0 ] && nf_clean "$out/run" || nf_fail "command: exit $rc: $(cat "$out/run.log")"
	[ "$(nf_col_count status "$out/run/cycles.csv" ok)" = 20 ] || nf_fail "command: not 20 ok rows"
	grep -q "^cycle 20: down$" "$out/run/logs/ap-command.log" ||
		nf_fail "command: NETFLAP_CYCLE did not reach the command: $(tail -3 "$out/run/logs/ap-command.log")"
	port_back command down
	nf_nothing_left "$out/run"
	echo "command: 20 cycles clean through a script's ip(8)"
	;;
command-fails)
	for how in fails hangs; do
		off=false
		[ $how = hangs ] && off="sleep 30"
		nf_run_quiet $how "$quick" "${ext[@]}" --set ap.backend=command --set ap.off_command="$off" \
			--set ap.on_command=true --set ap.command_timeout=1s --set run.loops=3
		[ $rc = 3 ] || nf_fail "command $how: exit $rc, want 3"
		grep -q "ap.off_command" "$out/$how.log" || nf_fail "command $how: the error does not name it: $(cat "$out/$how.log")"
		port_back "command $how" down
		nf_nothing_left "$out/$how"
		echo "command $how: exit 3, $(grep -m1 ap.off_command "$out/$how.log")"
	done
	;;
stops)
	ip link set "$host" up
	board fixed mqtt
	for how in term kill; do
		setsid "$nf" run "$quick" "${ext[@]}" --set ap.backend=iface --set run.loops=100000 \
			--out "$out/$how" --quiet >"$out/$how.log" 2>&1 &
		pid=$!
		nf_defer "kill -KILL $pid 2>/dev/null"
		nf_wait 20 nf_at_least "$out/$how/cycles.csv" '^[0-9]' 5 || nf_fail "$how: no cycles"
		if [ $how = term ]; then
			kill -TERM "$pid"
			wait "$pid"
			rc=$?
			[ $rc = 0 ] || [ $rc = 1 ] || nf_fail "term: exit $rc"
		else
			kill -KILL "$pid"
			wait "$pid" 2>/dev/null
			ip link show "$host" >/dev/null 2>&1 && nf_fail "kill: the port is back without cleanup?"
			"$nf" cleanup --quiet || nf_fail "kill: cleanup failed"
		fi
		port_back $how up
		nf_nothing_left "$out/$how"
		echo "$how: the port back, up"
	done
	stop_board
	;;
silent)
	# nobody reports as ghost; an intruder on the board's network publishes
	# reports under another client id: logged, never a row
	ip -n "$ns" addr add 10.213.250.250/16 dev "$dev"
	# each try bounded (the broker is unreachable while the AP is off), the
	# loop's output not on the test's: an orphaned try would hold ctest's pipe
	(for i in $(seq 1 40); do
		timeout 1 ip netns exec "$ns" mosquitto_pub -h 10.213.0.1 -t netflap/intruder/report \
			-m "REPORT phase=$i attempt=1 status=ok"
		sleep 0.1
	done) >/dev/null 2>&1 &
	ppid=$!
	nf_defer "kill $ppid 2>/dev/null"
	nf_run_quiet run "$quick" "${ext[@]}" --set ap.backend=iface --set board.clients=ghost \
		--set run.loops=6 --set run.reconnect_timeout=300ms --set run.enable_interval=300ms
	kill $ppid 2>/dev/null
	wait $ppid 2>/dev/null
	[ $rc = 1 ] || nf_fail "silent: exit $rc, want 1"
	[ "$(nf_col_count status "$out/run/cycles.csv" no_report)" = 6 ] || nf_fail "silent: not 6 no_report rows"
	grep -q '"class": "reconnect stall"' "$out/run/verdict.json" || nf_fail "silent: no stall finding"
	grep -q 'unknown client intruder' "$out/run/logs/telemetry.log" ||
		nf_fail "silent: the intruder's reports were not logged: $(head -3 "$out/run/logs/telemetry.log")"
	nf_nothing_left "$out/run"
	echo "silent: 6 no_report rows, a stall; $(grep -c intruder "$out/run/logs/telemetry.log") intruder reports logged"
	;;
bad-input)
	expect() { # WANT_RC WORDS-IN-THE-ERROR ARGS...
		local want=$1 words=$2
		shift 2
		nf_run_quiet bad "$quick" --set run.loops=2 --set run.disable_interval=100ms "$@"
		[ $rc = "$want" ] || nf_fail "$words: exit $rc, want $want: $(cat "$out/bad.log")"
		grep -q -- "$words" "$out/bad.log" || nf_fail "the error does not say '$words': $(cat "$out/bad.log")"
		[ ! -f "$out/bad/run.json" ] || nf_fail "$words: a run was started"
		echo "exit $rc: $(head -1 "$out/bad.log")"
		rm -rf "$out/bad"
	}
	b=(--set device.kind=external --set ap.backend=iface --set board.clients=b)
	expect 2 "nfbnone$id: no such interface" "${b[@]}" --set ap.iface=nfbnone$id
	expect 2 "lo: a loopback" "${b[@]}" --set ap.iface=lo
	ip addr add 192.0.2.1/32 dev "$host"
	expect 3 "carries 192.0.2.1" "${ext[@]}" --set ap.backend=iface
	ip addr del 192.0.2.1/32 dev "$host"
	ip link add "nfb${id}b" type bridge && nf_defer "ip link del nfb${id}b"
	ip link set "$host" master "nfb${id}b"
	expect 3 "already enslaved" "${ext[@]}" --set ap.backend=iface
	ip link set "$host" nomaster
	expect 2 "/dev/null (board 0): not a terminal" "${ext[@]}" --set ap.backend=iface \
		--set board.telemetry=serial --set board.serial=/dev/null
	expect 2 "needs ap.iface" "${b[@]}"
	expect 2 "names no board 1" "${b[@]}" --set ap.iface="$host" --set device.count=2
	expect 2 "disable_interval must be at least" "${b[@]}" --set ap.iface="$host" \
		--set run.disable_interval=0ms
	expect 2 "needs device.kind = external" --set ap.backend=iface
	expect 2 "wants a Wi-Fi interface" "${ext[@]}" --set ap.backend=hostapd --set ap.driver=nl80211
	port_back bad-input down
	;;
wifi)
	# a real nl80211 AP on mac80211_hwsim's first radio, the board a station on
	# the second (wpa_supplicant, in the board's namespace): ap.off = disable
	# (beacons stop) and deauth (stations sent away, the AP kept up). Skipped
	# where the kernel has no hwsim (this workplace: no loadable modules).
	[ -d /sys/module/mac80211_hwsim ] || { echo "SKIP: no mac80211_hwsim"; exit $NF_SKIP; }
	for p in iw wpa_supplicant; do
		command -v $p >/dev/null || { echo "SKIP: $p not installed"; exit $NF_SKIP; }
	done
	radios=()
	for n in /sys/class/net/*; do
		[ "$(basename "$(readlink -f "$n/device/driver" 2>/dev/null)")" = mac80211_hwsim ] &&
			radios+=("$(basename "$n")")
	done
	[ ${#radios[@]} -ge 2 ] || { echo "SKIP: fewer than two hwsim radios"; exit $NF_SKIP; }
	apif=${radios[0]} staif=${radios[1]}
	phy=$(cat "/sys/class/net/$staif/phy80211/name")
	iw phy "$phy" set netns name "$ns" || nf_fail "wifi: moving $phy into $ns"
	nf_defer "ip netns exec $ns iw phy $phy set netns 1"
	printf 'network={\n ssid="nf-bench"\n psk="netflap-bench"\n}\n' >"$out/wpa.conf"
	ip netns exec "$ns" wpa_supplicant -i "$staif" -c "$out/wpa.conf" -B -P "$out/wpa.pid" \
		>"$out/wpa.log" 2>&1 || nf_fail "wifi: wpa_supplicant"
	nf_defer "kill \$(cat $out/wpa.pid)"
	for off in disable deauth; do
		ip netns exec "$ns" "$build/netflap-device" --interface "$staif" --stack fixed \
			--client-id board0 --telemetry mqtt >"$out/board-$off.log" 2>&1 &
		bpid=$!
		nf_run_quiet $off "$quick" --set device.kind=external --set ap.backend=hostapd \
			--set ap.driver=nl80211 --set ap.iface="$apif" --set ap.ssid=nf-bench \
			--set ap.passphrase=netflap-bench --set ap.channel=1 --set ap.off=$off \
			--set board.clients=board0 --set run.disable_interval=2s \
			--set run.reconnect_timeout=30s --set run.loops=5
		stop_board
		[ $rc = 0 ] && nf_clean "$out/$off" || nf_fail "wifi $off: exit $rc: $(cat "$out/$off.log")"
		[ "$(nf_col_count status "$out/$off/cycles.csv" ok)" = 5 ] || nf_fail "wifi $off: not 5 ok rows"
		[ -e "/sys/class/net/$apif/phy80211" ] || nf_fail "wifi $off: the AP radio is not back"
		nf_nothing_left "$out/$off"
		echo "wifi $off: 5 cycles ok"
	done
	;;
*)
	nf_fail "unknown case $case"
	;;
esac
echo "PASS: $case"
