#!/usr/bin/env bash
# netflap: set up (as scripts/setup.sh), then run a scenario.
#
# Usage: scripts/run.sh [SCENARIO] [netflap run options...]
#   SCENARIO defaults to scenarios/seed-quick.scn
# Exit codes: those of `netflap run` (0 clean, 1 leak/stall, 2 scenario, 3 environment).
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
. "$here/scripts/lib.sh"

case "${1:-}" in -h | --help) sed -n '2,7p' "$0"; exit 0 ;; esac
scenario=${1:-$here/scenarios/seed-quick.scn}
[ $# -gt 0 ] && shift

"$here/scripts/setup.sh"
[ -x "$here/build/netflap" ] ||
	die 3 "run: build/netflap is missing after set-up (see build/setup-build.log)"
exec "$here/build/netflap" run "$scenario" "$@"
