/* `netflap run`: one scenario, end to end, in a run folder. */
#ifndef NETFLAP_RUN_H
#define NETFLAP_RUN_H

#include <stdbool.h>

#include "exitcode.h"
#include "scenario.h"

struct nf_run_opts {
	const char *out_dir; /* NULL: results/<scenario>-<UTC stamp> */
	bool quiet;
	bool daemon;  /* detached: output to <run folder>/netflap.log */
	int ready_fd; /* -1, or an fd that gets one byte once the cycles start */
};

/* results/<scenario>-<UTC stamp> */
void nf_run_default_dir(const struct nf_scenario *sc, char *buf, size_t len);

/* Runs it; returns an exit code (exitcode.h: 0 clean, 1 finding, 3 env). */
int nf_run(const struct nf_scenario *sc, const struct nf_run_opts *o);

#endif
