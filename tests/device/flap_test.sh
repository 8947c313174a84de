#!/usr/bin/env bash
# netflap-device against the real broker and DHCP server, flapping its AP.
# Usage: flap_test.sh BUILD_DIR STACK CYCLES [SOCKET_LIMIT [CLOSE_MODE [CHANNEL]]]
#   CLOSE_MODE  shutdown+close (default), close, close+shutdown
#   CHANNEL     fd (default: an inherited fd to a file) or socket (a unix
#               socket served by chan_peer, which also asks for STATUS)
#
# Expected: upstream, fixed, linux: every cycle reconnects (status ok), with
# the same socket fd every cycle and no slot left after any teardown.
# vendor (shutdown+close) with SOCKET_LIMIT n: cycles 1..n reconnect on
# fds 0..n-1; from cycle n+1 socket() fails every cycle and so does the
# ping's socket ("ping: create socket failed"), as in the field report.
# vendor with close alone does not leak: it behaves like fixed.
set -uo pipefail
build=$1 stack=$2 cycles=$3 limit=${4:-0} mode=${5:-shutdown+close} channel=${6:-fd}
here=$(cd "$(dirname "$0")/.." && pwd)
. "$here/lib/netns.sh"
nf_need_root

id=$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')
dir=$(mktemp -d "${TMPDIR:-/tmp}/nf-devtest.XXXXXX")
chmod 755 "$dir"
[ -n "${NF_KEEP:-}" ] || nf_defer "rm -rf $dir"
nf_topology "$id" || nf_fail "could not build the namespaces"
nf_services "$dir"
nf_start_bg SUB_PID "$NF_AP" "$dir/sub.log" mosquitto_sub -h 10.213.0.1 -t 'netflap/+/telemetry'

args=(--interface "$NF_DEVIF" --stack "$stack" --client-id "dev-$id" --close-mode "$mode"
	--publish-interval 100ms --attempt-timeout 5s --backoff-min 50ms --backoff-max 200ms)
if [ "$channel" = socket ]; then
	"$build/tests/chan_peer" "$dir/chan.sock" "$dir/chan.log" &
	peer_pid=$!
	nf_defer "kill $peer_pid"
	nf_wait 5 grep -q LISTENING "$dir/chan.log" || nf_fail "chan_peer did not start"
	args+=(--control "$dir/chan.sock")
	fd3=/dev/null
else
	fd3=$dir/chan.log
	args+=(--control-fd 3)
fi
[ "$limit" -gt 0 ] && args+=(--socket-limit "$limit")
[ "$stack" = linux ] && args+=(--ip static --address 10.213.0.50/24 --gateway 10.213.0.1)
ip netns exec "$NF_DEV" "$build/netflap-device" "${args[@]}" 3>"$fd3" 2>"$dir/device.log" &
dev_pid=$!
nf_defer "kill $dev_pid; wait $dev_pid"
nf_wait 5 grep -q '^HELLO' "$dir/chan.log" || nf_fail "device did not start: $(cat "$dir/device.log")"

field() { sed -n "s/.* $2=\([^ ]*\).*/\1/p" <<<"$1"; }
first_report() { grep -m1 "^REPORT phase=$1 attempt=1 " "$dir/chan.log"; }
ok_cycles=0
fds=()
for ((i = 1; i <= cycles; i++)); do
	nf_ap up
	nf_wait 10 grep -q "^REPORT phase=$i attempt=1 " "$dir/chan.log" ||
		nf_fail "cycle $i: no report (device log: $(tail -5 "$dir/device.log"))"
	r=$(first_report "$i")
	if [ "$(field "$r" status)" = ok ]; then
		ok_cycles=$((ok_cycles + 1))
		# hold the AP up until the broker has this cycle's telemetry
		nf_wait 5 nf_at_least "$dir/sub.log" . "$ok_cycles" ||
			nf_fail "cycle $i: the broker got no publish"
	fi
	fds+=("$(field "$r" socket_fd)")
	nf_ap down
	nf_wait 10 grep -q "^TEARDOWN phase=$i " "$dir/chan.log" || nf_fail "cycle $i: no teardown"
