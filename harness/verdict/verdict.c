/* The verdict engine (see verdict.h). */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "escape.h"
#include "verdict.h"
#include "verdict_int.h"
#include "verdict_link.h"
#include "verdict_path.h"

static const char *const class_names[NF_NCLASSES] = {
    [NF_SLOT_LEAK] = "socket-slot leak",  [NF_POOL_LEAK] = "pool leak",
    [NF_HEAP_LEAK] = "heap leak",         [NF_STALL] = "reconnect stall",
    [NF_SLOWDOWN] = "reconnect slowdown", [NF_TLS_HEAP_LEAK] = "TLS heap leak",
    [NF_CRASH] = "device crash",          [NF_CLOSING_HOLD] = "closing hold",
    [NF_TLS_UNVERIFIED] = "TLS certificate not verified",
    [NF_ND6_GROWTH] = "neighbour-discovery growth",
    [NF_DAD_IGNORED] = "duplicate address used",
    [NF_IP4_FALLBACK] = "IPv4 fallback",
    [NF_STALE_PREFIX] = "stale prefix kept",
    [NF_LATE_RELEASE] = "late release",   [NF_SLOW] = "slow reconnect",
};

const char *nf_class_name(enum nf_class c)
{
	return class_names[c];
}

static const struct {
	const char *name, *why;
} exemptions[NF_NEXEMPT] = {
#define NF_X(name, why) {#name, why},
    NF_EXEMPTIONS(NF_X)
#undef NF_X
};

const char *nf_exempt_name(enum nf_exempt e)
{
	return exemptions[e].name;
}

const char *nf_exempt_why(enum nf_exempt e)
{
	return exemptions[e].why;
}

static void slot_leak(struct nf_verdict *v, int dev, const struct nf_series *s, int64_t settle,
		      struct pt *p)
{
	struct trend t;
	int n = nf_vd_collect(s, C_AFTER_TEARDOWN, -1, settle, false, p);
	int64_t seen = nf_vd_first_status(s, nf_status_name(NF_ST_socket_failed));
	bool by_index = n == 0;

	/* rows without the stack's slot count (a real board's: no probe reads its
	 * table) judge the socket index it got: lwIP gives the lowest free slot,
	 * so an index that climbs for good is slots kept */
	if (by_index) {
		int k = 0;
		n = nf_vd_collect(s, C_SOCKET_FD, -1, settle, false, p);
		for (int i = 0; i < n; i++)
			if (p[i].value >= 0)
				p[k++] = p[i];
		n = k;
	}

	/* once the table is full the count stops: saturation, not a slower leak */
	for (int i = 0; seen != NF_UNSET && i < n; i++)
		if (p[i].cycle >= seen) {
			n = i + 1;
			break;
		}
	if (!nf_vd_rising(p, n, EXACT, &t))
		return;
	struct nf_finding *f = nf_vd_add_rising(v, dev, NF_SLOT_LEAK, "sockets", &t, p, n, EXACT);
	if (!f)
		return;
	int64_t limit = NF_UNSET; /* the last row that said it (a board's silent rows do not) */
	for (size_t i = s->n; i-- > 0 && limit == NF_UNSET;)
		limit = s->v[i][C_SOCKET_SLOTS];
	if (seen != NF_UNSET) {
		f->exhaustion = seen;
		f->exhaustion_seen = true;
	} else if (limit != NF_UNSET && t.slope > 0) {
		f->exhaustion =
		    t.last_cycle + (int64_t)((double)(limit - t.last) / t.slope + 0.999);
	}
	int len = snprintf(f->summary, sizeof(f->summary),
			   "%.2g socket slot%s kept per cycle from cycle %" PRId64 "%s", t.slope,
			   t.slope == 1 ? "" : "s", f->first_cycle,
			   by_index ? " (the socket index it got climbs)" : "");
	if (f->exhaustion != NF_UNSET && limit != NF_UNSET)
		snprintf(f->summary + len, sizeof(f->summary) - (size_t)len,
			 "; %" PRId64 " slots %s at cycle %" PRId64, limit,
			 f->exhaustion_seen ? "exhausted" : "predicted exhausted", f->exhaustion);
	len = (int)strlen(f->summary);
	if (f->predictable_from != NF_UNSET)
		snprintf(f->summary + len, sizeof(f->summary) - (size_t)len,
			 "; predictable from cycle %" PRId64, f->predictable_from);
}

