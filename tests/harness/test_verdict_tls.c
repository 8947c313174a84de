/* The TLS classes on synthetic cycles.csv files: what mbedTLS holds
 * after each teardown, flat (a saved session that changes size now and
 * then included), growing, growing until its heap refuses; sessions over
 * a broker certificate a client must refuse. */
#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nf_check.h"
#include "rows.h"
#include "verdict.h"

typedef void (*tls_gen)(int cycle, unsigned *rng, long *after, long *fails);

static unsigned rnd(unsigned *s)
{
	*s = *s * 1103515245u + 12345u;
	return (*s >> 16) & 0x7fff;
}

/* judges cycles rows of a fixed stack over TLS whose TLS figures gen
 * makes; from fail_from on every attempt is tls_failed (0: none); the
 * broker's certificate is cert (broker.tls_cert; "" a good one) */
static void judge_cert(int cycles, tls_gen gen, int fail_from, const char *cert,
		       struct nf_verdict *v)
{
	char path[] = "/tmp/nf-verdict-tls.XXXXXX", err[200];
	unsigned rng = 11;
	struct nf_rows rows;
	struct nf_verdict_cfg cfg = {.settle_cycles = 2, .stall_cycles = 3};
	int fd = mkstemp(path);

	snprintf(cfg.bad_cert, sizeof(cfg.bad_cert), "%s", cert);
	ck_assert_int_ge(fd, 0);
	FILE *f = fdopen(fd, "w");
	fprintf(f, "cycle,device,connack_ms,socket_fd,sockets_in_use,socket_slots,heap_free,"
		   "heap_min_free,slots_after_teardown,status,tls_heap_used,"
		   "tls_heap_after_teardown,tls_heap_fails\n");
	for (int c = 1; c <= cycles; c++) {
		long after = 962, fails = 0;
		gen(c, &rng, &after, &fails);
		bool failed = fail_from && c >= fail_from;
		fprintf(f, "%d,0,", c);
		if (!failed)
			fprintf(f, "%u", 60 + rnd(&rng) % 20);
		fprintf(f, ",0,1,38,%u,59000,%s,%s,27253,", 60000 - rnd(&rng) % 64, c > 1 ? "0" : "",
			failed ? "tls_failed" : "ok");
		if (c > 1)
			fprintf(f, "%ld", after);
		fprintf(f, ",%ld\n", fails);
	}
	fclose(f);
	ck_assert_int_eq(nf_rows_load(&rows, path, err, sizeof(err)), 0);
	nf_verdict_free(v); /* the last test's */
	nf_verdict_compute(&rows, &cfg, v);
	nf_rows_free(&rows);
	unlink(path);
}

static void judge_status(int cycles, tls_gen gen, int fail_from, struct nf_verdict *v)
{
	judge_cert(cycles, gen, fail_from, "", v);
}

static void judge(int cycles, tls_gen gen, struct nf_verdict *v)
{
	judge_status(cycles, gen, 0, v);
}

static const struct nf_finding *tls_finding(const struct nf_verdict *v)
{
	for (int i = 0; i < v->n; i++)
		if (v->f[i].cls == NF_TLS_HEAP_LEAK)
			return &v->f[i];
	return NULL;
}

/* a resumed session's ticket may differ in size: a step, not a trend */
static void flat(int cycle, unsigned *rng, long *after, long *fails)
{
	(void)fails;
	*after = 2718 + (cycle % 7 == 0 ? 16 : 0) - (rnd(rng) % 50 == 0 ? 16 : 0);
}

START_TEST(test_flat_is_clean)
{
	static struct nf_verdict v; /* the last one judged stays reachable */

	judge(500, flat, &v);
	ck_assert_msg(v.n == 0, "a flat TLS heap gave %d findings (%s)", v.n,
		      v.n ? v.f[0].summary : "");
}
END_TEST

/* a context not freed every fourth reconnect: 27 KB each */
static void leaks(int cycle, unsigned *rng, long *after, long *fails)
{
	(void)rng;
	(void)fails;
	*after = 962 + (long)(cycle / 4) * 27253;
}

