# netflap's plots, as PNG and SVG. One script for both `netflap plot RUN_DIR`
# and scripts/plot.sh (no netflap binary needed).
# Usage: gnuplot -c plots.gp PLOT.DAT OUTDIR NLINES TITLES [PANELS [FAULTS COLOUR [MARKS]]]
#   PLOT.DAT: "cycle NAME_0 .. NAME_{NLINES-1} ..." per line (netflap plot
#     writes it as plots/plot.dat: a line per device, or a fleet's median,
#     lowest and highest; at most 2000 points a line)
#   TITLES: NLINES words naming the lines ("d0 d1", "median lowest highest")
#   PANELS: the panels with data, e.g. "sockets connack status" (default all
#     but tls, which only a device.tls run has);
#     a panel with no point at all would stop gnuplot.
#   FAULTS: the fault names in their list order (the fault_K column is an
#     index into it); COLOUR: 1 to colour the status and CONNACK points by fault.
#   MARKS: "FIRST EXHAUSTION", the first finding's cycle and the cycle the
#     stack ran out (seen or predicted), -1 for none: vertical lines on every panel.
dat = ARG1
out = ARG2
n = int(ARG3)
titles = ARG4
panels = ARGC >= 5 ? ARG5 : "sockets heap connack status pools"
want(p) = strstrt(" ".panels." ", " ".p." ") > 0
faults = ARGC >= 6 ? ARG6 : ""
colour = ARGC >= 7 && ARG7 eq "1"
marks = ARGC >= 8 ? ARG8 : "-1 -1"
mark1 = word(marks, 1) + 0
mark2 = word(marks, 2) + 0
if (mark1 >= 0) { set arrow 1 from mark1, graph 0 to mark1, graph 1 nohead dt 3 lw 2 lc rgb "#c00000" }
if (mark2 >= 0) { set arrow 2 from mark2, graph 0 to mark2, graph 1 nohead dt 2 lw 2 lc rgb "#c00000" }

set datafile separator whitespace
set datafile columnheaders
set datafile missing "NaN"
set grid
set key outside right top
set xlabel "cycle"

col(name, k) = sprintf("%s_%d", name, k)
title(what, k) = n > 1 ? sprintf("%s %s", what, word(titles, k + 1)) : what

do for [ext in "png svg"] {
    if (ext eq "png") { set terminal pngcairo size 1000,420 noenhanced } else { set terminal svg size 1000,420 dynamic noenhanced }

    if (want("sockets")) {
    set output sprintf("%s/sockets.%s", out, ext)
    set title "socket index and slots in use (the field report's instrument)"
    set ylabel "slots"
    plot for [k=0:n-1] dat using "cycle":col("socket_fd", k) with linespoints pt 7 ps 0.4 title title("socket fd", k), \
         for [k=0:n-1] dat using "cycle":col("sockets_in_use", k) with lines lw 2 title title("in use", k), \
         for [k=0:n-1] dat using "cycle":col("slots_after_teardown", k) with lines dt 2 title title("after teardown", k)
    }

    if (want("heap")) {
    set output sprintf("%s/heap.%s", out, ext)
    set title "lwIP heap: free and lowest-ever free"
    set ylabel "bytes"
    plot for [k=0:n-1] dat using "cycle":col("heap_free", k) with lines title title("free", k), \
         for [k=0:n-1] dat using "cycle":col("heap_min_free", k) with lines dt 2 title title("lowest free", k)
    }

    if (want("connack")) {
    set output sprintf("%s/connack.%s", out, ext)
    set title "carrier up to CONNACK"
    set ylabel "ms"
    if (colour) {
    plot for [k=0:n-1] dat using "cycle":col("connack_ms", k):(column(col("fault", k)) + 1) with points pt 7 ps 0.4 lc variable notitle, \
         for [i=1:words(faults)] keyentry with points pt 7 lc i title word(faults, i)
    } else {
    plot for [k=0:n-1] dat using "cycle":col("connack_ms", k) with points pt 7 ps 0.4 title title("connack", k)
    }
    }

    set output sprintf("%s/status.%s", out, ext)
    set title "reconnect per cycle (1 ok, 0 failed)"
    set ylabel "ok"
    set yrange [-0.2:1.2]
    if (colour) {
    plot for [k=0:n-1] dat using "cycle":(column(col("ok", k)) + 0.01 * k):(column(col("fault", k)) + 1) with points pt 7 ps 0.5 lc variable notitle, \
         for [i=1:words(faults)] keyentry with points pt 7 lc i title word(faults, i)
    } else {
    plot for [k=0:n-1] dat using "cycle":(column(col("ok", k)) + 0.01 * k) with points pt 7 ps 0.5 title title("ok", k)
    }
    unset yrange

    if (want("pools")) {
    set output sprintf("%s/pools.%s", out, ext)
    set title "lwIP pools in use"
    set ylabel "entries"
    plot for [k=0:n-1] dat using "cycle":col("memp_netconn_used", k) with lines title title("NETCONN", k), \
         for [k=0:n-1] dat using "cycle":col("memp_tcp_pcb_used", k) with lines title title("TCP_PCB", k), \
         for [k=0:n-1] dat using "cycle":col("tcp_time_wait", k) with lines dt 2 title title("TIME_WAIT", k), \
         for [k=0:n-1] dat using "cycle":col("memp_pbuf_pool_used", k) with lines title title("PBUF_POOL", k)
    }
    if (want("tls")) {
    set output sprintf("%s/tls.%s", out, ext)
    set title "mbedTLS heap (device.tls): held at the row, the attempt's peak, held after teardown"
    set ylabel "bytes"
    plot for [k=0:n-1] dat using "cycle":col("tls_heap_used", k) with lines title title("held", k), \
         for [k=0:n-1] dat using "cycle":col("tls_heap_peak", k) with lines dt 3 title title("peak", k), \
         for [k=0:n-1] dat using "cycle":col("tls_heap_after_teardown", k) with lines lw 2 title title("after teardown", k)
    }
    unset output
}
