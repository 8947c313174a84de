/* The engine's truth: a row is ok only with evidence of a live session in
 * its cycle (a REPORT of the reconnect, or a STATUS showing the session
 * heard from since UP began); otherwise it says where the device was; a
 * crash stops the run or restarts the device. A fake clock and devices. */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "engine.h"
#include "engine_fake.h"
#include "nf_check.h"
#include "scenario.h"

static int faults_done;

static int fake_fault(void *ctx, enum nf_fault f, enum nf_fault_step step)
{
	(void)ctx;
	(void)f;
	(void)step;
	faults_done++;
	return 0;
}

static const struct nf_engine_ops truth_ops = {
    .ap_set = fake_ap, .row = fake_row, .ask_status = fake_ask, .fault = fake_fault};

/* a STATUS: a session open since (phase 1, attempt at) heard at rx, or none */
static struct nf_report status_of(bool open, int64_t at, int64_t rx)
{
	struct nf_report r = rep(1, "ok", open ? 3 : NF_UNSET);
	r.v[NF_R_session] = open;
	r.v[NF_R_session_phase] = open ? 1 : NF_UNSET;
	r.v[NF_R_session_attempt] = open ? at : NF_UNSET;
	r.v[NF_R_session_rx] = open ? rx : NF_UNSET;
	r.v[NF_R_slots_in_use] = open;
	return r;
}

/* cycle 1 (the first association) ok at t=10; cycle 2 with fault f: DOWN
 * waits for a teardown that never comes (the carrier stayed) until 5000 */
static void to_fault_up(struct nf_engine *e, struct fake *f, const char *fault)
{
	char set[64];
	struct nf_scenario sc;

	snprintf(set, sizeof(set), "run.fault=%s", fault);
	scenario_of(&sc, (const char *const[]){"run.loops=2", "run.pace=event",
					       "run.disable_interval=0ms", "run.enable_interval=0ms",
					       "run.reconnect_timeout=5s", set, NULL});
	memset(asked, 0, sizeof(asked));
	nf_engine_init(e, &sc, &truth_ops, f);
	nf_engine_start(e, 0);
	nf_engine_tick(e, 0);
	struct nf_report r = rep(1, "ok", 3);
	r.v[NF_R_attempt] = 1;
	nf_engine_on_line(e, 0, NF_VERB_REPORT, &r, 10);
	nf_engine_tick(e, 10);
	ck_assert_int_eq(f->nrows, 1);
	nf_engine_tick(e, 5010); /* DOWN's bound: UP begins, the fault undone */
	ck_assert_int_eq(e->phase, NF_E_UP);
}

/* blackhole: the session looked intact, then broke late (its keepalive)
 * and reconnected inside UP: the row is that reconnect's, never an ok
 * from a STATUS whose broker went silent before the fault ended */
START_TEST(test_blackhole_broken_late)
{
	struct nf_engine e;
	struct fake f = {0};

	to_fault_up(&e, &f, "blackhole");
	nf_engine_tick(&e, 5010 + NF_POLL_MS);
	ck_assert_int_ge(asked[0], 1); /* asked whether its session lives */
	struct nf_report st = status_of(true, 1, 4000); /* heard before the fault ended */
	nf_engine_on_line(&e, 0, NF_VERB_STATUS, &st, 5120);
	nf_engine_tick(&e, 5120);
	ck_assert_int_eq(f.nrows, 1); /* no evidence: no row yet */
	struct nf_report td = rep(1, "keepalive_timeout", NF_UNSET);
	nf_engine_on_line(&e, 0, NF_VERB_TEARDOWN, &td, 7000);
	nf_engine_on_phase(&e, 0, NF_PH_backoff);
	nf_engine_tick(&e, 7000);
	ck_assert_int_eq(f.nrows, 1);
	struct nf_report again = rep(1, "ok", 4);
	again.v[NF_R_attempt] = 2;
	nf_engine_on_line(&e, 0, NF_VERB_REPORT, &again, 7500);
	nf_engine_tick(&e, 7500);
	ck_assert_int_eq(f.nrows, 2);
	ck_assert_str_eq(f.rows[1].status, "ok");
	ck_assert(f.rows[1].have_report);
	ck_assert_int_eq(f.rows[1].r.v[NF_R_socket_fd], 4);
	ck_assert_str_eq(f.rows[1].cause, "keepalive_timeout"); /* why it reconnected */
}
END_TEST

