#!/usr/bin/env bash
# A firmware's own network code in the loop (device.client; root; exit 4,
# skipped, otherwise).
# Usage: apps_test.sh BUILD_DIR CASE
#   example   examples/app/example.c (lwIP sockets, its own MQTT bytes) on fixed
#             and upstream, 200 cycles each: every reconnect ok, clean, its
#             counters in app_1/app_2, its close()s 0 in close_rc; 5 timed
#             cycles of 3 s sessions publishing every 100 ms: clean, the
#             publishes counted in the rows; on vendor
#             (whose leak needs shutdown() before close(), which this app
#             never calls): what the verdict says, said
#   lwip-mqtt lwIP's own MQTT client (apps/mqtt, raw API) on fixed and
#             upstream, 200 cycles each: clean, a new client per reconnect
#             (app_1), no socket slot used; 5 timed cycles publishing, as
#             above; on vendor: what the verdict says, said; over TLS
#             (altcp_tls with netflap's mbedTLS) 200 clean, a ClientHello a
#             cycle; with an untrusted broker certificate the session opens
#             anyway (lwIP's altcp_tls verifies optionally by default): the
#             verdict's "TLS certificate not verified"
#   cuts      both apps on fixed with the link cut entering dns, connect and
#             connack (run.cut_at), 40 cycles each: every row ok or cut, the
#             cut landing in the phase named, clean
#   matrix    netflap matrix --clients netflap,example,lwip-mqtt over fixed and
#             vendor: a client column; fixed clean with each; vendor with
#             netflap's shutdown+close the leak at 39; the others said
#   refused   device.client names no app of the stack, an app on linux, a
#             plain-only app with device.tls = on, the receive-task shape
#             with an app: each exit 2 with why, nothing started
set -uo pipefail
build=$1 case=$2
here=$(cd "$(dirname "$0")/.." && pwd)
root=$(cd "$here/.." && pwd)
. "$here/lib/netns.sh"
nf_need_root
out=$(mktemp -d "${TMPDIR:-/tmp}/nf-apps.XXXXXX")
nf_defer "rm -rf $out"
nf=$build/netflap
quick=$root/scenarios/fixed-quick.scn


# a clean run of an app: every row ok, the verdict clean, nothing left
clean_run() { # folder app stack loops
	local d=$1 app=$2 stack=$3 n=$4 csv=$out/$1/cycles.csv
	nf_run_quiet "$d" "$quick" --set device.client="$app" --set device.stack="$stack" --set run.loops="$n"
	[ $rc = 0 ] && nf_clean "$out/$d" || nf_fail "$d: exit $rc, $(nf_classes "$out/$d"): $(grep -m1 summary "$out/$d/verdict.json")"
	[ "$(nf_col_count status "$csv" ok)" = "$n" ] || nf_fail "$d: $(nf_col status "$csv" | sort | uniq -c)"
	grep -q "\"client\": \"$app\"" "$out/$d/run.json" || nf_fail "$d: run.json does not name device.client = $app"
	echo "$d: $n reconnects of $app on $stack ok, clean; CONNACK median $(nf_col connack_ms "$csv" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}') ms"
	nf_nothing_left "$out/$d"
}

# sessions that last: 2 s up, a publish every 100 ms; the row's publishes
# count what the app sent in the sessions before
# Sessions of 3 s: in 2 s windows lwip-mqtt ended one of 5 cycles in_connack
# once under the whole suite's load (not seen again in 16 runs beside four
# busy loops); a failure prints the rows' phase times and the device's log.
timed_run() { # folder app
	local d=$1 csv=$out/$1/cycles.csv
	nf_run_quiet "$d" "$quick" --set device.client="$2" --set run.loops=5 --set run.pace=timed \
		--set run.enable_interval=3s --set run.disable_interval=500ms --set device.publish_interval=100ms
	[ $rc = 0 ] && nf_clean "$out/$d" || nf_fail "$d: exit $rc, $(nf_classes "$out/$d")"
	[ "$(nf_col_count status "$csv" ok)" = 5 ] || nf_fail "$d: $(nf_col status "$csv" | sort | uniq -c); rows (cycle status lease dns tcp connack ms): $(
		awk -F, 'NR == 1 {for (i = 1; i <= NF; i++) k[$i] = i; next}
		{printf "%s %s %s %s %s %s; ", $1, $k["status"], $k["lease_ms"], $k["dns_ms"], $k["tcp_ms"], $k["connack_ms"]}' "$csv")
		device log: $(tail -n 8 "$out/$d"/logs/device-0.log)"
	pubs=$(nf_col publishes "$csv" | tail -1)
	[ "${pubs:-0}" -ge 60 ] || nf_fail "$d: $pubs publishes in four 3 s sessions at 100 ms, want >= 60"
	echo "$d: 5 timed cycles of $2 clean, $pubs publishes in the first four sessions"
	nf_nothing_left "$out/$d"
}

