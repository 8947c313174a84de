/* The phase times of ok rows, counted as each row is read (before a fold
 * can merge rows): a histogram per phase, exact to the millisecond below
 * NF_TIMING_EXACT, 64 ms bins to NF_TIMING_TOP, one bin above. What
 * history and compare take their percentiles from, whatever the run's
 * length. */
#ifndef NETFLAP_TIMINGS_H
#define NETFLAP_TIMINGS_H

#include <stdint.h>

#include "csv.h"

/* the phases, in the order a reconnect walks them: name, cycles.csv column */
#define NF_TIMINGS(X)                                                                              \
	X(lease, NF_COL_lease_ms)                                                                  \
	X(dns, NF_COL_dns_ms)                                                                      \
	X(tcp, NF_COL_tcp_ms)                                                                      \
	X(tls_handshake, NF_COL_tls_handshake_ms)                                                  \
	X(connack, NF_COL_connack_ms)

enum nf_timing {
#define NF_X(name, col) NF_T_##name,
	NF_TIMINGS(NF_X)
#undef NF_X
	NF_NTIMINGS
};

#define NF_TIMING_EXACT 2048
#define NF_TIMING_STEP 64
#define NF_TIMING_TOP 32768
#define NF_TIMING_BINS (NF_TIMING_EXACT + (NF_TIMING_TOP - NF_TIMING_EXACT) / NF_TIMING_STEP + 1)

struct nf_timing_hist {
	int64_t n, max, bins[NF_TIMING_BINS];
};

const char *nf_timing_name(enum nf_timing t);
enum nf_csv_col nf_timing_col(enum nf_timing t);
/* counts ms (negative values are not times: left out) */
void nf_timing_add(struct nf_timing_hist *h, int64_t ms);
/* the time of rank k (0-based, ascending): exact below NF_TIMING_EXACT,
 * its bin's least value to NF_TIMING_TOP, the largest seen above;
 * NF_UNSET when there are not k + 1 */
int64_t nf_timing_rank(const struct nf_timing_hist *h, int64_t k);
/* the p-th percentile, nearest rank (the lower): rank (n - 1) * p / 100 */
int64_t nf_timing_pct(const struct nf_timing_hist *h, int p);

#endif
