#!/usr/bin/env bash
# Sharding a matrix (root; exit 4, skipped, otherwise): seed-quick over
# vendor,fixed x close,shutdown+close (4 cells, 45 cycles each) run whole,
# and as 4 single-cell shards (`--cell ID`) merged. The merge equals the
# whole matrix (exit codes, verdicts, cycles and first failures; timings
# aside); in reverse order it writes the same files; both exit 1 (a cell
# has a finding), a merge of clean cells 0; a missing cell is named
# (exit 3), a doubled one too (exit 2, nothing written); --list is
# the JSON a GitHub Actions matrix takes, one object per cell; netflap plot
# over cell folders plots each.
# Usage: merge_test.sh BUILD_DIR
set -uo pipefail
build=$1
here=$(cd "$(dirname "$0")/.." && pwd)
root=$(cd "$here/.." && pwd)
. "$here/lib/netns.sh"
nf_need_root
out=$(mktemp -d "${TMPDIR:-/tmp}/nf-merge.XXXXXX")
nf_defer "rm -rf $out"
nf=$build/netflap
axes=(--stacks vendor,fixed --close-modes close,shutdown+close --set run.loops=45)
scn=$root/scenarios/seed-quick.scn

list=$("$nf" matrix "$scn" "${axes[@]}" --list) || nf_fail "--list failed"
python3 - "$list" <<'PY' || nf_fail "--list: not the matrix's four cells: $list"
import json, sys
m = json.loads(sys.argv[1])
cells = m["include"]
assert [c["id"] for c in cells] == [0, 1, 2, 3], cells
assert {(c["stack"], c["close_mode"]) for c in cells} == {
    ("vendor", "close"), ("vendor", "shutdown+close"), ("fixed", "close"), ("fixed", "shutdown+close")}
assert all("run.loops=45" in c["set"] and "device.stack=" + c["stack"] in c["set"] for c in cells)
PY
echo "list: $list"

"$nf" matrix "$scn" "${axes[@]}" --out "$out/whole" --quiet
rc=$?
[ $rc = 1 ] || nf_fail "the whole matrix: exit $rc, want 1 (a cell with a finding)"
for id in 0 1 2 3; do
	"$nf" matrix "$scn" "${axes[@]}" --cell $id --out "$out/shard$id" --quiet
	rc=$?
	[ $rc -le 1 ] || nf_fail "shard $id: exit $rc"
done
"$nf" matrix "$scn" "${axes[@]}" --cell 4 --out "$out/shard4" --quiet 2>"$out/bad.err"
[ $? = 2 ] && grep -q "cells 0..3" "$out/bad.err" || nf_fail "--cell 4 not refused: $(cat "$out/bad.err")"

# merge exits as the whole matrix: 1, a cell has a finding; 0 over clean cells only
"$nf" merge "$out"/shard0 "$out"/shard1 "$out"/shard2 "$out"/shard3 --out "$out/merged" --quiet
rc=$?
[ $rc = 1 ] || nf_fail "merge: exit $rc, want 1"
"$nf" merge "$out"/shard3 "$out"/shard2 "$out"/shard1 "$out"/shard0 --out "$out/reverse" --quiet
rc=$?
[ $rc = 1 ] || nf_fail "merge in reverse: exit $rc, want 1"
for f in matrix.csv matrix.md junit.xml report.html; do
	cmp -s "$out/merged/$f" "$out/reverse/$f" || nf_fail "reverse order changed $f"
done
# stack, mode, exit, the verdict's first class, cycles, first failure: the
# CONNACK median is a timing, and a second finding can be one too (two
# executions of one cell are two runs)
untimed() { awk -F, '{split($4, v, ";"); gsub(/"/, "", v[1]); print $1, $2, $3, v[1], $5, $6}' "$1"; }
# every cell's findings with their evidence, for a difference to be read
verdicts() { for v in "$@"; do echo "${v%/verdict.json}:"; grep -E '"(summary|evidence)"' "$v" | cut -c1-600; done; }
diff <(untimed "$out/whole/matrix.csv") <(untimed "$out/merged/matrix.csv") ||
	nf_fail "the merge differs from the whole matrix: $(verdicts "$out"/whole/*/verdict.json "$out"/shard*/*/verdict.json)"
grep -q '^vendor,shutdown+close,1,.*,39,' "$out/merged/matrix.csv" || nf_fail "vendor/shutdown+close: not its leak"
[ "$(grep -c '<testcase' "$out/merged/junit.xml")" = 4 ] || nf_fail "junit.xml: not 4 testcases"
[ "$(grep -c '<failure' "$out/merged/junit.xml")" = 1 ] || nf_fail "junit.xml: not 1 failure"
grep -q 'shard1/vendor_shutdown+close/report.html' "$out/merged/report.html" || nf_fail "report.html: no link to the cell"

"$nf" merge "$out"/shard0 "$out"/shard1 "$out"/shard2 --out "$out/three" --quiet 2>"$out/three.err"
[ $? = 3 ] || nf_fail "a missing cell: exit not 3"
grep -q "cell 3 (fixed_shutdown+close) is missing" "$out/three.err" || nf_fail "the missing cell not named: $(cat "$out/three.err")"
grep -q "not run" "$out/three/matrix.md" || nf_fail "matrix.md does not show the missing cell"
"$nf" merge "$out"/shard0 "$out"/shard1 "$out"/shard1 "$out"/shard2 "$out"/shard3 --out "$out/dup" --quiet 2>"$out/dup.err"
[ $? = 2 ] || nf_fail "a doubled cell: exit not 2"
grep -q "cell 1 is twice" "$out/dup.err" && [ ! -e "$out/dup" ] || nf_fail "the doubled cell: $(cat "$out/dup.err")"
"$nf" merge "$out/whole" --out "$out/rewhole" --quiet
[ $? = 1 ] || nf_fail "merging the whole matrix's folder: not exit 1"
diff <(untimed "$out/whole/matrix.csv") <(untimed "$out/rewhole/matrix.csv") || nf_fail "the whole matrix does not merge into itself"
# netflap plot over the cells' folders plots each (here a shard's cell
# whose plots were removed)
rm -rf "$out"/shard2/*/plots "$out"/shard2/*/report.html
"$nf" plot "$out/shard2" >/dev/null || nf_fail "netflap plot over a shard folder: exit $?"
ls "$out"/shard2/*/plots/sockets.svg >/dev/null 2>&1 && ls "$out"/shard2/*/report.html >/dev/null 2>&1 ||
	nf_fail "netflap plot did not plot the shard's cell"
# clean cells only: 0
"$nf" matrix "$scn" --stacks fixed --close-modes shutdown+close --set run.loops=20 --cell 0 \
	--out "$out/clean0" --quiet || nf_fail "a clean shard: exit $?"
"$nf" merge "$out/clean0" --out "$out/clean" --quiet
rc=$?
[ $rc = 0 ] || nf_fail "merging a clean matrix: exit $rc, want 0"
cat "$out/merged/matrix.md"
echo "PASS: merge"