/* blackhole: the session never shows a sign of life and never breaks
 * within UP's bound: the row says where it is (in_session), not ok */
START_TEST(test_blackhole_silent_not_ok)
{
	struct nf_engine e;
	struct fake f = {0};

	to_fault_up(&e, &f, "blackhole");
	nf_engine_on_phase(&e, 0, NF_PH_session);
	for (int64_t t = 5010; t < 5010 + 5000 + NF_DEVICE_BACKOFF_MAX_MS; t += NF_POLL_MS) {
		struct nf_report st = status_of(true, 1, 4000);
		nf_engine_tick(&e, t);
		nf_engine_on_line(&e, 0, NF_VERB_STATUS, &st, t);
	}
	ck_assert_int_eq(f.nrows, 1);
	nf_engine_tick(&e, 5010 + 5000 + NF_DEVICE_BACKOFF_MAX_MS); /* COLLECT */
	struct nf_report st = status_of(true, 1, 4000);
	nf_engine_on_line(&e, 0, NF_VERB_STATUS, &st, 15100);
	nf_engine_tick(&e, 15100);
	ck_assert_int_eq(f.nrows, 2);
	ck_assert_str_eq(f.rows[1].status, "in_session");
	ck_assert(!f.rows[1].have_report);
}
END_TEST

/* broker_stall: the broker answers again after the fault: the STATUS that
 * shows it is the evidence, and the row carries the session's socket */
START_TEST(test_broker_stall_proven)
{
	struct nf_engine e;
	struct fake f = {0};

	to_fault_up(&e, &f, "broker_stall");
	nf_engine_tick(&e, 5010 + NF_POLL_MS);
	struct nf_report st = status_of(true, 1, 5050); /* a PUBACK after the resume */
	nf_engine_on_line(&e, 0, NF_VERB_STATUS, &st, 5115);
	nf_engine_tick(&e, 5115);
	ck_assert_int_eq(f.nrows, 2);
	ck_assert_str_eq(f.rows[1].status, "ok");
	ck_assert(!f.rows[1].have_report);
	ck_assert_int_eq(f.rows[1].r.v[NF_R_socket_fd], 3);
	ck_assert_int_eq(f.rows[1].r.v[NF_R_session_attempt], 1);
	ck_assert_int_eq(f.rows[1].progress, -1);
}
END_TEST

/* dhcp_outage: a flap, then DHCP silent into UP: the device tore down and
 * waits for a lease past UP's bound: in_lease, on its way (progress 1) */
START_TEST(test_dhcp_outage_in_lease)
{
	struct nf_scenario sc;
	struct nf_engine e;
	struct fake f = {0};

	scenario_of(&sc, (const char *const[]){"run.loops=2", "run.pace=event",
					       "run.disable_interval=0ms", "run.enable_interval=0ms",
					       "run.reconnect_timeout=2s", "run.fault=dhcp_outage", NULL});
	nf_engine_init(&e, &sc, &truth_ops, &f);
	nf_engine_start(&e, 0);
	nf_engine_tick(&e, 0);
	struct nf_report r = rep(1, "ok", 3);
	nf_engine_on_line(&e, 0, NF_VERB_REPORT, &r, 10);
	nf_engine_tick(&e, 10);
	struct nf_report td = rep(1, "carrier_lost", NF_UNSET);
	nf_engine_on_line(&e, 0, NF_VERB_TEARDOWN, &td, 20);
	nf_engine_on_carrier(&e, 0, false);
	nf_engine_tick(&e, 20);
	ck_assert_int_eq(e.phase, NF_E_UP);
	nf_engine_on_phase(&e, 0, NF_PH_up);
	nf_engine_on_phase(&e, 0, NF_PH_lease);
	nf_engine_tick(&e, 2020); /* UP's bound: COLLECT */
	struct nf_report st = status_of(false, 0, 0);
	nf_engine_on_line(&e, 0, NF_VERB_STATUS, &st, 2030);
	nf_engine_tick(&e, 2030);
	ck_assert_int_eq(f.nrows, 2);
	ck_assert_str_eq(f.rows[1].status, "in_lease");
	ck_assert_int_eq(f.rows[1].progress, 1);
}
END_TEST

