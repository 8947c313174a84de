#!/usr/bin/env bash
# Plots any netflap cycles.csv with gnuplot, without the netflap binary.
# Usage: scripts/plot.sh CYCLES.CSV [OUTDIR]   (OUTDIR defaults to plots/ beside the CSV)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
[ $# -ge 1 ] && [ -f "$1" ] || die 2 "usage: scripts/plot.sh CYCLES.CSV [OUTDIR]"
command -v gnuplot >/dev/null || die 3 "plot: gnuplot is not installed (scripts/setup.sh installs gnuplot-nox)"
csv=$1
out=${2:-$(dirname "$csv")/plots}
head -1 "$csv" | grep -q '^cycle,device,' || die 2 "plot: $csv: not a netflap cycles.csv"
ndev=$(awk -F, 'NR > 1 && $2 + 1 > n {n = $2 + 1} END {print n + 0}' "$csv")
[ "$ndev" -gt 0 ] || die 2 "plot: $csv has no rows"
mkdir -p "$out"
gnuplot -c "$here/plots.gp" "$csv" "$out" "$ndev"
say "plot: $(ls "$out" | tr '\n' ' ')in $out"
