#!/usr/bin/env bash
# MQTT over TLS (device.tls = on; root; exit 4, skipped, otherwise).
# Usage: tls_test.sh BUILD_DIR CASE
#   fixed       fixed, 200 cycles: every reconnect ok, verdict clean, mbedTLS's heap
#               after every teardown the same bytes, mbedtls_net_free()'s shutdown and
#               close returning 0; ap.pcap holds a ClientHello to broker.tls_port per
#               cycle and nothing on the plain port; the report plots mbedTLS's heap
#   lwip-resume fixed with mbedTLS on lwIP's heap, session resumption and
#               close_notify+net_free, 200 cycles: clean, every reconnect after the
#               first resumed, lwIP's heap and mbedTLS's back to their levels
#   linux       the control group over the same TLS code, 200 cycles: clean
#   vendor      seed-quick over TLS: the field report's leak through mbedTLS's own
#               teardown, first socket_failed at cycle 39, a slot leak
#   bad-certs   wrong_name, expired, untrusted on fixed: every row tls_failed with
#               mbedTLS's verify error and the flag of that fault; no slot and no TLS
#               memory kept (only a stall is found)
#   tls-leak    a firmware that skips mbedtls_ssl_free() after a failed handshake
#               (device.tls_free = skip_on_error): a TLS heap leak of one SSL context a
#               cycle; with the same certificate and tls_free = always, none; on lwIP's
#               heap a stall that says where mbedTLS's heap began refusing
#   matrix      netflap matrix over stacks and TLS close modes with --set device.tls=on
#   cut-tls     cuts inside the handshake (run.cut_at = tls, the ClientHello out): fixed
#               clean over 40; vendor keeps a slot each (the field report, mid-handshake);
#               a firmware skipping mbedtls_ssl_free() on that error path: a TLS heap
#               leak; every path (random cuts, faults) over TLS on fixed and on linux:
#               clean, every phase, tls included, cut
set -uo pipefail
build=$1 case=$2
here=$(cd "$(dirname "$0")/.." && pwd)
root=$(cd "$here/.." && pwd)
. "$here/lib/netns.sh"
nf_need_root
out=$(mktemp -d "${TMPDIR:-/tmp}/nf-tls.XXXXXX")
nf_defer "rm -rf $out"
nf=$build/netflap
quick=$root/scenarios/fixed-quick.scn

distinct() { nf_col "$1" "$2" | grep -v '^$' | sort -u | wc -l; }

# a clean TLS soak: every row ok, mbedTLS's heap after each teardown one value
soak_clean() { # folder
	local d=$1 csv=$out/$1/cycles.csv
	[ $rc = 0 ] && nf_clean "$out/$d" || nf_fail "$d: exit $rc, $(nf_classes "$out/$d"): $(grep -m1 summary "$out/$d/verdict.json")"
	[ "$(nf_col_count status "$csv" ok)" = 200 ] || nf_fail "$d: $(nf_col status "$csv" | sort | uniq -c)"
	[ "$(distinct tls_heap_after_teardown "$csv")" = 1 ] ||
		nf_fail "$d: mbedTLS's heap after teardown took $(distinct tls_heap_after_teardown "$csv") values"
	[ "$(nf_col tls_handshake_ms "$csv" | grep -c -x '[0-9][0-9]*')" = 200 ] || nf_fail "$d: rows without tls_handshake_ms"
	[ "$(nf_col tls_heap_fails "$csv" | sort -u)" = 0 ] || nf_fail "$d: mbedTLS's heap refused an allocation"
	echo "$d: 200 reconnects ok over TLS, clean; mbedTLS holds $(nf_col tls_heap_after_teardown "$csv" | tail -1) bytes after every teardown, $(nf_col tls_heap_used "$csv" | tail -1) connected; handshake median $(nf_col tls_handshake_ms "$csv" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}') ms"
	nf_nothing_left "$out/$d"
}

case $case in
fixed)
	nf_run_quiet fixed "$quick" --set device.tls=on --set run.loops=200
	soak_clean fixed
	csv=$out/fixed/cycles.csv
	[ "$(nf_col_count close_rc "$csv" 0)" = 199 ] && [ "$(nf_col_count shutdown_rc "$csv" 0)" = 199 ] ||
		nf_fail "fixed: mbedtls_net_free's shutdown/close not 0 on every teardown"
	hello=$(nf_client_hellos "$out/fixed/ap.pcap" 8883)
	plain=$(tcpdump -nr "$out/fixed/ap.pcap" 'tcp port 1883' 2>/dev/null | wc -l)
	[ "$hello" -ge 200 ] || nf_fail "fixed: ap.pcap holds $hello ClientHellos to 8883, want 200"
	[ "$plain" = 0 ] || nf_fail "fixed: $plain packets on the plain port"
	grep -q '"broker_key": ".*tls/broker.key"' "$out/fixed/run.json" || nf_fail "fixed: run.json does not name the key"
	[ "$(stat -c %a "$out/fixed/tls/broker.key")" = 600 ] || nf_fail "fixed: broker.key not 0600"
	[ -s "$out/fixed/plots/tls.svg" ] && [ "$(grep -c '<svg' "$out/fixed/report.html")" = 6 ] ||
		nf_fail "fixed: no TLS heap plot in the report"
	echo "fixed: $hello ClientHellos to 8883 in ap.pcap, none on 1883; the TLS heap plotted"
	;;
