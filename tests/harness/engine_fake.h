/* The cycle engine's fakes for its unit tests (test_engine.c,
 * test_engine_truth.c): a fake AP, rows kept, STATUS requests counted. */
#ifndef NETFLAP_ENGINE_FAKE_H
#define NETFLAP_ENGINE_FAKE_H

#include <check.h>
#include <string.h>

#include "engine.h"
#include "scenario.h"

/* the defaults with each "section.key=value" of the NULL-ended list */
static inline void scenario_of(struct nf_scenario *sc, const char *const *sets)
{
	char err[200];

	nf_scenario_defaults(sc);
	for (; *sets; sets++)
		ck_assert_msg(nf_scenario_set(sc, *sets, err, sizeof(err)) == 0, "%s", err);
}

struct fake {
	int ap_calls;
	bool ap_on;
	int nrows;
	struct nf_row rows[64];
};

static inline int fake_ap(void *ctx, bool on)
{
	struct fake *f = ctx;
	f->ap_calls++;
	f->ap_on = on;
	return 0;
}

static inline void fake_row(void *ctx, const struct nf_row *row)
{
	struct fake *f = ctx;
	if (f->nrows < 64)
		f->rows[f->nrows++] = *row;
}

static const struct nf_engine_ops fake_ops __attribute__((unused)) = {.ap_set = fake_ap, .row = fake_row};

static inline struct nf_report rep(int64_t phase, const char *status, int64_t fd)
{
	struct nf_report r;
	nf_report_clear(&r);
	r.v[NF_R_phase] = phase;
	r.v[NF_R_socket_fd] = fd;
	strcpy(r.status, status);
	return r;
}

static int asked[4] __attribute__((unused));

static inline void fake_ask(void *ctx, int dev)
{
	(void)ctx;
	asked[dev]++;
}

#endif
