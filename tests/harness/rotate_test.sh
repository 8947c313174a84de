#!/usr/bin/env bash
# run.rotate: a run's rows and logs in numbered gzip segments (root; exit 4,
# skipped, otherwise). Cases (run one, as ctest does):
#   fixed     12,000 cycles at run.rotate = 1 (MiB): cycles.csv crosses at
#             least two segments, every .gz passes gzip -t, each segment
#             starts with the header, Python's gzip+csv reads cycles 1 to
#             12,000 once each over the segments; the logs rotated too;
#             verdict clean over 12,000 cycles; plot exit 0
#   killed    the same run SIGKILLed after its second segment, cleaned up:
#             judged (every whole row, at most one torn) and plotted; a
#             segment whose compressor was stopped (plain and a cut .gz
#             beside it) reads as before; a cut .gz alone: exit 3, named
#   split     a vendor run (a slot leak) cut by hand into three segments,
#             two of them compressed: the same findings as the one file
#   linux, upstream  6,000 cycles at run.rotate = 1: clean, segments made
# Usage: rotate_test.sh BUILD_DIR CASE
set -uo pipefail
build=$1 case=$2
here=$(cd "$(dirname "$0")/.." && pwd)
root=$(cd "$here/.." && pwd)
. "$here/lib/netns.sh"
nf_need_root
nf=$build/netflap
out=$(mktemp -d "${TMPDIR:-/tmp}/nf-rotate.XXXXXX")
nf_defer "rm -rf $out"
quick=$root/scenarios/fixed-quick.scn
rot=(--set run.rotate=1 --set run.pcap_limit=2)

# read DIR: the rows over every segment as Python's gzip and csv read them
# (what pandas does with compression='gzip'): "rows first last distinct"
read_rows() {
	python3 - "$1" <<'PY'
import csv, glob, gzip, os, sys
d = sys.argv[1]
segs = sorted(glob.glob(os.path.join(d, "cycles-[0-9][0-9][0-9][0-9].csv*")))
cycles = []
for p in segs + [os.path.join(d, "cycles.csv")]:
    if p.endswith(".gz") and os.path.exists(p[:-3]):
        continue  # a compressor stopped: the plain segment is the whole one
    with (gzip.open(p, "rt") if p.endswith(".gz") else open(p)) as f:
        r = csv.reader(f)
        if next(r)[0] != "cycle":
            sys.exit(p + ": no header")
        cycles += [int(row[0]) for row in r if len(row) > 1 and row[0]]
print(len(cycles), min(cycles), max(cycles), len(set(cycles)), len(segs))
PY
}

