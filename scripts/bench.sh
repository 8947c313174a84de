#!/usr/bin/env bash
# Benchmark (not a test): flap cycles per second for fixed lwIP and the
# kernel stack, side by side, and seed-quick's wall time to its verdict.
# Usage: scripts/bench.sh [CYCLES]   (root; build/ from scripts/setup.sh)
# Last line: bench: lwip_cps=.. linux_cps=.. ratio=.. seed_exhaustion_s=..
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
. "$here/scripts/lib.sh"
cycles=${1:-200}
nf=$here/build/netflap
[ -x "$nf" ] || die 3 "bench: build/netflap missing: run scripts/setup.sh"
[ "$(id -u)" = 0 ] || die 3 "bench: needs root (network namespaces)"
out=$(mktemp -d "${TMPDIR:-/tmp}/nf-bench.XXXXXX")
trap 'rm -rf "$out"' EXIT

cps() { # run dir -> cycles per second over the engine's own time
	awk -F, 'NR > 1 {end = $3 + $4 + $5; n = $1} END {printf "%.1f", n * 1000 / end}' "$1/cycles.csv"
}
common=(--set run.pace=event --set run.disable_interval=0ms --set run.enable_interval=0ms
	--set run.loops="$cycles" --set device.publish_interval=0ms --quiet)
"$nf" run "$here/scenarios/fixed-quick.scn" "${common[@]}" --out "$out/lwip" ||
	die 3 "bench: the fixed lwIP run failed"
"$nf" run "$here/scenarios/fixed-quick.scn" "${common[@]}" --set device.stack=linux \
	--set device.ip=static --out "$out/linux" || die 3 "bench: the linux run failed"
start=$(date +%s.%N)
"$nf" run "$here/scenarios/seed-quick.scn" --out "$out/seed" --quiet
rc=$?
end=$(date +%s.%N)
[ $rc = 1 ] || die 3 "bench: seed-quick exited $rc, expected 1 (a leak)"
lw=$(cps "$out/lwip")
lx=$(cps "$out/linux")
echo "bench: lwip_cps=$lw linux_cps=$lx ratio=$(awk -v a="$lw" -v b="$lx" 'BEGIN {printf "%.2f", a / b}') seed_exhaustion_s=$(awk -v a="$start" -v b="$end" 'BEGIN {printf "%.2f", b - a}')"
