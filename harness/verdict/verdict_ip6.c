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

#include "faults.h"
#include "proto.h"
#include "verdict_int.h"

static const struct {
	int col;
	const char *name;
} tables[] = {
    {C_ND6_NEIGH, "neighbour cache"},  {C_ND6_DESTS, "destination cache"},
    {C_ND6_ROUTERS, "default routers"}, {C_ND6_PREFIXES, "prefix list"},
    {C_MLD6, "MLD groups"},            {C_ND6_QUEUE, "ND6 queue"},
};

/* the faults that take IPv6 away from a cycle: there, a dual-stack device
 * preferring IPv6 is right to go over IPv4 */
static bool ip6_taken(int64_t fault)
{
	return fault == NF_FAULT_dad_conflict || fault == NF_FAULT_blackhole6;
}

struct tally6 {
	int64_t n, first;
};

static void count(struct tally6 *t, const struct nf_series *s, size_t i)
{
	t->n += nf_row_weight(s, i);
	if (t->first == NF_UNSET)
		t->first = s->v[i][C_CYCLE];
}

/* dad_conflict: the AP answered the device's duplicate address detection
 * for the address it was making, so a session over IPv6 in that cycle ran
 * on an address another node held (the field's looped-back DAD bugs make
 * the same mistake the other way). And a dual-stack device preferring
 * IPv6 that went over IPv4 when no fault took IPv6 away: its IPv6 should
 * have worked (rows: ip_fallback). */
static void used_wrongly(struct nf_verdict *v, int dev, const struct nf_series *s)
{
	struct tally6 dup = {0, NF_UNSET}, fb = {0, NF_UNSET};
	struct nf_finding *f;

	for (size_t i = 0; i < s->n; i++) {
		if (!nf_status_is_ok(s->status[i]))
			continue;
		if (s->v[i][C_FAULT] == NF_FAULT_dad_conflict && s->v[i][C_FAMILY] == 6)
			count(&dup, s, i);
		if (s->v[i][C_FALLBACK] == 1 && !ip6_taken(s->v[i][C_FAULT]))
			count(&fb, s, i);
	}
	if (dup.n && (f = nf_vd_add(v, dev, NF_DAD_IGNORED, "dad"))) {
		f->first_cycle = dup.first;
		snprintf(f->summary, sizeof(f->summary),
			 "%" PRId64 " dad_conflict cycles, from cycle %" PRId64 ", ended in a "
			 "session over IPv6 on an address another node answered for: its "
			 "duplicate address detection did not stop it", dup.n, dup.first);
	}
	if (fb.n && (f = nf_vd_add(v, dev, NF_IP4_FALLBACK, "ip6"))) {
		f->first_cycle = fb.first;
		snprintf(f->summary, sizeof(f->summary),
			 "%" PRId64 " reconnects, from cycle %" PRId64 ", went over IPv4 though "
			 "IPv6 was preferred and no fault took it away: IPv6 had no address in "
			 "three quarters of the attempt", fb.n, fb.first);
	}
}

/* ra_renumber: the LAN moved to another prefix while the device was off
 * it, and one prefix is advertised at a time, so a device that forgot the
 * old network at the carrier loss holds one. A renumbered cycle that did
 * not reconnect while the device held more is the old prefix kept (a port
 * that calls netif_set_link_down alone): its address in it is answered by
 * nothing. A renumbered cycle that failed holding one is left to the
 * other classes. */
static void stale_prefix(struct nf_verdict *v, int dev, const struct nf_series *s)
{
	struct tally6 t = {0, NF_UNSET};
	int64_t most = 0;
	struct nf_finding *f;

	for (size_t i = 0; i < s->n; i++)
		if (s->v[i][C_FAULT] == NF_FAULT_ra_renumber && !nf_status_is_ok(s->status[i]) &&
		    s->v[i][C_ND6_PREFIXES] != NF_UNSET && s->v[i][C_ND6_PREFIXES] > 1) {
			count(&t, s, i);
			most = s->v[i][C_ND6_PREFIXES] > most ? s->v[i][C_ND6_PREFIXES] : most;
		}
	if (t.n && (f = nf_vd_add(v, dev, NF_STALE_PREFIX, "ip6"))) {
		f->first_cycle = t.first;
		snprintf(f->summary, sizeof(f->summary),
			 "%" PRId64 " ra_renumber cycles, from cycle %" PRId64 ", did not reconnect "
			 "with the device holding %" PRId64 " prefixes where one was advertised: the "
			 "old network's prefix and address were kept through the carrier loss",
			 t.n, t.first, most);
	}
}

void nf_vd_ip6(struct nf_verdict *v, int dev, const struct nf_series *s, int64_t settle,
	       struct pt *p)
{
	used_wrongly(v, dev, s);
	stale_prefix(v, dev, s);
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