done
kill "$dev_pid"
wait "$dev_pid"
echo "socket fds by cycle: ${fds[*]}"

check() { # cycle status socket_fd ping_ok
	local r
	r=$(first_report "$1")
	[ "$(field "$r" status)" = "$2" ] || nf_fail "cycle $1: status $(field "$r" status), want $2: $r"
	[ "$(field "$r" socket_fd)" = "$3" ] || nf_fail "cycle $1: socket_fd $(field "$r" socket_fd), want $3"
	[ "$(field "$r" ping_ok)" = "$4" ] || nf_fail "cycle $1: ping_ok $(field "$r" ping_ok), want $4"
}
leaks=0
[ "$stack" = vendor ] && [ "$mode" = shutdown+close ] && leaks=1
case "$leaks" in
1)
	for ((i = 1; i <= cycles; i++)); do
		if [ "$i" -le "$limit" ]; then check "$i" ok $((i - 1)) 1; else check "$i" socket_failed -1 0; fi
	done
	[ "$(nf_count "$dir/device.log" 'ping: create socket failed')" -ge $((cycles - limit)) ] ||
		nf_fail "the device did not report 'ping: create socket failed'"
	t=$(grep "^TEARDOWN phase=$limit " "$dir/chan.log")
	[ "$(field "$t" close_rc)" = -1 ] || nf_fail "vendor close() after shutdown returned $(field "$t" close_rc), want -1"
	[ "$(field "$t" slots_after_teardown)" = "$limit" ] || nf_fail "vendor: $(field "$t" slots_after_teardown) slots after teardown $limit"
	;;
*)
	fd0=${fds[0]}
	[ "$mode" = close+shutdown ] && want_sd=' shutdown_rc=-1 shutdown_errno=9 ' # EBADF
	for ((i = 1; i <= cycles; i++)); do check "$i" ok "$fd0" 1; done
	if [ "$stack" != linux ]; then
		[ "$fd0" = 0 ] || nf_fail "socket fd $fd0, want 0"
		bad=$(grep '^TEARDOWN' "$dir/chan.log" | grep -v -c ' slots_after_teardown=0 ')
		[ "$bad" = 0 ] || nf_fail "$bad teardowns left slots in use"
		[ "$(nf_count "$dir/chan.log" '^TEARDOWN.* close_rc=0 ')" = "$cycles" ] || nf_fail "a close() failed"
		[ -z "${want_sd:-}" ] || [ "$(nf_count "$dir/chan.log" "^TEARDOWN.*$want_sd")" = "$cycles" ] ||
			nf_fail "close then shutdown: shutdown did not fail with EBADF every cycle"
	fi
	;;
esac
if [ "$channel" = socket ]; then
	s=$(grep -m1 '^STATUS ' "$dir/chan.log") || nf_fail "no answer to STATUS"
	[ "$(field "$s" phase)" = 1 ] && [ -n "$(field "$s" heap_free)" ] ||
		nf_fail "STATUS answer lacks the report fields: $s"
	echo "STATUS answered: $(cut -c1-80 <<<"$s")..."
fi
pubs=$(nf_count "$dir/sub.log" .)
echo "cycles: $cycles, reconnected: $ok_cycles, publishes received by mosquitto_sub: $pubs"

nf_cleanup
left=$(ip netns list | grep -c "nf-t$id" || true)
[ "$left" = 0 ] || nf_fail "namespaces left behind"
for p in $dev_pid $NF_MOSQ_PID $NF_DNSMASQ_PID $SUB_PID ${peer_pid:-}; do
	kill -0 "$p" 2>/dev/null && nf_fail "process $p left behind"
done
echo "PASS: $stack, $mode, $cycles flaps"
