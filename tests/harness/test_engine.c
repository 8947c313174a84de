/* The cycle engine without privileges: a fake clock (the `now` passed
 * in), a fake AP and fake devices; the fault mix it draws from. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "faults.h"
#include "nf_check.h"
#include "scenario.h"

#include "engine_fake.h"

/* run.cut_at = random draws a phase per cycle from those the reconnect
 * walks: tls only when the device runs TLS */
static int armed[8];

static void fake_arm(void *ctx, int dev, int phase)
{
	(void)ctx;
	(void)dev;
	if (phase >= 0 && phase < 8)
		armed[phase]++;
}

START_TEST(test_engine_random_cut_tls)
{
	static const struct nf_engine_ops ops = {.ap_set = fake_ap, .row = fake_row,
						 .arm_cut = fake_arm};
	const char *tls[] = {"device.tls=off", "device.tls=on"};

	for (int on = 0; on < 2; on++) {
		struct nf_scenario sc;
		struct nf_engine e;
		struct fake f = {0};
		memset(armed, 0, sizeof(armed));
		scenario_of(&sc, (const char *const[]){"run.loops=60", "run.cut_at=random",
						       "run.disable_interval=1s",
						       "run.enable_interval=1s", tls[on], NULL});
		nf_engine_init(&e, &sc, &ops, &f);
		nf_engine_start(&e, 0);
		for (int64_t t = 0; t <= 200000 && !nf_engine_done(&e); t += 100)
			nf_engine_tick(&e, t);
		int total = 0;
		for (int p = NF_PH_up; p <= NF_PH_connack; p++) {
			total += armed[p];
			if (p != NF_PH_tls || on)
				ck_assert_msg(armed[p] > 0, "tls %s: no cut at %s", tls[on],
					      nf_phase_name((enum nf_phase)p));
		}
		ck_assert_int_eq(total, 60);
		if (!on)
			ck_assert_int_eq(armed[NF_PH_tls], 0);
	}
}
END_TEST

START_TEST(test_engine_timed)
{
	struct nf_scenario sc;
	struct nf_engine e;
	struct fake f = {0};

	scenario_of(&sc, (const char *const[]){"run.loops=2", "run.disable_interval=5s",
					       "run.enable_interval=15s", NULL});
	nf_engine_init(&e, &sc, &fake_ops, &f);
	nf_engine_start(&e, 1000);
	ck_assert(!f.ap_on);
	ck_assert_int_eq(nf_engine_deadline(&e, 1000), 6000);
	nf_engine_tick(&e, 5999);
	ck_assert(!f.ap_on);
	nf_engine_tick(&e, 6000);
	ck_assert(f.ap_on);
	ck_assert_int_eq(nf_engine_deadline(&e, 6000), 21000);
	struct nf_report r = rep(1, "ok", 0);
	nf_engine_on_line(&e, 0, NF_VERB_REPORT, &r, 6100);
	nf_engine_tick(&e, 6100); /* timed: the device being done ends nothing */
	ck_assert_int_eq(f.nrows, 0);
	nf_engine_tick(&e, 21000);
	ck_assert_int_eq(f.nrows, 1);
	ck_assert_int_eq(f.rows[0].cycle, 1);
	ck_assert_int_eq(f.rows[0].down_ms, 5000);
	ck_assert_int_eq(f.rows[0].up_ms, 15000);
	ck_assert_str_eq(f.rows[0].status, "ok");
	ck_assert(!f.ap_on); /* cycle 2 has begun: AP off */
	/* cycle 2: no report at all: a timeout row, and the run ends */
	nf_engine_tick(&e, 26000);
	nf_engine_tick(&e, 41000);
	ck_assert_int_eq(f.nrows, 2);
	ck_assert_str_eq(f.rows[1].status, "timeout");
	ck_assert_int_eq(f.rows[1].t_start_ms, 20000);
	ck_assert(nf_engine_done(&e));
	ck_assert_int_eq(nf_engine_deadline(&e, 41000), -1);
}
END_TEST

