/* The phase time histograms (timings.c) against a direct computation:
 * every rank of a sorted array, exact below NF_TIMING_EXACT, a bin's least
 * value to NF_TIMING_TOP, the largest above; and through the rows reader,
 * ok rows only, every phase column. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nf_check.h"
#include "report.h"
#include "rows.h"
#include "timings.h"

static int cmp(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

/* what a rank should read for the sorted value x */
static int64_t binned(int64_t x, int64_t max)
{
	if (x < NF_TIMING_EXACT)
		return x;
	if (x < NF_TIMING_TOP)
		return NF_TIMING_EXACT + (x - NF_TIMING_EXACT) / NF_TIMING_STEP * NF_TIMING_STEP;
	return max;
}

START_TEST(test_ranks_against_sort)
{
	enum { N = 20000 };
	static int64_t v[N];
	struct nf_timing_hist *h = calloc(1, sizeof(*h));
	unsigned s = 11;

	ck_assert_ptr_nonnull(h);
	for (int i = 0; i < N; i++) {
		s = s * 1103515245u + 12345u;
		unsigned r = (s >> 8) % 1000;
		/* most fast, a tail past the exact bins, a few past the top */
		v[i] = r < 900 ? r % 40 : r < 995 ? 1500 + (int64_t)(s >> 12) % 20000 : 40000 + r;
		nf_timing_add(h, v[i]);
	}
	nf_timing_add(h, -1); /* no time: left out */
	ck_assert_int_eq(h->n, N);
	qsort(v, N, sizeof(v[0]), cmp);
	for (int k = 0; k < N; k++)
		ck_assert_int_eq(nf_timing_rank(h, k), binned(v[k], v[N - 1]));
	ck_assert_int_eq(nf_timing_pct(h, 50), v[(N - 1) * 50 / 100]);
	ck_assert_int_eq(nf_timing_pct(h, 99), binned(v[(N - 1) * 99 / 100], v[N - 1]));
	ck_assert_int_eq(nf_timing_rank(h, N), NF_UNSET);
	free(h);
	struct nf_timing_hist empty = {0};
	ck_assert_int_eq(nf_timing_pct(&empty, 50), NF_UNSET);
}
END_TEST

START_TEST(test_rows_count_ok_rows)
{
	char path[] = "/tmp/nf-timings.XXXXXX", err[200];
	int fd = mkstemp(path);
	struct nf_rows rows;

	ck_assert_int_ge(fd, 0);
	FILE *f = fdopen(fd, "w");
	fprintf(f, "cycle,device,status,lease_ms,dns_ms,tcp_ms,tls_handshake_ms,connack_ms\n");
	for (int c = 1; c <= 101; c++)
		fprintf(f, "%d,0,%s,%d,%d,%d,,%d\n", c, c % 10 ? "ok" : "connect_failed", c,
			2 * c, 3 * c, 4 * c);
	fclose(f);
	ck_assert_int_eq(nf_rows_load(&rows, path, err, sizeof(err)), 0);
	unlink(path);
	/* 91 ok rows: cycles 1..101 but the tens */
	ck_assert_int_eq(rows.timing[NF_T_lease].n, 91);
	ck_assert_int_eq(rows.timing[NF_T_tls_handshake].n, 0);
	/* rank 45: nine ok rows a decade, the 46th is 51 */
	ck_assert_int_eq(nf_timing_pct(&rows.timing[NF_T_lease], 50), 51);
	ck_assert_int_eq(nf_timing_pct(&rows.timing[NF_T_dns], 0), 2);
	ck_assert_int_eq(nf_timing_pct(&rows.timing[NF_T_connack], 100), 404);
	ck_assert_str_eq(nf_timing_name(NF_T_tcp), "tcp");
	nf_rows_free(&rows);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("timings");
	TCase *tc = tcase_create("timings");

	tcase_add_test(tc, test_ranks_against_sort);
	tcase_add_test(tc, test_rows_count_ok_rows);
	suite_add_tcase(s, tc);
	return nf_check_run(s);
}
