/* Phase time histograms (see timings.h). */
#include "timings.h"

#include "report.h"

static const struct {
	const char *name;
	enum nf_csv_col col;
} timings[NF_NTIMINGS] = {
#define NF_X(name, col) {#name, col},
    NF_TIMINGS(NF_X)
#undef NF_X
};

const char *nf_timing_name(enum nf_timing t)
{
	return timings[t].name;
}

enum nf_csv_col nf_timing_col(enum nf_timing t)
{
	return timings[t].col;
}

static int bin_of(int64_t ms)
{
	if (ms < NF_TIMING_EXACT)
		return (int)ms;
	if (ms < NF_TIMING_TOP)
		return NF_TIMING_EXACT + (int)((ms - NF_TIMING_EXACT) / NF_TIMING_STEP);
	return NF_TIMING_BINS - 1;
}

void nf_timing_add(struct nf_timing_hist *h, int64_t ms)
{
	if (ms < 0)
		return;
	h->n++;
	h->bins[bin_of(ms)]++;
	if (ms > h->max)
		h->max = ms;
}

int64_t nf_timing_rank(const struct nf_timing_hist *h, int64_t k)
{
	int64_t seen = 0;
	int b = 0;

	if (k < 0 || k >= h->n)
		return NF_UNSET;
	while ((seen += h->bins[b]) <= k)
		b++;
	if (b < NF_TIMING_EXACT)
		return b;
	if (b < NF_TIMING_BINS - 1)
		return NF_TIMING_EXACT + (int64_t)(b - NF_TIMING_EXACT) * NF_TIMING_STEP;
	return h->max;
}

int64_t nf_timing_pct(const struct nf_timing_hist *h, int p)
{
	return h->n ? nf_timing_rank(h, (h->n - 1) * p / 100) : NF_UNSET;
}
