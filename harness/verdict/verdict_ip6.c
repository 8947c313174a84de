/* IPv6 across flaps (device.ip6): what neighbour discovery and MLD keep.
 * Each table is judged as the pools are, on the minimum of each block of
 * cycles: entries that age out on their timers (a neighbour's reachable
 * time, a router's or a prefix's lifetime) rise and fall back, so the
 * blocks' minima stay flat, and a level the table came back from is
 * counted as aging (the nd6_aged exemption); an entry kept per reconnect
 * raises every block's minimum, which is the finding. A table lwIP keeps
 * at a fixed size stops growing at its size (it then evicts): the rise
 * before that is what is found. */
#include <inttypes.h>
#include <stdio.h>

#include "verdict_int.h"

static const struct {
	int col;
	const char *name;
} tables[] = {
    {C_ND6_NEIGH, "neighbour cache"},  {C_ND6_DESTS, "destination cache"},
    {C_ND6_ROUTERS, "default routers"}, {C_ND6_PREFIXES, "prefix list"},
    {C_MLD6, "MLD groups"},            {C_ND6_QUEUE, "ND6 queue"},
};

void nf_vd_ip6(struct nf_verdict *v, int dev, const struct nf_series *s, int64_t settle,
	       struct pt *p)
{
	for (size_t k = 0; k < sizeof(tables) / sizeof(tables[0]); k++) {
		struct trend t;
		int n = nf_vd_collect(s, tables[k].col, -1, settle, false, p);
		if (!n || (!nf_vd_rising(p, n, NOISY, &t) && !t.in_flight && !t.one_step))
			continue; /* an IPv4 device's rows have none */
		if (t.in_flight || t.one_step) {
			v->exempt[t.in_flight ? NF_EX_nd6_aged : NF_EX_one_step]++;
			continue;
		}
		struct nf_finding *f =
		    nf_vd_add_rising(v, dev, NF_ND6_GROWTH, tables[k].name, &t, p, n, NOISY);
		if (!f)
			return;
		snprintf(f->summary, sizeof(f->summary),
			 "IPv6 %s entries grow %.3g per cycle from cycle %" PRId64 " (%" PRId64
			 " at baseline, %" PRId64 " now): kept across reconnects, not aged out",
			 tables[k].name, t.slope, f->first_cycle, t.base, t.last);
	}
}
