#!/usr/bin/env bash
# Benchmark (not a test): flap cycles per second for fixed lwIP and the
# kernel stack under the same conditions (static addressing, event pace,
# no publishes, intervals 0), with the median and p99 of each cycle's down
# phase (AP off until every device tore down) and up phase (AP on until the
# first reconnect outcome); a fleet's aggregate device-cycles per second;
# seed-quick's wall time to its verdict.
# Usage: scripts/bench.sh [CYCLES] [FLEET_DEVICES]   (root; build/ from scripts/setup.sh)
# Last line: bench: lwip_cps=.. linux_cps=.. ratio=.. seed_exhaustion_s=.. fleet_cps=..
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
. "$here/scripts/lib.sh"
cycles=${1:-300}
fleet=${2:-20}
nf=$here/build/netflap
[ -x "$nf" ] || die 3 "bench: build/netflap missing: run scripts/setup.sh"
[ "$(id -u)" = 0 ] || die 3 "bench: needs root (network namespaces)"
out=$(mktemp -d "${TMPDIR:-/tmp}/nf-bench.XXXXXX")
trap 'rm -rf "$out"' EXIT

common=(--set run.pace=event --set run.disable_interval=0ms --set run.enable_interval=0ms
	--set device.publish_interval=0ms --set device.ip=static --quiet)
"$nf" run "$here/scenarios/fixed-quick.scn" "${common[@]}" --set run.loops="$cycles" \
	--out "$out/lwip" || die 3 "bench: the fixed lwIP run failed"
"$nf" run "$here/scenarios/fixed-quick.scn" "${common[@]}" --set run.loops="$cycles" \
	--set device.stack=linux --out "$out/linux" || die 3 "bench: the linux run failed"
"$nf" run "$here/scenarios/fixed-quick.scn" "${common[@]}" --set run.loops=50 \
	--set device.count="$fleet" --out "$out/fleet" || die 3 "bench: the fleet run failed"
start=$(date +%s.%N)
"$nf" run "$here/scenarios/seed-quick.scn" --out "$out/seed" --quiet
rc=$?
end=$(date +%s.%N)
[ $rc = 1 ] || die 3 "bench: seed-quick exited $rc, expected 1 (a leak)"

printf '%-22s %8s %9s %9s %9s %9s\n' run cycles/s down_med down_p99 up_med up_p99
for r in lwip linux fleet; do
	read -r cps dm dp um up <<<"$(nf_bench_figures "$out/$r")"
	printf '%-22s %8s %7s ms %6s ms %6s ms %6s ms\n' "$r$([ $r = fleet ] && echo " ($fleet devices)")" \
		"$cps" "$dm" "$dp" "$um" "$up"
	eval "${r}_cps=$cps"
done
echo "bench: lwip_cps=$lwip_cps linux_cps=$linux_cps ratio=$(awk -v a="$lwip_cps" -v b="$linux_cps" 'BEGIN {printf "%.2f", a / b}') seed_exhaustion_s=$(awk -v a="$start" -v b="$end" 'BEGIN {printf "%.2f", b - a}') fleet_cps=$fleet_cps"
