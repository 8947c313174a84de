/* The verdict of a synthetic cycles.csv, for the verdict's unit tests
 * (test_verdict.c, test_verdict_truth.c): settle 2, stall 3; the file is
 * removed once read. v holds the previous verdict or zeroes. */
#ifndef NETFLAP_VERDICT_JUDGE_H
#define NETFLAP_VERDICT_JUDGE_H

#include <check.h>
#include <unistd.h>

#include "rows.h"
#include "verdict.h"

static inline void judge_file(const char *path, struct nf_verdict *v)
{
	struct nf_rows rows;
	char err[200];
	struct nf_verdict_cfg cfg = {.settle_cycles = 2, .stall_cycles = 3};

	ck_assert_int_eq(nf_rows_load(&rows, path, err, sizeof(err)), 0);
	nf_verdict_free(v); /* the last test's */
	nf_verdict_compute(&rows, &cfg, v);
	nf_rows_free(&rows);
	unlink(path);
}

#endif
