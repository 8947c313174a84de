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
    [NF_LATE_RELEASE] = "late release",   [NF_SLOW] = "slow reconnect",
};

const char *nf_class_name(enum nf_class c)
{
	return class_names[c];
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}


int nf_vd_cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}
/* Theil-Sen slope of the block statistics */
static double ts_slope(const double *x, const double *y, int n)
{
	double s[MAX_BLOCKS * MAX_BLOCKS];
	int k = 0;

	for (int i = 0; i < n; i++)
		for (int j = i + 1; j < n; j++)
			if (x[j] != x[i])
				s[k++] = (y[j] - y[i]) / (x[j] - x[i]);
	if (!k)
		return 0;
	qsort(s, (size_t)k, sizeof(s[0]), cmp_double);
	return k % 2 ? s[k / 2] : (s[k / 2 - 1] + s[k / 2]) / 2;
}

/* A block's statistic: its minimum (a transient rise of a counter, an
 * allocation in flight, is not kept); for a noisy figure the second
 * smallest, so one odd cycle (a buffer let go for a cycle: a dip of the
 * negated free heap) is not taken for a level either. */
static int64_t block_stat(const struct pt *p, int n, bool noisy)
{
	int64_t m1 = INT64_MAX, m2 = INT64_MAX;

	for (int i = 0; i < n; i++) {
		if (p[i].value < m1) {
			m2 = m1;
			m1 = p[i].value;
		} else if (p[i].value < m2) {
			m2 = p[i].value;
		}
	}
	return noisy && n >= 4 ? m2 : m1;
}

/* Is the series rising for good? Block minimums must end above the first
 * block's and mostly not fall; a spike in one block cannot do that. Noisy
 * figures (pools, heap) need min_blocks >= 4, the last two blocks above the
 * first and two separate rises; the slot count after teardown is exact and
 * needs 2 blocks. */
bool nf_vd_rising(const struct pt *p, int n, int min_blocks, struct trend *t)
{
	double bx[MAX_BLOCKS], by[MAX_BLOCKS];
	int nb = n / 3 < MAX_BLOCKS ? n / 3 : MAX_BLOCKS, up = 0;

	memset(t, 0, sizeof(*t));
	if (n < MIN_POINTS || nb < min_blocks)
		return false;
	for (int b = 0; b < nb; b++) {
		int lo = b * n / nb, hi = (b + 1) * n / nb;
		bx[b] = (double)(p[lo].cycle + p[hi - 1].cycle) / 2;
		by[b] = (double)block_stat(p + lo, hi - lo, min_blocks >= NOISY);
	}
	int steps = 0; /* strict rises: a leak climbs again and again */
	for (int b = 1; b < nb; b++) {
		up += by[b] >= by[b - 1];
		steps += by[b] > by[b - 1];
	}
	t->slope = ts_slope(bx, by, nb);
	t->base = (int64_t)by[0];
	t->top = (int64_t)by[nb - 1];
	t->last = p[n - 1].value;
	t->last_cycle = p[n - 1].cycle;
	/* noisy figures also need two separate rises: one level shift (a buffer
	 * that is in flight or not) is not a leak */
	t->rising = by[nb - 1] > by[0] && up >= (nb - 1) - (nb - 1) / 4 && t->slope > 0 &&
		    (min_blocks < 4 || (by[nb - 2] > by[0] && steps >= 2));
	if (!t->rising)
		return false;
	/* evident from the cycle after it last stood at its baseline */
	t->first_cycle = p[0].cycle;
	for (int i = 0; i < n; i++)
		if (p[i].value <= t->base)
			t->first_cycle = i + 1 < n ? p[i + 1].cycle : p[i].cycle;
	return true;
}

/* points of column col (minus col minus, where given) after settle */
int nf_vd_collect(const struct nf_series *s, int col, int minus, int64_t settle, bool negate,
		   struct pt *out)
{
	int n = 0;

	for (size_t i = 0; i < s->n; i++) {
		int64_t c = s->v[i][C_CYCLE], v = s->v[i][col];
		if (c <= settle || v == NF_UNSET)
			continue;
		if (minus >= 0 && s->v[i][minus] != NF_UNSET)
			v -= s->v[i][minus];
		out[n++] = (struct pt){c, negate ? -v : v};
	}
	return n;
}

static void init_finding(struct nf_finding *f, int dev, enum nf_class c, const char *what)
{
	memset(f, 0, sizeof(*f));
	f->device = dev;
	f->cls = c;
	snprintf(f->what, sizeof(f->what), "%s", what);
	f->exhaustion = NF_UNSET;
	f->predictable_from = NF_UNSET;
}

struct nf_finding *nf_vd_add(struct nf_verdict *v, int dev, enum nf_class c, const char *what)
{
	if (v->n == NF_MAX_FINDINGS)
		return NULL;
	init_finding(&v->f[v->n], dev, c, what);
	return &v->f[v->n++];
}

