/* Folding (see rows.h): bounded memory for a run of any length. When the
 * rows held reach the budget, the device holding most has each pair of
 * neighbouring rows that tell the same story (same status, cut, fault,
 * progress, reboots) made one row that stands for both cycles. Each
 * column folds the way the verdict reads it, so what the trend rules take
 * from a block stays what they would have taken from the rows: a
 * counter's least value (block minima), free heap's most, a timing's
 * weighted mean, the row's weight its cycles. Rows that differ are never
 * folded: a stall's failed rows and a crash stay exact. */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "rows.h"

enum fold_how {
	F_FIRST, /* the first row's: the span's first cycle, its words */
	F_LAST,  /* the later row's (a limit the device last said) */
	F_MIN,   /* counters the verdict judges by block minima */
	F_MAX,   /* a figure whose worst is its most (refused allocations, peaks) */
	F_MEAN,  /* timings and load: the weighted mean */
	F_SUM,   /* the weight: cycles the row stands for */
	F_HEAP,  /* from the row with more free heap, with what held it */
	F_TCP,   /* from the row with fewer TCP pcbs beyond the lingering ones */
};

static const enum fold_how how[C_NCOLS] = {
    [C_CYCLE] = F_FIRST,     [C_DEVICE] = F_FIRST,       [C_CONNACK] = F_MEAN,
    [C_SOCKET_FD] = F_MIN,   [C_SLOTS] = F_MIN,          [C_SOCKET_SLOTS] = F_LAST,
    [C_HEAP] = F_HEAP,       [C_HEAP_MIN] = F_MIN,       [C_NETCONN] = F_MIN,
    [C_TCP_PCB] = F_TCP,     [C_PBUF] = F_MIN,           [C_UDP_PCB] = F_MIN,
    [C_RAW_PCB] = F_MIN,     [C_TIME_WAIT] = F_TCP,      [C_AFTER_TEARDOWN] = F_MIN,
    [C_HEAP_LARGEST] = F_MIN, [C_HEAP_TW] = F_HEAP,      [C_CUT] = F_FIRST,
    [C_FAULT] = F_FIRST,     [C_CLOSING] = F_TCP,        [C_LINGER] = F_TCP,
    [C_TLS_AFTER] = F_MIN,   [C_TLS_FAILS] = F_MAX,      [C_TLS_USED] = F_MAX,
    [C_TLS_PEAK] = F_MAX,    [C_PROGRESS] = F_FIRST,     [C_REBOOTS] = F_FIRST,
    [C_HEAP_CLOSING] = F_HEAP, [C_UP_MS] = F_FIRST,      [C_T_START] = F_FIRST,
    [C_PRESSURE] = F_MEAN,   [C_WEIGHT] = F_SUM,
    /* IPv6's tables are judged as the pools are: by block minima */
    [C_ND6_NEIGH] = F_MIN,   [C_ND6_DESTS] = F_MIN,      [C_ND6_ROUTERS] = F_MIN,
    [C_ND6_PREFIXES] = F_MIN, [C_MLD6] = F_MIN,          [C_ND6_QUEUE] = F_MIN,
    [C_FAMILY] = F_FIRST,    [C_FALLBACK] = F_FIRST,
};

/* the columns two rows must agree on to be one */
static const int same[] = {C_CUT, C_FAULT, C_PROGRESS, C_REBOOTS, C_FAMILY, C_FALLBACK};
/* and, while anything else can be folded, the exact counts the slot leak
 * is judged on: a leak that fills its table in 38 cycles of a 10^8-cycle
 * night keeps its 38 rows (folded to one, the night's verdict said the
 * stall and lost its cause) */
static const int exact[] = {C_AFTER_TEARDOWN, C_SOCKET_FD};

/* may rows i and i + 1 be one of at most limit cycles? strict: only when
 * their exact counts agree */
static bool foldable(const struct nf_series *s, size_t i, int64_t limit, bool strict)
{
	const int64_t *a = s->v[i], *b = s->v[i + 1];

	if (a[C_WEIGHT] + b[C_WEIGHT] > limit)
		return false;
	for (size_t k = 0; k < sizeof(same) / sizeof(same[0]); k++)
		if (a[same[k]] != b[same[k]])
			return false;
	for (size_t k = 0; strict && k < sizeof(exact) / sizeof(exact[0]); k++)
		if (a[exact[k]] != b[exact[k]])
			return false;
	return !strcmp(s->status[i], s->status[i + 1]) &&
	       strcmp(s->status[i], nf_status_name(NF_ST_device_crashed));
}

static int64_t pick(int64_t x, int64_t y, bool least)
{
	if (x == NF_UNSET || y == NF_UNSET)
		return x == NF_UNSET ? y : x;
	return (x < y) == least ? x : y;
}

