#!/usr/bin/env bash
# Nightly soak: set up, run a long flap, plot, and exit with the verdict.
# Usage: scripts/soak.sh [SCENARIO] [netflap run options...]
#   SCENARIO defaults to scenarios/soak-nightly.scn; the run folder is
#   results/soak-<UTC stamp>/ (override with --out), kept as the job's artifact.
# After the run: results/history.csv (`netflap history` of every soak run
# here), and the run compared with the last 7 nights of the same scenario
# (`netflap compare`; compare.json and junit.xml in its folder): a
# regression fails the soak as a finding does. NETFLAP_SOAK_WINDOW=N sets
# the window (0: no compare).
# Exit codes: netflap's: 0 clean, 1 leak, stall or regression, 2 scenario,
# 3 environment.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
. "$here/scripts/lib.sh"
scenario=$here/scenarios/soak-nightly.scn
if [ $# -gt 0 ] && [ "${1#--}" = "$1" ]; then
	scenario=$1
	shift
fi
"$here/scripts/setup.sh"
cd "$here"
out=results/soak-$(date -u +%Y%m%dT%H%M%SZ)
# A stop (systemctl stop, a cancelled job) reaches this script: pass it on
# to netflap, which finishes its cycle, judges and tears down, and wait for
# that; netflap's own children never see it (they have process groups of
# their own and end with netflap).
build/netflap run "$scenario" --out "$out" "$@" &
pid=$!
trap 'kill -TERM $pid 2>/dev/null' TERM INT HUP
rc=0
while :; do
	wait $pid && rc=0 || rc=$?
	kill -0 $pid 2>/dev/null || break # a trap interrupted wait: wait again
done
trap - TERM INT HUP
# the run plots itself; say where the answer is whatever it was
[ -d "$out" ] && say "soak: run folder $out (verdict.json, junit.xml, report.html, plots/)"
[ -f "$out/verdict.json" ] || exit $rc
# the nights before, of the same scenario (fingerprint), newest last
window=${NETFLAP_SOAK_WINDOW:-7}
mapfile -t runs < <(ls -d results/soak-*/ 2>/dev/null | sed 's#/$##' | sort)
build/netflap history "${runs[@]}" --csv results/history.csv 2>/dev/null || true
fp=$(awk -F, -v d="$out" 'NR > 1 && $3 == d {print $5}' results/history.csv)
mapfile -t prev < <(awk -F, -v d="$out" -v fp="$fp" 'NR > 1 && $3 != d && $5 == fp {print $3}' \
	results/history.csv | tail -n "$window")
if [ "$window" -gt 0 ] && [ ${#prev[@]} -gt 0 ] && [ -n "$fp" ]; then
	crc=0
	build/netflap compare "${prev[@]}" "$out" || crc=$?
	say "soak: compared with ${#prev[@]} earlier night(s): exit $crc ($out/compare.json)"
	[ $rc -ne 0 ] || rc=$crc
fi
exit $rc
