/* The verdict's heap (see verdict.h): memory nobody holds (a leak) apart
 * from memory connections the application already closed still hold
 * (heap_closing: their pcbs and queued segments, given back on lwIP's
 * timers). A leak is judged, and its exhaustion predicted, on free heap
 * plus what those hold; the held part is a note, or a finding of its own
 * when it left the heap too low for a reconnect before it came back. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "verdict_int.h"

/* free heap, largest block, under which a reconnect can no longer count on
 * memory: a pcb and a full-sized segment with their headers, twice */
#define HOLD_FLOOR 4096

/* the heap row i's closed connections hold: heap_closing where the probe
 * measured it, else heap_time_wait (their pcbs alone, pools on the heap) */
static int64_t held(const struct nf_series *s, size_t i)
{
	int64_t h = s->v[i][C_HEAP_CLOSING];
	return h != NF_UNSET ? h : s->v[i][C_HEAP_TW];
}

/* Rows without heap_closing (an older cycles.csv, a stack whose heap the
 * probe cannot walk) only count their pcbs as held. There, a heap falling
 * while pcbs the application closed pile up (FINs a blackhole held back)
 * by at most a send buffer per pcb is theirs, not a leak. */
#define HEAP_PER_LINGER_MAX (16 * 1024)

static bool lingering_explains(const struct nf_series *s, int64_t settle, int64_t last,
			       double heap_slope)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i][C_HEAP_CLOSING] != NF_UNSET)
			return false; /* measured: the held bytes were counted already */
	struct pt *q = malloc((s->n + 1) * sizeof(*q));
	struct trend lt;
	int n = q ? nf_vd_collect(s, C_CLOSING, -1, settle, false, q) : 0;

	while (n > 0 && q[n - 1].cycle > last)
		n--;
	bool yes = n && nf_vd_rising(q, n, NOISY, &lt) && lt.slope > 0 &&
		   heap_slope <= lt.slope * HEAP_PER_LINGER_MAX;
	free(q);
	return yes;
}

static int steps_down(const struct nf_series *s)
{
	int64_t prev = NF_UNSET;
	int steps = 0;

	/* the field report's sign: lowest-ever free stepping down late in the run */
	for (size_t i = s->n / 2; i < s->n; i++) {
		int64_t m = s->v[i][C_HEAP_MIN];
		if (m != NF_UNSET && prev != NF_UNSET && m < prev)
			steps++;
		if (m != NF_UNSET)
			prev = m;
	}
	return steps;
}

static void heap_leak(struct nf_verdict *v, int dev, const struct nf_series *s, int64_t settle,
		      int64_t stall_cycles, struct pt *p, int64_t peak_held)
{
	struct trend t;
	int n = nf_vd_collect(s, C_HEAP, -1, settle, true, p);
	int64_t stalled = nf_vd_stall_start(s, settle, stall_cycles);

	/* what closed connections hold comes back: it counts as free */
	for (size_t i = 0, j = 0; i < (size_t)n; i++) {
		while (j < s->n && s->v[j][C_CYCLE] != p[i].cycle)
			j++;
		if (j < s->n && held(s, j) != NF_UNSET)
			p[i].value -= held(s, j);
	}
	/* the trend is the working device's: once it stopped reconnecting
	 * nothing is allocated or freed, and a flat tail would bend the fit */
	while (stalled != NF_UNSET && n > 0 && p[n - 1].cycle >= stalled)
		n--;
	/* rising -free: free heap falling, by one block at least: lwIP's
	 * smallest block with its header is over HEAP_BLOCK bytes, so a fall
	 * below that in the block statistic is noise, not anything lost */
	if (!nf_vd_rising(p, n, NOISY, &t) || t.top - t.base < HEAP_BLOCK) {
		v->exempt[NF_EX_in_flight_level] += t.in_flight;
		v->exempt[NF_EX_one_step] += t.one_step;
		return;
	}
	/* lwIP loses whole blocks: a fitted fall of less than one over the
	 * judged cycles is the mix of levels buffers in flight leave (seen:
	 * esp-lwip with lwIP's MQTT client, levels 8 and 16 B apart, 0.0144 B
	 * a cycle over 900 cycles: 13 B, once in several runs) */
	if (n && t.slope * (double)(p[n - 1].cycle - p[0].cycle) < HEAP_BLOCK) {
		v->exempt[NF_EX_under_one_block]++;
		return;
	}
	if (lingering_explains(s, settle, n ? p[n - 1].cycle : 0, t.slope)) {
		v->exempt[NF_EX_heap_held_by_closing_pcbs]++;
		return;
	}
	struct nf_finding *f = nf_vd_add(v, dev, NF_HEAP_LEAK, "heap");
	if (!f)
		return;
	f->first_cycle = t.first_cycle;
	f->slope = -t.slope;
	f->predictable_from = nf_vd_earliest_call(p, n, NOISY);
	f->exhaustion = t.last_cycle + (int64_t)((double)(-t.last) / t.slope);
	nf_vd_evidence(f, p, n, true);
	snprintf(f->summary, sizeof(f->summary),
		 "heap free falls %.3g bytes per cycle from cycle %" PRId64
		 "%s; lowest-ever free stepped down %d times in the second half; predicted empty at "
		 "cycle %" PRId64 "%s",
		 t.slope, f->first_cycle,
		 peak_held > 0 ? " that no connection holds (closing connections' bytes counted as free)"
			       : "",
		 steps_down(s), f->exhaustion, peak_held > 0 ? " from that part alone" : "");
}

