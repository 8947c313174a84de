/* The stack's figures and the firmware's socket options into a report
 * (see figures.h). */
#include <stddef.h>
#include <stdio.h>

#include "figures.h"
#include "nf_probe.h"
#include "sockopts.h"

/* the stack's figures into a report: pools by name, one table */

static const struct {
	const char *pool;
	enum nf_report_field used; /* used, max, err are consecutive fields */
} pool_fields[] = {
    {"NETCONN", NF_R_netconn_used},
    {"TCP_PCB", NF_R_tcp_pcb_used},
    {"TCP_PCB_LISTEN", NF_R_tcp_pcb_listen_used},
    {"UDP_PCB", NF_R_udp_pcb_used},
    {"RAW_PCB", NF_R_raw_pcb_used},
    {"PBUF_POOL", NF_R_pbuf_pool_used},
};

/* device.sockopts, set as firmware does right after socket(); each
 * result goes in the row (0 or the errno), a failure is not an abort */
static const struct {
	enum nf_sockopt opt;
	int value;
	enum nf_report_field field;
} fw_sockopts[NF_FW_SO_COUNT] = {
    [NF_FW_SO_keepalive] = {NF_SO_KEEPALIVE, 1, NF_R_so_keepalive},
    [NF_FW_SO_nodelay] = {NF_SO_NODELAY, 1, NF_R_so_nodelay},
    [NF_FW_SO_rcvtimeo] = {NF_SO_RCVTIMEO, 5000, NF_R_so_rcvtimeo},
    [NF_FW_SO_sndtimeo] = {NF_SO_SNDTIMEO, 5000, NF_R_so_sndtimeo},
    [NF_FW_SO_linger0] = {NF_SO_LINGER, 0, NF_R_so_linger0},
    [NF_FW_SO_reuseaddr] = {NF_SO_REUSEADDR, 1, NF_R_so_reuseaddr},
};

void nf_figures_sockopts(struct nf_session *s, struct nf_report *r)
{
	for (unsigned i = 0; i < NF_FW_SO_COUNT; i++) {
		if (!(s->cfg->sockopts & (1u << i)))
			continue;
		int rc = nf_netio_setsockopt(&s->io, s->fd, fw_sockopts[i].opt, fw_sockopts[i].value);
		r->v[fw_sockopts[i].field] = -rc;
		if (rc < 0)
			fprintf(stderr, "netflap-device[%s]: setsockopt %s failed: errno %d\n",
				s->cfg->client_id, nf_fw_sockopt_name(i), -rc);
	}
}

/* device.ip6: what IPv6 holds, by report field (one list) */
static const struct {
	enum nf_report_field field;
	size_t off;
} ip6_fields[] = {
    {NF_R_ip6_state, offsetof(struct nf_probe_ip6, state)},
    {NF_R_ip6_addrs, offsetof(struct nf_probe_ip6, addrs)},
    {NF_R_nd6_neighbors, offsetof(struct nf_probe_ip6, neighbors)},
    {NF_R_nd6_incomplete, offsetof(struct nf_probe_ip6, incomplete)},
    {NF_R_nd6_dests, offsetof(struct nf_probe_ip6, dests)},
    {NF_R_nd6_routers, offsetof(struct nf_probe_ip6, routers)},
    {NF_R_nd6_prefixes, offsetof(struct nf_probe_ip6, prefixes)},
    {NF_R_mld6_groups, offsetof(struct nf_probe_ip6, mld_groups)},
    {NF_R_nd6_queue, offsetof(struct nf_probe_ip6, nd6_queue)},
    {NF_R_ip6_reass, offsetof(struct nf_probe_ip6, reass)},
};

/* a figure a stack does not keep is < 0 in the probe: '-' in the row */
static void figures_ip6(struct nf_session *s, struct nf_report *r)
{
	struct nf_probe_ip6 p;

	if (!s->cfg->ip6 || !s->ops->probe_ip6 || s->ops->probe_ip6(s->st, &p) < 0)
		return;
	for (size_t i = 0; i < sizeof(ip6_fields) / sizeof(ip6_fields[0]); i++) {
		int v = *(const int *)((const char *)&p + ip6_fields[i].off);
		r->v[ip6_fields[i].field] = v < 0 ? NF_UNSET : v;
	}
}

void nf_figures_probe(struct nf_session *s, struct nf_report *r)
{
	struct nf_probe p;

	figures_ip6(s, r);
	if (s->ops->probe(s->st, &p) < 0)
		return; /* the kernel stack: no table to read */
	r->v[NF_R_slots_in_use] = p.slots_in_use;
	r->v[NF_R_slots_pinned] = p.slots_pinned;
	r->v[NF_R_slots_closing] = p.slots_closing;
	r->v[NF_R_socket_limit] = p.socket_limit;
	r->v[NF_R_num_sockets] = p.num_sockets;
	r->v[NF_R_heap_free] = p.heap_free;
	r->v[NF_R_heap_min_free] = p.heap_min_free == NF_PROBE_UNKNOWN ? NF_UNSET : p.heap_min_free;
	r->v[NF_R_heap_largest_free] = p.heap_largest_free;
	r->v[NF_R_tcp_time_wait] = p.tcp_time_wait;
	r->v[NF_R_heap_time_wait] = p.heap_time_wait;
	r->v[NF_R_tcp_closing] = p.tcp_closing;
	/* empty where the heap's blocks cannot be read: never a partial sum */
	r->v[NF_R_heap_closing] = p.heap_closing_known ? (int64_t)p.heap_closing : NF_UNSET;
	r->v[NF_R_closing_queued] = p.closing_queued;
	r->v[NF_R_tcp_xmit] = p.tcp_xmit;
	for (size_t i = 0; i < sizeof(pool_fields) / sizeof(pool_fields[0]); i++) {
		const struct nf_pool_stat *ps = nf_probe_pool(&p, pool_fields[i].pool);
		if (!ps)
			continue;
		r->v[pool_fields[i].used] = ps->used;
		r->v[pool_fields[i].used + 1] = ps->max;
		r->v[pool_fields[i].used + 2] = ps->err;
	}
}

/* the impairment's counts by report field: one list (impair.h) */
static const struct {
	enum nf_report_field field;
	size_t off;
} link_fields[] = {
#define NF_X(name, help) {NF_R_link_##name, offsetof(struct nf_impair_counts, name)},
    NF_IMPAIR_COUNTS(NF_X)
#undef NF_X
};

void nf_figures_link(struct nf_session *s, struct nf_report *r)
{
	struct nf_impair_counts now;

	if (!s->ops->link_counts || s->ops->link_counts(s->st, &now) < 0)
		return;
	for (size_t i = 0; i < sizeof(link_fields) / sizeof(link_fields[0]); i++) {
		uint64_t a = *(const uint64_t *)((const char *)&now + link_fields[i].off);
		uint64_t b = *(const uint64_t *)((const char *)&s->link_base + link_fields[i].off);
		r->v[link_fields[i].field] = (int64_t)(a - b);
	}
	s->link_base = now;
}
