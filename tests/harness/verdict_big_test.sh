#!/usr/bin/env bash
# The verdict in bounded memory: `netflap verdict` over ROWS synthetic rows
# (rows_gen: one device, sound but for one socket slot kept every
# LEAK_EVERY cycles), read from a FIFO so no file of that size is written.
# Asserts: exit 1, the slot leak found with its slope, the rows counted,
# peak RSS under MAX_MIB (0: not asserted, as under ASan). Prints the time
# and RSS (a figure, not a bound).
# Usage: verdict_big_test.sh BUILD_DIR ROWS LEAK_EVERY MAX_MIB
set -uo pipefail
build=$1 rows=$2 every=$3 max_mib=$4
here=$(cd "$(dirname "$0")/.." && pwd)
. "$here/lib/netns.sh"
out=$(mktemp -d "${TMPDIR:-/tmp}/nf-big.XXXXXX")
[ -n "${NF_KEEP:-}" ] || nf_defer "rm -rf $out"
mkfifo "$out/cycles.csv" || nf_fail "mkfifo"

"$build/tests/rows_gen" "$rows" "$every" >"$out/cycles.csv" &
gen=$!
nf_defer "kill $gen 2>/dev/null; wait $gen 2>/dev/null"
/usr/bin/time -f '%e %M' -o "$out/time" "$build/netflap" verdict "$out" >"$out/summary" 2>"$out/err"
rc=$?
read -r secs kb < <(tail -n 1 "$out/time")
echo "netflap verdict: $rows rows in $secs s, peak RSS $((kb / 1024)) MiB"
cat "$out/summary"
[ "$rc" = 1 ] || nf_fail "exit $rc, want 1 (a finding): $(cat "$out/err")"
grep -q '^device 0: socket-slot leak (sockets): ' "$out/summary" || nf_fail "no slot leak found"
want=$(awk -v e="$every" 'BEGIN { printf "%.2g", 1 / e }')
grep -q "$want socket slots kept per cycle" "$out/summary" ||
	nf_fail "the slope is not $want per cycle"
grep -q "\"rows\": $rows," "$out/verdict.json" || nf_fail "verdict.json does not count $rows rows"
grep -q '"cycles_per_row": [0-9]' "$out/verdict.json" || nf_fail "no cycles_per_row"
[ "$max_mib" = 0 ] || [ "$kb" -lt $((max_mib * 1024)) ] ||
	nf_fail "peak RSS $((kb / 1024)) MiB, over $max_mib MiB"
echo PASS
