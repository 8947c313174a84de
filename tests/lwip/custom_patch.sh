#!/usr/bin/env bash
# The custom stack (-DNETFLAP_CUSTOM_PATCH): a patch that applies builds
# lwip_custom, whether made against LF or CRLF sources; one that does not
# apply fails the configure step naming the patch, the file and the hunk.
# Usage: custom_patch.sh SOURCE_DIR LWIP_DIR WORK_DIR
set -uo pipefail
src=$1 lwip=$2 work=$3
rm -rf "$work"
mkdir -p "$work"
fails=0
pass() { echo "ok: $*"; }
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

configure() { # build-dir patch -> output in $out, status in $rc
	out=$(cmake -S "$src" -B "$1" -DNETFLAP_LWIP_DIR="$lwip" -DNETFLAP_LWIP_ONLY=ON \
		-DNETFLAP_STACKS_DIR="$1/no-stacks" \
		-DNETFLAP_CUSTOM_PATCH="$2" 2>&1)
	rc=$?
	out=$(tr -s ' \n' ' ' <<<"$out") # cmake wraps long messages

}

good=$src/lwip-port/patches/vendor-sockets.patch
configure "$work/lf" "$good"
if [ $rc -eq 0 ] && cmake --build "$work/lf" --target lwip_custom -j "$(nproc)" >"$work/lf.log" 2>&1; then
	pass "an LF patch configures and builds lwip_custom"
else
	fail "an LF patch did not build (rc $rc): $out $(tail -20 "$work/lf.log" 2>/dev/null)"
fi
grep -q 'SOC_DEINIT_SYNC(sock);' "$work/lf/lwip/custom/src/api/sockets.c" &&
	pass "the custom tree carries the patch" || fail "the custom tree is not patched"

sed 's/$/\r/' "$good" >"$work/crlf.patch"
configure "$work/crlf" "$work/crlf.patch"
if [ $rc -eq 0 ] && grep -q 'SOC_DEINIT_SYNC(sock);' "$work/crlf/lwip/custom/src/api/sockets.c"; then
	pass "a CRLF patch applies"
else
	fail "a CRLF patch did not apply (rc $rc): $out"
fi

bad=$src/tests/lwip/custom/lwip-2.0.2-sockets.patch
configure "$work/bad" "$bad"
if [ $rc -ne 0 ] && grep -qF "$bad" <<<"$out" && grep -q 'src/api/sockets.c' <<<"$out" &&
	grep -q 'Hunk #1 FAILED' <<<"$out"; then
	pass "a patch that does not apply stops configure, naming patch, file and hunk"
else
	fail "bad patch: rc $rc, message was: $out"
fi

configure "$work/missing" "$work/no-such.patch"
if [ $rc -ne 0 ] && grep -q 'no-such.patch.*does not exist' <<<"$out"; then
	pass "a missing patch file is named"
else
	fail "missing patch: rc $rc, message was: $out"
fi

rm -rf "$work"
echo "$((5 - fails)) passed, $fails failed"
[ $fails -eq 0 ]
