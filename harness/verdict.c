/* The verdict engine (see verdict.h). */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "escape.h"
#include "verdict.h"
#include "verdict_link.h"
#include "verdict_path.h"

static const char *const class_names[NF_NCLASSES] = {
    [NF_SLOT_LEAK] = "socket-slot leak",  [NF_POOL_LEAK] = "pool leak",
    [NF_HEAP_LEAK] = "heap leak",         [NF_STALL] = "reconnect stall",
    [NF_SLOWDOWN] = "reconnect slowdown", [NF_TLS_HEAP_LEAK] = "TLS heap leak",
};

const char *nf_class_name(enum nf_class c)
{
	return class_names[c];
}

struct pt {
	int64_t cycle, value;
};

#define MAX_BLOCKS 8
#define MIN_POINTS 6
#define EXACT 2 /* blocks needed for an exact count */
#define NOISY 4 /* for figures that move with traffic */
#define SLOW_MIN 10 /* reconnects per third a slowdown is judged on */
#define HEAP_BLOCK 16 /* bytes: lwIP's least heap allocation, header included */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static int cmp_i64(const void *a, const void *b)
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

struct trend {
	bool rising;
	double slope;
	int64_t base, top, last, first_cycle, last_cycle; /* top: the last block's */
};

/* Is the series rising for good? Block minimums must end above the first
 * block's and mostly not fall; a spike in one block cannot do that. Noisy
 * figures (pools, heap) need min_blocks >= 4, the last two blocks above the
 * first and two separate rises; the slot count after teardown is exact and
 * needs 2 blocks. */
static bool rising(const struct pt *p, int n, int min_blocks, struct trend *t)
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
static int collect(const struct nf_series *s, int col, int minus, int64_t settle, bool negate,
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

static struct nf_finding *add(struct nf_verdict *v, int dev, enum nf_class c, const char *what)
{
	if (v->n == NF_MAX_FINDINGS)
		return NULL;
	struct nf_finding *f = &v->f[v->n++];
	memset(f, 0, sizeof(*f));
	f->device = dev;
	f->cls = c;
	snprintf(f->what, sizeof(f->what), "%s", what);
	f->exhaustion = NF_UNSET;
	f->predictable_from = NF_UNSET;
	return f;
}

/* evidence: a few rows spread over the trend, values as in the CSV */
static void evidence(struct nf_finding *f, const struct pt *p, int n, bool negate)
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

static int64_t first_status(const struct nf_series *s, const char *status)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->status[i], status) == 0)
			return s->v[i][C_CYCLE];
	return NF_UNSET;
}

/* the earliest prefix of the points on which the trend already shows */
static int64_t earliest_call(const struct pt *p, int n, int min_blocks)
{
	struct trend t;

	/* every prefix for a fast leak, then steps of 5 %: a slow one (one entry
	 * per thousand cycles) shows only late, and each look costs the prefix */
	for (int k = MIN_POINTS; k <= n; k += k < MIN_POINTS + 400 ? 1 : k / 20)
		if (rising(p, k, min_blocks, &t))
			return p[k - 1].cycle;
	return NF_UNSET;
}

/* a finding of a rising series: where it became evident, its slope, the
 * earliest cycle the trend called it, evidence points */
static struct nf_finding *add_rising(struct nf_verdict *v, int dev, enum nf_class c,
				     const char *what, const struct trend *t, const struct pt *p,
				     int n, int min_blocks)
{
	struct nf_finding *f = add(v, dev, c, what);

	if (!f)
		return NULL;
	f->first_cycle = t->first_cycle;
	f->slope = t->slope;
	f->predictable_from = earliest_call(p, n, min_blocks);
	evidence(f, p, n, false);
	return f;
}

static void slot_leak(struct nf_verdict *v, int dev, const struct nf_series *s, int64_t settle,
		      struct pt *p)
{
	struct trend t;
	int n = collect(s, C_AFTER_TEARDOWN, -1, settle, false, p);
	int64_t seen = first_status(s, nf_status_name(NF_ST_socket_failed));

