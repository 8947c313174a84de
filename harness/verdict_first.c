/* First verdict (see verdict_first.h). */
#include <inttypes.h>
#include <string.h>

#include "verdict_first.h"

void nf_first_verdict_init(struct nf_first_verdict *v, int ndev, int64_t stall, int64_t settle)
{
	memset(v, 0, sizeof(*v));
	v->ndev = ndev;
	v->stall_cycles = stall;
	v->settle_cycles = settle;
	for (int i = 0; i < ndev; i++) {
		v->dev[i].base_slots = NF_UNSET;
		v->dev[i].slots_now = NF_UNSET;
	}
}

void nf_first_verdict_row(struct nf_first_verdict *v, const struct nf_row *row)
{
	struct nf_first_verdict_dev *d = &v->dev[row->device];
	int64_t slots = row->r.v[NF_R_slots_after_teardown];
	bool ok = strcmp(row->status, "ok") == 0;

	if (row->cycle <= v->settle_cycles)
		return;
	d->run = ok ? 0 : d->run + 1;
	if (!ok && !d->first_fail_status_cycle) {
		d->first_fail_status_cycle = row->cycle;
		snprintf(d->first_fail_status, sizeof(d->first_fail_status), "%s", row->status);
	}
	if (d->run >= v->stall_cycles && !d->stall_from)
		d->stall_from = row->cycle - d->run + 1;
	if (slots == NF_UNSET)
		return;
	if (d->base_slots == NF_UNSET) {
		d->base_slots = slots;
		d->base_cycle = row->cycle;
	}
	d->slots_now = slots;
	if (slots > d->base_slots && !d->leak_from)
		d->leak_from = row->cycle;
}

bool nf_first_verdict_write(const struct nf_first_verdict *v, FILE *json, FILE *summary)
{
	bool any = false, first = true;

	fprintf(json, "{\n  \"version\": 1,\n  \"findings\": [");
	for (int i = 0; i < v->ndev; i++) {
		const struct nf_first_verdict_dev *d = &v->dev[i];
		if (d->leak_from) {
			fprintf(json,
				"%s\n    {\"device\": %d, \"class\": \"socket-slot leak\", "
				"\"first_cycle\": %" PRId64 ", \"slots_at_baseline\": %" PRId64
				", \"slots_now\": %" PRId64 "}",
				first ? "" : ",", i, d->leak_from, d->base_slots, d->slots_now);
			fprintf(summary,
				"device %d: socket-slot leak from cycle %" PRId64 ": %" PRId64
				" slots held after teardown at cycle %" PRId64 ", %" PRId64
				" now\n",
				i, d->leak_from, d->base_slots, d->base_cycle, d->slots_now);
			first = false;
			any = true;
		}
		if (d->stall_from) {
			fprintf(json,
				"%s\n    {\"device\": %d, \"class\": \"reconnect stall\", "
				"\"first_cycle\": %" PRId64 ", \"status\": \"%s\"}",
				first ? "" : ",", i, d->stall_from, d->first_fail_status);
			fprintf(summary,
				"device %d: reconnect stall from cycle %" PRId64 " (%s), %" PRId64
				" failed cycles in a row at the end\n",
				i, d->stall_from, d->first_fail_status, d->run);
			first = false;
			any = true;
		}
	}
	fprintf(json, "%s],\n  \"clean\": %s\n}\n", first ? "" : "\n  ", any ? "false" : "true");
	if (!any)
		fprintf(summary, "verdict: clean (%d device%s)\n", v->ndev,
			v->ndev == 1 ? "" : "s");
	return any;
}
