#!/usr/bin/env bash
# Stacks by name, end to end: scripts/add-stack.sh into a build folder of
# this test's own (its own stacks folder too, so nothing is left in the
# user's), then netflap runs on each stack.
#
#   2.2.1 (Debian's, static profile): lwIP's own unit tests and socket-cycles
#     pass, fixed-quick is clean over 1000 cycles, run.json records the stack
#     and the device's HELLO build; the same command again rebuilds nothing
#   vendor patch on 2.2.1: the field report's leak, first socket_failed at 39
#   a patch that does not apply: exit 2 naming file and hunk, folder intact
#   options with NO_SYS 1 / LWIP_SOCKET 0: exit 2 naming the option
#   heap profile: fixed clean over 1000 cycles; vendor: slot leak and heap
#     loss from the same cycles; a user's app (--app tests/apps/leaky_socket.c,
#     a socket forgotten per reconnect): the slot leak, socket_failed at 39;
#     an app named as a built-in one: exit 2
#   the shipped clients (device.client = example, lwip-mqtt): 1000 clean
#     cycles each on 2.2.1, the heap profile, 2.1.2, 2.2.0, esp-lwip, 2.0.3
#   a vendor tree (--lwip DIR) with the firmware's lwipopts.h and hooks:
#     netflap says what it adds, 8 slots exhaust at cycle 9, the hook's
#     refusal of SO_KEEPALIVE is in the rows
#   lwIP 2.1.2 and 2.2.0 from ../shared/lwip-trees (skipped without it):
#     add-stack exit 0 with their own unit tests skipped and why, 1000 clean;
#     2.1.2 on the heap profile with 2.1.3's netconn_alloc line: 1000 clean;
#     Espressif's esp-lwip 2.1.3-esp with --lwipopts esp: its unit tests
#     built, 1000 clean; with the vendor patch the leak at 39;
#     lwIP 2.0.3 (no Filelists.cmake, no lwip_poll, no socket accessor):
#     add-stack exit 0, socket-cycles pass, 1000 clean; device.rx_wait =
#     poll refused (exit 2); the rx-task shape's select_waiting left up
#     by a close pins a slot per cycle: the slot leak found
#   an RTOS fork in CRLF whose netif.c, dns.c and sockets.c include its
#     platform's header: without --include exit 3 (the header named), the
#     folder as it was; with it and the vendor patch (LF) the leak at 39;
#     with it and the fix, 200 clean cycles
#   a tree that does not compile: exit 3, not registered, the folder builds
#   netflap matrix --stacks upstream,NAME
#
# Usage: add_stack_test.sh SOURCE_DIR LWIP_DIR WORK_DIR   (root; exit 4 otherwise)
set -uo pipefail
src=$1 lwip=$2 work=$3
. "$src/tests/lib/netns.sh"
nf_need_root
rm -rf "$work"
mkdir -p "$work"
nf_defer "rm -rf $work"

fails=0
pass() { echo "ok: $*"; }
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
check() { # description, then a command
	local what=$1
	shift
	if "$@"; then pass "$what"; else fail "$what"; fi
}

build=$work/build
cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DNETFLAP_LWIP_DIR="$lwip" \
	-DNETFLAP_STACKS_DIR="$work/stacks" >"$work/configure.log" 2>&1 ||
	nf_fail "configure: $(tail -5 "$work/configure.log")"
nf=$build/netflap
add() { "$src/scripts/add-stack.sh" "$@" --build "$build" >"$work/add-$1.log" 2>&1; }
run() { # name scenario [--set ...]: exit code in $rc
	local name=$1
	shift
	"$nf" run "$@" --out "$work/run-$name" --quiet >"$work/run-$name.log" 2>&1
	rc=$?
}
oks() { nf_col status "$1" | grep -c '^ok$'; }
first_failed() { awk -F, 'NR == 1 {for (i = 1; i <= NF; i++) if ($i == "status") s = i; next}
	$s == "socket_failed" {print $1; exit}' "$1"; }
# what a run's verdict found, for a failed check's line ("" when clean)
said() { [ "$rc" = 0 ] || sed -n 's/.*"summary": "\([^"]*\)".*/; \1/p' "$1/verdict.json" 2>/dev/null | head -3 | tr -d '\n'; }
# the shipped clients on a stack: the example app and lwIP's MQTT client, 1000 clean each
apps_clean() { # label stack
	local a
	for a in example lwip-mqtt; do
		run "$2-$a" "$src/scenarios/fixed-quick.scn" --set device.stack=$2 --set device.client=$a \
			--set run.loops=1000
		check "$1: device.client = $a clean over 1000 cycles (exit $rc$(said "$work/run-$2-$a"))" \
			test "$rc" = 0 -a "$(oks "$work/run-$2-$a/cycles.csv")" = 1000
	done
}
json() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))" "$@"; }

