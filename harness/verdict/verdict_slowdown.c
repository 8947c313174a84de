/* The verdict's reconnect slowdown: the CONNACK time's thirds, a device
 * against itself and against its fleet (see verdict.h). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "faults.h"
#include "verdict_int.h"

int64_t nf_vd_median(int64_t *a, int n)
{
	qsort(a, (size_t)n, sizeof(a[0]), nf_vd_cmp_i64);
	return a[n / 2];
}

/* Median CONNACK of the rows of series s (all of rows when s is NULL) in
 * each third of the cycles after settle; NF_UNSET where a third has none. */
/* A CONNACK time the stack's reconnect decides: after a fault that kept
 * the carrier it counts from the fault's end, and most of it is the time
 * the device took to notice (its keepalive) and its backoff, which moves
 * with when the session last spoke, not with the stack. */
static bool timed_by_stack(const struct nf_series *s, size_t i)
{
	int64_t f = s->v[i][C_FAULT];
	return f == NF_UNSET || !nf_fault_keeps_carrier((enum nf_fault)f);
}

void nf_vd_connack_thirds(const struct nf_rows *rows, const struct nf_series *only,
			   int64_t settle, int64_t last, struct thirds *t, int64_t *left_out)
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
				if (c < t->from[k] || c >= settle + 1 + span * (k + 1) / 3 + (k == 2) ||
				    s->v[i][C_CONNACK] == NF_UNSET)
					continue;
				if (timed_by_stack(s, i))
					a[n++] = s->v[i][C_CONNACK];
				else if (left_out)
					(*left_out)++;
			}
		}
		if (n >= SLOW_MIN) {
			t->m[k] = nf_vd_median(a, n); /* sorts a */
			t->q1[k] = a[n / 4];
			t->q3[k] = a[3 * n / 4];
		}
	}
	free(a);
}

/* the thirds show a slowdown (the rule below) */
static bool slowed(const struct thirds *d)
{
	return d->m[0] != NF_UNSET && d->m[1] != NF_UNSET && d->m[2] != NF_UNSET &&
	       d->m[2] > 2 * d->m[0] && d->m[2] - d->m[0] >= 50 && d->m[1] > d->m[0] &&
	       d->q1[2] > d->q3[0];
}

/* A stack that slows: the last third's median CONNACK twice the first's and
 * 50 ms more, the middle third already slower (a trend, not one slow
 * stretch), and the whole distribution moved (the last third's lower
 * quartile above the first's upper one: a reconnect that is sometimes
 * slow, a lost echo resent, is noise that moves a median of few cycles
 * but not the quartiles), each third with SLOW_MIN reconnects at least; in a fleet of 3 or more also twice the fleet's median in the
 * last third and 50 ms more behind it than in the first: a device that
 * slows together with the whole fleet is a loaded machine, not its stack. */
void nf_vd_slowdown(struct nf_verdict *v, int dev, const struct nf_rows *rows, int64_t settle,
		     int64_t last, const struct thirds *fleet)
{
	struct thirds d;

	nf_vd_connack_thirds(rows, &rows->dev[dev], settle, last, &d, NULL);
	if (!slowed(&d))
		return;
	if (rows->ndev >= 3 && fleet->m[0] != NF_UNSET && fleet->m[2] != NF_UNSET &&
	    !(d.m[2] > 2 * fleet->m[2] &&
	      (d.m[2] - fleet->m[2]) - (d.m[0] - fleet->m[0]) >= 50)) {
		v->exempt[NF_EX_slowed_with_fleet]++; /* judged once, for the fleet */
		return;
	}
	struct nf_finding *f = nf_vd_add(v, dev, NF_SLOWDOWN, "connack");
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

/* the median cpu_pressure of every row in cycles [from, to); NF_UNSET none */
static int64_t pressure(const struct nf_rows *rows, int64_t from, int64_t to)
{
	size_t total = 0;
	int n = 0;

	for (int d = 0; d < rows->ndev; d++)
		total += rows->dev[d].n;
	int64_t *a = malloc((total + 1) * sizeof(*a)), m = NF_UNSET;
	for (int d = 0; a && d < rows->ndev; d++)
		for (size_t i = 0; i < rows->dev[d].n; i++) {
			const int64_t *x = rows->dev[d].v[i];
			if (x[C_CYCLE] >= from && x[C_CYCLE] < to && x[C_PRESSURE] != NF_UNSET)
				a[n++] = x[C_PRESSURE];
		}
	if (n >= SLOW_MIN)
		m = nf_vd_median(a, n);
	free(a);
	return m;
}

#define MACHINE_ROSE 100 /* per mille: the machine this much busier is load */

/* A fleet of 3 or more that slows as one, by the same rule on every
 * device's CONNACK times together. Every device runs the same stack, so it
 * is the stack or the machine: the machine's CPU pressure beside the rows
 * tells which (risen by MACHINE_ROSE: load, a note; flat: the stack, a
 * finding); without pressure figures it stays a finding that says both. */
void nf_vd_fleet_slowdown(struct nf_verdict *v, const struct nf_rows *rows, int64_t settle,
			  int64_t last, const struct thirds *fleet)
{
	if (rows->ndev < 3 || !slowed(fleet))
		return;
	int with = 0;
	for (int d = 0; d < rows->ndev; d++) {
		struct thirds t;
		nf_vd_connack_thirds(rows, &rows->dev[d], settle, last, &t, NULL);
		with += slowed(&t);
	}
	int64_t p0 = pressure(rows, fleet->from[0], fleet->from[1]),
		p2 = pressure(rows, fleet->from[2], last + 1);
	bool known = p0 != NF_UNSET && p2 != NF_UNSET, load = known && p2 - p0 >= MACHINE_ROSE;
	struct nf_finding *f = load ? nf_vd_note(v, NF_FLEET, NF_SLOWDOWN, "connack")
				    : nf_vd_add(v, NF_FLEET, NF_SLOWDOWN, "connack");
	if (!f)
		return;
	f->first_cycle = fleet->from[2];
	f->slope = (double)(fleet->m[2] - fleet->m[0]) / (double)(last - settle);
	int len = snprintf(f->summary, sizeof(f->summary),
			   "the whole fleet slowed: median carrier-up to CONNACK over all %d devices "
			   "%" PRId64 " ms in the first third, %" PRId64 " ms in the last (%d slowed "
			   "by themselves); ",
			   rows->ndev, fleet->m[0], fleet->m[2], with);
	if (known)
		snprintf(f->summary + len, sizeof(f->summary) - (size_t)len,
			 "the machine's CPU pressure %" PRId64 " then %" PRId64 " per mille: %s",
			 p0, p2, load ? "the machine was loaded, not the stack"
				      : "the machine was not busier: the stack every device runs");
	else
		snprintf(f->summary + len, sizeof(f->summary) - (size_t)len,
			 "no CPU pressure figures (no PSI): the stack or this machine; a linux "
			 "control (device.stack = linux) on the same machine tells which");
	f->nev = 3;
	for (int k = 0; k < 3; k++) {
		f->ev_cycle[k] = fleet->from[k];
		f->ev_value[k] = fleet->m[k];
	}
}