# a run whose verdict is reported as it is (a stack whose bug this app may or may not reach)
as_it_is() { # folder app stack loops
	local d=$1 csv=$out/$1/cycles.csv
	nf_run_quiet "$d" "$quick" --set device.client="$2" --set device.stack="$3" --set run.loops="$4"
	[ $rc = 0 ] || [ $rc = 1 ] || nf_fail "$d: exit $rc"
	[ "$(nf_col status "$csv" | wc -l)" = "$4" ] || nf_fail "$d: $(nf_col status "$csv" | wc -l) rows, want $4"
	echo "$d: $2 on $3: exit $rc; findings: $(nf_classes "$out/$d"); statuses: $(nf_col status "$csv" | sort | uniq -c | paste -sd' ')"
}

case $case in
example)
	for s in fixed upstream; do
		clean_run "ex-$s" example "$s" 200
		csv=$out/ex-$s/cycles.csv
		[ "$(nf_col app_1 "$csv" | tail -1)" = 200 ] || nf_fail "ex-$s: app_1 (sessions opened) $(nf_col app_1 "$csv" | tail -1), want 200"
		[ "$(nf_col app_2 "$csv" | tail -1)" = 199 ] || nf_fail "ex-$s: app_2 (sockets closed) $(nf_col app_2 "$csv" | tail -1), want 199"
		[ "$(nf_col_count close_rc "$csv" 0)" = 199 ] || nf_fail "ex-$s: close() not 0 on every teardown: $(nf_col close_rc "$csv" | sort | uniq -c)"
		[ "$(nf_col socket_fd "$csv" | sort -u)" = 0 ] || nf_fail "ex-$s: socket indexes $(nf_col socket_fd "$csv" | sort -u | paste -sd,), want slot 0 every time"
		grep -q 'example: app_1 counts sessions opened' "$out/ex-$s/logs/device-0.log" ||
			nf_fail "ex-$s: the device log does not name the app's counters"
	done
	timed_run ex-timed example
	as_it_is ex-vendor example vendor 60
	;;