# --- 2.2.1, static profile ---
add s221 --lwip 2.2.1 || nf_fail "add s221: $(tail -5 "$work/add-s221.log")"
check "2.2.1: lwIP's own unit tests and socket-cycles pass" \
	bash -c "cd '$build' && ctest -R '^(lwip-unittests|socket-cycles)-s221\$' >'$work/ctest-s221.log' 2>&1 &&
	grep -q '100% tests passed, 0 tests failed out of 2' '$work/ctest-s221.log'"
check "netflap keys lists the stack" bash -c "'$nf' keys | grep -q 'device.stack = .*s221'"
run s221 "$src/scenarios/fixed-quick.scn" --set device.stack=s221 --set run.loops=1000
check "2.2.1: fixed-quick clean over 1000 cycles (exit $rc)" test "$rc" = 0 -a \
	"$(oks "$work/run-s221/cycles.csv")" = 1000
check "run.json records lwIP 2.2.1 and the HELLO's build is the manifest's" test \
	"$(json "$work/run-s221/run.json" "d['stack']['lwip'], d['stack']['build_id'] == d['device_build']")" = "('2.2.1', True)"
apps_clean "2.2.1" s221
before=$(stat -c %Y.%s "$build/netflap-device-s221")
sleep 1
add s221 --lwip 2.2.1
check "the same arguments again rebuild nothing" test "$before" = "$(stat -c %Y.%s "$build/netflap-device-s221")"

# --- the vendor's patch on 2.2.1 ---
add v221 --lwip 2.2.1 --patch "$src/lwip-port/patches/vendor-sockets.patch" ||
	nf_fail "add v221: $(tail -5 "$work/add-v221.log")"
run v221 "$src/scenarios/seed-quick.scn" --set device.stack=v221
check "vendor on 2.2.1: the seed leak, first socket_failed at cycle 39 (exit $rc)" \
	test "$rc" = 1 -a "$(first_failed "$work/run-v221/cycles.csv")" = 39
check "vendor on 2.2.1: socket-cycles sees the leak" \
	env NF_EXPECT_LEAK=1 "$build/tests/socket_cycles_v221"

# --- a patch that does not apply ---
printf -- '--- a/src/api/sockets.c\n+++ b/src/api/sockets.c\n@@ -1,2 +1,2 @@\n-no such line in sockets.c\n+a vendor change\n context\n' >"$work/bad.patch"
add badpatch --lwip 2.2.1 --patch "$work/bad.patch"
rc=$?
check "a patch that does not apply: exit 2 (got $rc) naming file and hunk" \
	bash -c "[ $rc = 2 ] && grep -q 'sockets.c' '$work/add-badpatch.log' && grep -q 'Hunk #1 FAILED' '$work/add-badpatch.log'"
check "after it the build folder still has its stacks and not the bad one" \
	bash -c "'$nf' keys | grep 'device.stack =' | grep -q s221 && ! '$nf' keys | grep -q badpatch"

# --- options netflap cannot run ---
for opt in "NO_SYS 1" "LWIP_SOCKET 0"; do
	printf '#define %s\n' "$opt" >"$work/opts.h"
	add badopts --lwip 2.1.3 --lwipopts "$work/opts.h"
	rc=$?
	check "lwipopts with $opt: exit 2 (got $rc) and a message naming it" \
		bash -c "[ $rc = 2 ] && grep -q '${opt% *} is ${opt#* }' '$work/add-badopts.log'"
done

# --- the heap profile, with a firmware app of the user's (--app) ---
add fheap --lwip 2.1.3 --patch "$src/lwip-port/patches/fixed-sockets.patch" --lwipopts heap \
	--app "$src/tests/apps/leaky_socket.c" || nf_fail "add fheap: $(tail -5 "$work/add-fheap.log")"