lwip-resume)
	nf_run_quiet lr "$quick" --set device.tls=on --set device.tls_heap=lwip --set device.tls_resume=on \
		--set device.close_mode=close_notify+net_free --set run.loops=200
	soak_clean lr
	csv=$out/lr/cycles.csv
	[ "$(nf_col tls_resumed "$csv" | tail -n +2 | sort -u)" = 1 ] ||
		nf_fail "lwip-resume: not every reconnect after the first resumed: $(nf_col tls_resumed "$csv" | sort | uniq -c)"
	[ "$(nf_col tls_resumed "$csv" | head -1)" = 0 ] || nf_fail "lwip-resume: the first handshake said resumed"
	echo "lwip-resume: 199 of 199 reconnects resumed; lwIP heap free $(nf_col heap_free "$csv" | sort -n | head -1)..$(nf_col heap_free "$csv" | sort -n | tail -1) with mbedTLS on it"
	;;
linux)
	nf_run_quiet lx "$quick" --set device.stack=linux --set device.ip=static --set device.tls=on --set run.loops=200
	soak_clean lx
	;;
vendor)
	nf_run_quiet vendor "$root/scenarios/seed-quick.scn" --set device.tls=on
	csv=$out/vendor/cycles.csv
	[ $rc = 1 ] || nf_fail "vendor: exit $rc, want 1"
	first=$(nf_col status "$csv" | grep -n -m1 -x socket_failed | cut -d: -f1)
	[ "$first" = 39 ] || nf_fail "vendor: first socket_failed at cycle $first, want 39"
	[[ ",$(nf_classes "$out/vendor")," == *",socket-slot leak,"* ]] || nf_fail "vendor: no slot leak ($(nf_classes "$out/vendor"))"
	[ "$(nf_col tls_handshake_ms "$csv" | sed -n 38p)" != "" ] || nf_fail "vendor: cycle 38 was not over TLS"
	echo "vendor over TLS: first socket_failed at cycle $first; $(nf_classes "$out/vendor")"
	nf_nothing_left "$out/vendor"
	;;
