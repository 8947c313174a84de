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
# the panels with data (the kernel stack has no lwIP heap or pools)
panels=$(awk -F, 'NR == 1 {for (i = 1; i <= NF; i++) col[$i] = i; next}
	{for (p in cols) if (!(p in has)) {n = split(cols[p], c, " "); for (k = 1; k <= n; k++) if (c[k] in col && $col[c[k]] != "") has[p] = 1}}
	BEGIN {cols["sockets"] = "socket_fd sockets_in_use slots_after_teardown"; cols["heap"] = "heap_free heap_min_free"
		cols["connack"] = "connack_ms"; cols["pools"] = "memp_netconn_used memp_tcp_pcb_used tcp_time_wait memp_pbuf_pool_used"}
	END {s = ""; split("sockets heap connack status pools", order, " ")
		for (i = 1; i <= 5; i++) if (order[i] == "status" || order[i] in has) s = s (s == "" ? "" : " ") order[i]; print s}' "$csv")
mkdir -p "$out"
gnuplot -c "$here/plots.gp" "$csv" "$out" "$ndev" "$panels"
say "plot: $(ls "$out" | tr '\n' ' ')in $out"
