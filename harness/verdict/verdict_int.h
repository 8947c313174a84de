/* What the verdict's judgements share (verdict.c, verdict_heap.c,
 * verdict_status.c, verdict_slowdown.c): the series' points, the trend
 * test on block statistics, and adding findings and notes. Not for other
 * files. */
#ifndef NETFLAP_VERDICT_INT_H
#define NETFLAP_VERDICT_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "rows.h"
#include "verdict.h"

struct pt {
	int64_t cycle, value;
};

#define MAX_BLOCKS 8
#define MIN_POINTS 6
#define EXACT 2 /* blocks needed for an exact count */
#define NOISY 4 /* for figures that move with traffic */
#define SLOW_MIN 10 /* reconnects per third a slowdown is judged on */
#define HEAP_BLOCK 16 /* bytes: lwIP's least heap allocation, header included */

struct trend {
	bool rising;
	bool in_flight; /* not rising: it came back from its last level before */
	bool one_step;  /* not rising: one step from its baseline, then flat */
	double slope;
	int64_t base, top, last, first_cycle, last_cycle; /* top: the last block's */
};

int nf_vd_cmp_i64(const void *a, const void *b);
/* the median of a[0..n) (sorts a) */
int64_t nf_vd_median(int64_t *a, int n);
/* Is the series rising for good? (block statistics; verdict.c) */
bool nf_vd_rising(const struct pt *p, int n, int min_blocks, struct trend *t);
/* points of column col (minus col minus, where given) after settle */
int nf_vd_collect(const struct nf_series *s, int col, int minus, int64_t settle, bool negate,
		  struct pt *out);
/* a new finding of device dev (NULL when the list is full) */
struct nf_finding *nf_vd_add(struct nf_verdict *v, int dev, enum nf_class c, const char *what);
/* a new note: what the rows show that is no fault (NULL when full) */
struct nf_finding *nf_vd_note(struct nf_verdict *v, int dev, enum nf_class c, const char *what);
void nf_vd_evidence(struct nf_finding *f, const struct pt *p, int n, bool negate);
int64_t nf_vd_first_status(const struct nf_series *s, const char *status);
int64_t nf_vd_earliest_call(const struct pt *p, int n, int min_blocks);
struct nf_finding *nf_vd_add_rising(struct nf_verdict *v, int dev, enum nf_class c,
				    const char *what, const struct trend *t, const struct pt *p,
				    int n, int min_blocks);
/* the first cycle of the first run of k failed cycles after settle */
int64_t nf_vd_stall_start(const struct nf_series *s, int64_t settle, int64_t k);

/* the judgements outside verdict.c */
void nf_vd_heap(struct nf_verdict *v, int dev, const struct nf_series *s, int64_t settle,
		int64_t stall_cycles, struct pt *p);
/* device.ip6: neighbour discovery's and MLD's tables (verdict_ip6.c) */
void nf_vd_ip6(struct nf_verdict *v, int dev, const struct nf_series *s, int64_t settle,
	       struct pt *p);
void nf_vd_status(struct nf_verdict *v, int dev, const struct nf_series *s, int64_t settle,
		  int64_t stall_cycles);
struct thirds {
	int64_t q1[3], m[3], q3[3]; /* quartiles and median */
	int64_t from[3];            /* each third's first cycle */
};
/* left_out, when given, counts the CONNACK times a fault that kept the
 * carrier made (not the stack's) */
void nf_vd_connack_thirds(const struct nf_rows *rows, const struct nf_series *only,
			  int64_t settle, int64_t last, struct thirds *t, int64_t *left_out);
void nf_vd_slowdown(struct nf_verdict *v, int dev, const struct nf_rows *rows, int64_t settle,
		    int64_t last, const struct thirds *fleet);
void nf_vd_fleet_slowdown(struct nf_verdict *v, const struct nf_rows *rows, int64_t settle,
			  int64_t last, const struct thirds *fleet);

#endif