lwip-mqtt)
	for s in fixed upstream; do
		clean_run "lm-$s" lwip-mqtt "$s" 200
		csv=$out/lm-$s/cycles.csv
		[ "$(nf_col app_1 "$csv" | tail -1)" = 200 ] || nf_fail "lm-$s: app_1 (clients made) $(nf_col app_1 "$csv" | tail -1), want 200"
		[ "$(nf_col sockets_in_use "$csv" | sort -u)" = 0 ] || nf_fail "lm-$s: the raw-API client took socket slots"
	done
	timed_run lm-timed lwip-mqtt
	as_it_is lm-vendor lwip-mqtt vendor 60
	# over TLS: lwIP's altcp_tls with netflap's mbedTLS, a ClientHello a cycle
	nf_run_quiet lm-tls "$quick" --set device.client=lwip-mqtt --set device.tls=on --set run.loops=200
	csv=$out/lm-tls/cycles.csv
	[ $rc = 0 ] && nf_clean "$out/lm-tls" || nf_fail "lm-tls: exit $rc, $(nf_classes "$out/lm-tls")"
	[ "$(nf_col_count status "$csv" ok)" = 200 ] || nf_fail "lm-tls: $(nf_col status "$csv" | sort | uniq -c)"
	hello=$(nf_client_hellos "$out/lm-tls/ap.pcap" 8883)
	plain=$(tcpdump -nr "$out/lm-tls/ap.pcap" 'tcp port 1883' 2>/dev/null | wc -l)
	[ "$hello" -ge 200 ] && [ "$plain" = 0 ] || nf_fail "lm-tls: $hello ClientHellos to 8883 (want 200), $plain packets on 1883"
	echo "lm-tls: 200 reconnects over altcp_tls ok, clean; $hello ClientHellos, lwIP heap free while connected $(nf_col heap_free "$csv" | sort -n | head -1)"
	nf_nothing_left "$out/lm-tls"
	# a broker certificate a client must refuse: altcp_tls verifies
	# optionally (lwIP's default authmode) and opens the session; the
	# verdict says so
	nf_run_quiet lm-untrusted "$quick" --set device.client=lwip-mqtt --set device.tls=on \
		--set broker.tls_cert=untrusted --set run.loops=10
	[ $rc = 1 ] && [ "$(nf_classes "$out/lm-untrusted")" = "TLS certificate not verified" ] ||
		nf_fail "lm-untrusted: exit $rc, findings: $(nf_classes "$out/lm-untrusted")"
	echo "lm-untrusted: exit 1: $(sed -n 's/.*"summary": "\([^"]*\)".*/\1/p' "$out/lm-untrusted/verdict.json" | head -1)"
	;;
cuts)
	for app in example lwip-mqtt; do
		for ph in dns connect connack; do
			d=cut-$app-$ph csv=$out/cut-$app-$ph/cycles.csv
			nf_run_quiet "$d" "$quick" --set device.client=$app --set run.cut_at=$ph --set run.loops=40
			[ $rc = 0 ] && nf_clean "$out/$d" || nf_fail "$d: exit $rc, $(nf_classes "$out/$d"): $(grep -m1 summary "$out/$d/verdict.json")"
			bad=$(nf_col status "$csv" | grep -v -x -e ok -e cut | sort | uniq -c | paste -sd' ')
			[ -z "$bad" ] || nf_fail "$d: rows neither ok nor cut: $bad"
			cuts=$(nf_col_count cut_phase "$csv" "$ph")
			[ "$cuts" -ge 20 ] || nf_fail "$d: the cut landed in $ph $cuts times of 40"
			echo "$d: 40 cycles, $cuts cuts landed in $ph, every row ok or cut, clean"
			nf_nothing_left "$out/$d"
		done
	done
	;;
matrix)
	# the client as a matrix axis: stack x client, one cell each
	"$nf" matrix "$quick" --stacks fixed,vendor --close-modes shutdown+close \
		--clients netflap,example,lwip-mqtt --set run.loops=60 --out "$out/mx" --quiet >"$out/mx.log" 2>&1
	rc=$?
	csv=$out/mx/matrix.csv
	[ $rc = 1 ] || nf_fail "matrix: exit $rc, want 1 (vendor's cell with netflap's session leaks)"
	head -1 "$csv" | grep -q '^stack,close_mode,client,' || nf_fail "matrix: no client column: $(head -1 "$csv")"
	[ "$(grep -c '^fixed,shutdown+close,[a-z-]*,0,"clean"' "$csv")" = 3 ] || nf_fail "matrix: fixed not clean with every client: $(cat "$csv")"
	grep -q '^vendor,shutdown+close,netflap,1,"socket-slot leak",60,39,' "$csv" ||
		nf_fail "matrix: vendor with netflap's session not the leak at 39: $(grep '^vendor,.*,netflap,' "$csv")"
	echo "matrix: 6 cells; fixed clean with every client; vendor: $(grep '^vendor' "$csv" | cut -d, -f3,5 | paste -sd';')"
	;;
refused)
	while IFS='|' read -r what want sets; do
		# shellcheck disable=SC2086
		"$nf" run "$quick" $sets --out "$out/refused" --quiet >"$out/check.out" 2>&1
		r=$?
		[ ! -e "$out/refused/cycles.csv" ] || nf_fail "$what: a run started"
		[ $r = 2 ] || nf_fail "$what: exit $r, want 2"
		grep -q -- "$want" "$out/check.out" || nf_fail "$what: no '$want' in: $(cat "$out/check.out")"
		echo "$what: exit 2: $(grep -m1 -- "$want" "$out/check.out")"
	done <<'EOF'
no such app|has no such app (it has: netflap,example|--set device.client=nope
an app on linux|stack linux runs netflap's own session only|--set device.stack=linux --set device.ip=static --set device.client=example
the example over TLS|device.client = example speaks plain MQTT|--set device.client=example --set device.tls=on
the receive task with an app|device.threads = rx-task shapes netflap's own session|--set device.client=example --set device.threads=rx-task
EOF
	;;
*) nf_fail "unknown case $case" ;;
esac
echo "PASS: $case"