static int64_t mean(int64_t x, int64_t wx, int64_t y, int64_t wy)
{
	if (x == NF_UNSET || y == NF_UNSET)
		return x == NF_UNSET ? y : x;
	/* to the nearest, ties to even: rounding up at every fold would climb
	 * half a unit per fold */
	int64_t sum = x * wx + y * wy, w = wx + wy, q = sum / w, rem = sum - q * w;
	if (rem < 0) { /* floor, for negative sums */
		q--;
		rem += w;
	}
	if (2 * rem > w || (2 * rem == w && (q & 1)))
		q++;
	return q;
}

/* does row b win a row-coherent group (F_HEAP, F_TCP) over row a? */
static bool b_wins(const int64_t *a, const int64_t *b, enum fold_how h)
{
	if (h == F_HEAP)
		return a[C_HEAP] == NF_UNSET || (b[C_HEAP] != NF_UNSET && b[C_HEAP] > a[C_HEAP]);
	int64_t la = a[C_LINGER] == NF_UNSET ? 0 : a[C_LINGER];
	int64_t lb = b[C_LINGER] == NF_UNSET ? 0 : b[C_LINGER];
	if (a[C_TCP_PCB] == NF_UNSET)
		return true;
	return b[C_TCP_PCB] != NF_UNSET && b[C_TCP_PCB] - lb < a[C_TCP_PCB] - la;
}

/* row a becomes a and b folded */
static void fold_pair(int64_t *a, const int64_t *b)
{
	bool heap_b = b_wins(a, b, F_HEAP), tcp_b = b_wins(a, b, F_TCP);
	int64_t out[C_NCOLS];

	for (int c = 0; c < C_NCOLS; c++) {
		switch (how[c]) {
		case F_FIRST: out[c] = a[c]; break;
		case F_LAST: out[c] = b[c] == NF_UNSET ? a[c] : b[c]; break;
		case F_MIN: out[c] = pick(a[c], b[c], true); break;
		case F_MAX: out[c] = pick(a[c], b[c], false); break;
		case F_MEAN: out[c] = mean(a[c], a[C_WEIGHT], b[c], b[C_WEIGHT]); break;
		case F_SUM: out[c] = a[c] + b[c]; break;
		case F_HEAP: out[c] = heap_b ? b[c] : a[c]; break;
		case F_TCP: out[c] = tcp_b ? b[c] : a[c]; break;
		}
	}
	memcpy(a, out, sizeof(out));
}

/* folds one series once into rows of up to limit cycles; the rows freed */
static size_t fold_series(struct nf_series *s, int64_t limit, bool strict)
{
	size_t j = 0, n = s->n;

	for (size_t i = 0; i < n; j++) {
		if (j != i) {
			memcpy(s->v[j], s->v[i], sizeof(s->v[0]));
			memcpy(s->status[j], s->status[i], sizeof(s->status[0]));
		}
		if (i + 1 < n && foldable(s, i, limit, strict)) {
			/* foldable() read rows i and i + 1 in place; row j is row i now */
			fold_pair(s->v[j], s->v[i + 1]);
			i += 2;
		} else {
			i++;
		}
	}
	s->n = j;
	return n - j;
}

/* A folded series takes its new rows at its unit too: rows of one weight
 * keep the trend's blocks as wide in cycles as in rows (a block statistic
 * sits at the block's middle; old wide rows beside new narrow ones would
 * tilt the slope). */
void nf_rows_fold_tail(struct nf_rows *rows, struct nf_series *s)
{
	if (s->unit > 1 && s->n >= 2 && foldable(s, s->n - 2, s->unit, true)) {
		fold_pair(s->v[s->n - 2], s->v[s->n - 1]);
		s->n--;
		rows->held--;
	}
}

int nf_rows_fold(struct nf_rows *rows)
{
	int most = -1;

	for (int d = 0; d < rows->ndev; d++)
		if (rows->dev[d].n > 1 && (most < 0 || rows->dev[d].n > rows->dev[most].n))
			most = d;
	if (most < 0)
		return -ENOSPC;
	struct nf_series *s = &rows->dev[most];
	size_t before = s->n;
	/* rows whose exact counts agree first; then any like neighbours; rows
	 * too varied to pair freed little: again while the unit grows, up to a
	 * bound, before calling the budget too small */
	for (int tries = 0; tries < 4 && before - s->n < before / 8; tries++) {
		s->unit *= 2;
		rows->held -= fold_series(s, s->unit, true);
		if (before - s->n < before / 8)
			rows->held -= fold_series(s, s->unit, false);
	}
	rows->folded = true;
	return before - s->n < before / 8 ? -ENOSPC : 0;
}
