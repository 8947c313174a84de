/* One run folder summed up for history and compare: what it was (scenario
 * fingerprint, stack build, when) and what it showed (cycles, failure
 * rate, each phase's percentiles, heap floor, findings with their slopes). */
#ifndef NETFLAP_NIGHT_H
#define NETFLAP_NIGHT_H

#include <stdint.h>
#include <stdio.h>

#include "timings.h"
#include "verdict.h"

#define NF_NIGHT_KEYS 160

/* the percentiles kept per phase, in pct[][]'s order */
static const int nf_night_pcts[3] = {50, 95, 99};

struct nf_night {
	char dir[512];
	char started[32], run_id[16], scenario[64], stack[48], build[24], state[16];
	uint64_t fingerprint; /* FNV-1a of the resolved scenario, run.loops left out */
	int nkeys;
	char key[NF_NIGHT_KEYS][48], val[NF_NIGHT_KEYS][96]; /* section.key = value */
	int64_t cycles, rows, failed;
	double fail_rate;                  /* failed rows / rows */
	/* ms, over ok rows, per phase (timings.h): p50, p95, p99; NF_UNSET none */
	int64_t pct[NF_NTIMINGS][3];
	int64_t heap_floor;                /* the lowest heap_free of any row; NF_UNSET none */
	struct nf_verdict v;               /* its verdict.json */
};

/* Reads dir's run.json, cycles.csv and verdict.json. 0 or -errno with a
 * message. */
int nf_night_read(const char *dir, struct nf_night *n, char *err, size_t len);

/* The first scenario key whose value differs into what ("section.key: a vs
 * b"); 0 when the fingerprints match, 1 otherwise. */
int nf_night_differs(const struct nf_night *a, const struct nf_night *b, char *what, size_t len);

/* `netflap history DIR... [--csv FILE] [--json FILE]` */
int nf_history(int argc, char **argv);
/* `netflap compare BASELINE... RUN [--threshold PCT] [--out DIR]` */
int nf_compare(int argc, char **argv);

#endif
