#!/usr/bin/env bash
# Benchmark (not a test): cycles per second on fixed lwIP with the firmware
# shapes and each link impairment (event pace, intervals 0, static
# addressing), with the median reconnect (connack_ms) and what the link did.
# Usage: scripts/bench-shapes.sh [CYCLES]   (root; build/ from scripts/setup.sh)
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
. "$here/scripts/lib.sh"
cycles=${1:-50}
nf=$here/build/netflap
[ -x "$nf" ] || die 3 "bench-shapes: build/netflap missing: run scripts/setup.sh"
[ "$(id -u)" = 0 ] || die 3 "bench-shapes: needs root (network namespaces)"
out=$(mktemp -d "${TMPDIR:-/tmp}/nf-bench-shapes.XXXXXX")
trap 'rm -rf "$out"' EXIT

sum() { awk -F, -v name="$1" 'NR == 1 {for (i = 1; i <= NF; i++) if ($i == name) c = i; next}
	$c != "" {s += $c} END {print s + 0}' "$2"; }

# name, then --set arguments
cases=(
	"clean|"
	"rx-task select|device.threads=rx-task"
	"rx-task recv|device.threads=rx-task device.rx_wait=recv"
	"inflight 8 x 512 B|device.inflight=8 device.payload=512 device.publish_interval=5ms"
	"loss 5 %|impair.loss=5"
	"loss 20 %|impair.loss=20"
	"gilbert-elliott 5/25|impair.loss_model=gilbert_elliott impair.ge_p=5 impair.ge_r=25"
	"delay 50 ms +- 20|impair.delay=50ms impair.jitter=20ms"
	"duplicate+reorder 5 %|impair.duplicate=5 impair.reorder=5"
	"corrupt 5 %|impair.corrupt=5"
	"rate 1 Mbit/s|impair.rate=1000000"
)
printf '%-24s %9s %12s %8s %8s\n' case cycles/s connack_med frames dropped
for c in "${cases[@]}"; do
	name=${c%%|*} sets=()
	for s in ${c#*|}; do sets+=(--set "$s"); done
	dir=$out/$(echo "$name" | tr -c 'a-z0-9\n' '-')
	"$nf" run "$here/scenarios/fixed-quick.scn" --set run.loops="$cycles" --set device.ip=static \
		--set run.reconnect_timeout=30s "${sets[@]}" --out "$dir" --quiet ||
		die 3 "bench-shapes: '$name' failed (exit $?)"
	read -r cps dm dp um up <<<"$(nf_bench_figures "$dir")"
	printf '%-24s %9s %9s ms %8s %8s\n' "$name" "$cps" "$(nf_csv_median connack_ms "$dir/cycles.csv")" \
		"$(($(sum link_passed "$dir/cycles.csv") + $(sum link_dropped "$dir/cycles.csv")))" \
		"$(sum link_dropped "$dir/cycles.csv")"
done
