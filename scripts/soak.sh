#!/usr/bin/env bash
# Nightly soak: set up, run a long flap, plot, and exit with the verdict.
# Usage: scripts/soak.sh [SCENARIO] [netflap run options...]
#   SCENARIO defaults to scenarios/soak-nightly.scn; the run folder is
#   results/soak-<UTC stamp>/ (override with --out), kept as the job's artifact.
# Exit codes: netflap's: 0 clean, 1 leak or stall, 2 scenario, 3 environment.
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
exit $rc
