/* Harness units without privileges: the scenario parser and key table,
 * the CSV writer (the cycle engine: test_engine.c). */
#include <check.h>

#include "nf_check.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csv.h"
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
	char line[NF_CSV_LINE_MAX];
	ck_assert_int_eq(nf_csv_row(m, &row, &w, line, sizeof(line)), 0);
	rewind(m);
	ck_assert_uint_gt(fread(buf, 1, sizeof(buf) - 1, m), 0);
	fclose(m);
	char *second = strchr(buf, '\n') + 1;
	ck_assert_str_eq(line, second); /* the text written is the line handed back */
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

/* a value the row lacks is empty, never the unset marker; a step timed
 * before this cycle's carrier came back (a lease kept from an older one)
 * is empty, never negative; a crash's cause loses its commas */
START_TEST(test_csv_no_false_values)
{
	char buf[8192] = "", *f[256], out[NF_CSV_LINE_MAX];
	FILE *m = tmpfile();
	struct nf_row row = {.cycle = 5, .progress = 1};

	nf_report_clear(&row.r);
	row.r.v[NF_R_t_carrier_up] = 50000;
	row.r.v[NF_R_t_lease] = 7381; /* an old lease */
	row.r.v[NF_R_t_dns] = 50020;
	strcpy(row.status, "in_connect");
	strcpy(row.crash, "SIGABRT: a, b");
	ck_assert_int_eq(nf_csv_header(m), 0);
	ck_assert_int_eq(nf_csv_row(m, &row, NULL, out, sizeof(out)), 0);
	rewind(m);
	ck_assert_uint_gt(fread(buf, 1, sizeof(buf) - 1, m), 0);
	fclose(m);
	ck_assert_ptr_null(strstr(buf, "-9223372036854775808"));
	char *line = strchr(buf, '\n') + 1;
	int n = 0;
	for (char *p = line; n < 256; p++) { /* split the row */
		f[n++] = p;
		p += strcspn(p, ",\n");
		if (*p != ',') {
			*p = '\0';
			break;
		}
		*p = '\0';
	}
	ck_assert_int_eq(n, nf_csv_ncols());
	ck_assert_str_eq(f[NF_COL_lease_ms], "");
	ck_assert_str_eq(f[NF_COL_dns_ms], "20");
	ck_assert_str_eq(f[NF_COL_connack_ms], "");
	ck_assert_str_eq(f[NF_COL_progress], "1");
	ck_assert_str_eq(f[NF_COL_status], "in_connect");
	ck_assert_str_eq(f[NF_COL_crash], "SIGABRT: a; b");
}
END_TEST

START_TEST(test_csv_full_disk)
{
	/* /dev/full is no regular file: the cut-back is skipped, the error stays */
	FILE *f = fopen("/dev/full", "w");
	struct nf_row row = {.cycle = 1};
	char line[NF_CSV_LINE_MAX];

	if (!f)
		return; /* no /dev/full here: nothing to prove */
	nf_report_clear(&row.r);
	strcpy(row.status, "ok");
	ck_assert_int_eq(nf_csv_row(f, &row, NULL, line, sizeof(line)), -ENOSPC);
	fclose(f);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("harness");
	TCase *ts = tcase_create("scenario"), *tc = tcase_create("csv");

	tcase_add_checked_fixture(ts, setup, teardown);
	tcase_add_test(ts, test_scenario_good);
	tcase_add_loop_test(ts, test_scenario_bad, 0,
			    (int)(sizeof(bad_cases) / sizeof(bad_cases[0])));
	tcase_add_test(ts, test_scenario_limits);
	tcase_add_test(ts, test_scenario_json_round_trip);
	tcase_add_test(ts, test_scenario_every_key_bad);
	tcase_add_test(tc, test_csv);
	tcase_add_test(tc, test_csv_full_disk);
	tcase_add_test(tc, test_csv_no_false_values);
	suite_add_tcase(s, ts);
	suite_add_tcase(s, tc);
	return nf_check_run(s);
}
