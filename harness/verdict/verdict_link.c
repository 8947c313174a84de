/* One finding per cause (see verdict_link.h): a stall where a leaking
 * resource ran out, a NETCONN pool growing with a slot leak, and the heap a
 * slot leak costs when pools are on the heap are said in the leak's own
 * finding. */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "verdict_link.h"

/* the row of cycle c, or -1 */
static ssize_t row_of(const struct nf_series *s, int64_t c)
{
	for (size_t i = 0; i < s->n; i++)
		if (nf_row_holds(s, i, c))
			return (ssize_t)i;
	return -1;
}

/* Did leak f run out where stall st begins? Slots: the table was seen full
 * there. Heap: at the stall's first row with figures (timeout rows carry
 * what STATUS gave; with none in the stall, the last working row before
 * it) the heap is nearly gone: free heap or its largest block below an
 * eighth of the first row's. In a leaking heap every new row is the
 * lowest yet, so "lower than before" would blame any stall on the leak. */
#define HEAP_GONE 8

static bool ran_out(const struct nf_finding *f, const struct nf_finding *st,
		    const struct nf_series *s)
{
	if (f->exhaustion_seen && f->exhaustion != NF_UNSET &&
	    st->first_cycle >= f->exhaustion - 1 && st->first_cycle <= f->exhaustion + 1)
		return true;
	ssize_t at = row_of(s, st->first_cycle), fig = at;
	if (f->cls != NF_HEAP_LEAK || at < 1)
		return false;
	while (fig < (ssize_t)s->n && !nf_status_is_ok(s->status[fig]) &&
	       s->v[fig][C_HEAP] == NF_UNSET)
		fig++;
	if (fig >= (ssize_t)s->n || nf_status_is_ok(s->status[fig]))
		fig = at - 1; /* no figures in the stall: the last row before it */
	for (int k = 0; k < 2; k++) { /* free heap, then the largest free block */
		int col = k ? C_HEAP_LARGEST : C_HEAP;
		int64_t first = NF_UNSET;
		for (size_t i = 0; i < s->n && first == NF_UNSET; i++)
			first = s->v[i][col];
		if (first != NF_UNSET && s->v[fig][col] != NF_UNSET &&
		    s->v[fig][col] * HEAP_GONE < first)
			return true;
	}
	return false;
}

/* One finding per cause: a stall that begins where a leaking resource ran
 * out is that leak's consequence, said in the leak's finding; a stall with
 * no exhausted resource stays a finding of its own. */
static void link_stall(struct nf_verdict *v, int dev, const struct nf_series *s, int from)
{
	int k = from;

	while (k < v->n && !(v->f[k].device == dev && v->f[k].cls == NF_STALL))
		k++;
	if (k == v->n)
		return;
	const struct nf_finding *st = &v->f[k];
	ssize_t at = row_of(s, st->first_cycle);
	for (int j = from; j < v->n; j++) {
		struct nf_finding *f = &v->f[j];
		if (j == k || f->device != dev || f->cls == NF_STALL || f->cls == NF_SLOWDOWN ||
		    !ran_out(f, st, s))
			continue;
		size_t len = strlen(f->summary);
		snprintf(f->summary + len, sizeof(f->summary) - len,
			 "; the device stopped reconnecting at cycle %" PRId64 " (%s)",
			 st->first_cycle, at >= 0 ? s->status[at] : "?");
		len = strlen(f->summary);
		if (f->cls == NF_HEAP_LEAK && at >= 0 && s->v[at][C_HEAP_LARGEST] != NF_UNSET)
			snprintf(f->summary + len, sizeof(f->summary) - len,
				 " with %" PRId64 " B free, no block over %" PRId64 " B",
				 s->v[at][C_HEAP], s->v[at][C_HEAP_LARGEST]);
		f->exhaustion = st->first_cycle;
		f->exhaustion_seen = true;
		memmove(&v->f[k], &v->f[k + 1], (size_t)(v->n - k - 1) * sizeof(v->f[0]));
		v->n--;
		v->exempt[NF_EX_folded_into_cause]++;
		return;
	}
}

/* What a kept socket slot holds, said in the slot leak's finding instead of
 * a finding of its own: its netconn (NETCONN growing with the slots, slopes
 * within 30 %), and the received data it never read (PBUF_POOL growing no
 * faster than the slots: under load a kept netconn may still have a
 * PINGRESP or PUBACK queued when it is kept). */
static const struct held {
	const char *pool;
	double lo, hi; /* the pool's slope over the slots' */
	const char *says;
} held[] = {
    {"NETCONN", 0.7, 1.3, "NETCONN in use grows with it (each kept slot holds its netconn)"},
    {"PBUF_POOL", 0.0, 1.0,
     "PBUF_POOL in use grows with it (data the kept netconns received, never read)"},
};

static void link_pools(struct nf_verdict *v, int dev, int from)
{
	struct nf_finding *slot = NULL;

	for (int k = from; k < v->n; k++)
		if (v->f[k].device == dev && v->f[k].cls == NF_SLOT_LEAK)
			slot = &v->f[k];
	for (size_t h = 0; slot && h < sizeof(held) / sizeof(held[0]); h++)
		for (int k = from; k < v->n; k++) {
			const struct nf_finding *f = &v->f[k];
			if (f->device != dev || f->cls != NF_POOL_LEAK || strcmp(f->what, held[h].pool) ||
			    f->slope < held[h].lo * slot->slope || f->slope > held[h].hi * slot->slope)
				continue;
			size_t len = strlen(slot->summary);
			snprintf(slot->summary + len, sizeof(slot->summary) - len, "; %s", held[h].says);
			memmove(&v->f[k], &v->f[k + 1], (size_t)(v->n - k - 1) * sizeof(v->f[0]));
			v->n--;
			v->exempt[NF_EX_folded_into_cause]++;
			if (slot > f) /* the slot finding moved down one */
				slot--;
			break;
		}
}

/* With pools on the heap (MEMP_MEM_MALLOC) a kept slot's netconn is heap:
 * a heap leak starting with a slot leak is its cost, said in both terms. */
static void link_heap(struct nf_verdict *v, int dev, int from)
{
	struct nf_finding *slot = NULL, *heap = NULL;

	for (int k = from; k < v->n; k++) {
		if (v->f[k].device == dev && v->f[k].cls == NF_SLOT_LEAK)
			slot = &v->f[k];
		if (v->f[k].device == dev && v->f[k].cls == NF_HEAP_LEAK)
			heap = &v->f[k];
	}
	if (!slot || !heap || slot->slope <= 0 || llabs(heap->first_cycle - slot->first_cycle) > 3)
		return;
	size_t len = strlen(heap->summary);
	snprintf(heap->summary + len, sizeof(heap->summary) - len,
		 "; it starts with the socket-slot leak: %.0f B of heap per kept slot",
		 (heap->slope < 0 ? -heap->slope : heap->slope) / slot->slope);
}

void nf_verdict_link(struct nf_verdict *v, int dev, const struct nf_series *s, int from)
{
	link_stall(v, dev, s, from);
	link_pools(v, dev, from);
	link_heap(v, dev, from);
}