segments_ok() { # DIR: at least two cycles segments, every .gz whole
	local n
	n=$(ls "$1"/cycles-*.csv.gz 2>/dev/null | wc -l)
	[ "$n" -ge 2 ] || nf_fail "$1: $n compressed segments: $(ls "$1")"
	for z in "$1"/cycles-*.csv.gz "$1"/logs/*.gz; do
		gzip -t "$z" || nf_fail "$z: not a whole gzip file"
	done
}

case $case in
fixed)
	nf_run_quiet f "$quick" "${rot[@]}" --set run.loops=12000
	[ $rc = 0 ] || nf_fail "fixed: exit $rc: $(tail -3 "$out/f.log")"
	segments_ok "$out/f"
	ls "$out"/f/logs/mosquitto-0001.log.gz >/dev/null || nf_fail "mosquitto.log was not rotated: $(ls "$out/f/logs")"
	read -r n lo hi distinct segs <<<"$(read_rows "$out/f")"
	[ "$n $lo $hi $distinct" = "12000 1 12000 12000" ] ||
		nf_fail "rows over the segments: $n rows, cycles $lo..$hi, $distinct distinct"
	nf_clean "$out/f" || nf_fail "fixed: not clean: $(cat "$out/f/verdict.json")"
	grep -q '"cycles": 12000' "$out/f/verdict.json" || nf_fail "the verdict did not see 12000 cycles"
	"$nf" plot "$out/f" >/dev/null 2>&1 || nf_fail "plot over segments failed"
	# the same rows held within 1024 (folded about 16 times): still clean, every cycle counted
	cp -r "$out/f" "$out/f1024"
	"$nf" verdict "$out/f1024" --max-rows 1024 >"$out/f1024.txt" 2>&1 ||
		nf_fail "fixed, folded to 1024 rows: $(cat "$out/f1024.txt")"
	grep -q 'rows folded to bound memory' "$out/f1024.txt" || nf_fail "not folded: $(cat "$out/f1024.txt")"
	grep -q '"rows": 12000,' "$out/f1024/verdict.json" || nf_fail "folded: not 12000 rows counted"
	size=$(du -sk "$out/f" | cut -f1)
	echo "fixed: $segs segments, 12000 rows read back, clean; run folder ${size} KiB"
	;;
killed)
	setsid "$nf" run "$quick" "${rot[@]}" --set run.loops=1000000 --out "$out/k" --quiet \
		>"$out/k.log" 2>&1 &
	pid=$!
	nf_defer "kill -KILL $pid 2>/dev/null"
	# about 7,000 cycles; under the sanitizers beside other tests that took
	# over 120 s once (CI, stop 30), so the deadline is generous
	nf_wait 300 test -e "$out/k/cycles-0002.csv.gz" ||
		nf_fail "no second segment in 300 s: $(ls "$out/k"; wc -l <"$out/k/cycles.csv")"
	nf_wait 10 nf_at_least "$out/k/cycles.csv" '^[0-9]' 100 || nf_fail "no rows after the rotation"
	kill -KILL "$pid"
	wait "$pid" 2>/dev/null
	"$nf" cleanup --quiet || nf_fail "cleanup failed"
	nf_nothing_left "$out/k"
	"$nf" verdict "$out/k" >"$out/kv.txt" 2>&1
	rc=$?
	[ $rc = 0 ] || nf_fail "verdict of the killed run: exit $rc: $(cat "$out/kv.txt")"
	read -r n lo hi distinct segs <<<"$(read_rows "$out/k")"
	[ "$n" = "$distinct" ] && [ "$lo" = 1 ] && [ "$hi" = "$n" ] ||
		nf_fail "killed: $n rows, cycles $lo..$hi, $distinct distinct"
	grep -q "\"cycles\": $n," "$out/k/verdict.json" || nf_fail "verdict cycles != $n rows: $(head -5 "$out/k/verdict.json")"
	dropped=$(sed -n 's/.*"rows_dropped": \([0-9]*\).*/\1/p' "$out/k/verdict.json")
	[ "${dropped:-9}" -le 1 ] || nf_fail "killed: $dropped rows dropped"
	"$nf" plot "$out/k" >/dev/null 2>&1 || nf_fail "plot of the killed run failed"
	# a compressor stopped half way: the plain segment whole, a cut .gz beside it
	zcat "$out/k/cycles-0001.csv.gz" >"$out/k/cycles-0001.csv"
	head -c 20000 "$out/k/cycles-0001.csv.gz" >"$out/cut.gz" && mv "$out/cut.gz" "$out/k/cycles-0001.csv.gz"
	cp "$out/k/verdict.json" "$out/kv1.json"
	"$nf" verdict "$out/k" >/dev/null 2>&1 || nf_fail "verdict with a cut .gz beside its plain segment"
	cmp -s "$out/kv1.json" "$out/k/verdict.json" || nf_fail "the cut .gz changed the verdict: $(diff "$out/kv1.json" "$out/k/verdict.json")"
	# a damaged segment with no plain copy: never judged as if whole
	rm "$out/k/cycles-0001.csv"
	"$nf" verdict "$out/k" >"$out/kd.txt" 2>&1
	rc=$?
	[ $rc = 3 ] && grep -q 'cycles-0001.csv.gz:.*damaged' "$out/kd.txt" ||
		nf_fail "a damaged segment: exit $rc, want 3 naming it: $(cat "$out/kd.txt")"
	echo "killed: $segs segments, $n rows judged ($dropped torn), plotted; a stopped compressor's segment read whole; a damaged one exit 3"
	;;
split)
	nf_run_quiet v "$root/scenarios/seed-quick.scn" --set run.loops=45
	[ $rc = 1 ] || nf_fail "vendor: exit $rc, want 1"
	cp -r "$out/v" "$out/s"
	csv=$out/v/cycles.csv
	rows=$(($(wc -l <"$csv") - 1))
	for k in 1 2; do
		{ head -1 "$csv"; tail -n +2 "$csv" | sed -n "$(((k - 1) * rows / 3 + 1)),$((k * rows / 3))p"; } |
			gzip -n >"$out/s/cycles-000$k.csv.gz"
	done
	{ head -1 "$csv"; tail -n +$((2 * rows / 3 + 2)) "$csv"; } >"$out/s/cycles.csv"
	"$nf" verdict "$out/s" >"$out/s.txt" 2>&1
	rc=$?
	[ $rc = 1 ] || nf_fail "split: exit $rc, want 1"
	want=$(grep '"class"' "$out/v/verdict.json")
	got=$(grep '"class"' "$out/s/verdict.json")
	[ -n "$want" ] && [ "$want" = "$got" ] || nf_fail "split findings differ: $(diff <(echo "$want") <(echo "$got"))"
	echo "split: $(grep -c '"class"' "$out/s/verdict.json") findings, the same as the one file: $(grep -m1 '^device' "$out/s.txt")"
	;;
linux | upstream)
	ip=(); [ $case = linux ] && ip=(--set device.ip=static)
	nf_run_quiet $case "$quick" "${rot[@]}" --set run.loops=6000 --set device.stack=$case "${ip[@]}"
	[ $rc = 0 ] || nf_fail "$case: exit $rc: $(tail -3 "$out/$case.log")"
	n=$(ls "$out/$case"/cycles-*.csv.gz 2>/dev/null | wc -l)
	[ "$n" -ge 1 ] || nf_fail "$case: no segment"
	read -r rows lo hi distinct segs <<<"$(read_rows "$out/$case")"
	[ "$rows $distinct" = "6000 6000" ] || nf_fail "$case: $rows rows, $distinct distinct"
	nf_clean "$out/$case" || nf_fail "$case: not clean: $(cat "$out/$case/verdict.json")"
	echo "$case: $segs segments, 6000 rows, clean"
	;;
*) nf_fail "unknown case $case" ;;
esac
