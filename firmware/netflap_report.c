/* netflap_report (see netflap_report.h). */
#include <stdio.h>
#include <string.h>

#include "netflap_report.h"

#if defined(NETFLAP_REPORT_LWIP_STATS) && NETFLAP_REPORT_LWIP_STATS
#include "lwip/memp.h"
#include "lwip/opt.h"
#include "lwip/stats.h"
#endif

void netflap_attempt_init(struct netflap_attempt *a)
{
	long *figures[] = {&a->phase,          &a->attempt,         &a->t_carrier_up,
			   &a->t_lease,        &a->t_dns,           &a->t_tcp,
			   &a->t_connack,      &a->socket_fd,       &a->socket_errno,
			   &a->shutdown_rc,    &a->shutdown_errno,  &a->close_rc,
			   &a->close_errno,    &a->socket_limit,    &a->reconnect_total,
			   &a->reconnect_ok,   &a->reconnect_fail,  &a->heap_free,
			   &a->heap_min_free};

	for (size_t i = 0; i < sizeof(figures) / sizeof(figures[0]); i++)
		*figures[i] = NETFLAP_NONE;
	a->status = "ok";
}

struct out {
	char *buf;
	size_t len, at;
	int full;
};

static void put(struct out *o, const char *key, long v)
{
	int n;

	if (v == NETFLAP_NONE || o->full)
		return;
	n = snprintf(o->buf + o->at, o->len - o->at, " %s=%ld", key, v);
	if (n < 0 || (size_t)n >= o->len - o->at)
		o->full = 1;
	else
		o->at += (size_t)n;
}

#if defined(NETFLAP_REPORT_LWIP_STATS) && NETFLAP_REPORT_LWIP_STATS
/* one memp pool's in-use, high-water mark and failures, as <name>_used ... */
static void put_pool(struct out *o, const char *name, const struct stats_mem *m)
{
	char key[40];

	if (!m)
		return;
	snprintf(key, sizeof(key), "%s_used", name);
	put(o, key, (long)m->used);
	snprintf(key, sizeof(key), "%s_max", name);
	put(o, key, (long)m->max);
	snprintf(key, sizeof(key), "%s_err", name);
	put(o, key, (long)m->err);
}

/* lwIP's public statistics: the heap (when the platform gave none) and pools */
static void put_lwip(struct out *o, const struct netflap_attempt *a)
{
#if MEM_STATS
	if (a->heap_free == NETFLAP_NONE) {
		put(o, "heap_free", (long)(lwip_stats.mem.avail - lwip_stats.mem.used));
		put(o, "heap_min_free", (long)(lwip_stats.mem.avail - lwip_stats.mem.max));
	}
#endif
#if MEMP_STATS
#if LWIP_NETCONN || LWIP_SOCKET
	put_pool(o, "netconn", lwip_stats.memp[MEMP_NETCONN]);
#endif
#if LWIP_TCP
	put_pool(o, "tcp_pcb", lwip_stats.memp[MEMP_TCP_PCB]);
	put_pool(o, "tcp_pcb_listen", lwip_stats.memp[MEMP_TCP_PCB_LISTEN]);
#endif
#if LWIP_UDP
	put_pool(o, "udp_pcb", lwip_stats.memp[MEMP_UDP_PCB]);
#endif
	put_pool(o, "pbuf_pool", lwip_stats.memp[MEMP_PBUF_POOL]);
#endif
#if LWIP_SOCKET
	if (a->socket_limit == NETFLAP_NONE) {
		put(o, "num_sockets", (long)MEMP_NUM_NETCONN);
		put(o, "socket_limit", (long)MEMP_NUM_NETCONN);
	}
#endif
}
#endif

int netflap_report_format(char *buf, size_t len, const struct netflap_attempt *a)
{
	struct out o = {buf, len, 0, 0};
	int n = snprintf(buf, len, "REPORT");

	if (n < 0 || (size_t)n >= len)
		return -1;
	o.at = (size_t)n;
	put(&o, "phase", a->phase);
	put(&o, "attempt", a->attempt);
	put(&o, "t_carrier_up", a->t_carrier_up);
	put(&o, "t_lease", a->t_lease);
	put(&o, "t_dns", a->t_dns);
	put(&o, "t_tcp", a->t_tcp);
	put(&o, "t_connack", a->t_connack);
	put(&o, "socket_fd", a->socket_fd);
	put(&o, "socket_errno", a->socket_errno);
	put(&o, "shutdown_rc", a->shutdown_rc);
	put(&o, "shutdown_errno", a->shutdown_errno);
	put(&o, "close_rc", a->close_rc);
	put(&o, "close_errno", a->close_errno);
	put(&o, "socket_limit", a->socket_limit);
	put(&o, "reconnect_total", a->reconnect_total);
	put(&o, "reconnect_ok", a->reconnect_ok);
	put(&o, "reconnect_fail", a->reconnect_fail);
	put(&o, "heap_free", a->heap_free);
	put(&o, "heap_min_free", a->heap_min_free);
#if defined(NETFLAP_REPORT_LWIP_STATS) && NETFLAP_REPORT_LWIP_STATS
	put_lwip(&o, a);
#endif
	if (o.full)
		return -1;
	n = snprintf(buf + o.at, len - o.at, " status=%s", a->status ? a->status : "ok");
	if (n < 0 || (size_t)n >= len - o.at)
		return -1;
	return (int)(o.at + (size_t)n);
}

int netflap_report_send(const struct netflap_attempt *a, netflap_report_sink sink, void *ctx)
{
	char line[NETFLAP_REPORT_MAX];
	int n = netflap_report_format(line, sizeof(line), a);

	if (n < 0)
		return -1;
	sink(line, (size_t)n, ctx);
	return 0;
}
