/* The link impairment engine on synthetic frames with a fake clock: each
 * model's figures against what its parameters predict, order, the rate,
 * reorder, duplicates, corruption outside the Ethernet header, seeds. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "impair.h"
#include "nf_check.h"

#define N 100000 /* frames per statistical case */

static struct nf_impair im;

static void setup_cfg(const char *spec)
{
	struct nf_impair_cfg c;
	char bad[64];

	ck_assert_msg(nf_impair_parse(spec, &c, bad, sizeof(bad)) == 0, "%s: %s", spec, bad);
	ck_assert_int_eq(nf_impair_init(&im, &c), 0);
}

/* frame k: 60 bytes, its number in bytes 20..23 */
static void frame_of(uint8_t *f, uint32_t k)
{
	memset(f, 0xab, 60);
	memcpy(f + 20, &k, sizeof(k));
}

/* offers n frames one each `gap` us in direction d, releasing as it goes;
 * returns the frames released */
static unsigned run(enum nf_impair_dir d, unsigned n, int64_t gap, uint32_t *order, unsigned cap)
{
	uint8_t f[NF_IMPAIR_FRAME_MAX], out[NF_IMPAIR_FRAME_MAX];
	unsigned got = 0;
	enum nf_impair_dir od;
	size_t len;
	int64_t now = 0;

	for (unsigned k = 0; k < n; k++, now += gap) {
		frame_of(f, k);
		nf_impair_offer(&im, d, f, 60, now);
		while (nf_impair_pop(&im, now, &od, out, &len))
			if (got < cap && order)
				memcpy(&order[got++], out + 20, 4);
			else
				got++;
	}
	for (int64_t t; (t = nf_impair_deadline(&im)) >= 0;)
		while (nf_impair_pop(&im, t, &od, out, &len))
			if (got < cap && order)
				memcpy(&order[got++], out + 20, 4);
			else
				got++;
	return got;
}

START_TEST(test_parse_format)
{
	struct nf_impair_cfg c, back;
	char buf[256], bad[64];

	ck_assert_int_eq(nf_impair_parse("loss=200000,delay=50000,seed=7", &c, bad, sizeof(bad)), 0);
	ck_assert_int_eq(c.loss, 200000);
	ck_assert_int_eq(c.delay, 50000);
	ck_assert(nf_impair_active(&c));
	nf_impair_format(&c, buf, sizeof(buf));
	ck_assert_str_eq(buf, "loss=200000,delay=50000,seed=7");
	ck_assert_int_eq(nf_impair_parse(buf, &back, bad, sizeof(bad)), 0);
	ck_assert_mem_eq(&c, &back, sizeof(c));
	ck_assert_int_eq(nf_impair_parse("lost=3", &c, bad, sizeof(bad)), -EINVAL);
	ck_assert_str_eq(bad, "lost=3");
	ck_assert_int_eq(nf_impair_parse("loss=3x", &c, bad, sizeof(bad)), -EINVAL);
	ck_assert_int_eq(nf_impair_parse("loss=1000001", &c, bad, sizeof(bad)), -EINVAL);
	ck_assert_int_eq(nf_impair_parse("seed=1", &c, bad, sizeof(bad)), 0);
	ck_assert(!nf_impair_active(&c));
}
END_TEST

/* Bernoulli 20 %: within 4 binomial standard deviations over N frames */
START_TEST(test_bernoulli)
{
	struct nf_impair_counts c;

	setup_cfg("loss=200000,seed=3");
	unsigned got = run(NF_IMPAIR_RX, N, 10, NULL, 0);
	nf_impair_counts(&im, &c);
	ck_assert_uint_eq(c.passed + c.dropped, N);
	ck_assert_uint_eq(got, c.passed);
	double p = (double)c.dropped / N, sd = sqrt(0.2 * 0.8 / N);
	ck_assert_msg(fabs(p - 0.2) < 4 * sd, "loss %.4f", p);
	/* independent losses: mean burst 1 / (1 - 0.2) = 1.25 */
	double burst = (double)c.dropped / (double)c.bursts;
	ck_assert_msg(fabs(burst - 1.25) < 0.05, "mean burst %.3f", burst);
	nf_impair_free(&im);
}
END_TEST

