# netflap's plots of a cycles.csv, as PNG and SVG. One script for both
# `netflap plot RUN_DIR` and scripts/plot.sh (no netflap binary needed).
# Usage: gnuplot -c plots.gp CYCLES.CSV OUTDIR NDEV [PANELS]
#   PANELS: the panels with data, e.g. "sockets connack status" (default all);
#   a panel with no point at all would stop gnuplot.
csv = ARG1
out = ARG2
ndev = int(ARG3)
panels = ARGC >= 4 ? ARG4 : "sockets heap connack status pools"
want(p) = strstrt(" ".panels." ", " ".p." ") > 0

set datafile separator ","
set datafile columnheaders
set datafile missing ""
set grid
set key outside right top
set xlabel "cycle"

dev(d) = (column("device") == d)
val(name, d) = dev(d) ? column(name) : NaN
ok(d) = dev(d) ? (strcol("status") eq "ok" ? 1 : 0) : NaN
title(what, d) = ndev > 1 ? sprintf("%s d%d", what, d) : what

do for [ext in "png svg"] {
    if (ext eq "png") { set terminal pngcairo size 1000,420 } else { set terminal svg size 1000,420 dynamic }

    if (want("sockets")) {
    set output sprintf("%s/sockets.%s", out, ext)
    set title "socket index and slots in use (the field report's instrument)"
    set ylabel "slots"
    plot for [d=0:ndev-1] csv using "cycle":(val("socket_fd", d)) with linespoints pt 7 ps 0.4 title title("socket fd", d), \
         for [d=0:ndev-1] csv using "cycle":(val("sockets_in_use", d)) with lines lw 2 title title("in use", d), \
         for [d=0:ndev-1] csv using "cycle":(val("slots_after_teardown", d)) with lines dt 2 title title("after teardown", d)
    }

    if (want("heap")) {
    set output sprintf("%s/heap.%s", out, ext)
    set title "lwIP heap: free and lowest-ever free"
    set ylabel "bytes"
    plot for [d=0:ndev-1] csv using "cycle":(val("heap_free", d)) with lines title title("free", d), \
         for [d=0:ndev-1] csv using "cycle":(val("heap_min_free", d)) with lines dt 2 title title("lowest free", d)
    }

    if (want("connack")) {
    set output sprintf("%s/connack.%s", out, ext)
    set title "carrier up to CONNACK"
    set ylabel "ms"
    plot for [d=0:ndev-1] csv using "cycle":(val("connack_ms", d)) with points pt 7 ps 0.4 title title("connack", d)
    }

    set output sprintf("%s/status.%s", out, ext)
    set title "reconnect per cycle (1 ok, 0 failed)"
    set ylabel "ok"
    set yrange [-0.2:1.2]
    plot for [d=0:ndev-1] csv using "cycle":(ok(d) + 0.01 * d) with points pt 7 ps 0.5 title title("ok", d)
    unset yrange

    if (want("pools")) {
    set output sprintf("%s/pools.%s", out, ext)
    set title "lwIP pools in use"
    set ylabel "entries"
    plot for [d=0:ndev-1] csv using "cycle":(val("memp_netconn_used", d)) with lines title title("NETCONN", d), \
         for [d=0:ndev-1] csv using "cycle":(val("memp_tcp_pcb_used", d)) with lines title title("TCP_PCB", d), \
         for [d=0:ndev-1] csv using "cycle":(val("tcp_time_wait", d)) with lines dt 2 title title("TIME_WAIT", d), \
         for [d=0:ndev-1] csv using "cycle":(val("memp_pbuf_pool_used", d)) with lines title title("PBUF_POOL", d)
    }
    unset output
}
