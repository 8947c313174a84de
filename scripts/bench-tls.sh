#!/usr/bin/env bash
# Benchmark (not a test): the TLS handshake (device.tls = on), full and
# resumed, on fixed lwIP and on the kernel's stack: median and p99 of
# tls_handshake_ms, mbedTLS's peak heap during a reconnect, cycles per
# second, CONNACK median (event pace, intervals 0, static addressing).
# Usage: scripts/bench-tls.sh [CYCLES]   (root; build/ from scripts/setup.sh)
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
. "$here/scripts/lib.sh"
cycles=${1:-200}
nf=$here/build/netflap
[ -x "$nf" ] || die 3 "bench-tls: build/netflap missing: run scripts/setup.sh"
[ "$(id -u)" = 0 ] || die 3 "bench-tls: needs root (network namespaces)"
out=$(mktemp -d "${TMPDIR:-/tmp}/nf-bench-tls.XXXXXX")
trap 'rm -rf "$out"' EXIT

# p PCT COLUMN CSV: that percentile of a column's values from the second row
# on (a resumed series' first handshake is a full one)
p() { awk -F, -v name="$2" 'NR == 1 {for (i = 1; i <= NF; i++) if ($i == name) c = i; next}
	NR > 2 && $c != "" {print $c}' "$3" | sort -n |
	awk -v q="$1" '{a[NR] = $1} END {k = int(q * (NR - 1) + 0.5) + 1; print NR ? a[k] : "-"}'; }

printf '%-8s %-8s %7s %10s %10s %13s %9s %12s\n' stack session cycles hs_med_ms hs_p99_ms \
	tls_peak_bytes cycles/s connack_med
for stack in fixed linux; do
	for resume in off on; do
		dir=$out/$stack-$resume
		"$nf" run "$here/scenarios/fixed-quick.scn" --set run.loops="$cycles" --set device.ip=static \
			--set device.stack=$stack --set device.tls=on --set device.tls_resume=$resume \
			--out "$dir" --quiet || die 3 "bench-tls: $stack resume=$resume failed (exit $?)"
		read -r cps _ <<<"$(nf_bench_figures "$dir")"
		csv=$dir/cycles.csv
		printf '%-8s %-8s %7s %10s %10s %13s %9s %9s ms\n' $stack \
			"$([ $resume = on ] && echo resumed || echo full)" "$cycles" \
			"$(p 0.5 tls_handshake_ms "$csv")" "$(p 0.99 tls_handshake_ms "$csv")" \
			"$(p 0.5 tls_heap_peak "$csv")" "$cps" "$(nf_csv_median connack_ms "$csv")"
	done
done