run fheap "$src/scenarios/fixed-quick.scn" --set device.stack=fheap --set run.loops=1000
check "heap profile, fixed: clean over 1000 cycles (exit $rc)" test "$rc" = 0
apps_clean "heap profile" fheap
check "--app: the stack's apps are netflap's, the built-in ones and the user's" \
	grep -q '^apps=netflap,example,lwip-mqtt,leaky-socket$' "$build/stacks/fheap.info"
run fheap-leaky "$src/scenarios/seed-quick.scn" --set device.stack=fheap --set device.client=leaky-socket
first=$(first_failed "$work/run-fheap-leaky/cycles.csv")
check "--app leaky_socket.c (a socket forgotten per reconnect): the slot leak found, first socket_failed at 39 (exit $rc, at $first)" \
	bash -c "[ $rc = 1 ] && [ '$first' = 39 ] &&
	grep -q '\"class\": \"socket-slot leak\"' '$work/run-fheap-leaky/verdict.json'"
cp "$src/examples/app/example.c" "$work/example.c"
add dupapp --lwip 2.1.3 --app "$work/example.c"
rc=$?
check "--app with a built-in app's name: exit 2 (got $rc), saying so, nothing registered" \
	bash -c "[ $rc = 2 ] && grep -q 'not one built in' '$work/add-dupapp.log' && [ ! -e '$work/stacks/dupapp' ]"
add vheap --lwip 2.1.3 --patch "$src/lwip-port/patches/vendor-sockets.patch" --lwipopts heap ||
	nf_fail "add vheap: $(tail -5 "$work/add-vheap.log")"
run vheap "$src/scenarios/seed-quick.scn" --set device.stack=vheap
check "heap profile, vendor: slot leak and heap loss from the same cycles (exit $rc)" test "$rc" = 1 -a \
	"$(json "$work/run-vheap/verdict.json" "sorted(f['class'] for f in d['findings']) == ['heap leak', 'socket-slot leak'] and abs(d['findings'][0]['first_cycle'] - d['findings'][1]['first_cycle']) <= 3")" = True

# --- a vendor tree with the firmware's options and hooks ---
mkdir -p "$work/vendor-tree"
cp -r "$lwip/src" "$lwip/test" "$work/vendor-tree/"
add fw --lwip "$work/vendor-tree" --patch "$src/lwip-port/patches/vendor-sockets.patch" \
	--lwipopts "$src/tests/lwip/stacks/lwipopts-firmware.h" \
	--hooks "$src/tests/lwip/stacks/hooks-keepalive-refused.h" ||
	nf_fail "add fw: $(tail -5 "$work/add-fw.log")"
check "firmware options: the build output says what netflap adds" \
	grep -q "stack 'fw': netflap sets LWIP_STATS 1" "$work/add-fw.log"
run fw "$src/scenarios/seed-quick.scn" --set device.stack=fw --set device.sockopts=keepalive,nodelay
check "firmware options: its 8 slots exhaust at cycle 9 (exit $rc)" \
	test "$rc" = 1 -a "$(first_failed "$work/run-fw/cycles.csv")" = 9
check "firmware hooks: SO_KEEPALIVE refused (EACCES) in every connected row, TCP_NODELAY set" \
	test "$(nf_col so_keepalive "$work/run-fw/cycles.csv" | head -8 | sort -u | tr '\n' ' ')$(nf_col so_nodelay "$work/run-fw/cycles.csv" | head -8 | sort -u)" = "13 0"