	/* once the table is full the count stops: saturation, not a slower leak */
	for (int i = 0; seen != NF_UNSET && i < n; i++)
		if (p[i].cycle >= seen) {
			n = i + 1;
			break;
		}
	if (!rising(p, n, EXACT, &t))
		return;
	struct nf_finding *f = add_rising(v, dev, NF_SLOT_LEAK, "sockets", &t, p, n, EXACT);
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
		int n = collect(s, pools[k].col, pools[k].minus, settle, false, p);
		if (!rising(p, n, NOISY, &t) || t.top - t.base <= pools[k].in_flight)
			continue;
		struct nf_finding *f =
		    add_rising(v, dev, NF_POOL_LEAK, pools[k].name, &t, p, n, NOISY);
		if (!f)
			return;
		snprintf(f->summary, sizeof(f->summary),
			 "%s in use grows %.3g per cycle from cycle %" PRId64 " (%" PRId64
			 " at baseline, %" PRId64 " now%s)",
			 pools[k].name, t.slope, f->first_cycle, t.base, t.last,
			 pools[k].minus >= 0 ? ", TIME_WAIT and closing pcbs excluded" : "");
	}
}

/* the first cycle of the first run of k failed cycles that lasts past the
 * settle cycles, or NF_UNSET: a device that crashed in cycle 2 and never
 * came back is stalled from cycle 2 (run.stop_on_stall counts so too) */
static int64_t stall_start(const struct nf_series *s, int64_t settle, int64_t k)
{
	int64_t run = 0;

	for (size_t i = 0; i < s->n; i++) {
		run = nf_status_is_ok(s->status[i]) ? 0 : run + 1;
		if (run >= k && s->v[i][C_CYCLE] > settle)
			return s->v[i][C_CYCLE] - run + 1;
	}
	return NF_UNSET;
}

/* A heap falling while pcbs the application closed pile up in lwIP (FINs a
 * blackhole held back, retransmitted with a growing timeout): their queued
 * segments are heap until lwIP gives up, bounded by the TCP_PCB pool. When
 * the lingering pcbs grow over the same cycles and the fall is at most a
 * send buffer per pcb, the fall is theirs, not a leak; a leak goes on once
 * they stop growing, and is called then. */
#define HEAP_PER_LINGER_MAX (16 * 1024)

static bool lingering_explains(const struct nf_series *s, int64_t settle, int64_t last,
			       double heap_slope)
{
	struct pt *q = malloc((s->n + 1) * sizeof(*q));
	struct trend lt;
	int n = q ? collect(s, C_CLOSING, -1, settle, false, q) : 0;

	while (n > 0 && q[n - 1].cycle > last)
		n--;
	bool yes = n && rising(q, n, NOISY, &lt) && lt.slope > 0 &&
		   heap_slope <= lt.slope * HEAP_PER_LINGER_MAX;
	free(q);
	return yes;
}

