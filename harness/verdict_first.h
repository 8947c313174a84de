/* The first verdict over the rows of a run: a reconnect stall (stall_cycles
 * failed cycles in a row after settle_cycles) or socket slots that grow
 * from one teardown to the next. The full engine is `netflap verdict`. */
#ifndef NETFLAP_VERDICT_FIRST_H
#define NETFLAP_VERDICT_FIRST_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "engine.h"

struct nf_first_verdict_dev {
	int64_t run, stall_from;        /* current failed run; first stalled cycle */
	int64_t base_slots, base_cycle; /* slots after teardown at the baseline */
	int64_t leak_from, slots_now;
	int64_t first_fail_status_cycle;
	char first_fail_status[NF_STATUS_MAX];
};

struct nf_first_verdict {
	int ndev;
	int64_t stall_cycles, settle_cycles;
	struct nf_first_verdict_dev dev[NF_MAX_DEVICES];
};

void nf_first_verdict_init(struct nf_first_verdict *v, int ndev, int64_t stall, int64_t settle);
void nf_first_verdict_row(struct nf_first_verdict *v, const struct nf_row *row);
/* Writes verdict.json and a summary; true when something was found. */
bool nf_first_verdict_write(const struct nf_first_verdict *v, FILE *json, FILE *summary);

#endif
