#!/usr/bin/env bash
# Nightly soak: set up, run a long flap, plot, and exit with the verdict.
# Usage: scripts/soak.sh [SCENARIO] [netflap run options...]
#   SCENARIO defaults to scenarios/soak-nightly.scn; the run folder is
#   $NETFLAP_SOAK_DIR/soak-<UTC stamp>/ (NETFLAP_SOAK_DIR defaults to
#   results/; a CI job whose checkout is cleaned each time points it at a
#   folder that stays), kept as the job's artifact.
# After the run: $NETFLAP_SOAK_DIR/history.csv (`netflap history` of every
# soak run there), the run's report.html re-drawn with a trend panel over
# them, and the run compared with the last 7 nights of the same scenario
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
soaks=${NETFLAP_SOAK_DIR:-results}
mkdir -p "$soaks"
out=$soaks/soak-$(date -u +%Y%m%dT%H%M%SZ)
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
mapfile -t runs < <(ls -d "$soaks"/soak-*/ 2>/dev/null | sed 's#/$##' | sort)
build/netflap history "${runs[@]}" --csv "$soaks/history.csv" 2>/dev/null || true
build/netflap plot "$out" --history "$soaks/history.csv" >/dev/null 2>&1 ||
	say "soak: the trend panel could not be drawn (the report stays as the run wrote it)"
fp=$(awk -F, -v d="$out" 'NR > 1 && $3 == d {print $5}' "$soaks/history.csv")
mapfile -t prev < <(awk -F, -v d="$out" -v fp="$fp" 'NR > 1 && $3 != d && $5 == fp {print $3}' \
	"$soaks/history.csv" | tail -n "$window")
if [ "$window" -gt 0 ] && [ ${#prev[@]} -gt 0 ] && [ -n "$fp" ]; then
	crc=0
	build/netflap compare "${prev[@]}" "$out" || crc=$?
	say "soak: compared with ${#prev[@]} earlier night(s): exit $crc ($out/compare.json)"
	[ $rc -ne 0 ] || rc=$crc
fi
exit $rc