bad-certs)
	# the verify flag each fault raises (mbedTLS's x509.h)
	for c in wrong_name:4 expired:1 untrusted:8; do
		k=${c%:*} flag=${c#*:}
		nf_run_quiet "$k" "$quick" --set device.tls=on --set broker.tls_cert="$k" --set run.loops=10
		csv=$out/$k/cycles.csv
		[ $rc = 1 ] || nf_fail "$k: exit $rc, want 1"
		[ "$(nf_col_count status "$csv" tls_failed)" = 10 ] || nf_fail "$k: $(nf_col status "$csv" | sort | uniq -c)"
		[ "$(nf_col tls_error "$csv" | sort -u)" = -9984 ] || nf_fail "$k: tls_error $(nf_col tls_error "$csv" | sort -u | paste -sd,)"
		[ "$(nf_col tls_verify "$csv" | sort -u)" = "$flag" ] || nf_fail "$k: verify flags $(nf_col tls_verify "$csv" | sort -u | paste -sd,), want $flag"
		[ "$(nf_classes "$out/$k")" = "reconnect stall" ] || nf_fail "$k: findings $(nf_classes "$out/$k")"
		[ "$(nf_col slots_after_teardown "$csv" | grep -v '^$' | sort -u)" = 0 ] || nf_fail "$k: slots kept"
		[ "$(distinct tls_heap_after_teardown "$csv")" = 1 ] || nf_fail "$k: TLS memory kept"
		echo "$k: 10 rows tls_failed, mbedTLS -0x2700 with verify flag $flag; nothing kept"
		nf_nothing_left "$out/$k"
	done
	;;
tls-leak)
	for free in skip_on_error always; do
		nf_run_quiet "$free" "$quick" --set device.tls=on --set broker.tls_cert=untrusted \
			--set device.tls_free=$free --set run.loops=20
		[ "$rc" = 1 ] || nf_fail "$free: exit $rc, want 1 (a finding)"
		found=$(nf_classes "$out/$free")
		if [ $free = skip_on_error ]; then
			[[ ",$found," == *",TLS heap leak,"* ]] || nf_fail "skip_on_error: no TLS heap leak ($found)"
			echo "skip_on_error: $(grep -o '"summary": "mbedTLS[^"]*"' "$out/$free/verdict.json")"
		else
			[ "$found" = "reconnect stall" ] || nf_fail "always: findings $found"
			echo "always: the same failed handshakes keep nothing"
		fi
		nf_nothing_left "$out/$free"
	done
	# on lwIP's heap the lost contexts run it out within cycles: the stall
	# says where mbedTLS's heap began refusing
	nf_run_quiet lw "$quick" --set device.tls=on --set broker.tls_cert=untrusted --set device.tls_heap=lwip \
		--set device.tls_free=skip_on_error --set run.loops=12
	[ "$rc" = 1 ] || nf_fail "lwip heap: exit $rc, want 1 (a finding)"
	grep -q "mbedTLS's heap refused allocations from cycle" "$out/lw/verdict.json" ||
		nf_fail "lwip heap: the stall does not say mbedTLS's heap refused: $(grep summary "$out/lw/verdict.json")"
	[ "$(nf_col tls_error "$out/lw/cycles.csv" | tail -1)" = -32512 ] || nf_fail "lwip heap: the last handshake not SSL_ALLOC_FAILED"
	echo "skip_on_error on lwIP's heap: $(grep -o "mbedTLS's heap refused allocations from cycle [0-9]*" "$out/lw/verdict.json")"
	;;
matrix)
	"$nf" matrix "$root/scenarios/seed-quick.scn" --stacks vendor,fixed --close-modes net_free,close \
		--set device.tls=on --set run.loops=45 --out "$out/m" --quiet >"$out/m.log" 2>&1
	rc=$?
	# a matrix exits with its worst cell's meaning: vendor/net_free's leak, 1
	[ $rc = 1 ] || nf_fail "matrix: exit $rc, want 1 ($(tail -3 "$out/m.log"))"
	m=$out/m/matrix.csv
	grep -qx 'vendor,net_free,1,"socket-slot leak",45,39,[0-9]*' "$m" || nf_fail "matrix: vendor/net_free not the field report's leak: $(cat "$m")"
	[ "$(grep -c '^fixed,[a-z_]*,0,"clean",45,,' "$m")" = 2 ] || nf_fail "matrix: the fixed cells not clean: $(cat "$m")"
	cat "$out/m/matrix.md"
	;;
cut-tls)
	nf_run_quiet cf "$root/scenarios/tls-quick.scn" --set device.stack=fixed --set run.cut_at=tls --set run.loops=40
	[ $rc = 0 ] && nf_clean "$out/cf" || nf_fail "cut-tls fixed: exit $rc, $(nf_classes "$out/cf")"
	[ "$(nf_col_count cut_phase "$out/cf/cycles.csv" tls)" = 40 ] || nf_fail "cut-tls fixed: not every cut in tls"
	nf_run_quiet cv "$root/scenarios/tls-quick.scn" --set run.cut_at=tls --set run.loops=40
	first=$(nf_col status "$out/cv/cycles.csv" | grep -n -m1 -x socket_failed | cut -d: -f1)
	[ $rc = 1 ] && [ "$first" = 39 ] || nf_fail "cut-tls vendor: exit $rc, first socket_failed at $first"
	nf_run_quiet cl "$root/scenarios/tls-quick.scn" --set device.stack=fixed --set run.cut_at=tls \
		--set device.tls_free=skip_on_error --set run.loops=20
	[[ ",$(nf_classes "$out/cl")," == *",TLS heap leak,"* ]] || nf_fail "cut-tls skip_on_error: $(nf_classes "$out/cl")"
	echo "cut at tls: fixed clean; vendor socket_failed from cycle $first; skip_on_error a TLS heap leak"
	for st in fixed linux; do
		extra=()
		[ $st = linux ] && extra=(--set device.ip=static)
		nf_run_quiet "ep-$st" "$root/scenarios/every-path.scn" --set device.stack=$st "${extra[@]}" \
			--set device.tls=on --set device.close_mode=net_free --set run.loops=60
		csv=$out/ep-$st/cycles.csv
		[ $rc = 0 ] && nf_clean "$out/ep-$st" || nf_fail "every path $st: exit $rc, $(nf_classes "$out/ep-$st")"
		[ "$(nf_col_count status "$csv" cut)" = 60 ] || nf_fail "every path $st: $(nf_col status "$csv" | sort | uniq -c)"
		for ph in up lease dns connect tls connack; do
			[ "$(nf_col_count cut_phase "$csv" $ph)" -ge 1 ] || nf_fail "every path $st: no cut at $ph"
		done
		echo "every path over TLS on $st: 60 cuts, each phase, clean"
		nf_nothing_left "$out/ep-$st"
	done
	;;
*) nf_fail "unknown case $case" ;;
esac
echo "PASS: $case"
