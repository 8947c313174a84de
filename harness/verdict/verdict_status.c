/* The verdict's reading of the rows' statuses (see verdict.h): a reconnect
 * that stopped (stall), one still under way when the cycle ended (slow, a
 * note), and a device that died (crash, named by its cause). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faults.h"
#include "verdict_int.h"

/* a row still under way: no report in time, or the device's own attempt
 * running out of time (its CONNACK or lease), while the device was making
 * progress (its row's progress); a refusal or an error is a failure */
static bool under_way(const struct nf_series *s, size_t i)
{
	int st = nf_status_parse(s->status[i]);
	return s->v[i][C_PROGRESS] == 1 && (nf_status_is_under_way(s->status[i]) ||
					    st == NF_ST_timeout || st == NF_ST_dhcp_timeout ||
					    st == NF_ST_ip6_timeout);
}

/* a failed row that is the right outcome of its cycle's fault: the
 * device refused an address its duplicate address detection found held
 * (dad_conflict); as a recovery, never toward a stall */
static bool meant(const struct nf_series *s, size_t i)
{
	return s->v[i][C_FAULT] == NF_FAULT_dad_conflict &&
	       nf_status_parse(s->status[i]) == NF_ST_dad_failed;
}

static bool crashed(const struct nf_series *s, size_t i)
{
	return nf_status_parse(s->status[i]) == NF_ST_device_crashed;
}

/* A run of under-way rows at the end no longer than chance makes likely:
 * rows ending under way at the rate the device showed before it, this
 * many in a row at the end has at least this probability. Seen: 20 % loss
 * both ways, 30 cycles, a third of them under way; the last three were,
 * and were called a stall "never finished". A device that stopped (a
 * frozen broker: every row ok before) is under way at a rate near 0. */
#define STALL_CHANCE 0.001

/* the run of rows that are not ok at the end of the series, and how the
 * rows before it went; counts are cycles (rows by their weight) */
struct final_run {
	size_t from;                /* its first row */
	int64_t before, len;        /* cycles before it, in it */
	int64_t under_before;       /* under way, among the cycles before it */
	int64_t under_after;        /* under way, among its cycles */
	double chance;              /* of a run this long at that rate */
	bool by_chance;             /* longer than any recovered from, yet not a stall */
};

static double chance_of(int64_t under, int64_t before, int64_t len)
{
	double p = 1;

	if (!before)
		return 0; /* never ok: nothing to compare with */
	for (int64_t i = 0; i < len && p >= STALL_CHANCE; i++)
		p *= (double)under / (double)before;
	return p;
}

/* The rows that count toward a stall: failed, and not under way. Under
 * way only stalls when it never ends: a run of such rows to the end of the
 * series, longer than any such run the device came out of before, and
 * longer than the device's own rate of under-way rows makes likely. */
static struct final_run stall_rows(const struct nf_series *s, bool *counts)
{
	struct final_run f = {0};
	int64_t under = 0, at = 0, longest_recovered = 0;

	for (size_t i = 0; i < s->n; i++) {
		int64_t w = nf_row_weight(s, i);
		bool fine = nf_status_is_ok(s->status[i]) || meant(s, i);
		counts[i] = !fine && !under_way(s, i);
		if (fine) {
			if (at - f.before > longest_recovered)
				longest_recovered = at - f.before;
			f.from = i + 1;
			f.before = at + w;
			f.under_before = under;
		}
		at += w;
		under += under_way(s, i) ? w : 0;
	}
	f.len = at - f.before;
	f.under_after = under - f.under_before;
	f.chance = chance_of(f.under_before, f.before, f.under_after);
	if (f.len > longest_recovered) {
		f.by_chance = f.under_after && f.chance >= STALL_CHANCE;
		for (size_t i = f.from; i < s->n && !f.by_chance; i++)
			counts[i] = true;
	}
	return f;
}

/* The runs of stalling rows: the first of k that lasts past the settle
 * cycles (its first cycle, NF_UNSET none), the longest, the one at the end */
struct stall_runs {
	int64_t from, longest, last;
};

static struct stall_runs scan_runs(const struct nf_series *s, const bool *counts,
				   int64_t settle, int64_t k)
{
	struct stall_runs r = {NF_UNSET, 0, 0};

	for (size_t i = 0; i < s->n; i++) {
		int64_t w = nf_row_weight(s, i), end = s->v[i][C_CYCLE] + w - 1;
		r.last = counts[i] ? r.last + w : 0;
		if (r.last > r.longest)
			r.longest = r.last;
		if (r.from == NF_UNSET && r.last >= k && end > settle)
			r.from = end - r.last + 1;
	}
	return r;
}

