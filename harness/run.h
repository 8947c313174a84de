/* `netflap run`: one scenario, end to end, in a run folder. */
#ifndef NETFLAP_RUN_H
#define NETFLAP_RUN_H

#include <stdbool.h>

#include "scenario.h"

#define NF_EXIT_CLEAN 0
#define NF_EXIT_FINDING 1
#define NF_EXIT_USAGE 2
#define NF_EXIT_ENV 3

struct nf_run_opts {
	const char *out_dir; /* NULL: results/<scenario>-<UTC stamp> */
	bool quiet;
	bool daemon; /* detached: output to <run folder>/netflap.log */
};

/* results/<scenario>-<UTC stamp> */
void nf_run_default_dir(const struct nf_scenario *sc, char *buf, size_t len);

/* Runs it; returns an exit code (see DESIGN: 0 clean, 1 finding, 3 env). */
int nf_run(const struct nf_scenario *sc, const struct nf_run_opts *o);

/* `netflap status RUN_DIR` and `netflap stop RUN_DIR`. Exit codes. */
int nf_status(const char *dir);
int nf_stop(const char *dir);

/* `netflap cleanup`: what SIGKILLed runs left: netflap-* namespaces and the
 * processes inside them. Returns an exit code. */
int nf_cleanup(bool quiet);

#endif