/* the pools judged; in_flight: entries a sound stack may hold at the
 * row's moment by timing alone (a frame received and not yet read: the
 * broker's SUBACK lands before or after the row is taken, more often on a
 * loaded machine), which a rise must exceed to be a leak */
static const struct {
	int col, minus;
	const char *name;
	int in_flight;
} pools[] = {
    {C_NETCONN, -1, "NETCONN", 0}, {C_TCP_PCB, C_LINGER, "TCP_PCB", 0},
    {C_UDP_PCB, -1, "UDP_PCB", 0},  {C_RAW_PCB, -1, "RAW_PCB", 0},
    {C_PBUF, -1, "PBUF_POOL", 1},
};

static void pool_leaks(struct nf_verdict *v, int dev, const struct nf_series *s, int64_t settle,
		       struct pt *p)
{
	for (size_t k = 0; k < sizeof(pools) / sizeof(pools[0]); k++) {
		struct trend t;
		int n = nf_vd_collect(s, pools[k].col, pools[k].minus, settle, false, p);
		if (!nf_vd_rising(p, n, NOISY, &t) && !t.in_flight && !t.one_step)
			continue;
		if (t.top - t.base <= pools[k].in_flight) {
			v->exempt[NF_EX_pbuf_in_flight]++;
			continue;
		}
		if (t.in_flight || t.one_step) {
			v->exempt[t.in_flight ? NF_EX_in_flight_level : NF_EX_one_step]++;
			continue;
		}
		struct nf_finding *f =
		    nf_vd_add_rising(v, dev, NF_POOL_LEAK, pools[k].name, &t, p, n, NOISY);
		if (!f)
			return;
		snprintf(f->summary, sizeof(f->summary),
			 "%s in use grows %.3g per cycle from cycle %" PRId64 " (%" PRId64
			 " at baseline, %" PRId64 " now%s)",
			 pools[k].name, t.slope, f->first_cycle, t.base, t.last,
			 pools[k].minus >= 0 ? ", TIME_WAIT and closing pcbs excluded" : "");
	}
}

/* What mbedTLS holds right after each teardown (its CA, a saved session)
 * is the same every cycle; growing, a reconnect path keeps TLS memory: an
 * SSL context not freed, a failed handshake that skipped
 * mbedtls_ssl_free(). Whichever heap mbedTLS has (device.tls_heap), its
 * counted bytes are the series; a first refused allocation is the
 * exhaustion seen. */
static void tls_heap_leak(struct nf_verdict *v, int dev, const struct nf_series *s,
			  int64_t settle, struct pt *p)
{
	struct trend t;
	int n = nf_vd_collect(s, C_TLS_AFTER, -1, settle, false, p);

	if (!nf_vd_rising(p, n, NOISY, &t) || t.top - t.base < HEAP_BLOCK)
		return;
	struct nf_finding *f = nf_vd_add_rising(v, dev, NF_TLS_HEAP_LEAK, "tls heap", &t, p, n, NOISY);
	if (!f)
		return;
	for (size_t i = 0; i < s->n && f->exhaustion == NF_UNSET; i++)
		if (s->v[i][C_TLS_FAILS] != NF_UNSET && s->v[i][C_TLS_FAILS] > 0) {
			f->exhaustion = s->v[i][C_CYCLE];
			f->exhaustion_seen = true;
		}
	snprintf(f->summary, sizeof(f->summary),
		 "mbedTLS holds %.3g bytes more after each teardown from cycle %" PRId64
		 " (%" PRId64 " at baseline, %" PRId64 " now)%s",
		 t.slope, f->first_cycle, t.base, t.last,
		 f->exhaustion_seen ? "; its heap refused an allocation" : "");
}

/* TLS certificate not verified: the broker presented a certificate the
 * run made one to refuse (broker.tls_cert) and the device still opened
 * sessions over it. Every such session is the finding, whichever client
 * made it: a TLS layer that verifies optionally (lwIP's altcp_tls_mbedtls
 * defaults to MBEDTLS_SSL_VERIFY_OPTIONAL) and never checks the result. */