/* the first cycle of the first run of k stalling cycles that lasts past
 * the settle cycles, or NF_UNSET: a device that crashed in cycle 2 and
 * never came back is stalled from cycle 2 (run.stop_on_stall counts so too) */
int64_t nf_vd_stall_start(const struct nf_series *s, int64_t settle, int64_t k)
{
	bool *counts = malloc(s->n + 1);
	int64_t from = NF_UNSET;

	if (counts) {
		(void)stall_rows(s, counts);
		from = scan_runs(s, counts, settle, k).from;
	}
	free(counts);
	return from;
}

/* evidence of a status run: each row's cycle and status word */
static void status_evidence(struct nf_finding *f, const struct nf_series *s, int64_t from,
			    bool (*pick)(const struct nf_series *, size_t))
{
	for (size_t i = 0; i < s->n && f->nev < NF_EVIDENCE; i++)
		if (s->v[i][C_CYCLE] >= from && (!pick || pick(s, i))) {
			f->ev_cycle[f->nev] = s->v[i][C_CYCLE];
			f->ev_value[f->nev] = s->v[i][C_SOCKET_FD];
			snprintf(f->ev_status[f->nev++], NF_STATUS_MAX, "%s", s->status[i]);
		}
}

static void stall(struct nf_verdict *v, int dev, const struct nf_series *s, int64_t settle,
		  int64_t k, const bool *counts)
{
	struct stall_runs r = scan_runs(s, counts, settle, k);
	int64_t from = r.from;

	if (from == NF_UNSET)
		return;
	size_t at = 0;
	while (at < s->n && !nf_row_holds(s, at, from))
		at++;
	if (at < s->n && crashed(s, at))
		return; /* its crash is the finding, named by its cause */
	struct nf_finding *f = nf_vd_add(v, dev, NF_STALL, "reconnect");
	if (!f)
		return;
	f->first_cycle = from;
	status_evidence(f, s, from, NULL);
	int len = snprintf(f->summary, sizeof(f->summary),
			   "%" PRId64 " failed cycles in a row from cycle %" PRId64
			   " (%s%s); longest run %" PRId64 "%s",
			   k, from, at < s->n ? s->status[at] : "?",
			   at < s->n && under_way(s, at) ? ", never finished" : "", r.longest,
			   r.last ? ", still failing at the end" : "");
	/* TLS out of memory: where in the failing run its heap began refusing */
	size_t j = at;
	while (j < s->n && !(s->v[j][C_TLS_FAILS] != NF_UNSET && s->v[j][C_TLS_FAILS] > 0))
		j++;
	if (j < s->n && len > 0 && (size_t)len < sizeof(f->summary))
		snprintf(f->summary + len, sizeof(f->summary) - (size_t)len,
			 "; mbedTLS's heap refused allocations from cycle %" PRId64, s->v[j][C_CYCLE]);
}

/* the slow note's word on the run's end, when chance explains it */
static void ended_under_way(struct nf_finding *f, const struct final_run *fr)
{
	size_t len = strlen(f->summary);

	if (!fr->by_chance)
		return;
	snprintf(f->summary + len, sizeof(f->summary) - len,
		 "; the run ended with %" PRId64 " in a row not ok, %" PRId64 " under way: not a "
		 "stall, at this device's rate before them (%" PRId64 " of %" PRId64 " under way) "
		 "that comes by chance with probability %.2g (a stall: under %g)",
		 fr->len, fr->under_after, fr->under_before, fr->before, fr->chance, STALL_CHANCE);
}

/* A note: cycles that ended with the reconnect still under way, where it
 * was, and how long the ones that finished took */