# --- release trees Debian lacks (../shared/lwip-trees): their own unit tests
# do not compile against them (written for another Check, or another
# release's options); add-stack skips them, says why, and the stack runs ---
shared=$src/../shared/lwip-trees
if [ -d "$shared" ]; then
	for v in 2.1.2 2.2.0; do
		n=r${v//./}
		mkdir -p "$work/t$v" && tar -xJf "$shared/lwip-$v.tar.xz" -C "$work/t$v"
		tree=$(dirname "$(find "$work/t$v" -maxdepth 3 -type d -name src | head -1)")
		add $n --lwip "$tree"
		rc=$?
		check "lwIP $v: add-stack exit 0 (got $rc)" test "$rc" = 0
		check "lwIP $v: its info file says what became of its unit tests" \
			grep -q '^unittests=\(built\|skipped: .\)' "$build/stacks/$n.info"
		run $n "$src/scenarios/fixed-quick.scn" --set device.stack=$n --set run.loops=1000
		check "lwIP $v: fixed-quick clean over 1000 cycles (exit $rc)" test "$rc" = 0 -a \
			"$(oks "$work/run-$n/cycles.csv")" = 1000
		apps_clean "lwIP $v" $n
	done
	# 2.1.2 on the heap profile stalls now and then (netconn_alloc leaves
	# mbox_threads_waiting as the heap gave it; 2.1.3 sets it): with that
	# one line of 2.1.3, 1000 clean
	add r212hfix --lwip "$(dirname "$(find "$work/t2.1.2" -maxdepth 3 -type d -name src | head -1)")" \
		--lwipopts heap --patch "$src/tests/lwip/stacks/lwip-2.1.2-netconn-init.patch"
	run r212hfix "$src/scenarios/fixed-quick.scn" --set device.stack=r212hfix --set run.loops=1000
	check "lwIP 2.1.2, heap profile, 2.1.3's netconn_alloc fix: 1000 clean (exit $rc)" test "$rc" = 0 -a \
		"$(oks "$work/run-r212hfix/cycles.csv")" = 1000
	mkdir -p "$work/tesp" && tar -xJf "$shared/esp-lwip-2.1.3-esp.tar.xz" -C "$work/tesp"
	tree=$(dirname "$(find "$work/tesp" -maxdepth 3 -type d -name src | head -1)")
	add esp --lwip "$tree" --lwipopts esp
	rc=$?
	check "esp-lwip 2.1.3-esp, --lwipopts esp: add-stack exit 0 (got $rc), its unit tests built" \
		bash -c "[ $rc = 0 ] && grep -q '^unittests=built' '$build/stacks/esp.info'"
	run esp "$src/scenarios/fixed-quick.scn" --set device.stack=esp --set run.loops=1000
	check "esp-lwip: fixed-quick clean over 1000 cycles (exit $rc)" test "$rc" = 0 -a \
		"$(oks "$work/run-esp/cycles.csv")" = 1000
	apps_clean "esp-lwip" esp
	add espv --lwip "$tree" --lwipopts esp --patch "$src/lwip-port/patches/vendor-sockets.patch"
	run espv "$src/scenarios/seed-quick.scn" --set device.stack=espv
	check "esp-lwip + the vendor patch: first socket_failed at cycle 39 (exit $rc)" \
		test "$rc" = 1 -a "$(first_failed "$work/run-espv/cycles.csv")" = 39
	mkdir -p "$work/t203" && tar -xJf "$shared/lwip-2.0.3.tar.xz" -C "$work/t203"
	tree=$(dirname "$(find "$work/t203" -maxdepth 3 -type d -name src | head -1)")
	add r203 --lwip "$tree"
	rc=$?
	check "lwIP 2.0.3: add-stack exit 0 (got $rc), socket-cycles pass" \
		bash -c "[ $rc = 0 ] && cd '$build' && ctest -R '^socket-cycles-r203\$' >'$work/ctest-r203.log' 2>&1"
	check "lwIP 2.0.3: its manifest says ipv6=off (device.ip6 refused on it)" \
		grep -qx 'ipv6=off' "$build/stacks/r203.info"
	run r203 "$src/scenarios/fixed-quick.scn" --set device.stack=r203 --set run.loops=1000
	check "lwIP 2.0.3: fixed-quick clean over 1000 cycles (exit $rc)" test "$rc" = 0 -a \
		"$(oks "$work/run-r203/cycles.csv")" = 1000
	apps_clean "lwIP 2.0.3" r203
	run r203poll "$src/scenarios/fixed-quick.scn" --set device.stack=r203 --set device.rx_wait=poll
	check "lwIP 2.0.3: device.rx_wait = poll refused, exit 2 (got $rc), saying why" \
		bash -c "[ $rc = 2 ] && grep -q 'no lwip_poll()' '$work/run-r203poll.log'"
	run r203rx "$src/scenarios/fixed-quick.scn" --set device.stack=r203 --set device.threads=rx-task \
		--set run.loops=60
	check "lwIP 2.0.3, rx-task: a slot pinned per cycle, the slot leak found (exit $rc)" \
		bash -c "[ $rc = 1 ] && grep -q '\"class\": \"socket-slot leak\"' '$work/run-r203rx/verdict.json'"
else
	echo "skipped: release trees (no $shared)"
fi

# --- an RTOS fork: CRLF files, a platform header from core files ---
mkdir -p "$work/rtos-tree" "$work/rtos-inc"
cp -r "$lwip/src" "$lwip/test" "$work/rtos-tree/"
printf '#ifndef NF_TEST_RTOS_H\n#define NF_TEST_RTOS_H\n#define NF_TEST_RTOS_TICK 1000\n#endif\n' \
	>"$work/rtos-inc/nf_test_rtos.h"
for f in src/core/netif.c src/core/dns.c src/api/sockets.c; do
	sed -i '1i #include "nf_test_rtos.h"\n#if NF_TEST_RTOS_TICK != 1000\n#error the platform header is not the one given\n#endif' \
		"$work/rtos-tree/$f"
done
find "$work/rtos-tree" -name '*.[ch]' -exec sed -i 's/$/\r/' {} +
file_crlf=$(grep -c $'\r$' "$work/rtos-tree/src/api/sockets.c")
keys_before=$("$nf" keys | grep 'device.stack =')
add rtos --lwip "$work/rtos-tree"
rc=$?
check "an RTOS fork without --include: exit 3 (got $rc), the header named, nothing registered" \
	bash -c "[ $rc = 3 ] && grep -q 'nf_test_rtos.h' '$work/add-rtos.log' && [ ! -e '$work/stacks/rtos' ] &&
	[ \"\$('$nf' keys | grep 'device.stack =')\" = '$keys_before' ]"
add rtos --lwip "$work/rtos-tree" --include "$work/rtos-inc" \
	--patch "$src/lwip-port/patches/vendor-sockets.patch" ||
	nf_fail "add rtos: $(tail -5 "$work/add-rtos.log")"
check "the RTOS fork's files were CRLF ($file_crlf lines of sockets.c) and its info file names the include folder" \
	bash -c "[ $file_crlf -gt 100 ] && grep -q '^include=[0-9a-f]* $work/rtos-inc\$' '$build/stacks/rtos.info'"
run rtos "$src/scenarios/seed-quick.scn" --set device.stack=rtos
check "RTOS fork + the vendor patch (LF on a CRLF tree): first socket_failed at 39 (exit $rc)" \
	test "$rc" = 1 -a "$(first_failed "$work/run-rtos/cycles.csv")" = 39
add rtosfix --lwip "$work/rtos-tree" --include "$work/rtos-inc" \
	--patch "$src/lwip-port/patches/fixed-sockets.patch" ||
	nf_fail "add rtosfix: $(tail -5 "$work/add-rtosfix.log")"
run rtosfix "$src/scenarios/fixed-quick.scn" --set device.stack=rtosfix --set run.loops=200
check "RTOS fork + the fix: fixed-quick clean over 200 cycles (exit $rc)" test "$rc" = 0 -a \
	"$(oks "$work/run-rtosfix/cycles.csv")" = 200

# --- a tree that does not build: exit 3, the build folder as it was ---
mkdir -p "$work/broken-tree"
cp -r "$lwip/src" "$work/broken-tree/"
echo '#error netflap test: a tree that does not build' >>"$work/broken-tree/src/core/def.c"
add broken --lwip "$work/broken-tree"
rc=$?
check "a tree that does not build: exit 3 (got $rc)" test "$rc" = 3
check "after it the stack is not registered and the build folder builds" \
	bash -c "[ ! -e '$work/stacks/broken' ] && ! '$nf' keys | grep -q broken &&
	cmake --build '$build' -j '$(nproc)' >'$work/rebuild.log' 2>&1"

# --- the matrix takes the names ---
"$nf" matrix "$src/scenarios/fixed-quick.scn" --stacks upstream,s221 --close-modes shutdown+close \
	--set run.loops=20 --out "$work/matrix" >"$work/matrix.log" 2>&1
rc=$?
check "matrix --stacks upstream,s221: both cells clean (exit $rc)" \
	bash -c "[ $rc = 0 ] && grep -q '^s221,shutdown+close,0,' '$work/matrix/matrix.csv'"

[ "$fails" = 0 ] || nf_fail "$fails check(s) failed"
echo "add-stack: all checks passed"