static void tls_unverified(struct nf_verdict *v, int dev, const struct nf_series *s,
			   const char *cert)
{
	struct nf_finding *f = NULL;
	int64_t n = 0;

	for (size_t i = 0; cert[0] && i < s->n; i++) {
		if (strcmp(s->status[i], "ok"))
			continue;
		if (!f) {
			if (!(f = nf_vd_add(v, dev, NF_TLS_UNVERIFIED, "tls")))
				return;
			f->first_cycle = s->v[i][C_CYCLE];
		}
		n += nf_row_weight(s, i);
		if (f->nev < NF_EVIDENCE) {
			f->ev_cycle[f->nev] = s->v[i][C_CYCLE];
			f->ev_value[f->nev] = NF_UNSET;
			snprintf(f->ev_status[f->nev++], NF_STATUS_MAX, "%s", s->status[i]);
		}
	}
	if (!f)
		return;
	snprintf(f->summary, sizeof(f->summary),
		 "%" PRId64 " reconnect%s from cycle %" PRId64 " opened a session with a broker "
		 "whose certificate a client must refuse (broker.tls_cert = %s): the device's TLS "
		 "did not enforce certificate verification",
		 n, n == 1 ? "" : "s", f->first_cycle, cert);
}

/* what device d's rows hold: rows, ok rows, its last cycle */
static void seen(const struct nf_series *s, struct nf_dev_seen *out)
{
	out->last_cycle = s->n ? s->v[s->n - 1][C_CYCLE] + nf_row_weight(s, s->n - 1) - 1 : NF_UNSET;
	out->cycles_per_row = s->unit > 1 ? s->unit : 1;
	for (size_t i = 0; i < s->n; i++) {
		out->rows += nf_row_weight(s, i);
		out->ok += nf_status_is_ok(s->status[i]) ? nf_row_weight(s, i) : 0;
	}
}

void nf_verdict_compute(const struct nf_rows *rows, const struct nf_verdict_cfg *cfg,
			struct nf_verdict *v)
{
	struct thirds fleet;
	int64_t last = 0;

	memset(v, 0, sizeof(*v));
	v->planned = NF_UNSET;
	v->ndev = rows->ndev;
	v->seen = calloc((size_t)rows->ndev + 1, sizeof(*v->seen));
	if (!v->seen) { /* said, and the run is not called clean for it */
		v->unjudged = rows->ndev;
		return;
	}
	for (int d = 0; d < rows->ndev; d++)
		for (size_t i = 0; i < rows->dev[d].n; i++)
			last = rows->dev[d].v[i][C_CYCLE] > last ? rows->dev[d].v[i][C_CYCLE] : last;
	nf_vd_connack_thirds(rows, NULL, cfg->settle_cycles, last, &fleet,
			     &v->exempt[NF_EX_connack_after_carrier_kept]);
	for (int d = 0; d < rows->ndev; d++) {
		const struct nf_series *s = &rows->dev[d];
		struct pt *p = malloc((s->n + 1) * sizeof(*p));
		int first = v->n;
		seen(s, &v->seen[d]);
		if (!p) { /* said, and the run is not called clean for it */
			v->unjudged++;
			continue;
		}
		if (s->n && v->seen[d].last_cycle > v->cycles)
			v->cycles = v->seen[d].last_cycle;
		slot_leak(v, d, s, cfg->settle_cycles, p);
		pool_leaks(v, d, s, cfg->settle_cycles, p);
		nf_vd_heap(v, d, s, cfg->settle_cycles, cfg->stall_cycles, p);
		tls_heap_leak(v, d, s, cfg->settle_cycles, p);
		tls_unverified(v, d, s, cfg->bad_cert);
		nf_vd_ip6(v, d, s, cfg->settle_cycles, p);
		nf_vd_status(v, d, s, cfg->settle_cycles, cfg->stall_cycles);
		nf_vd_slowdown(v, d, rows, cfg->settle_cycles, last, &fleet);
		nf_verdict_link(v, d, s, first);
		nf_verdict_paths(v, d, s, first);
		v->seen[d].judged = true;
		free(p);
	}
	nf_vd_fleet_slowdown(v, rows, cfg->settle_cycles, last, &fleet);
}