START_TEST(test_engine_event)
{
	struct nf_scenario sc;
	struct nf_engine e;
	struct fake f = {0};
	struct nf_report r;

	/* the run goes on past device 1's crash (nothing restarts it here) */
	scenario_of(&sc, (const char *const[]){"run.loops=3", "run.pace=event",
					       "run.disable_interval=0ms", "run.enable_interval=0ms",
					       "device.on_crash=restart", "run.reconnect_timeout=2s",
					       "device.count=2", NULL});
	nf_engine_init(&e, &sc, &fake_ops, &f);
	nf_engine_start(&e, 0);
	nf_engine_tick(&e, 0); /* cycle 1 DOWN: nothing to tear down yet */
	ck_assert(f.ap_on);
	r = rep(1, "ok", 0);
	nf_engine_on_line(&e, 0, NF_VERB_REPORT, &r, 10);
	nf_engine_tick(&e, 10);
	ck_assert_int_eq(f.nrows, 0); /* device 1 has not acted */
	r = rep(1, "ok", 0);
	nf_engine_on_line(&e, 1, NF_VERB_REPORT, &r, 20);
	nf_engine_tick(&e, 20);
	ck_assert_int_eq(f.nrows, 2);
	ck_assert(!f.ap_on); /* cycle 2 DOWN: waits for both teardowns */
	r = rep(1, "ok", 0);
	nf_engine_on_line(&e, 0, NF_VERB_TEARDOWN, &r, 30);
	nf_engine_tick(&e, 30);
	ck_assert(!f.ap_on);
	/* device 1 crashes: it is no longer waited for */
	nf_engine_on_crash(&e, 1, 40);
	nf_engine_tick(&e, 40);
	ck_assert(f.ap_on);
	/* a late line from phase 1 is not cycle 2's report */
	r = rep(1, "ok", 0);
	nf_engine_on_line(&e, 0, NF_VERB_REPORT, &r, 50);
	nf_engine_tick(&e, 50);
	ck_assert_int_eq(f.nrows, 2);
	r = rep(2, "socket_failed", -1);
	nf_engine_on_line(&e, 0, NF_VERB_REPORT, &r, 60);
	nf_engine_tick(&e, 60);
	ck_assert_int_eq(f.nrows, 4);
	ck_assert_str_eq(f.rows[2].status, "socket_failed");
	ck_assert_str_eq(f.rows[3].status, "device_crashed");
	/* cycle 3: the device never tears down: the timeout moves on */
	nf_engine_request_stop(&e);
	ck_assert_int_eq(nf_engine_deadline(&e, 100), 2060);
	nf_engine_tick(&e, 2059);
	ck_assert(!f.ap_on);
	nf_engine_tick(&e, 2060);
	ck_assert(f.ap_on);
	nf_engine_tick(&e, 4060);
	ck_assert_int_eq(f.nrows, 6);
	ck_assert_str_eq(f.rows[4].status, "timeout");
	ck_assert(nf_engine_done(&e)); /* stop honoured at the cycle's end */
}
END_TEST

/* a device that does not report in: asked for STATUS, its timeout row
 * carries the stack's figures; one that never answers: the row still comes,
 * NF_COLLECT_MS later, empty */