struct nf_finding *nf_vd_note(struct nf_verdict *v, int dev, enum nf_class c, const char *what)
{
	if (v->nnotes == NF_MAX_NOTES)
		return NULL;
	init_finding(&v->notes[v->nnotes], dev, c, what);
	return &v->notes[v->nnotes++];
}

/* evidence: a few rows spread over the trend, values as in the CSV */
void nf_vd_evidence(struct nf_finding *f, const struct pt *p, int n, bool negate)
{
	int from = 0;

	while (from < n && p[from].cycle < f->first_cycle)
		from++;
	if (from > 0)
		from--; /* the last row at baseline, then the climb */
	int span = n - from;
	f->nev = span < NF_EVIDENCE ? span : NF_EVIDENCE;
	for (int k = 0; k < f->nev; k++) {
		int i = from + (f->nev > 1 ? k * (span - 1) / (f->nev - 1) : 0);
		f->ev_cycle[k] = p[i].cycle;
		f->ev_value[k] = negate ? -p[i].value : p[i].value;
	}
}

int64_t nf_vd_first_status(const struct nf_series *s, const char *status)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->status[i], status) == 0)
			return s->v[i][C_CYCLE];
	return NF_UNSET;
}

/* the earliest prefix of the points on which the trend already shows */
int64_t nf_vd_earliest_call(const struct pt *p, int n, int min_blocks)
{
	struct trend t;

	/* every prefix for a fast leak, then steps of 5 %: a slow one (one entry
	 * per thousand cycles) shows only late, and each look costs the prefix */
	for (int k = MIN_POINTS; k <= n; k += k < MIN_POINTS + 400 ? 1 : k / 20)
		if (nf_vd_rising(p, k, min_blocks, &t))
			return p[k - 1].cycle;
	return NF_UNSET;
}

/* a finding of a rising series: where it became evident, its slope, the
 * earliest cycle the trend called it, evidence points */
struct nf_finding *nf_vd_add_rising(struct nf_verdict *v, int dev, enum nf_class c,
				     const char *what, const struct trend *t, const struct pt *p,
				     int n, int min_blocks)
{
	struct nf_finding *f = nf_vd_add(v, dev, c, what);

	if (!f)
		return NULL;
	f->first_cycle = t->first_cycle;
	f->slope = t->slope;
	f->predictable_from = nf_vd_earliest_call(p, n, min_blocks);
	nf_vd_evidence(f, p, n, false);
	return f;
}


static void slot_leak(struct nf_verdict *v, int dev, const struct nf_series *s, int64_t settle,
		      struct pt *p)
{
	struct trend t;
	int n = nf_vd_collect(s, C_AFTER_TEARDOWN, -1, settle, false, p);
	int64_t seen = nf_vd_first_status(s, nf_status_name(NF_ST_socket_failed));

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
	int64_t limit = s->v[s->n - 1][C_SOCKET_SLOTS];
	if (seen != NF_UNSET) {
		f->exhaustion = seen;
		f->exhaustion_seen = true;
	} else if (limit != NF_UNSET && t.slope > 0) {
		f->exhaustion =
		    t.last_cycle + (int64_t)((double)(limit - t.last) / t.slope + 0.999);
	}
	int len = snprintf(f->summary, sizeof(f->summary),
			   "%.2g socket slot%s kept per cycle from cycle %" PRId64, t.slope,
			   t.slope == 1 ? "" : "s", f->first_cycle);
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
		if (!nf_vd_rising(p, n, NOISY, &t) || t.top - t.base <= pools[k].in_flight)
			continue;
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

void nf_verdict_compute(const struct nf_rows *rows, const struct nf_verdict_cfg *cfg,
			struct nf_verdict *v)
{
	struct thirds fleet;
	int64_t last = 0;

	memset(v, 0, sizeof(*v));
	v->ndev = rows->ndev;
	for (int d = 0; d < rows->ndev; d++)
		for (size_t i = 0; i < rows->dev[d].n; i++)
			last = rows->dev[d].v[i][C_CYCLE] > last ? rows->dev[d].v[i][C_CYCLE] : last;
	nf_vd_connack_thirds(rows, NULL, cfg->settle_cycles, last, &fleet);
	for (int d = 0; d < rows->ndev; d++) {
		const struct nf_series *s = &rows->dev[d];
		struct pt *p = malloc((s->n + 1) * sizeof(*p));
		int first = v->n;
		if (!p)
			continue;
		if (s->n && s->v[s->n - 1][C_CYCLE] > v->cycles)
			v->cycles = s->v[s->n - 1][C_CYCLE];
		slot_leak(v, d, s, cfg->settle_cycles, p);
		pool_leaks(v, d, s, cfg->settle_cycles, p);
		nf_vd_heap(v, d, s, cfg->settle_cycles, cfg->stall_cycles, p);
		tls_heap_leak(v, d, s, cfg->settle_cycles, p);
		nf_vd_status(v, d, s, cfg->settle_cycles, cfg->stall_cycles);
		nf_vd_slowdown(v, d, rows, cfg->settle_cycles, last, &fleet);
		nf_verdict_link(v, d, s, first);
		nf_verdict_paths(v, d, s, first);
		free(p);
	}
}