/* a STATUS without session state (an older device) never makes an ok */
START_TEST(test_no_ok_without_session)
{
	struct nf_engine e;
	struct fake f = {0};

	to_fault_up(&e, &f, "blackhole");
	struct nf_report st = rep(1, "ok", 3); /* its last report said ok: not evidence */
	for (int64_t t = 5010; t <= 5010 + 5000 + NF_DEVICE_BACKOFF_MAX_MS + 200; t += 50) {
		nf_engine_on_line(&e, 0, NF_VERB_STATUS, &st, t);
		nf_engine_tick(&e, t);
	}
	ck_assert_int_eq(f.nrows, 2);
	ck_assert_str_ne(f.rows[1].status, "ok");
}
END_TEST

/* device.on_crash = stop: the crash's row, then the run ends; restart:
 * the next ok row says rebooted and the reboots are counted */
START_TEST(test_crash_stop_and_restart)
{
	for (int restart = 0; restart < 2; restart++) {
		struct nf_scenario sc;
		struct nf_engine e;
		struct fake f = {0};

		scenario_of(&sc, (const char *const[]){
				     "run.loops=5", "run.disable_interval=1s", "run.enable_interval=1s",
				     restart ? "device.on_crash=restart" : "device.on_crash=stop", NULL});
		nf_engine_init(&e, &sc, &fake_ops, &f);
		nf_engine_start(&e, 0);
		nf_engine_tick(&e, 1000);
		struct nf_report r = rep(1, "ok", 0);
		nf_engine_on_line(&e, 0, NF_VERB_REPORT, &r, 1001);
		nf_engine_tick(&e, 2000);
		nf_engine_tick(&e, 3000); /* cycle 2 UP */
		nf_engine_on_crash(&e, 0, 3001);
		if (restart)
			nf_engine_on_restart(&e, 0);
		nf_engine_tick(&e, 4000);
		ck_assert_int_eq(f.nrows, 2);
		ck_assert_str_eq(f.rows[1].status, "device_crashed");
		ck_assert(nf_engine_done(&e) == !restart);
		if (!restart)
			continue;
		nf_engine_tick(&e, 5000);
		struct nf_report again = rep(1, "ok", 0); /* the new process's phase 1 */
		nf_engine_on_line(&e, 0, NF_VERB_REPORT, &again, 5001);
		nf_engine_tick(&e, 6000);
		ck_assert_int_eq(f.nrows, 3);
		ck_assert_str_eq(f.rows[2].status, "rebooted");
		ck_assert_int_eq(f.rows[2].reboots, 1);
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("engine-truth");
	TCase *t = tcase_create("truth");

	tcase_add_test(t, test_blackhole_broken_late);
	tcase_add_test(t, test_blackhole_silent_not_ok);
	tcase_add_test(t, test_broker_stall_proven);
	tcase_add_test(t, test_dhcp_outage_in_lease);
	tcase_add_test(t, test_no_ok_without_session);
	tcase_add_test(t, test_crash_stop_and_restart);
	suite_add_tcase(s, t);
	return nf_check_run(s);
}
