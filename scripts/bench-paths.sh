#!/usr/bin/env bash
# Benchmark (not a test): cycles per second on fixed lwIP for each run.cut_at
# (event pace, intervals 0, static addressing, no publishes) and for each
# run.fault (event pace, keepalive 1 s; the disable interval 1 s for the
# faults a device notices by its keepalive, blackhole and broker_stall,
# 300 ms for the others), with each fault's median recovery (connack_ms).
# Usage: scripts/bench-paths.sh [CYCLES]   (root; build/ from scripts/setup.sh)
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
. "$here/scripts/lib.sh"
cycles=${1:-100}
nf=$here/build/netflap
[ -x "$nf" ] || die 3 "bench-paths: build/netflap missing: run scripts/setup.sh"
[ "$(id -u)" = 0 ] || die 3 "bench-paths: needs root (network namespaces)"
out=$(mktemp -d "${TMPDIR:-/tmp}/nf-bench-paths.XXXXXX")
trap 'rm -rf "$out"' EXIT

printf '%-24s %8s %9s %9s %12s\n' path cycles/s up_med up_p99 connack_med
for c in session up lease dns connect connack random; do
	"$nf" run "$here/scenarios/fixed-quick.scn" --set run.cut_at=$c --set run.loops="$cycles" \
		--set device.ip=static --set device.publish_interval=0ms --out "$out/cut-$c" --quiet ||
		die 3 "bench-paths: cut_at=$c failed (exit $?)"
	read -r cps dm dp um up <<<"$(nf_bench_figures "$out/cut-$c")"
	printf '%-24s %8s %6s ms %6s ms %12s\n' "cut_at=$c" "$cps" "$um" "$up" "-"
done
for f in flap blackhole broker_restart broker_stall dhcp_outage dns_outage address_change; do
	off=300ms
	case $f in blackhole | broker_stall) off=1s ;; esac
	"$nf" run "$here/scenarios/fixed-quick.scn" --set run.fault=$f --set run.loops="$cycles" \
		--set run.disable_interval=$off --set device.keepalive=1s --out "$out/fault-$f" --quiet ||
		die 3 "bench-paths: fault=$f failed (exit $?)"
	read -r cps dm dp um up <<<"$(nf_bench_figures "$out/fault-$f")"
	printf '%-24s %8s %6s ms %6s ms %9s ms\n' "fault=$f" "$cps" "$um" "$up" \
		"$(nf_csv_median connack_ms "$out/fault-$f/cycles.csv")"
done
