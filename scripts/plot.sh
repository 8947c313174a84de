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
# plot.dat as netflap plot writes it, a line per device and every row (for
# a large fleet or a long soak `netflap plot` summarises and decimates)
series="socket_fd sockets_in_use slots_after_teardown heap_free heap_min_free connack_ms ok memp_netconn_used memp_tcp_pcb_used tcp_time_wait memp_pbuf_pool_used tls_heap_used tls_heap_peak tls_heap_after_teardown"
awk -F, -v ndev="$ndev" -v series="$series" '
	NR == 1 {for (i = 1; i <= NF; i++) col[$i] = i; ns = split(series, s, " "); next}
	{c = $col["cycle"]; d = $col["device"]; if (c > last) last = c
	 for (k = 1; k <= ns; k++) {
		if (s[k] == "ok") v = ($col["status"] == "ok")
		else v = (s[k] in col && $col[s[k]] != "") ? $col[s[k]] : "NaN"
		val[c, k, d] = v; if (v != "NaN") has[s[k]] = 1 }}
	END {printf "cycle"; for (k = 1; k <= ns; k++) for (d = 0; d < ndev; d++) printf " %s_%d", s[k], d; print ""
		for (c = 1; c <= last; c++) {printf "%d", c
			for (k = 1; k <= ns; k++) for (d = 0; d < ndev; d++) printf " %s", ((c, k, d) in val) ? val[c, k, d] : "NaN"
			print ""}
		p = "status"; if (has["socket_fd"] || has["sockets_in_use"] || has["slots_after_teardown"]) p = "sockets " p
		if (has["heap_free"] || has["heap_min_free"]) p = p " heap"; if (has["connack_ms"]) p = p " connack"
		if (has["memp_netconn_used"] || has["memp_tcp_pcb_used"] || has["tcp_time_wait"] || has["memp_pbuf_pool_used"]) p = p " pools"
		if (has["tls_heap_used"] || has["tls_heap_peak"] || has["tls_heap_after_teardown"]) p = p " tls"
		print p > "/dev/stderr"}' "$csv" >"$out/plot.dat" 2>"$out/panels"
titles=$(for ((d = 0; d < ndev; d++)); do printf 'd%d ' "$d"; done)
gnuplot -c "$here/plots.gp" "$out/plot.dat" "$out" "$ndev" "$titles" "$(cat "$out/panels")"
rm -f "$out/panels"
say "plot: $(ls "$out" | tr '\n' ' ')in $out"
