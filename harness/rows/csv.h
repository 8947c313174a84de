/* cycles.csv: one row per device per cycle, header first, flushed per
 * row. The columns are one list (csv.c); results/README.md documents it. */
#ifndef NETFLAP_CSV_H
#define NETFLAP_CSV_H

#include <stdio.h>

#include "engine.h"

/* Where a column's value comes from. */
enum nf_csv_src {
	S_CYCLE,
	S_DEVICE,
	S_T_START,
	S_DOWN,
	S_UP,
	S_SINCE_UP, /* a report time minus the carrier-up time, ms */
	S_REPORT, /* a report field */
	S_SYN,
	S_FIN,
	S_RST,
	S_STATUS,
	S_CUT,   /* the row's cut phase, by name */
	S_FAULT, /* the cycle's fault, by name */
	S_CAUSE, /* why the cycle's teardown came, a status word */
	S_ADDR,  /* a report field holding an IPv4 address, dotted */
	S_ADDR6, /* two report fields (hi, then lo) holding an IPv6 address */
	S_PROGRESS, /* a failed row: 1 the device was still on its way, 0 not */
	S_REBOOTS,  /* device.on_crash = restart: restarts so far */
	S_CRASH,    /* a crash row: its cause (no commas: they become ';') */
	S_PRESSURE  /* the machine's CPU pressure since the device's last row (nf_wire) */
};

/* The columns of cycles.csv, in file order: X(name, source, report field).
 * The writer and the reader (rows.c) both use this one list; append new
 * columns at the end, never reorder (results/README.md documents each). */
