#!/usr/bin/env bash
# netflap history and compare (root; exit 4, skipped, otherwise). Two real
# runs of one scenario on fixed, one on vendor; nights derived from a real
# run by rewriting its rows (a slower night: every CONNACK three times as
# long; a leaking night: slots kept after each teardown), judged again by
# `netflap verdict`. Expected:
#   a run against itself and against its twin: exit 0
#   against another scenario (vendor): exit 2 naming device.stack
#   the slower night: exit 1, connack named; junit.xml has the failure
#   the leaking night: exit 1, "new finding: socket-slot leak"
#   a window of three nights, one of them the slower one, against a
#   normal run: exit 0 (one noisy night widens the window, never trips it)
#   a window that stepped: four normal nights, two slow ones, then a slow
#   run: the spread passes it, the change point does not (exit 1, the
#   night it stepped at named)
#   history: a row per run, the fingerprints equal for the fixed runs
# Usage: compare_test.sh BUILD_DIR
set -uo pipefail
build=$1
here=$(cd "$(dirname "$0")/.." && pwd)
root=$(cd "$here/.." && pwd)
. "$here/lib/netns.sh"
nf_need_root
nf=$build/netflap
out=$(mktemp -d "${TMPDIR:-/tmp}/nf-compare.XXXXXX")
nf_defer "rm -rf $out"
quick=$root/scenarios/fixed-quick.scn

for r in a b; do
	nf_run_quiet $r "$quick" --set run.loops=80
	[ $rc = 0 ] || nf_fail "run $r: exit $rc"
done
nf_run_quiet v "$quick" --set run.loops=80 --set device.stack=vendor

# derive DIR NAME AWK: a copy of run a with its rows rewritten, judged again
derive() {
	cp -r "$out/a" "$out/$1"
	awk -F, -v OFS=, "$2" "$out/a/cycles.csv" >"$out/$1/cycles.csv"
	"$nf" verdict "$out/$1" >/dev/null 2>&1
}
col() { awk -F, -v n="$1" 'NR == 1 {for (i = 1; i <= NF; i++) if ($i == n) print i}' "$out/a/cycles.csv"; }
c=$(col connack_ms) s=$(col slots_after_teardown) k=$(col socket_slots)
derive slow "NR > 1 && \$$c != \"\" {\$$c = \$$c * 3 + 20} {print}"
derive leak "NR > 1 {\$$s = \$1; \$$k = 38} {print}"

expect() { # WANT_RC WORDS ARGS...
	local want=$1 words=$2
	shift 2
	"$nf" compare "$@" >"$out/cmp.txt" 2>&1
	local got=$?
	[ $got = "$want" ] || nf_fail "compare $*: exit $got, want $want: $(cat "$out/cmp.txt")"
	[ -z "$words" ] || grep -q -- "$words" "$out/cmp.txt" || nf_fail "compare $*: no '$words': $(cat "$out/cmp.txt")"
	echo "compare ${*##*/}: exit $got$([ -n "$words" ] && echo ", $(grep -m1 -- "$words" "$out/cmp.txt")")"
}
expect 0 "" "$out/a" "$out/a"
expect 0 "0 regressions" "$out/a" "$out/b"
expect 2 "device.stack: 'fixed' vs 'vendor'" "$out/a" "$out/v"
expect 1 "connack_p50_ms" "$out/a" "$out/b" "$out/slow"
grep -q '<failure message="connack_p50_ms' "$out/slow/junit.xml" || nf_fail "junit.xml lacks the connack failure"
grep -q '"regressed": true' "$out/slow/compare.json" || nf_fail "compare.json lacks the regression"
expect 1 "new finding: socket-slot leak" "$out/a" "$out/leak"
expect 0 "0 regressions" "$out/a" "$out/slow" "$out/b" --out "$out"
expect 2 "want a percentage" "$out/a" "$out/b" --threshold lots
for c in a2:a b2:b slow2:slow slow3:slow; do cp -r "$out/${c#*:}" "$out/${c%:*}"; done
expect 1 "connack_p50_ms stepped at $out/slow:" "$out/a" "$out/b" "$out/a2" "$out/b2" "$out/slow" \
	"$out/slow2" "$out/slow3"
expect 0 "0 regressions" "$out/a" "$out/b" "$out/slow" "$out/a2" "$out/b2"

"$nf" history "$out/a" "$out/b" "$out/v" --json "$out/h.json" >"$out/h.csv" || nf_fail "history: exit $?"
[ "$(wc -l <"$out/h.csv")" = 4 ] || nf_fail "history: not 3 rows: $(cat "$out/h.csv")"
fps=$(nf_col fingerprint "$out/h.csv" | sort -u | wc -l)
[ "$fps" = 2 ] || nf_fail "history: $fps fingerprints for two scenarios"
python3 -c "import json,sys; d=json.load(open(sys.argv[1])); assert len(d) == 3" "$out/h.json" ||
	nf_fail "history: h.json is not 3 runs of JSON"
# the trend panel: run b among the fixed runs (a, b, slow), red; v apart
"$nf" history "$out/a" "$out/slow" "$out/b" "$out/v" >"$out/h2.csv" || nf_fail "history: exit $?"
"$nf" plot "$out/b" --history "$out/h2.csv" >/dev/null 2>&1 || nf_fail "plot --history: exit $?"
grep -q '<h2>Trend</h2>' "$out/b/report.html" || nf_fail "report.html has no trend panel"
grep -q 'among 3 runs of its scenario' "$out/b/report.html" || nf_fail "the trend panel is not over the 3 fixed runs"
[ "$(grep -o '<figure class="trend">' "$out/b/report.html" | wc -l)" = 6 ] || nf_fail "not 6 trend charts"
[ "$(grep -o 'r="5" fill="#c00"' "$out/b/report.html" | wc -l)" = 6 ] || nf_fail "run b not marked on each chart"
"$nf" history "$out/a" >"$out/h3.csv"
"$nf" plot "$out/b" --history "$out/h3.csv" >/dev/null 2>&1 || nf_fail "plot --history without the run: exit $?"
grep -q 'this run is not in it' "$out/b/report.html" || nf_fail "a history without the run is not said"
"$nf" plot "$out/b" --history "$out/none.csv" >/dev/null 2>&1
[ $? = 2 ] || nf_fail "plot --history of a missing file: not exit 2"
echo "trend: run b marked among 3 runs on 6 charts"
nf_nothing_left "$out/a"
echo "PASS: compare"