static void slow(struct nf_verdict *v, int dev, const struct nf_series *s, int64_t settle,
		 const bool *stalls, const struct final_run *fr)
{
	int64_t n = 0, first = NF_UNSET, in[NF_ST_COUNT] = {0};
	int64_t *done = malloc((s->n + 1) * sizeof(*done));
	int nd = 0;

	if (!done)
		return;
	for (size_t i = 0; i < s->n; i++) {
		if (s->v[i][C_CYCLE] <= settle)
			continue;
		if (under_way(s, i) && !stalls[i]) { /* under way for good is a stall */
			n += nf_row_weight(s, i);
			in[nf_status_parse(s->status[i])] += nf_row_weight(s, i);
			if (first == NF_UNSET)
				first = s->v[i][C_CYCLE];
		} else if (s->v[i][C_CONNACK] != NF_UNSET) {
			done[nd++] = s->v[i][C_CONNACK];
		}
	}
	struct nf_finding *f = n ? nf_vd_note(v, dev, NF_SLOW, "reconnect") : NULL;
	if (!f) {
		free(done);
		return;
	}
	f->first_cycle = first;
	status_evidence(f, s, first, under_way);
	char where[160] = "";
	for (int st = 0; st < NF_ST_COUNT; st++)
		if (in[st]) {
			size_t l = strlen(where);
			snprintf(where + l, sizeof(where) - l, "%s%s %" PRId64, l ? ", " : "",
				 nf_status_name((enum nf_status)st), in[st]);
		}
	int len = snprintf(f->summary, sizeof(f->summary),
			   "%" PRId64 " cycle%s ended with the reconnect still under way (%s): slower "
			   "than run.reconnect_timeout, not stopped",
			   n, n == 1 ? "" : "s", where);
	if (nd && len > 0 && (size_t)len < sizeof(f->summary)) {
		int64_t med = nf_vd_median(done, nd);
		snprintf(f->summary + len, sizeof(f->summary) - (size_t)len,
			 "; the %d that finished: CONNACK median %" PRId64 " ms, max %" PRId64 " ms",
			 nd, med, done[nd - 1]);
	}
	ended_under_way(f, fr);
	free(done);
}

/* A crash, named by its cause, with what the stack held at its last report */
static void crash(struct nf_verdict *v, int dev, const struct nf_series *s)
{
	size_t at = 0;

	while (at < s->n && !crashed(s, at))
		at++;
	if (at == s->n)
		return;
	struct nf_finding *f = nf_vd_add(v, dev, NF_CRASH, "device");
	if (!f)
		return;
	f->first_cycle = s->v[at][C_CYCLE];
	f->exhaustion = f->first_cycle;
	f->exhaustion_seen = true;
	status_evidence(f, s, f->first_cycle, crashed);
	int64_t slots = s->v[at][C_SLOTS], heap = s->v[at][C_HEAP],
		reboots = s->v[s->n - 1][C_REBOOTS];
	char held[96] = "";
	if (slots != NF_UNSET || heap != NF_UNSET)
		snprintf(held, sizeof(held), "; at its last report %" PRId64 " socket slot%s in use, heap free %" PRId64,
			 slots == NF_UNSET ? 0 : slots, slots == 1 ? "" : "s", heap == NF_UNSET ? 0 : heap);
	snprintf(f->summary, sizeof(f->summary), "crashed in cycle %" PRId64 ": %s%s%s", f->first_cycle,
		 s->crash[0] ? s->crash : "cause not in its log (logs/device-N.log)", held,
		 reboots != NF_UNSET && reboots > 0 ? "; restarted, crashes counted in the rows' reboots"
						    : "; the run stopped there");
	if (s->crashes > 1) {
		size_t l = strlen(f->summary);
		snprintf(f->summary + l, sizeof(f->summary) - l, "; %" PRId64 " crashes in all",
			 s->crashes);
	}
}

/* A device that never had a session in the run, in fewer cycles than a
 * stall needs (or all before the settle): never a clean verdict */
static void never_ok(struct nf_verdict *v, int dev, const struct nf_series *s, int first)
{
	for (size_t i = 0; i < s->n; i++)
		if (nf_status_is_ok(s->status[i]))
			return;
	for (int k = first; k < v->n; k++)
		if (v->f[k].device == dev &&
		    (v->f[k].cls == NF_STALL || v->f[k].cls == NF_CRASH))
			return; /* said already, with its cause */
	if (!s->n)
		return;
	struct nf_finding *f = nf_vd_add(v, dev, NF_STALL, "reconnect");
	if (!f)
		return;
	int64_t cycles = 0;
	for (size_t i = 0; i < s->n; i++)
		cycles += nf_row_weight(s, i);
	f->first_cycle = s->v[0][C_CYCLE];
	status_evidence(f, s, f->first_cycle, NULL);
	snprintf(f->summary, sizeof(f->summary),
		 "no session in any of its %" PRId64 " cycle%s (first: %s)", cycles,
		 cycles == 1 ? "" : "s", s->status[0]);
}

void nf_vd_status(struct nf_verdict *v, int dev, const struct nf_series *s, int64_t settle,
		  int64_t stall_cycles)
{
	int first = v->n;

	bool *counts = malloc(s->n + 1); /* the stalling rows, for both */

	crash(v, dev, s);
	if (counts) {
		struct final_run fr = stall_rows(s, counts);
		stall(v, dev, s, settle, stall_cycles, counts);
		slow(v, dev, s, settle, counts, &fr);
	}
	free(counts);
	never_ok(v, dev, s, first);
}
