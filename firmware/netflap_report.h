/* netflap_report: the one file a firmware adds so netflap can judge a real
 * board (device.kind = external). C99, no heap, no lwIP internals: it
 * formats one report line per reconnect attempt, in the key=value format
 * netflap's own simulated device speaks, from what the firmware knows (the
 * attempt's outcome, the socket it got, its last close's results, optional
 * platform heap figures) and, with NETFLAP_REPORT_LWIP_STATS set to 1,
 * lwIP's public statistics (lwip_stats: the heap and the memp pools; the
 * lwipopts.h of the firmware needs LWIP_STATS, MEM_STATS and MEMP_STATS).
 * The line goes to a callback: the firmware's MQTT publish (topic
 * netflap/<client id>/report, on netflap's broker) or its console (a line
 * that starts "NETFLAP "). See docs/real-board.md. */
#ifndef NETFLAP_REPORT_FW_H
#define NETFLAP_REPORT_FW_H

#include <stddef.h>

/* a figure the firmware does not have */
#define NETFLAP_NONE (-2147483647L - 1L)

/* the longest line netflap_report_format writes, its terminator included */
#define NETFLAP_REPORT_MAX 1024

struct netflap_attempt {
	const char *status; /* a netflap status word: ok, dhcp_timeout, dns_failed,
			       socket_failed, connect_failed, timeout, connack_failed, ... */
	long phase;   /* link-ups the firmware has seen, from 1 (counts carrier/AP returns) */
	long attempt; /* reconnect attempt within this link-up, from 1 */
	long t_carrier_up, t_lease, t_dns, t_tcp, t_connack; /* ms, one clock of the board's */
	long socket_fd, socket_errno;      /* what socket() returned (-1 failed), its errno */
	long shutdown_rc, shutdown_errno;  /* the last teardown's shutdown() */
	long close_rc, close_errno;        /* the last teardown's close() */
	long socket_limit;                 /* usable socket slots (NETFLAP_NONE: lwIP's own) */
	long reconnect_total, reconnect_ok, reconnect_fail; /* so far */
	long heap_free, heap_min_free; /* the platform's heap (xPortGetFreeHeapSize,
					  heap_caps_get_free_size); NETFLAP_NONE: lwIP's */
};

/* every figure NETFLAP_NONE, status "ok" */
void netflap_attempt_init(struct netflap_attempt *a);

/* "REPORT k=v ... status=word" into buf (no newline). The length, or -1
 * when len is too small (NETFLAP_REPORT_MAX always fits). */
int netflap_report_format(char *buf, size_t len, const struct netflap_attempt *a);

/* Formats the line on the stack and hands it to sink. 0, or -1. */
typedef void (*netflap_report_sink)(const char *line, size_t len, void *ctx);
int netflap_report_send(const struct netflap_attempt *a, netflap_report_sink sink, void *ctx);

#endif
