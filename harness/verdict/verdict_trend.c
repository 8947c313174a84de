/* The verdict's shared tools (verdict_int.h): the series' points, the
 * trend test on block statistics, and adding findings and notes. Every
 * judgement calls them; they call no judgement. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "verdict_int.h"

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

/* Did a noisy figure stand at its last level in a block before, then come
 * back to its first level? Then that level is a buffer in flight at the
 * row's moment or not (seen: 128 B of heap, held in some stretches of a
 * run and in every row of its end), not something lost: a leak goes past
 * every level it left. */
static bool came_back(const double *by, int nb)
{
	for (int b = 1; b < nb - 1; b++)
		if (by[b] >= by[nb - 1])
			for (int a = b + 1; a < nb - 1; a++)
				if (by[a] <= by[0])
					return true;
	return false;
}

static int64_t block_median(const struct pt *q, int m)
{
	int64_t *a = malloc((size_t)m * sizeof(*a));

	if (!a)
		return INT64_MIN; /* no memory: no claim of a single step */
	for (int i = 0; i < m; i++)
		a[i] = q[i].value;
	int64_t med = nf_vd_median(a, m);
	free(a);
	return med;
}

/* Do the points after a figure left its baseline still rise: is their
 * last block's median above their first's? Medians: a few rows between
 * the two levels (bytes let go for a row) are not a rise. */
static bool rises_after(const struct pt *q, int m)
{
	int nb = m / 3 < MAX_BLOCKS ? m / 3 : MAX_BLOCKS;

	if (nb < 2)
		return true; /* too few to tell: the last-block rule speaks */
	int64_t first = block_median(q, m / nb);
	return first == INT64_MIN || block_median(q + (nb - 1) * m / nb, m - (nb - 1) * m / nb) > first;
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
	t->in_flight = t->rising && min_blocks >= NOISY && came_back(by, nb);
	if (!t->rising || t->in_flight)
		return (t->rising = false);
	/* evident from the cycle after it last stood at its baseline */
	int from = 0;
	for (int i = 0; i < n; i++)
		if (p[i].value <= t->base)
			from = i + 1 < n ? i + 1 : i;
	t->first_cycle = p[from].cycle;
	/* a figure that moves with traffic and left its baseline for good only
	 * within the last block has not shown a trend yet: a buffer held a few
	 * cycles at the end of a short run (a packet queued for a neighbour
	 * that went away, released on lwIP's timers) is that, and the blocks
	 * cannot tell it from a leak until it has stood a block */
	if (min_blocks >= NOISY && n - from < n / nb) {
		t->rising = false;
		return false;
	}
	/* and it must go on rising after it left its baseline: one step held
	 * to the end (seen: 16 B of esp-lwip's heap taken once at a random
	 * cycle and kept for 760 cycles) is one allocation kept once, not a
	 * loss per reconnect, and predicts nothing */
	t->one_step = min_blocks >= NOISY && !rises_after(p + from, n - from);
	if (t->one_step)
		return (t->rising = false);
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

struct nf_finding *nf_verdict_slot(struct nf_verdict *v, bool note)
{
	struct nf_finding **a = note ? &v->notes : &v->f;
	int *n = note ? &v->nnotes : &v->n, *cap = note ? &v->capnotes : &v->cap;

	if (*n == *cap) {
		int c = *cap ? *cap * 2 : 16;
		void *p = realloc(*a, (size_t)c * sizeof(**a));
		if (!p) { /* said: the verdict is then not clean */
			v->lost++;
			return NULL;
		}
		*a = p;
		*cap = c;
	}
	memset(&(*a)[*n], 0, sizeof(**a));
	return &(*a)[(*n)++];
}

void nf_verdict_free(struct nf_verdict *v)
{
	free(v->f);
	free(v->notes);
	free(v->seen);
	memset(v, 0, sizeof(*v));
}

struct nf_finding *nf_vd_add(struct nf_verdict *v, int dev, enum nf_class c, const char *what)
{
	struct nf_finding *f = nf_verdict_slot(v, false);

	if (f)
		init_finding(f, dev, c, what);
	return f;
}

struct nf_finding *nf_vd_note(struct nf_verdict *v, int dev, enum nf_class c, const char *what)
{
	struct nf_finding *f = nf_verdict_slot(v, true);

	if (f)
		init_finding(f, dev, c, what);
	return f;
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
