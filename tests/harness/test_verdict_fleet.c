/* The verdict on fleets (synthetic cycles.csv files): a device slowing
 * alone, a whole fleet slowing with and without the machine's CPU pressure
 * rising, CONNACK noise, and 200 leaking devices (no cap on findings; what
 * each device's rows held and the exemptions in verdict.json). */
#include <check.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nf_check.h"
#include "rows.h"
#include "verdict.h"
#include "verdict_judge.h"

#include "verdict_syn.h"

static struct nf_verdict v;

static void judge(void)
{
	judge_file(path, &v);
}

static void dump(void)
{
	nf_verdict_summary(&v, stderr);
}

/* a reconnect now and then 250 ms slower (an echo resent): noise */
static void g_bimodal(int c, unsigned *s, struct syn *r)
{
	g_clean(c, s, r);
	r->connack = rnd(s) % 3 == 0 ? 250 + (int)(rnd(s) % 20) : 10 + (int)(rnd(s) % 20);
}

/* every device of the fleet slowing, a third at a time (each alone would
 * be a slowdown by the device rule) */
static void g_loaded_fleet(int c, unsigned *s, struct syn *r)
{
	g_clean(c, s, r);
	r->connack = c < 100 ? 5 + (int)(rnd(s) % 10)
		     : c < 200 ? 60 + (int)(rnd(s) % 20) : 150 + (int)(rnd(s) % 100);
}

/* the same, the machine's CPU pressure rising with it (a loaded machine) */
static void g_loaded_machine(int c, unsigned *s, struct syn *r)
{
	g_loaded_fleet(c, s, r);
	r->pressure = c < 200 ? 300 + (int)(rnd(s) % 50) : 700 + (int)(rnd(s) % 50);
}

/* the same slowdown with the machine as busy as before: the stack */
static void g_stack_fleet(int c, unsigned *s, struct syn *r)
{
	g_loaded_fleet(c, s, r);
	r->pressure = 300 + (int)(rnd(s) % 50);
}

/* one device's stack slowing steadily while the fleet stays fast */
static void g_one_slowing(int c, unsigned *s, struct syn *r)
{
	g_clean(c, s, r);
	if (cur_dev == 2)
		r->connack = 5 + c + (int)(rnd(s) % 10);
}

START_TEST(test_slowdown_fleet)
{
	/* all slow together, no pressure figures: one finding, the fleet's,
	 * saying it is the stack or the machine; none per device */
	write_csv(300, 5, g_loaded_fleet);
	judge();
	dump();
	ck_assert_int_eq(v.n, 1);
	ck_assert_int_eq(v.f[0].device, NF_FLEET);
	ck_assert_int_eq(v.f[0].cls, NF_SLOWDOWN);
	ck_assert_ptr_nonnull(strstr(v.f[0].summary, "the stack or this machine"));
	ck_assert_int_eq(v.exempt[NF_EX_slowed_with_fleet], 5);
	/* the machine's pressure rose with it: load, a note, no finding */
	write_csv(300, 5, g_loaded_machine);
	judge();
	dump();
	ck_assert_int_eq(v.n, 0);
	ck_assert_int_eq(v.nnotes, 1);
	ck_assert_int_eq(v.notes[0].device, NF_FLEET);
	ck_assert_ptr_nonnull(strstr(v.notes[0].summary, "the machine was loaded"));
	/* the machine as busy as before: the stack */
	write_csv(300, 5, g_stack_fleet);
	judge();
	dump();
	ck_assert_int_eq(v.n, 1);
	ck_assert_int_eq(v.f[0].device, NF_FLEET);
	ck_assert_ptr_nonnull(strstr(v.f[0].summary, "the stack every device runs"));
	write_csv(300, 5, g_one_slowing); /* one slows alone: its stack */
	judge();
	dump();
	ck_assert_int_eq(v.n, 1);
	ck_assert_int_eq(v.f[0].device, 2);
	ck_assert_int_eq(v.f[0].cls, NF_SLOWDOWN);
	for (int cycles = 20; cycles <= 2000; cycles *= 10) { /* noise, short and long */
		write_csv_full(cycles, g_bimodal);
		judge();
		dump();
		ck_assert_int_eq(v.n, 0);
	}
}
END_TEST

/* no cap: 200 leaking devices are 200 findings, each in junit.xml; what
 * each device's rows held and the exemptions applied are in verdict.json */
START_TEST(test_many_findings)
{
	static char buf[1 << 20];
	FILE *m;
	int fails = 0;

	write_csv(60, 200, g_vendor);
	judge();
	ck_assert_int_eq(v.ndev, 200);
	ck_assert_int_eq(v.n, 200);
	ck_assert_int_eq(v.lost, 0);
	for (int i = 0; i < v.n; i++)
		ck_assert_int_eq(v.f[i].cls, NF_SLOT_LEAK);
	/* the stall where the slots ran out and NETCONN with them, per device */
	ck_assert_int_ge(v.exempt[NF_EX_folded_into_cause], 400);
	ck_assert_int_eq(v.seen[199].rows, 60);
	ck_assert_int_eq(v.seen[199].ok, 38);
	ck_assert_int_eq(v.seen[199].last_cycle, 60);
	ck_assert(v.seen[199].judged);
	m = fmemopen(buf, sizeof(buf), "w");
	nf_verdict_junit(&v, m);
	fclose(m);
	for (const char *p = buf; (p = strstr(p, "<failure ")); p++)
		fails++;
	ck_assert_int_eq(fails, 200);
	m = fmemopen(buf, sizeof(buf), "w");
	nf_verdict_json(&v, m);
	fclose(m);
	ck_assert_ptr_nonnull(strstr(buf, "{\"device\": 199, \"planned\": null, \"done\": 60, "
					  "\"rows\": 60, \"ok_rows\": 38, \"cycles_per_row\": 1, \"judged\": true}"));
	char want[80];
	snprintf(want, sizeof(want), "{\"exemption\": \"folded_into_cause\", \"count\": %" PRId64 ",",
		 v.exempt[NF_EX_folded_into_cause]);
	ck_assert_ptr_nonnull(strstr(buf, want));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("verdict-fleet");
	TCase *tc = tcase_create("verdict-fleet");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_slowdown_fleet);
	tcase_add_test(tc, test_many_findings);
	suite_add_tcase(s, tc);
	return nf_check_run(s);
}