START_TEST(test_engine_collect)
{
	static const struct nf_engine_ops ops = {
	    .ap_set = fake_ap, .row = fake_row, .ask_status = fake_ask};
	struct nf_scenario sc;
	struct nf_engine e;
	struct fake f = {0};

	scenario_of(&sc, (const char *const[]){"run.loops=2", "run.pace=event",
					       "run.disable_interval=0ms", "run.enable_interval=0ms",
					       "run.reconnect_timeout=1s", "device.count=2", NULL});
	memset(asked, 0, sizeof(asked));
	nf_engine_init(&e, &sc, &ops, &f);
	nf_engine_start(&e, 0);
	nf_engine_tick(&e, 0); /* cycle 1's DOWN ends at once: nothing was up */
	ck_assert(f.ap_on);
	struct nf_report r = rep(1, "ok", 0);
	nf_engine_on_line(&e, 0, NF_VERB_REPORT, &r, 10);
	nf_engine_tick(&e, 1000); /* device 1 never reported: asked, no row yet */
	ck_assert_int_eq(asked[0], 0);
	ck_assert_int_eq(asked[1], 1);
	ck_assert_int_eq(f.nrows, 0);
	ck_assert_int_eq(nf_engine_deadline(&e, 1000), 1000 + NF_COLLECT_MS);
	struct nf_report st = rep(1, "socket_failed", 7); /* its last attempt's words */
	st.v[NF_R_heap_free] = 8176;
	st.v[NF_R_slots_in_use] = 38;
	nf_engine_on_line(&e, 1, NF_VERB_STATUS, &st, 1100);
	nf_engine_tick(&e, 1100);
	ck_assert_int_eq(f.nrows, 2);
	ck_assert_str_eq(f.rows[1].status, "timeout");
	ck_assert_int_eq(f.rows[1].r.v[NF_R_heap_free], 8176);
	ck_assert_int_eq(f.rows[1].r.v[NF_R_slots_in_use], 38);
	ck_assert(f.rows[1].r.v[NF_R_socket_fd] == NF_UNSET); /* not this cycle's */
	ck_assert_int_eq(f.rows[1].up_ms, 1000);              /* UP, not the asking */
	/* cycle 2: nobody reports, nobody answers: rows NF_COLLECT_MS later */
	nf_engine_tick(&e, 2100);
	nf_engine_tick(&e, 3100);
	ck_assert_int_eq(f.nrows, 2);
	nf_engine_tick(&e, 3100 + NF_COLLECT_MS);
	ck_assert_int_eq(f.nrows, 4);
	ck_assert(f.rows[3].r.v[NF_R_heap_free] == NF_UNSET);
	ck_assert(nf_engine_done(&e));
}
END_TEST

/* run.stop_on_stall: the run ends once every device has failed
 * verdict.stall_cycles rows in a row; one device still ok keeps it going */
START_TEST(test_engine_stop_on_stall)
{
	struct nf_scenario sc;
	struct nf_engine e;
	struct fake f = {0};

	scenario_of(&sc, (const char *const[]){"run.loops=20", "run.disable_interval=1s",
					       "run.enable_interval=1s", "device.count=2",
					       "run.stop_on_stall=on", "verdict.stall_cycles=2", NULL});
	nf_engine_init(&e, &sc, &fake_ops, &f);
	nf_engine_start(&e, 0);
	/* cycle c: DOWN [2000(c-1), +1000), UP to 2000c. Device 0 fails every
	 * cycle; device 1 is ok in cycles 1 and 2, silent from 3: the run
	 * ends after cycle 4, its second failed one */
	for (int c = 1; c <= 4; c++) {
		int64_t up = 2000 * (c - 1) + 1000;
		nf_engine_tick(&e, up);
		ck_assert(f.ap_on);
		struct nf_report bad = rep(c, "socket_failed", -1);
		nf_engine_on_line(&e, 0, NF_VERB_REPORT, &bad, up + 1);
		if (c <= 2) {
			struct nf_report ok = rep(c, "ok", 0);
			nf_engine_on_line(&e, 1, NF_VERB_REPORT, &ok, up + 1);
		}
		nf_engine_tick(&e, up + 1000);
		ck_assert_int_eq(f.nrows, 2 * c);
		ck_assert_msg(nf_engine_done(&e) == (c == 4), "cycle %d", c);
	}
	ck_assert(e.stalled && !e.stop);
	ck_assert_str_eq(f.rows[3].status, "ok");
	ck_assert_str_eq(f.rows[5].status, "timeout");
	ck_assert_int_eq(f.rows[7].cycle, 4);
}
END_TEST

