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
rc=0
build/netflap run "$scenario" --out "$out" "$@" || rc=$?
# the run plots itself; say where the answer is whatever it was
[ -d "$out" ] && say "soak: run folder $out (verdict.json, junit.xml, report.html, plots/)"
exit $rc