static void heap_leak(struct nf_verdict *v, int dev, const struct nf_series *s, int64_t settle,
		      int64_t stall_cycles, struct pt *p)
{
	struct trend t;
	int n = collect(s, C_HEAP, -1, settle, true, p), steps = 0;
	int64_t stalled = stall_start(s, settle, stall_cycles);

	/* with pools on the heap, TIME_WAIT pcbs are heap until 2*MSL frees
	 * them: bounded, not lost, so they count as free (heap_time_wait) */
	for (size_t i = 0, j = 0; i < (size_t)n; i++) {
		while (j < s->n && s->v[j][C_CYCLE] != p[i].cycle)
			j++;
		if (j < s->n && s->v[j][C_HEAP_TW] != NF_UNSET)
			p[i].value -= s->v[j][C_HEAP_TW];
	}

	/* the trend is the working device's: once it stopped reconnecting
	 * nothing is allocated or freed, and a flat tail would bend the fit */
	while (stalled != NF_UNSET && n > 0 && p[n - 1].cycle >= stalled)
		n--;

	/* rising -free: free heap falling, by one block at least: lwIP's
	 * smallest block with its header is over HEAP_BLOCK bytes, so a fall
	 * below that in the block statistic is noise, not anything lost */
	if (!rising(p, n, NOISY, &t) || t.top - t.base < HEAP_BLOCK)
		return;
	if (lingering_explains(s, settle, n ? p[n - 1].cycle : 0, t.slope))
		return;
	/* the field report's sign: lowest-ever free stepping down late in the run */
	int64_t prev = NF_UNSET;
	for (size_t i = s->n / 2; i < s->n; i++) {
		int64_t m = s->v[i][C_HEAP_MIN];
		if (m != NF_UNSET && prev != NF_UNSET && m < prev)
			steps++;
		if (m != NF_UNSET)
			prev = m;
	}
	struct nf_finding *f = add(v, dev, NF_HEAP_LEAK, "heap");
	if (!f)
		return;
	f->first_cycle = t.first_cycle;
	f->slope = -t.slope;
	f->predictable_from = earliest_call(p, n, NOISY);
	f->exhaustion = t.last_cycle + (int64_t)((double)(-t.last) / t.slope);
	evidence(f, p, n, true);
	snprintf(f->summary, sizeof(f->summary),
		 "heap free falls %.3g bytes per cycle from cycle %" PRId64
		 "; lowest-ever free stepped down %d times in the second half; predicted empty at "
		 "cycle %" PRId64,
		 t.slope, f->first_cycle, steps, f->exhaustion);
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
	int n = collect(s, C_TLS_AFTER, -1, settle, false, p);

	if (!rising(p, n, NOISY, &t) || t.top - t.base < HEAP_BLOCK)
		return;
	struct nf_finding *f = add_rising(v, dev, NF_TLS_HEAP_LEAK, "tls heap", &t, p, n, NOISY);
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

static void stall(struct nf_verdict *v, int dev, const struct nf_series *s, int64_t settle,
		  int64_t k)
{
	int64_t run = 0, from = stall_start(s, settle, k), longest = 0;

	if (from == NF_UNSET)
		return;
	for (size_t i = 0; i < s->n; i++) { /* the longest run, and whether it lasts */
		run = nf_status_is_ok(s->status[i]) ? 0 : run + 1;
		if (run > longest)
			longest = run;
	}
	struct nf_finding *f = add(v, dev, NF_STALL, "reconnect");
	if (!f)
		return;
	f->first_cycle = from;
	for (size_t i = 0; i < s->n && f->nev < NF_EVIDENCE; i++)
		if (s->v[i][C_CYCLE] >= from) {
			f->ev_cycle[f->nev] = s->v[i][C_CYCLE];
			f->ev_value[f->nev++] = s->v[i][C_SOCKET_FD];
		}
	size_t at = 0;
	while (at < s->n && s->v[at][C_CYCLE] != from)
		at++;
	int len = snprintf(f->summary, sizeof(f->summary),
			   "%" PRId64 " failed cycles in a row from cycle %" PRId64
			   " (%s); longest run %" PRId64 "%s",
			   k, from, at < s->n ? s->status[at] : "?", longest,
			   run ? ", still failing at the end" : "");
	/* TLS out of memory: where in the failing run its heap began refusing */
	size_t j = at;
	while (j < s->n && !(s->v[j][C_TLS_FAILS] != NF_UNSET && s->v[j][C_TLS_FAILS] > 0))
		j++;
	if (j < s->n && len > 0 && (size_t)len < sizeof(f->summary))
		snprintf(f->summary + len, sizeof(f->summary) - (size_t)len,
			 "; mbedTLS's heap refused allocations from cycle %" PRId64, s->v[j][C_CYCLE]);
}

static int64_t median(int64_t *a, int n)
{
	qsort(a, (size_t)n, sizeof(a[0]), cmp_i64);
	return a[n / 2];
}

/* Median CONNACK of the rows of series s (all of rows when s is NULL) in
 * each third of the cycles after settle; NF_UNSET where a third has none. */
struct thirds {
	int64_t q1[3], m[3], q3[3]; /* quartiles and median */
	int64_t from[3];            /* each third's first cycle */
};

static void connack_thirds(const struct nf_rows *rows, const struct nf_series *only,
			   int64_t settle, int64_t last, struct thirds *t)
{
	int64_t span = last - settle;
	size_t total = only ? only->n : 0;

	for (int d = 0; !only && d < rows->ndev; d++)
		total += rows->dev[d].n;
	int64_t *a = malloc((total + 1) * sizeof(*a));
	for (int k = 0; k < 3; k++) {
		int n = 0;
		t->from[k] = settle + 1 + span * k / 3;
		t->q1[k] = t->m[k] = t->q3[k] = NF_UNSET;
		for (int d = 0; a && d < (only ? 1 : rows->ndev); d++) {
			const struct nf_series *s = only ? only : &rows->dev[d];
			for (size_t i = 0; i < s->n; i++) {
				int64_t c = s->v[i][C_CYCLE];
				if (c >= t->from[k] && c < settle + 1 + span * (k + 1) / 3 + (k == 2) &&
				    s->v[i][C_CONNACK] != NF_UNSET)
					a[n++] = s->v[i][C_CONNACK];
			}
		}
		if (n >= SLOW_MIN) {
			t->m[k] = median(a, n); /* sorts a */
			t->q1[k] = a[n / 4];
			t->q3[k] = a[3 * n / 4];
		}
	}
	free(a);
}

/* A stack that slows: the last third's median CONNACK twice the first's and
 * 50 ms more, the middle third already slower (a trend, not one slow
 * stretch), and the whole distribution moved (the last third's lower
 * quartile above the first's upper one: a reconnect that is sometimes
 * slow, a lost echo resent, is noise that moves a median of few cycles
 * but not the quartiles), each third with SLOW_MIN reconnects at least; in a fleet of 3 or more also twice the fleet's median in the
 * last third and 50 ms more behind it than in the first: a device that
 * slows together with the whole fleet is a loaded machine, not its stack. */
static void slowdown(struct nf_verdict *v, int dev, const struct nf_rows *rows, int64_t settle,
		     int64_t last, const struct thirds *fleet)
{
	struct thirds d;

	connack_thirds(rows, &rows->dev[dev], settle, last, &d);
	if (d.m[0] == NF_UNSET || d.m[1] == NF_UNSET || d.m[2] == NF_UNSET)
		return;
	if (!(d.m[2] > 2 * d.m[0] && d.m[2] - d.m[0] >= 50 && d.m[1] > d.m[0] &&
	      d.q1[2] > d.q3[0]))
		return;
	if (rows->ndev >= 3 && fleet->m[0] != NF_UNSET && fleet->m[2] != NF_UNSET &&
	    !(d.m[2] > 2 * fleet->m[2] &&
	      (d.m[2] - fleet->m[2]) - (d.m[0] - fleet->m[0]) >= 50))
		return;
	struct nf_finding *f = add(v, dev, NF_SLOWDOWN, "connack");
	if (!f)
		return;
	f->first_cycle = d.from[2];
	f->slope = (double)(d.m[2] - d.m[0]) / (double)(last - settle);
	snprintf(f->summary, sizeof(f->summary),
		 "median carrier-up to CONNACK %" PRId64 " ms in the first third, %" PRId64
		 " ms in the last%s",
		 d.m[0], d.m[2], rows->ndev >= 3 ? " (the fleet's did not grow with it)" : "");
	f->nev = 3;
	for (int k = 0; k < 3; k++) {
		f->ev_cycle[k] = d.from[k];
		f->ev_value[k] = d.m[k];
	}
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
	connack_thirds(rows, NULL, cfg->settle_cycles, last, &fleet);
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
		heap_leak(v, d, s, cfg->settle_cycles, cfg->stall_cycles, p);
		tls_heap_leak(v, d, s, cfg->settle_cycles, p);
		stall(v, d, s, cfg->settle_cycles, cfg->stall_cycles);
		slowdown(v, d, rows, cfg->settle_cycles, last, &fleet);
		nf_verdict_link(v, d, s, first);
		nf_verdict_paths(v, d, s, first);
		free(p);
	}
}