#define NF_CSV_COLUMNS(X) \
	X(cycle, S_CYCLE, 0) \
	X(device, S_DEVICE, 0) \
	X(t_start_ms, S_T_START, 0) \
	X(down_ms, S_DOWN, 0) \
	X(up_ms, S_UP, 0) \
	X(connack_ms, S_SINCE_UP, NF_R_t_connack) \
	X(reconnect_ok, S_REPORT, NF_R_reconnect_ok) \
	X(reconnect_fail, S_REPORT, NF_R_reconnect_fail) \
	X(reconnect_total, S_REPORT, NF_R_reconnect_total) \
	X(socket_fd, S_REPORT, NF_R_socket_fd) \
	X(sockets_in_use, S_REPORT, NF_R_slots_in_use) \
	X(socket_slots, S_REPORT, NF_R_socket_limit) \
	X(close_rc, S_REPORT, NF_R_close_rc) \
	X(close_errno, S_REPORT, NF_R_close_errno) \
	X(heap_free, S_REPORT, NF_R_heap_free) \
	X(heap_min_free, S_REPORT, NF_R_heap_min_free) \
	X(memp_netconn_used, S_REPORT, NF_R_netconn_used) \
	X(memp_tcp_pcb_used, S_REPORT, NF_R_tcp_pcb_used) \
	X(memp_pbuf_pool_used, S_REPORT, NF_R_pbuf_pool_used) \
	X(ping_ok, S_REPORT, NF_R_ping_ok) \
	X(syn, S_SYN, 0) \
	X(fin, S_FIN, 0) \
	X(rst, S_RST, 0) \
	X(status, S_STATUS, 0) \
	X(socket_errno, S_REPORT, NF_R_socket_errno) \
	X(shutdown_rc, S_REPORT, NF_R_shutdown_rc) \
	X(shutdown_errno, S_REPORT, NF_R_shutdown_errno) \
	X(slots_pinned, S_REPORT, NF_R_slots_pinned) \
	X(slots_closing, S_REPORT, NF_R_slots_closing) \
	X(slots_after_teardown, S_REPORT, NF_R_slots_after_teardown) \
	X(num_sockets, S_REPORT, NF_R_num_sockets) \
	X(memp_udp_pcb_used, S_REPORT, NF_R_udp_pcb_used) \
	X(memp_raw_pcb_used, S_REPORT, NF_R_raw_pcb_used) \
	X(memp_tcp_pcb_listen_used, S_REPORT, NF_R_tcp_pcb_listen_used) \
	X(memp_netconn_err, S_REPORT, NF_R_netconn_err) \
	X(tcp_time_wait, S_REPORT, NF_R_tcp_time_wait) \
	X(publishes, S_REPORT, NF_R_publishes) \
	X(lease_ms, S_SINCE_UP, NF_R_t_lease) \
	X(dns_ms, S_SINCE_UP, NF_R_t_dns) \
	X(tcp_ms, S_SINCE_UP, NF_R_t_tcp) \
	X(heap_largest_free, S_REPORT, NF_R_heap_largest_free) \
	X(heap_time_wait, S_REPORT, NF_R_heap_time_wait) \
	X(so_keepalive, S_REPORT, NF_R_so_keepalive) \
	X(so_nodelay, S_REPORT, NF_R_so_nodelay) \
	X(so_rcvtimeo, S_REPORT, NF_R_so_rcvtimeo) \
	X(so_sndtimeo, S_REPORT, NF_R_so_sndtimeo) \
	X(so_linger0, S_REPORT, NF_R_so_linger0) \
	X(so_reuseaddr, S_REPORT, NF_R_so_reuseaddr) \
	X(cut_phase, S_CUT, 0) \
	X(fault, S_FAULT, 0) \
	X(teardown_cause, S_CAUSE, 0) \
	X(address, S_ADDR, NF_R_ip) \
	X(tcp_closing, S_REPORT, NF_R_tcp_closing) \
	X(unacked_bytes, S_REPORT, NF_R_unacked_bytes) \
	X(inflight, S_REPORT, NF_R_inflight) \
	X(rx_blocked, S_REPORT, NF_R_rx_blocked) \
	X(rx_exit_ms, S_REPORT, NF_R_rx_exit_ms) \
	X(link_passed, S_REPORT, NF_R_link_passed) \
	X(link_dropped, S_REPORT, NF_R_link_dropped) \
	X(link_bursts, S_REPORT, NF_R_link_bursts) \
	X(link_delayed, S_REPORT, NF_R_link_delayed) \
	X(link_duplicated, S_REPORT, NF_R_link_duplicated) \
	X(link_reordered, S_REPORT, NF_R_link_reordered) \
	X(link_corrupted, S_REPORT, NF_R_link_corrupted) \
	X(tls_handshake_ms, S_REPORT, NF_R_tls_handshake_ms) \
	X(tls_resumed, S_REPORT, NF_R_tls_resumed) \
	X(tls_error, S_REPORT, NF_R_tls_error) \
	X(tls_verify, S_REPORT, NF_R_tls_verify) \
	X(tls_heap_used, S_REPORT, NF_R_tls_heap_used) \
	X(tls_heap_peak, S_REPORT, NF_R_tls_heap_peak) \
	X(tls_heap_after_teardown, S_REPORT, NF_R_tls_heap_after_teardown) \
	X(tls_heap_fails, S_REPORT, NF_R_tls_heap_fails) \
	X(progress, S_PROGRESS, 0) \
	X(reboots, S_REBOOTS, 0) \
	X(crash, S_CRASH, 0) \
	X(heap_closing, S_REPORT, NF_R_heap_closing) \
	X(closing_queued, S_REPORT, NF_R_closing_queued) \
	X(tcp_xmit, S_REPORT, NF_R_tcp_xmit) \
	X(cpu_pressure, S_PRESSURE, 0) \
	X(app_1, S_REPORT, NF_R_app_1) \
	X(app_2, S_REPORT, NF_R_app_2) \
	X(app_3, S_REPORT, NF_R_app_3) \
	X(ip_family, S_REPORT, NF_R_ip_family) \
	X(dad_ms, S_SINCE_UP, NF_R_t_ip6) \
	X(ip6_state, S_REPORT, NF_R_ip6_state) \
	X(ip6_addrs, S_REPORT, NF_R_ip6_addrs) \
	X(nd6_neighbors, S_REPORT, NF_R_nd6_neighbors) \
	X(nd6_incomplete, S_REPORT, NF_R_nd6_incomplete) \
	X(nd6_dests, S_REPORT, NF_R_nd6_dests) \
	X(nd6_routers, S_REPORT, NF_R_nd6_routers) \
	X(nd6_prefixes, S_REPORT, NF_R_nd6_prefixes) \
	X(mld6_groups, S_REPORT, NF_R_mld6_groups) \
	X(nd6_queue, S_REPORT, NF_R_nd6_queue) \
	X(ip6_reass, S_REPORT, NF_R_ip6_reass) \
	X(ip_fallback, S_REPORT, NF_R_ip_fallback) \
	X(address6, S_ADDR6, NF_R_ip6_hi)

enum nf_csv_col {
#define NF_X(name, src, f) NF_COL_##name,
	NF_CSV_COLUMNS(NF_X)
#undef NF_X
	    NF_COL_COUNT
};

struct nf_wire {
	long syn, fin, rst; /* broker-port segments seen on the AP bridge, -1 no capture */
	int64_t cpu_pressure; /* per mille, NF_UNSET unknown (pressure.h) */
};

/* Writes the header. 0 or -errno. */
int nf_csv_header(FILE *f);
/* the header line's length in bytes, newline included */
size_t nf_csv_header_len(void);
/* the header line, newline included, into buf: 0 or -errno */
int nf_csv_header_text(char *buf, size_t len);
/* Writes and flushes one row, built in line (size bytes: NF_CSV_LINE_MAX;
 * it holds the row's text after, newline included). 0 or -errno (-ENOSPC on
 * a full disk: the rows before it stay whole). */
#define NF_CSV_LINE_MAX 4096
int nf_csv_row(FILE *f, const struct nf_row *row, const struct nf_wire *w, char *line,
	       size_t size);
/* Number of columns, and the name of column i (for readers and tests). */
int nf_csv_ncols(void);
const char *nf_csv_col(int i);

#endif
