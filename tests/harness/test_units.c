/* Harness units without privileges: the scenario parser and key table,
 * the CSV writer, and the cycle engine under a fake clock, a fake AP and
 * fake devices. */
#include <check.h>

#include "nf_check.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csv.h"
#include "engine.h"
#include "faults.h"
#include "scenario.h"

static char dir[64];
static char made[16][300];
static int nmade;

static const char *write_tmp_n(const char *name, const char *text, size_t len)
{
	FILE *f;
	char *path = made[nmade++];

	snprintf(path, sizeof(made[0]), "%s/%s", dir, name);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(text, 1, len, f), len);
	fclose(f);
	return path;
}

static const char *write_tmp(const char *name, const char *text)
{
	return write_tmp_n(name, text, strlen(text));
}

static void setup(void)
{
	strcpy(dir, "/tmp/nf-unit.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	nmade = 0;
}

static void teardown(void)
{
	for (int i = 0; i < nmade; i++)
		unlink(made[i]);
	rmdir(dir);
}

/* scenario */

START_TEST(test_scenario_good)
{
	struct nf_scenario sc;
	char err[600];
	const char *p =
	    write_tmp("good.scn", "# comment\n[run]\nloops = 12\ndisable_interval = 150ms\n"
				  "enable_interval = 2m\npace = event\n[device]\n"
				  "count = 3\nstack = fixed\nqos = 0\n[ap]\nadapters = 0,2\n");

	nf_scenario_defaults(&sc);
	ck_assert_int_eq(nf_scenario_load(&sc, p, err, sizeof(err)), 0);
	ck_assert_int_eq(sc.loops, 12);
	ck_assert_int_eq(sc.disable_interval_ms, 150);
	ck_assert_int_eq(sc.enable_interval_ms, 120000);
	ck_assert_int_eq(sc.pace, NF_PACE_EVENT);
	ck_assert_int_eq(sc.count, 3);
	ck_assert_str_eq(sc.stack, "fixed");
	ck_assert_int_eq(sc.qos, 0);
	ck_assert_str_eq(sc.name, "good");
	struct nf_devset set;
	ck_assert_int_eq(nf_scenario_adapters(&sc, &set), 0);
	ck_assert(nf_devset_has(&set, 0) && !nf_devset_has(&set, 1) && nf_devset_has(&set, 2));
	ck_assert_int_eq(nf_scenario_validate(&sc, err, sizeof(err)), 0);
	/* defaults stay where the file is silent */
	ck_assert_int_eq(sc.port, 1883);
	ck_assert_str_eq(sc.close_mode, "shutdown+close");
	ck_assert_int_eq(nf_scenario_set(&sc, "run.loops=7", err, sizeof(err)), 0);
	ck_assert_int_eq(sc.loops, 7);
}
END_TEST

/* every error names the file and line and, where it can, a suggestion;
 * every byte is read (a NUL hides nothing after it) */
#define BAD(text, want) {text, sizeof(text) - 1, want}
static const struct bad_case {
	const char *text;
	size_t len;
	const char *want;
} bad_cases[] = {
    BAD("[run]\nloop = 5\n", "bad.scn:2: unknown key 'loop' in [run]; did you mean 'loops'?"),
    BAD("[run]\n\nloops = five\n", "bad.scn:3: run.loops = 'five': not a whole number"),
    BAD("[run]\nloops = 0\n", "bad.scn:2: run.loops = '0': out of range 1..10000000"),
    BAD("[run]\nenable_interval = 5 seconds\n", "bad.scn:2: run.enable_interval = '5 seconds': not a duration"),
    BAD("[run]\npace = evnt\n", "bad.scn:2: run.pace = 'evnt': not one of timed, event; did you mean 'event'?"),
    BAD("[devic]\ncount = 2\n", "bad.scn:2: unknown section [devic]; did you mean [device]?"),
    BAD("[run]\ncount = 2\n", "bad.scn:2: unknown key 'count' in [run]; it belongs in [device]"),
    BAD("[device]\nstack = vendr\n", "did you mean 'vendor'?"),
    BAD("[device]\nsocket_limit = 39\n", "out of range 0..38"),
    BAD("[broker]\nport = 70000\n", "bad.scn:2: broker.port = '70000': out of range 1..65535"),
    BAD("[run]\nthis is not ini\n", "bad.scn:2: not a 'key = value' line"),
    BAD("\x01\x02\xff\n", "bad.scn:1:"),
    /* binary and malformed files: none may start a run */
    BAD("\x00\x01\x02garbage", "bad.scn:1: a NUL byte at column 1: not a text file"),
    BAD("[run]\nloops = 5\x00\nloops = 6\n", "bad.scn:2: a NUL byte at column 10"),
    BAD("[run]\nloops = 5\x1b[0m\n", "bad.scn:2: control byte 0x1b at column 10"),
    BAD("[run]\nloops = 5\x7f\n", "bad.scn:2: control byte 0x7f at column 10"),
    BAD("[run]\n# caf\xc3\n", "bad.scn:2: invalid UTF-8 at column 6"),
    BAD("[run]\n# \xed\xa0\x80 a surrogate\n", "bad.scn:2: invalid UTF-8 at column 3"),
    BAD("[run]\n# \xc0\xaf overlong\n", "bad.scn:2: invalid UTF-8 at column 3"),
    BAD("[run]]\nloops = 5\n", "bad.scn:1: ']' after the section header's ']'"),
    BAD("[run] x\nloops = 5\n", "bad.scn:1: 'x' after the section header's ']'"),
    BAD("[run\nloops = 5\n", "bad.scn:1: a section header without its ']'"),
    BAD("loops = 5\n[run]\n", "bad.scn:1: 'loops' before any [section]"),
    BAD("# fine\n  loops = 5\n", "bad.scn:2: 'loops' before any [section]"),
};

START_TEST(test_scenario_bad)
{
	const struct bad_case *c = &bad_cases[_i];
	struct nf_scenario sc;
	char err[600];
	const char *p = write_tmp_n("bad.scn", c->text, c->len);

	nf_scenario_defaults(&sc);
	ck_assert_int_eq(nf_scenario_load(&sc, p, err, sizeof(err)), -EINVAL);
	ck_assert_msg(strstr(err, c->want) != NULL, "error '%s' lacks '%s'", err, c->want);
}
END_TEST

START_TEST(test_scenario_limits)
{
	struct nf_scenario sc;
	char err[600], big[4096];
	FILE *f;
	const char *p = write_tmp("huge.scn", "");

	/* a file past the limit is refused without being read */
	f = fopen(p, "w");
	memset(big, '#', sizeof(big));
	for (int i = 0; i < (NF_SCENARIO_MAX_BYTES / (int)sizeof(big)) + 1; i++)
		fwrite(big, 1, sizeof(big), f);
	fclose(f);
	nf_scenario_defaults(&sc);
	ck_assert_int_eq(nf_scenario_load(&sc, p, err, sizeof(err)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "at most"));
	ck_assert_int_lt(nf_scenario_load(&sc, "/nonexistent/x.scn", err, sizeof(err)), 0);
	ck_assert_ptr_nonnull(strstr(err, "/nonexistent/x.scn"));
	ck_assert_int_eq(nf_scenario_set(&sc, "runloops=3", err, sizeof(err)), -EINVAL);
	ck_assert_int_eq(nf_scenario_set(&sc, "run.lops=3", err, sizeof(err)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "did you mean 'loops'"));
	/* cross-key checks */
	nf_scenario_defaults(&sc);
	ck_assert_int_eq(nf_scenario_set(&sc, "ap.adapters=3", err, sizeof(err)), 0);
	ck_assert_int_eq(nf_scenario_validate(&sc, err, sizeof(err)), -EINVAL);
	nf_scenario_defaults(&sc);
	ck_assert_int_eq(nf_scenario_set(&sc, "device.stack=linux", err, sizeof(err)), 0);
	ck_assert_int_eq(nf_scenario_validate(&sc, err, sizeof(err)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "static"));
}
END_TEST

/* every key of the table refuses a bad value, naming the key */
START_TEST(test_scenario_every_key_bad)
{
	struct nf_scenario sc;
	const char *section, *name, *bad;
	char assign[128], err[600], want[64];

	ck_assert_int_gt(nf_scenario_nkeys(), 15);
	for (size_t i = 0; i < nf_scenario_nkeys(); i++) {
		nf_scenario_key(i, &section, &name, &bad);
		snprintf(assign, sizeof(assign), "%s.%s=%s", section, name, bad);
		snprintf(want, sizeof(want), "%s.%s", section, name);
		nf_scenario_defaults(&sc);
		err[0] = '\0';
		int rc = nf_scenario_set(&sc, assign, err, sizeof(err));
		if (rc == 0) /* free text: the cross-key check refuses it */
			rc = nf_scenario_validate(&sc, err, sizeof(err));
		ck_assert_msg(rc == -EINVAL, "%s was accepted", assign);
		ck_assert_msg(strstr(err, want) != NULL, "%s: message '%s' does not name %s",
			      assign, err, want);
	}
}
END_TEST

START_TEST(test_scenario_json_round_trip)
{
	struct nf_scenario sc;
	char buf[8192];
	FILE *m = fmemopen(buf, sizeof(buf), "w");

	nf_scenario_defaults(&sc);
	nf_scenario_write_json(&sc, m, "");
	fclose(m);
	/* every key of the table is in it, with its resolved value */
	ck_assert_ptr_nonnull(strstr(buf, "\"run\": {"));
	ck_assert_ptr_nonnull(strstr(buf, "\"loops\": \"60\""));
	ck_assert_ptr_nonnull(strstr(buf, "\"pace\": \"timed\""));
	ck_assert_ptr_nonnull(strstr(buf, "\"disable_interval\": \"5000ms\""));
	ck_assert_ptr_nonnull(strstr(buf, "\"close_mode\": \"shutdown+close\""));
	ck_assert_ptr_nonnull(strstr(buf, "\"stall_cycles\": \"3\""));
}
END_TEST

/* csv */

START_TEST(test_csv)
{
	char buf[8192] = "";
	FILE *m = tmpfile(); /* rows go out with write(2): a real file */
	struct nf_row row = {.cycle = 39, .device = 2, .t_start_ms = 100, .down_ms = 5, .up_ms = 7};
	struct nf_wire w = {.syn = 1, .fin = 2, .rst = 0};

	ck_assert_int_eq(nf_csv_header(m), 0);
	nf_report_clear(&row.r);
	row.r.v[NF_R_socket_fd] = -1;
	row.r.v[NF_R_socket_errno] = 23;
	row.r.v[NF_R_t_carrier_up] = 1000;
	strcpy(row.status, "socket_failed");
	ck_assert_int_eq(nf_csv_row(m, &row, &w), 0);
	rewind(m);
	ck_assert_uint_gt(fread(buf, 1, sizeof(buf) - 1, m), 0);
	fclose(m);
	char *second = strchr(buf, '\n') + 1;
	ck_assert(strncmp(buf, "cycle,device,t_start_ms,down_ms,up_ms,connack_ms,", 49) == 0);
	/* no CONNACK: connack_ms empty; fd -1; the wire counts; the status */
	ck_assert_msg(strncmp(second, "39,2,100,5,7,,,,,-1,", 20) == 0, "row: %s", second);
	ck_assert_ptr_nonnull(strstr(second, ",1,2,0,socket_failed,23,"));
	/* the header and the row have the same number of columns */
	int hc = 1, rc = 1;
	for (char *p = buf; *p != '\n'; p++)
		hc += *p == ',';
	for (char *p = second; *p != '\n'; p++)
		rc += *p == ',';
	ck_assert_int_eq(hc, nf_csv_ncols());
	ck_assert_int_eq(rc, nf_csv_ncols());
	ck_assert_str_eq(nf_csv_col(23), "status");
}
END_TEST

START_TEST(test_csv_full_disk)
{
	/* /dev/full is no regular file: the cut-back is skipped, the error stays */
	FILE *f = fopen("/dev/full", "w");
	struct nf_row row = {.cycle = 1};

	if (!f)
		return; /* no /dev/full here: nothing to prove */
	nf_report_clear(&row.r);
	strcpy(row.status, "ok");
	ck_assert_int_eq(nf_csv_row(f, &row, NULL), -ENOSPC);
	fclose(f);
}
END_TEST

/* engine, with a fake clock (the `now` passed in), AP and devices */

/* the defaults with each "section.key=value" of the NULL-ended list */
static void scenario_of(struct nf_scenario *sc, const char *const *sets)
{
	char err[200];

	nf_scenario_defaults(sc);
	for (; *sets; sets++)
		ck_assert_msg(nf_scenario_set(sc, *sets, err, sizeof(err)) == 0, "%s", err);
}

struct fake {
	int ap_calls;
	bool ap_on;
	int nrows;
	struct nf_row rows[64];
};

static int fake_ap(void *ctx, bool on)
{
	struct fake *f = ctx;
	f->ap_calls++;
	f->ap_on = on;
	return 0;
}

static void fake_row(void *ctx, const struct nf_row *row)
{
	struct fake *f = ctx;
	if (f->nrows < 64)
		f->rows[f->nrows++] = *row;
}

static const struct nf_engine_ops fake_ops = {.ap_set = fake_ap, .row = fake_row};

static struct nf_report rep(int64_t phase, const char *status, int64_t fd)
{
	struct nf_report r;
	nf_report_clear(&r);
	r.v[NF_R_phase] = phase;
	r.v[NF_R_socket_fd] = fd;
	strcpy(r.status, status);
	return r;
}

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
		char err[200];
		memset(armed, 0, sizeof(armed));
		nf_scenario_defaults(&sc);
		nf_scenario_set(&sc, "run.loops=60", err, sizeof(err));
		nf_scenario_set(&sc, "run.cut_at=random", err, sizeof(err));
		nf_scenario_set(&sc, "run.disable_interval=1s", err, sizeof(err));
		nf_scenario_set(&sc, "run.enable_interval=1s", err, sizeof(err));
		nf_scenario_set(&sc, tls[on], err, sizeof(err));
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
	char err[200];

	nf_scenario_defaults(&sc);
	nf_scenario_set(&sc, "run.loops=2", err, sizeof(err));
	nf_scenario_set(&sc, "run.disable_interval=5s", err, sizeof(err));
	nf_scenario_set(&sc, "run.enable_interval=15s", err, sizeof(err));
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
	char err[200];
	struct nf_report r;

	nf_scenario_defaults(&sc);
	nf_scenario_set(&sc, "run.loops=3", err, sizeof(err));
	nf_scenario_set(&sc, "run.pace=event", err, sizeof(err));
	nf_scenario_set(&sc, "run.disable_interval=0ms", err, sizeof(err));
	nf_scenario_set(&sc, "run.enable_interval=0ms", err, sizeof(err));
	nf_scenario_set(&sc, "run.reconnect_timeout=2s", err, sizeof(err));
	nf_scenario_set(&sc, "device.count=2", err, sizeof(err));
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
static int asked[4];

static void fake_ask(void *ctx, int dev)
{
	(void)ctx;
	asked[dev]++;
}

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

START_TEST(test_engine_jitter_seeded)
{
	struct nf_scenario sc;
	struct nf_engine a, b;
	struct fake fa = {0}, fb = {0};
	char err[200];

	nf_scenario_defaults(&sc);
	nf_scenario_set(&sc, "run.jitter=1s", err, sizeof(err));
	nf_scenario_set(&sc, "run.seed=42", err, sizeof(err));
	nf_engine_init(&a, &sc, &fake_ops, &fa);
	nf_engine_init(&b, &sc, &fake_ops, &fb);
	nf_engine_start(&a, 0);
	nf_engine_start(&b, 0);
	int64_t da = nf_engine_deadline(&a, 0);
	ck_assert_int_eq(da, nf_engine_deadline(&b, 0));
	ck_assert_int_ge(da, 5000);
	ck_assert_int_le(da, 6000);
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
	Suite *s = suite_create("harness");
	TCase *ts = tcase_create("scenario"), *tc = tcase_create("csv"),
	      *te = tcase_create("engine");

	tcase_add_checked_fixture(ts, setup, teardown);
	tcase_add_test(ts, test_scenario_good);
	tcase_add_loop_test(ts, test_scenario_bad, 0,
			    (int)(sizeof(bad_cases) / sizeof(bad_cases[0])));
	tcase_add_test(ts, test_scenario_limits);
	tcase_add_test(ts, test_scenario_json_round_trip);
	tcase_add_test(ts, test_scenario_every_key_bad);
	tcase_add_test(tc, test_csv);
	tcase_add_test(tc, test_csv_full_disk);
	tcase_add_test(te, test_engine_timed);
	tcase_add_test(te, test_engine_event);
	tcase_add_test(te, test_engine_jitter_seeded);
	tcase_add_test(te, test_engine_collect);
	tcase_add_test(te, test_engine_stop_on_stall);
	tcase_add_test(te, test_engine_random_cut_tls);
	tcase_add_test(te, test_fault_mix);
	suite_add_tcase(s, ts);
	suite_add_tcase(s, tc);
	suite_add_tcase(s, te);
	return nf_check_run(s);
}