/* the row where the held heap peaked, and the most closing pcbs seen */
struct hold {
	size_t peak; /* row index */
	int64_t bytes, pcbs;
	bool any;
};

static struct hold find_hold(const struct nf_series *s)
{
	struct hold h = {0};

	for (size_t i = 0; i < s->n; i++) {
		int64_t b = held(s, i), l = s->v[i][C_LINGER];
		if (b != NF_UNSET && b > h.bytes) {
			h.bytes = b;
			h.peak = i;
			h.any = true;
		}
		if (l != NF_UNSET && l > h.pcbs)
			h.pcbs = l;
	}
	return h;
}

/* the late release, said as what it is; a finding instead where the heap
 * it held left too little for a reconnect (largest block, else free) */
static void closing_hold(struct nf_verdict *v, int dev, const struct nf_series *s,
			 const struct hold *h)
{
	size_t low = s->n;

	for (size_t i = 0; i < s->n && low == s->n; i++) {
		int64_t room = s->v[i][C_HEAP_LARGEST] != NF_UNSET ? s->v[i][C_HEAP_LARGEST]
								    : s->v[i][C_HEAP];
		if (room != NF_UNSET && room < HOLD_FLOOR && held(s, i) != NF_UNSET &&
		    held(s, i) > 0 && room + held(s, i) >= HOLD_FLOOR)
			low = i;
	}
	struct nf_finding *f = low < s->n ? nf_vd_add(v, dev, NF_CLOSING_HOLD, "heap")
					  : nf_vd_note(v, dev, NF_LATE_RELEASE, "heap");
	if (!f)
		return;
	size_t at = low < s->n ? low : h->peak, back = at;
	while (back < s->n && held(s, back) != NF_UNSET && held(s, back) >= HEAP_BLOCK)
		back++;
	f->first_cycle = s->v[at][C_CYCLE];
	f->nev = 0;
	for (size_t i = at > 0 ? at - 1 : 0; i < s->n && f->nev < NF_EVIDENCE; i++) {
		f->ev_cycle[f->nev] = s->v[i][C_CYCLE];
		f->ev_value[f->nev++] = held(s, i);
	}
	int len = snprintf(f->summary, sizeof(f->summary),
			   "heap held by up to %" PRId64 " closing connection%s (pcbs lwIP "
			   "still finishes and their queued segments), released on lwIP's timers; "
			   "peak %" PRId64 " bytes at cycle %" PRId64,
			   h->pcbs, h->pcbs == 1 ? "" : "s", h->bytes, s->v[h->peak][C_CYCLE]);
	if (len > 0 && (size_t)len < sizeof(f->summary))
		snprintf(f->summary + len, sizeof(f->summary) - (size_t)len, "%s%" PRId64 "%s",
			 back < s->n ? "; all back by cycle " : "; still ",
			 back < s->n ? s->v[back][C_CYCLE] : held(s, s->n - 1),
			 back < s->n ? "" : " bytes held at the last row");
	if (low < s->n) {
		len = (int)strlen(f->summary);
		snprintf(f->summary + len, sizeof(f->summary) - (size_t)len,
			 "; at cycle %" PRId64 " it left %" PRId64 " bytes for a reconnect (under %d): "
			 "the memory comes back, but after the device needed it",
			 s->v[low][C_CYCLE],
			 s->v[low][C_HEAP_LARGEST] != NF_UNSET ? s->v[low][C_HEAP_LARGEST]
							      : s->v[low][C_HEAP],
			 HOLD_FLOOR);
	}
}

void nf_vd_heap(struct nf_verdict *v, int dev, const struct nf_series *s, int64_t settle,
		int64_t stall_cycles, struct pt *p)
{
	struct hold h = find_hold(s);

	heap_leak(v, dev, s, settle, stall_cycles, p, h.bytes);
	if (h.any && h.bytes >= HEAP_BLOCK)
		closing_hold(v, dev, s, &h);
}
