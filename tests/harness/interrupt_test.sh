#!/usr/bin/env bash
# Runs stopped at random moments, every way a run is stopped (root; exit 4,
# skipped, otherwise). Three devices each, event pace; cycling through:
#   int    SIGINT to netflap (Ctrl-C)
#   group  SIGTERM to netflap's whole process group (timeout(1), a
#          cancelled CI job, systemd's control-group stop)
#   kill   SIGKILL, then `netflap cleanup`
# Expected: int and group exit 0 or 1 with verdict.json and run.json
# "stopped"; kill leaves what cleanup removes; every case: every row whole,
# no namespace or process of the run left.
# The delay counts from the moment netflap holds SIGINT and SIGTERM for its
# loop (its first step in `run`): before that no program can answer a stop
# (under the sanitizers the runtime's own start takes tens of ms, and a
# background job of a script starts with SIGINT ignored).
# Usage: interrupt_test.sh BUILD_DIR RUNS [SEED]
set -uo pipefail
build=$1 runs=$2
RANDOM=${3:-$$}
here=$(cd "$(dirname "$0")/.." && pwd)
root=$(cd "$here/.." && pwd)
. "$here/lib/netns.sh"
nf_need_root
command -v setsid >/dev/null || { echo "SKIP: setsid not installed"; exit $NF_SKIP; }
out=$(mktemp -d "${TMPDIR:-/tmp}/nf-interrupt.XXXXXX")
nf_defer "rm -rf $out"
nf=$build/netflap
modes=(int group kill)
declare -A seen

# holds PID: SIGINT (bit 2) and SIGTERM (bit 15) in its blocked mask
holds() {
	local blk
	blk=$(awk '/^SigBlk:/ {print $2}' "/proc/$1/status" 2>/dev/null) || return 1
	[ -n "$blk" ] && (((16#$blk & 0x4002) == 0x4002))
}

for ((i = 0; i < runs; i++)); do
	mode=${modes[i % 3]} dir=$out/r$i
	# 0.05 s .. 3 s: set-up, the first association, or mid-run
	ms=$((50 + RANDOM % 950))
	[ $((RANDOM % 3)) = 0 ] && ms=$((1000 + RANDOM % 2000))
	delay=$(printf '%d.%03d' $((ms / 1000)) $((ms % 1000)))
	# its own session and group, as a job under a shell or CI runner
	setsid "$nf" run "$root/scenarios/fixed-quick.scn" --set device.count=3 \
		--set run.loops=100000 --out "$dir" --quiet 2>"$dir.err" &
	pid=$!
	nf_defer "kill -KILL $pid"
	nf_wait 10 holds "$pid" || nf_fail "run $i: netflap did not hold its stop signals within 10 s: $(cat "$dir.err")"
	sleep "$delay"
	case $mode in
	int) kill -INT "$pid" ;;
	group) kill -TERM -- "-$pid" ;;
	kill) kill -KILL "$pid" ;;
	esac
	{ wait "$pid"; } 2>/dev/null
	rc=$?
	if [ "$mode" = kill ]; then
		"$nf" cleanup --quiet || nf_fail "run $i ($mode after ${delay}s): cleanup failed"
	else
		[ $rc = 0 ] || [ $rc = 1 ] || nf_fail "run $i ($mode after ${delay}s): exit $rc: $(cat "$dir.err")"
		[ -f "$dir/verdict.json" ] || nf_fail "run $i ($mode after ${delay}s): no verdict.json"
		grep -q '"state": "stopped"' "$dir/run.json" || nf_fail "run $i ($mode): run.json: $(grep state "$dir/run.json")"
	fi
	if [ -f "$dir/cycles.csv" ]; then
		nf_well_formed "$dir/cycles.csv"
	fi
	if [ -f "$dir/run.json" ]; then # written before any namespace is made
		nf_nothing_left "$dir"
	else # killed before it had a run id: it made nothing
		! pgrep -f "$dir" >/dev/null || nf_fail "run $i: processes of $dir left"
	fi
	rows=$(nf_count "$dir/cycles.csv" '^[0-9]')
	seen[$mode]=$((${seen[$mode]:-0} + 1))
	echo "run $i: $mode after ${delay}s: exit $rc, $rows rows"
done
echo "PASS: $runs interrupted runs (int ${seen[int]:-0}, group ${seen[group]:-0}, kill ${seen[kill]:-0})"