/* Gilbert-Elliott p = 1 %, r = 25 %, all lost in bad, none in good: bursts
 * of mean 1 / r = 4 frames, loss p / (p + r) = 3.85 % */
START_TEST(test_gilbert_elliott)
{
	struct nf_impair_counts c;

	setup_cfg("model=1,ge_p=10000,ge_r=250000,ge_bad_loss=1000000,seed=5");
	run(NF_IMPAIR_TX, N, 10, NULL, 0);
	nf_impair_counts(&im, &c);
	double burst = (double)c.dropped / (double)c.bursts;
	double loss = (double)c.dropped / N;
	ck_assert_msg(fabs(burst - 4.0) < 0.3, "mean burst %.3f, want 4", burst);
	ck_assert_msg(fabs(loss - 0.01 / 0.26) < 0.006, "loss %.4f, want 0.0385", loss);
	nf_impair_free(&im);
}
END_TEST

/* the same seed: the same losses, whatever the timing; another seed: others */
START_TEST(test_seeded)
{
	char a[80], b[80], c2[80];

	setup_cfg("loss=300000,seed=11");
	run(NF_IMPAIR_TX, 300, 10, NULL, 0);
	ck_assert_uint_eq(nf_impair_pattern(&im, NF_IMPAIR_TX, a, sizeof(a)), NF_IMPAIR_PATTERN);
	nf_impair_free(&im);
	setup_cfg("loss=300000,seed=11,delay=7000");
	run(NF_IMPAIR_TX, 300, 1234, NULL, 0);
	nf_impair_pattern(&im, NF_IMPAIR_TX, b, sizeof(b));
	nf_impair_free(&im);
	setup_cfg("loss=300000,seed=12");
	run(NF_IMPAIR_TX, 300, 10, NULL, 0);
	nf_impair_pattern(&im, NF_IMPAIR_TX, c2, sizeof(c2));
	nf_impair_free(&im);
	ck_assert_str_eq(a, b);
	ck_assert_str_ne(a, c2);
	ck_assert_uint_eq(strlen(a), NF_IMPAIR_PATTERN / 4);
}
END_TEST

/* delay 50 ms +- 20 ms: every frame between 30 and 70 ms late, in order */
START_TEST(test_delay_jitter_order)
{
	uint8_t f[64], out[NF_IMPAIR_FRAME_MAX];
	enum nf_impair_dir d;
	size_t len;
	int64_t last = -1;
	uint32_t prev = 0;

	setup_cfg("delay=50000,jitter=20000,seed=2");
	for (uint32_t k = 0; k < 200; k++) {
		frame_of(f, k);
		nf_impair_offer(&im, NF_IMPAIR_RX, f, 60, (int64_t)k * 1000);
	}
	for (unsigned got = 0; got < 200; got++) {
		int64_t t = nf_impair_deadline(&im);
		ck_assert(t >= last);
		ck_assert_int_eq(nf_impair_pop(&im, t - 1, &d, out, &len), 0); /* not before */
		ck_assert_int_eq(nf_impair_pop(&im, t, &d, out, &len), 1);
		uint32_t k;
		memcpy(&k, out + 20, 4);
		ck_assert(got == 0 || k == prev + 1);
		/* never early; late by at most delay + jitter, or behind the one ahead */
		ck_assert(t >= (int64_t)k * 1000 + 30000);
		ck_assert(t <= (int64_t)k * 1000 + 70000 || t == last);
		prev = k;
		last = t;
	}
	struct nf_impair_counts c;
	nf_impair_counts(&im, &c);
	ck_assert_uint_eq(c.delayed, 200);
	ck_assert_int_eq(nf_impair_deadline(&im), -1);
	nf_impair_free(&im);
}
END_TEST

/* 1 Mbit/s: a 1500-byte frame takes 12 ms; ten back to back leave 12 ms apart */
START_TEST(test_rate)
{
	uint8_t f[1500] = {0}, out[NF_IMPAIR_FRAME_MAX];
	enum nf_impair_dir d;
	size_t len;

	setup_cfg("rate=1000000");
	for (int k = 0; k < 10; k++)
		nf_impair_offer(&im, NF_IMPAIR_TX, f, sizeof(f), 0);
	for (int k = 1; k <= 10; k++) {
		ck_assert_int_eq(nf_impair_deadline(&im), 12000 * k);
		ck_assert_int_eq(nf_impair_pop(&im, 12000 * k - 1, &d, out, &len), 0);
		ck_assert_int_eq(nf_impair_pop(&im, 12000 * k, &d, out, &len), 1);
		ck_assert_int_eq(len, 1500);
	}
	nf_impair_free(&im);
}
END_TEST

