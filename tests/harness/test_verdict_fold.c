/* Bounded rows (rows_fold.c): a run longer than the rows the verdict may
 * hold is folded, and the verdict over the folded rows finds what it finds
 * over every row: the same findings (device, class, what), first cycles
 * within the fold, a stall's first cycle exact, a clean run clean; rows
 * too varied to fold are refused, never judged by half. Synthetic rows. */
#include <check.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nf_check.h"
#include "rows.h"
#include "verdict.h"
#include "verdict_syn.h"

#define CYCLES 40000
#define BUDGET 4096 /* a tenth of the rows: folded three or four times */

static char dir[64];

/* write_csv's file as dir/cycles.csv */
static void write_run(int cycles, int ndev, gen_fn gen)
{
	char dst[128];

	write_csv(cycles, ndev, gen);
	strcpy(dir, "/tmp/nf-fold.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(dst, sizeof(dst), "%s/cycles.csv", dir);
	ck_assert_int_eq(rename(path, dst), 0);
}

static void remove_run(void)
{
	char p[128];

	snprintf(p, sizeof(p), "%s/cycles.csv", dir);
	unlink(p);
	rmdir(dir);
}

/* the verdict over dir's rows, held within max_rows (0: every row) */
static void judge(size_t max_rows, struct nf_verdict *v, struct nf_rows *rows)
{
	char err[256];
	struct nf_verdict_cfg cfg = {.settle_cycles = 2, .stall_cycles = 3};

	ck_assert_msg(nf_rows_load_run_max(rows, dir, max_rows, err, sizeof(err)) == 0, "%s", err);
	nf_verdict_compute(rows, &cfg, v);
}

/* both verdicts: every row's and the folded rows'; the folded held fewer
 * rows than the budget and folded */
static void both(struct nf_verdict *all, struct nf_verdict *folded)
{
	struct nf_rows r;

	judge(0, all, &r);
	ck_assert(!r.folded);
	nf_rows_free(&r);
	judge(BUDGET, folded, &r);
	ck_assert(r.folded);
	ck_assert_uint_lt(r.held, BUDGET);
	nf_rows_free(&r);
	remove_run();
}

/* the same findings, first cycles within tol */
static void same_findings(const struct nf_verdict *a, const struct nf_verdict *b, int64_t tol)
{
	ck_assert_int_eq(a->n, b->n);
	for (int i = 0; i < a->n; i++) {
		ck_assert_int_eq(a->f[i].device, b->f[i].device);
		ck_assert_int_eq(a->f[i].cls, b->f[i].cls);
		ck_assert_str_eq(a->f[i].what, b->f[i].what);
		int64_t d = a->f[i].first_cycle - b->f[i].first_cycle;
		ck_assert_msg(d <= tol && d >= -tol, "%s: first cycle %lld against %lld",
			      a->f[i].summary, (long long)b->f[i].first_cycle,
			      (long long)a->f[i].first_cycle);
	}
	ck_assert_int_eq(a->cycles, b->cycles);
	for (int d = 0; d < a->ndev; d++) {
		ck_assert_int_eq(a->seen[d].rows, b->seen[d].rows);
		ck_assert_int_eq(a->seen[d].ok, b->seen[d].ok);
		ck_assert_int_eq(a->seen[d].last_cycle, b->seen[d].last_cycle);
	}
}

/* one slot kept every 97 cycles, beside the clean run's noise */
static void g_slow_slots(int c, unsigned *s, struct syn *r)
{
	g_clean(c, s, r);
	r->after_teardown = c / 97;
	r->slots = 1 + c / 97;
}

/* 8 bytes lost every 10 cycles, in-flight buffers coming and going */
static void g_heap_drip(int c, unsigned *s, struct syn *r)
{
	g_clean(c, s, r);
	r->heap -= 8 * (c / 10);
	r->heap_min = r->heap - 200;
}

/* sound until cycle 31000, then the socket table refuses every attempt */
static void g_late_stall(int c, unsigned *s, struct syn *r)
{
	g_clean(c, s, r);
	if (c > 31000) {
		r->status = "socket_failed";
		r->socket_fd = -1;
	}
}

/* every other cycle fails: nothing to fold */
static void g_alternating(int c, unsigned *s, struct syn *r)
{
	g_clean(c, s, r);
	if (c % 2)
		r->status = "connect_failed";
}

START_TEST(test_clean_stays_clean)
{
	struct nf_verdict a = {0}, b = {0};

	write_run(CYCLES, 2, g_clean);
	both(&a, &b);
	ck_assert_int_eq(a.n, 0);
	same_findings(&a, &b, 0);
	ck_assert_int_eq(b.seen[0].rows, CYCLES);
	ck_assert_int_ge(b.seen[0].cycles_per_row, 8);
	ck_assert_int_eq(a.seen[0].cycles_per_row, 1);
	nf_verdict_free(&a);
	nf_verdict_free(&b);
}
END_TEST

START_TEST(test_leaks_still_found)
{
	static const gen_fn gens[] = {g_slow_slots, g_heap_drip};
	static const enum nf_class want[] = {NF_SLOT_LEAK, NF_HEAP_LEAK};

	for (size_t k = 0; k < sizeof(gens) / sizeof(gens[0]); k++) {
		struct nf_verdict a = {0}, b = {0};
		write_run(CYCLES, 1, gens[k]);
		both(&a, &b);
		ck_assert_int_ge(a.n, 1);
		ck_assert_int_eq(a.f[0].cls, want[k]);
		/* a block of the folded rows is up to a fold wider at each end */
		same_findings(&a, &b, 2 * b.seen[0].cycles_per_row);
		double ratio = b.f[0].slope / a.f[0].slope;
		ck_assert_msg(ratio > 0.9 && ratio < 1.1, "slope %g folded, %g every row",
			      b.f[0].slope, a.f[0].slope);
		nf_verdict_free(&a);
		nf_verdict_free(&b);
	}
}
END_TEST

/* the field report over a long run: 38 slots filled in 38 cycles, then
 * 39,962 failed cycles; folding the failed rows keeps the 38 that leaked */
START_TEST(test_early_leak_kept)
{
	struct nf_verdict a = {0}, b = {0};

	write_run(CYCLES, 1, g_vendor);
	both(&a, &b);
	same_findings(&a, &b, 0);
	ck_assert_int_eq(b.n, 1);
	ck_assert_int_eq(b.f[0].cls, NF_SLOT_LEAK);
	ck_assert_int_eq(b.f[0].exhaustion, 39);
	ck_assert(b.f[0].exhaustion_seen);
	ck_assert_ptr_nonnull(strstr(b.f[0].summary, "1 socket slot kept per cycle"));
	ck_assert_ptr_nonnull(strstr(b.f[0].summary, "stopped reconnecting at cycle 39"));
	nf_verdict_free(&a);
	nf_verdict_free(&b);
}
END_TEST

START_TEST(test_stall_exact)
{
	struct nf_verdict a = {0}, b = {0};

	write_run(CYCLES, 1, g_late_stall);
	both(&a, &b);
	same_findings(&a, &b, 0);
	ck_assert_int_eq(b.n, 1);
	ck_assert_int_eq(b.f[0].cls, NF_STALL);
	ck_assert_int_eq(b.f[0].first_cycle, 31001);
	ck_assert_ptr_nonnull(strstr(b.f[0].summary, "longest run 9000"));
	ck_assert_int_eq(b.seen[0].ok, 31000);
	nf_verdict_free(&a);
	nf_verdict_free(&b);
}
END_TEST

/* each column folds as the verdict reads it, against a direct computation
 * over the rows a folded row stands for */
START_TEST(test_fold_rules)
{
	struct nf_rows r;
	char err[256];
	FILE *f;
	char p[128];

	strcpy(dir, "/tmp/nf-fold.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(p, sizeof(p), "%s/cycles.csv", dir);
	ck_assert_ptr_nonnull(f = fopen(p, "w"));
	fprintf(f, "cycle,device,status,connack_ms,memp_netconn_used,heap_free,heap_min_free,"
		   "heap_closing,memp_tcp_pcb_used,tcp_time_wait,socket_slots,tls_heap_fails\n");
	for (int c = 1; c <= 64; c++)
		fprintf(f, "%d,0,ok,%d,%d,%d,%d,%d,%d,%d,%d,%d\n", c, c % 7, 3 + c % 3,
			60000 - (c * 37) % 500, 50000 - c, c * 10, 2 + c % 4, c % 4, 30 + c,
			c == 9 ? 1 : 0);
	fclose(f);
	ck_assert_int_eq(nf_rows_load_run_max(&r, dir, 16, err, sizeof(err)), 0);
	remove_run();
	const struct nf_series *s = &r.dev[0];
	ck_assert_int_lt(s->n, 16);
	int64_t cycles = 0;
	for (size_t i = 0; i < s->n; i++) {
		int64_t from = s->v[i][C_CYCLE], w = nf_row_weight(s, i);
		int64_t lo = INT64_MAX, hi = 0, sum = 0, heap = 0, held = 0, hmin = INT64_MAX;
		int64_t tcp = INT64_MAX, tw = 0, fails = 0;
		ck_assert_int_eq(from, cycles + 1); /* spans follow on, none lost */
		for (int64_t c = from; c < from + w; c++) {
			int64_t nc = 3 + c % 3, h = 60000 - (c * 37) % 500;
			lo = nc < lo ? nc : lo;
			sum += c % 7;
			if (h > heap) { /* free heap's most, with what held it then */
				heap = h;
				held = c * 10;
			}
			hmin = 50000 - c < hmin ? 50000 - c : hmin;
			if (2 + c % 4 - c % 4 < tcp) { /* pcbs beyond the lingering ones */
				tcp = 2 + c % 4 - c % 4;
				tw = c % 4;
			}
			fails = c == 9 ? 1 : fails;
			hi = 30 + c;
		}
		ck_assert_int_eq(s->v[i][C_NETCONN], lo);
		ck_assert_int_eq(s->v[i][C_HEAP], heap);
		ck_assert_int_eq(s->v[i][C_HEAP_CLOSING], held);
		ck_assert_int_eq(s->v[i][C_HEAP_MIN], hmin);
		ck_assert_int_eq(s->v[i][C_TCP_PCB] - s->v[i][C_LINGER], tcp);
		ck_assert_int_eq(s->v[i][C_TIME_WAIT], tw);
		ck_assert_int_eq(s->v[i][C_TLS_FAILS], fails);
		ck_assert_int_eq(s->v[i][C_SOCKET_SLOTS], hi); /* the last said */
		/* the weighted mean, to within half a unit per fold it went through */
		double mean = (double)sum / (double)w, tol = 0.5;
		for (int64_t k = w; k > 1; k /= 2)
			tol += 0.5;
		ck_assert_msg(s->v[i][C_CONNACK] >= mean - tol && s->v[i][C_CONNACK] <= mean + tol,
			      "connack %lld, mean %.2f of %lld rows", (long long)s->v[i][C_CONNACK],
			      mean, (long long)w);
		cycles += w;
	}
	ck_assert_int_eq(cycles, 64);
	nf_rows_free(&r);
}
END_TEST

START_TEST(test_too_varied_refused)
{
	struct nf_rows r;
	char err[256] = "";

	write_run(CYCLES, 1, g_alternating);
	ck_assert_int_eq(nf_rows_load_run_max(&r, dir, BUDGET, err, sizeof(err)), -ENOSPC);
	ck_assert_ptr_nonnull(strstr(err, "too varied to fold"));
	ck_assert_ptr_nonnull(strstr(err, "cycles.csv:"));
	remove_run();
}
END_TEST

int main(void)
{
	Suite *s = suite_create("verdict-fold");
	TCase *tc = tcase_create("verdict-fold");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_clean_stays_clean);
	tcase_add_test(tc, test_leaks_still_found);
	tcase_add_test(tc, test_stall_exact);
	tcase_add_test(tc, test_early_leak_kept);
	tcase_add_test(tc, test_fold_rules);
	tcase_add_test(tc, test_too_varied_refused);
	suite_add_tcase(s, tc);
	return nf_check_run(s);
}