/* the phase lengths of a timed run's first 6 cycles, walked at each deadline */
static void phase_lengths(const char *seed, int64_t *len, int n)
{
	struct nf_scenario sc;
	struct nf_engine e;
	struct fake f = {0};
	int64_t t = 0;

	scenario_of(&sc, (const char *const[]){"run.jitter=1s", seed, "run.loops=6",
					       "run.disable_interval=5s", "run.enable_interval=15s",
					       NULL});
	nf_engine_init(&e, &sc, &fake_ops, &f);
	nf_engine_start(&e, 0);
	for (int k = 0; k < n; k++) {
		int64_t next = nf_engine_deadline(&e, t);
		ck_assert_int_ge(next, t);
		len[k] = next - t;
		t = next;
		nf_engine_tick(&e, t);
	}
}

/* run.jitter adds up to that much to each phase, drawn from run.seed: the
 * same seed the same lengths, another seed others, and not all of them the
 * bare intervals (a jitter ignored fails here) */
START_TEST(test_engine_jitter_seeded)
{
	int64_t a[12], b[12], c[12];
	int jittered = 0, differ = 0;

	phase_lengths("run.seed=42", a, 12);
	phase_lengths("run.seed=42", b, 12);
	phase_lengths("run.seed=43", c, 12);
	for (int k = 0; k < 12; k++) {
		int64_t base = k % 2 ? 15000 : 5000;
		ck_assert_int_eq(a[k], b[k]);
		ck_assert_int_ge(a[k], base);
		ck_assert_int_le(a[k], base + 1000);
		jittered += a[k] != base;
		differ += a[k] != c[k];
	}
	ck_assert_int_ge(jittered, 10);
	ck_assert_int_ge(differ, 10);
}
END_TEST

/* run.fault: one word or a weighted list; the draw follows the weights */
START_TEST(test_fault_mix)
{
	struct nf_fault_mix m;
	char err[96];
	int hits[NF_FAULT_COUNT] = {0};

	ck_assert_int_eq(nf_fault_mix_parse("blackhole", &m, err, sizeof(err)), 0);
	ck_assert_int_eq(m.n, 1);
	ck_assert_int_eq(nf_fault_mix_pick(&m, 12345), NF_FAULT_blackhole);
	ck_assert_int_eq(nf_fault_mix_parse("flap:6,blackhole:2,broker_restart:1", &m, err, sizeof(err)), 0);
	ck_assert_int_eq((int)m.total, 9);
	for (uint32_t r = 0; r < 9000; r++)
		hits[nf_fault_mix_pick(&m, r)]++;
	ck_assert_int_eq(hits[NF_FAULT_flap], 6000);
	ck_assert_int_eq(hits[NF_FAULT_blackhole], 2000);
	ck_assert_int_eq(hits[NF_FAULT_broker_restart], 1000);
	static const char *const bad[] = {"", "floods", "flap:0", "flap:x", "flap,flap", "flap:6,", "flap:1001"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(nf_fault_mix_parse(bad[i], &m, err, sizeof(err)) == -EINVAL,
			      "'%s' accepted", bad[i]);
	ck_assert_int_eq(nf_fault_parse("dns_outage"), NF_FAULT_dns_outage);
	ck_assert_str_eq(nf_fault_name(NF_FAULT_address_change), "address_change");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("engine");
	TCase *te = tcase_create("engine");

	tcase_add_test(te, test_engine_timed);
	tcase_add_test(te, test_engine_event);
	tcase_add_test(te, test_engine_jitter_seeded);
	tcase_add_test(te, test_engine_collect);
	tcase_add_test(te, test_engine_stop_on_stall);
	tcase_add_test(te, test_engine_random_cut_tls);
	tcase_add_test(te, test_fault_mix);
	suite_add_tcase(s, te);
	return nf_check_run(s);
}