/* reorder 10 %: about that many frames leave after their successor; every
 * frame still arrives exactly once */
START_TEST(test_reorder)
{
	static uint32_t order[20000];
	static uint8_t seen[20000];
	struct nf_impair_counts c;

	setup_cfg("reorder=100000,seed=9");
	unsigned got = run(NF_IMPAIR_RX, 20000, 100, order, 20000);
	ck_assert_uint_eq(got, 20000);
	unsigned inversions = 0;
	memset(seen, 0, sizeof(seen));
	for (unsigned i = 0; i < got; i++) {
		ck_assert(!seen[order[i]]);
		seen[order[i]] = 1;
		inversions += i && order[i] < order[i - 1];
	}
	nf_impair_counts(&im, &c);
	ck_assert_uint_eq(inversions, c.reordered);
	ck_assert_msg(c.reordered > 1600 && c.reordered < 2200, "reordered %llu",
		      (unsigned long long)c.reordered);
	nf_impair_free(&im);
}
END_TEST

/* duplicate 5 % and corrupt 10 %: copies counted; a corrupted frame
 * differs from its original in exactly one bit, never in the MAC header */
START_TEST(test_duplicate_corrupt)
{
	uint8_t f[NF_IMPAIR_FRAME_MAX], out[NF_IMPAIR_FRAME_MAX];
	enum nf_impair_dir d;
	size_t len;
	unsigned flips = 0, copies = 0;
	struct nf_impair_counts c;

	setup_cfg("duplicate=50000,corrupt=100000,seed=4");
	for (uint32_t k = 0; k < 10000; k++) {
		frame_of(f, k);
		nf_impair_offer(&im, NF_IMPAIR_TX, f, 60, k);
		for (unsigned m = 0; nf_impair_pop(&im, k, &d, out, &len); m++) {
			copies += m;
			int bits = 0;
			for (size_t i = 0; i < 60; i++)
				bits += __builtin_popcount(out[i] ^ f[i]);
			ck_assert(bits <= 1);
			ck_assert(memcmp(out, f, 14) == 0);
			flips += bits && !m;
		}
	}
	nf_impair_counts(&im, &c);
	ck_assert_uint_eq(copies, c.duplicated);
	ck_assert_uint_eq(flips, c.corrupted);
	ck_assert_msg(c.duplicated > 400 && c.duplicated < 600, "%llu", (unsigned long long)c.duplicated);
	ck_assert_msg(c.corrupted > 850 && c.corrupted < 1150, "%llu", (unsigned long long)c.corrupted);
	nf_impair_free(&im);
}
END_TEST

/* a full queue tail-drops; a flush forgets what waits */
START_TEST(test_queue_full_flush)
{
	uint8_t f[60] = {0};
	struct nf_impair_counts c;

	setup_cfg("delay=1000000");
	for (int k = 0; k < NF_IMPAIR_QUEUE + 10; k++)
		nf_impair_offer(&im, NF_IMPAIR_TX, f, sizeof(f), 0);
	nf_impair_counts(&im, &c);
	ck_assert_uint_eq(c.passed, NF_IMPAIR_QUEUE);
	ck_assert_uint_eq(c.dropped, 10);
	ck_assert_int_eq(nf_impair_deadline(&im), 1000000);
	nf_impair_flush(&im);
	ck_assert_int_eq(nf_impair_deadline(&im), -1);
	nf_impair_free(&im);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("impair");
	TCase *tc = tcase_create("engine");

	tcase_add_test(tc, test_parse_format);
	tcase_add_test(tc, test_bernoulli);
	tcase_add_test(tc, test_gilbert_elliott);
	tcase_add_test(tc, test_seeded);
	tcase_add_test(tc, test_delay_jitter_order);
	tcase_add_test(tc, test_rate);
	tcase_add_test(tc, test_reorder);
	tcase_add_test(tc, test_duplicate_corrupt);
	tcase_add_test(tc, test_queue_full_flush);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return nf_check_run(suite());
}