START_TEST(test_growth_is_a_leak)
{
	static struct nf_verdict v; /* the last one judged stays reachable */

	judge(80, leaks, &v);
	const struct nf_finding *f = tls_finding(&v);
	ck_assert_ptr_nonnull(f);
	ck_assert_str_eq(nf_class_name(f->cls), "TLS heap leak");
	ck_assert_double_gt(f->slope, 27253.0 / 4 * 0.8);
	ck_assert_double_lt(f->slope, 27253.0 / 4 * 1.2);
	ck_assert(!f->exhaustion_seen);
	ck_assert_ptr_nonnull(strstr(f->summary, "after each teardown"));
}
END_TEST

/* 40 bytes a cycle (a small buffer lost), until the heap says no at 60 */
static void slow_then_refused(int cycle, unsigned *rng, long *after, long *fails)
{
	(void)rng;
	*after = 962 + 40L * cycle;
	*fails = cycle >= 60 ? cycle - 59 : 0;
}

START_TEST(test_refusal_is_exhaustion_seen)
{
	static struct nf_verdict v; /* the last one judged stays reachable */

	judge(70, slow_then_refused, &v);
	const struct nf_finding *f = tls_finding(&v);
	ck_assert_ptr_nonnull(f);
	ck_assert(f->exhaustion_seen);
	ck_assert_int_eq(f->exhaustion, 60);
	ck_assert_ptr_nonnull(strstr(f->summary, "refused"));
}
END_TEST

/* on lwIP's heap a context lost a cycle runs it out at once: every
 * handshake fails (a bad certificate) from cycle 1, and from cycle 3 the
 * heap refuses; the stall says where */
static void exhausted_at_once(int cycle, unsigned *rng, long *after, long *fails)
{
	(void)rng;
	*after = cycle < 3 ? 25508L * (cycle - 1) : 50053;
	*fails = cycle >= 3 ? cycle - 2 : 0;
}

START_TEST(test_stall_says_tls_refused)
{
	static struct nf_verdict v; /* the last one judged stays reachable */

	judge_status(20, exhausted_at_once, 1, &v);
	ck_assert_int_ge(v.n, 1);
	const struct nf_finding *stall = NULL;
	for (int i = 0; i < v.n; i++)
		if (v.f[i].cls == NF_STALL)
			stall = &v.f[i];
	ck_assert_ptr_nonnull(stall);
	ck_assert_int_eq(stall->first_cycle, 1);
	ck_assert_msg(strstr(stall->summary, "mbedTLS's heap refused allocations from cycle 3"),
		      "%s", stall->summary);
}
END_TEST

static int count_class(const struct nf_verdict *v, enum nf_class c)
{
	int n = 0;

	for (int i = 0; i < v->n; i++)
		n += v->f[i].cls == c;
	return n;
}

/* a client that opened sessions with an untrusted broker: every one is the
 * finding, from the first; the same rows with a good certificate are clean;
 * a client that refused (every row tls_failed) is a stall, not this */
START_TEST(test_session_over_a_bad_cert)
{
	static struct nf_verdict v; /* the last one judged stays reachable */

	judge_cert(30, flat, 0, "untrusted", &v);
	ck_assert_int_eq(count_class(&v, NF_TLS_UNVERIFIED), 1);
	const struct nf_finding *f = &v.f[0];
	ck_assert_str_eq(nf_class_name(f->cls), "TLS certificate not verified");
	ck_assert_int_eq(f->first_cycle, 1);
	ck_assert_msg(strstr(f->summary, "30 reconnects") && strstr(f->summary, "untrusted"), "%s",
		      f->summary);
	judge_cert(30, flat, 0, "", &v);
	ck_assert_int_eq(v.n, 0);
	judge_cert(30, flat, 1, "expired", &v);
	ck_assert_int_eq(count_class(&v, NF_TLS_UNVERIFIED), 0);
	ck_assert_int_eq(count_class(&v, NF_STALL), 1);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("verdict-tls");
	TCase *tc = tcase_create("verdict-tls");

	tcase_add_test(tc, test_flat_is_clean);
	tcase_add_test(tc, test_growth_is_a_leak);
	tcase_add_test(tc, test_refusal_is_exhaustion_seen);
	tcase_add_test(tc, test_stall_says_tls_refused);
	tcase_add_test(tc, test_session_over_a_bad_cert);
	suite_add_tcase(s, tc);
	return nf_check_run(s);
}
