#!/usr/bin/env bash
# A bounded libFuzzer run: the seeds, then SECONDS of mutation. Fails on a
# crash, a hang (-timeout) or a leak; the crashing input is kept beside it.
# Usage: run_fuzz.sh FUZZER SEED_DIR SECONDS [EXTRA_SEED_DIR...]
set -uo pipefail
bin=$1 seeds=$2 secs=$3
shift 3
[ -x "$bin" ] || { echo "SKIP: $bin not built (clang missing)"; exit 4; }
work=$(mktemp -d "${TMPDIR:-/tmp}/nf-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir "$work/corpus"
"$bin" -max_total_time="$secs" -timeout=5 -rss_limit_mb=2048 -print_final_stats=1 \
	-artifact_prefix="$(dirname "$bin")/crash-$(basename "$bin")-" \
	"$work/corpus" "$seeds" "$@" 2>"$work/log"
rc=$?
grep -E '^(stat::number_of_executed_units|stat::new_units_added|Done|#[0-9]+ +DONE)' "$work/log" | tail -3
if [ $rc -ne 0 ]; then
	tail -40 "$work/log"
	echo "FAIL: $(basename "$bin") found a problem (input kept as $(dirname "$bin")/crash-*)"
	exit 1
fi
echo "PASS: $(basename "$bin"), $secs s, no crash, hang or leak"
