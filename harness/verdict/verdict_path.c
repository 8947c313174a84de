/* Which path leaks (see verdict_path.h): when a device's rows walked more
 * than one cut phase or fault, a slot leak's finding says how many slots
 * each path kept per cycle, from slots_after_teardown's step at each row
 * (the row's own teardown: its cut, or the flap that began its cycle), over
 * the cycles that reconnected. */
#include <stdio.h>
#include <string.h>

#include "faults.h"
#include "proto.h"
#include "verdict_path.h"

#define MAXV 16

struct tally {
	int64_t kept[MAXV], cycles[MAXV];
};

static const char *value_name(int col, int i)
{
	return col == C_CUT ? nf_phase_name((enum nf_phase)i) : nf_fault_name((enum nf_fault)i);
}

/* kept slots and cycles per value of col; the number of values seen */
static int tally(const struct nf_series *s, int col, struct tally *t)
{
	int seen = 0;

	memset(t, 0, sizeof(*t));
	for (size_t i = 1; i < s->n; i++) {
		int64_t p = s->v[i][col], a = s->v[i][C_AFTER_TEARDOWN], b = s->v[i - 1][C_AFTER_TEARDOWN];
		/* a cycle that could not reconnect (the table full) walked no path */
		if (p == NF_UNSET || p < 0 || p >= MAXV || a == NF_UNSET || b == NF_UNSET ||
		    !nf_status_is_ok(s->status[i]))
			continue;
		seen += t->cycles[p] == 0;
		t->cycles[p] += nf_row_weight(s, i);
		t->kept[p] += a > b ? a - b : 0;
	}
	return seen;
}

/* "by cut phase: connect 1.00 kept per cycle (23), connack 1.00 (21); none at up (18), ..." */
static void describe(const struct tally *t, int col, char *out, size_t len)
{
	size_t n = (size_t)snprintf(out, len, "by %s:", col == C_CUT ? "cut phase" : "fault");
	int leaks = 0, none = 0;

	for (int pass = 0; pass < 2; pass++)
		for (int i = 0; i < MAXV && n < len; i++) {
			if (!t->cycles[i] || (pass == 0) != (t->kept[i] > 0))
				continue;
			if (pass == 0)
				n += (size_t)snprintf(out + n, len - n, "%s %s %.2f kept per cycle (%lld)",
						      leaks++ ? "," : "", value_name(col, i),
						      (double)t->kept[i] / (double)t->cycles[i],
						      (long long)t->cycles[i]);
			else
				n += (size_t)snprintf(out + n, len - n, "%s %s (%lld)",
						      none++ ? "," : "; none at", value_name(col, i),
						      (long long)t->cycles[i]);
		}
}

void nf_verdict_paths(struct nf_verdict *v, int dev, const struct nf_series *s, int from)
{
	static const int axes[] = {C_CUT, C_FAULT};

	for (int k = from; k < v->n; k++) {
		struct nf_finding *f = &v->f[k];
		if (f->device != dev || f->cls != NF_SLOT_LEAK)
			continue;
		size_t n = 0;
		for (size_t a = 0; a < sizeof(axes) / sizeof(axes[0]); a++) {
			struct tally t;
			if (tally(s, axes[a], &t) < 2)
				continue;
			if (n && n < sizeof(f->paths) - 2)
				n += (size_t)snprintf(f->paths + n, sizeof(f->paths) - n, "; ");
			if (n < sizeof(f->paths))
				describe(&t, axes[a], f->paths + n, sizeof(f->paths) - n);
			n = strlen(f->paths);
		}
	}
}
