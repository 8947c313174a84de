/* The field lane's own logic without a board or a radio: the scenario's
 * field keys, hostapd's configuration for a real radio, the firmware file's
 * report line (read back by the harness's parser), and the engine with
 * boards (no TEARDOWN awaited, no STATUS asked, no_report rows, a board's
 * newest report taken). */
#include <check.h>

#include "nf_check.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_fake.h"
#include "hostapd_conf.h"
#include "netflap_report.h"
#include "report.h"
#include "scenario.h"

static const char *const field[] = {"device.kind=external", "ap.backend=iface",
				    "ap.iface=enx0011", "board.clients=a,b",
				    "device.count=2", "run.disable_interval=100ms", NULL};

static int validate(const char *const *sets, const char *extra, char *err, size_t len)
{
	struct nf_scenario sc;

	scenario_of(&sc, sets);
	if (extra && nf_scenario_set(&sc, extra, err, len) < 0)
		return -1;
	return nf_scenario_validate(&sc, err, len);
}

START_TEST(test_field_keys)
{
	char err[300], item[32];
	static const struct {
		const char *set, *words;
	} bad[] = {
	    {"device.count=3", "names no board 2"},
	    {"run.disable_interval=50ms", "at least 100 ms"},
	    {"run.fault=blackhole", "run.fault = flap"},
	    {"ap.backend=veth", "ap.backend = iface"},
	    {"ap.driver=nl80211", "hostapd's"},
	    {"ap.off=deauth", "needs a radio"},
	    {"ap.passphrase=short", "8 to 63"},
	    {"ap.country=de", "two capital letters"},
	    {"ap.backend=command", "needs ap.off_command"},
	};

	ck_assert_msg(validate(field, NULL, err, sizeof(err)) == 0, "%s", err);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_int_lt(validate(field, bad[i].set, err, sizeof(err)), 0);
		ck_assert_msg(strstr(err, bad[i].words), "%s: %s", bad[i].set, err);
	}
	/* a simulated device with a host port is refused too */
	ck_assert_int_lt(validate((const char *const[]){"ap.iface=eth9", NULL}, NULL, err,
				  sizeof(err)), 0);
	ck_assert_ptr_nonnull(strstr(err, "external"));
	ck_assert_int_eq(nf_scenario_board_item(" a , b ,c", 1, item, sizeof(item)), 0);
	ck_assert_str_eq(item, "b");
	ck_assert_int_eq(nf_scenario_board_item("a,,c", 1, item, sizeof(item)), -ENOENT);
	ck_assert_int_eq(nf_scenario_board_item("a,b", 2, item, sizeof(item)), -ENOENT);
}
END_TEST

/* hostapd.conf for sets, into buf */
static void conf_of(const char *const *sets, char *buf, size_t len)
{
	struct nf_scenario sc;
	FILE *f = fmemopen(buf, len, "w");

	scenario_of(&sc, sets);
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(nf_hostapd_conf(f, &sc, "/run/netflap/x-hostapd"), 0);
	fclose(f);
}

START_TEST(test_hostapd_conf)
{
	char c[2048];

	conf_of((const char *const[]){"ap.backend=hostapd", NULL}, c, sizeof(c));
	ck_assert_ptr_nonnull(strstr(c, "\ninterface=br0\ndriver=wired\n"));
	ck_assert_ptr_null(strstr(c, "ssid="));
	conf_of((const char *const[]){"ap.backend=hostapd", "ap.driver=nl80211", "ap.iface=wlan7",
				      "ap.ssid=bench", "ap.channel=36", "ap.country=DE",
				      "ap.passphrase=correct horse", NULL},
		c, sizeof(c));
	static const char *const want[] = {
	    "\ninterface=wlan7\n", "\nbridge=br0\n", "\ndriver=nl80211\n", "\nssid=bench\n",
	    "\nhw_mode=a\n", "\nchannel=36\n", "\ncountry_code=DE\n", "\nwpa=2\n",
	    "\nwpa_passphrase=correct horse\n", "\nctrl_interface=/run/netflap/x-hostapd\n"};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		ck_assert_msg(strstr(c, want[i]), "no '%s' in:\n%s", want[i] + 1, c);
	/* open, 2.4 GHz, the radio's own country */
	conf_of((const char *const[]){"ap.backend=hostapd", "ap.driver=nl80211", "ap.iface=wlan7",
				      "ap.channel=6", NULL},
		c, sizeof(c));
	ck_assert_ptr_nonnull(strstr(c, "\nhw_mode=g\n"));
	ck_assert_ptr_nonnull(strstr(c, "\nauth_algs=1\n"));
	ck_assert_ptr_null(strstr(c, "wpa"));
	ck_assert_ptr_null(strstr(c, "country_code"));
}
END_TEST

START_TEST(test_firmware_line)
{
	struct netflap_attempt a;
	struct nf_report r;
	char line[NETFLAP_REPORT_MAX], tiny[40];
	size_t bad;

	netflap_attempt_init(&a);
	a.status = "socket_failed";
	a.phase = 39;
	a.attempt = 2;
	a.socket_fd = -1;
	a.socket_errno = 23;
	a.heap_free = 123456;
	a.reconnect_total = 40;
	int n = netflap_report_format(line, sizeof(line), &a);
	ck_assert_int_gt(n, 0);
	ck_assert_uint_eq(strlen(line), (size_t)n);
	/* the harness's own parser reads it; figures not known stay unset */
	ck_assert_int_eq(nf_report_parse(line, NF_VERB_REPORT, &r, &bad), 0);
	ck_assert_str_eq(r.status, "socket_failed");
	ck_assert_int_eq(r.v[NF_R_phase], 39);
	ck_assert_int_eq(r.v[NF_R_attempt], 2);
	ck_assert_int_eq(r.v[NF_R_socket_fd], -1);
	ck_assert_int_eq(r.v[NF_R_socket_errno], 23);
	ck_assert_int_eq(r.v[NF_R_heap_free], 123456);
	ck_assert_int_eq(r.v[NF_R_reconnect_total], 40);
	ck_assert(r.v[NF_R_close_rc] == NF_UNSET);
	ck_assert(r.v[NF_R_t_connack] == NF_UNSET);
	/* too small a buffer: -1, never half a line */
	ck_assert_int_eq(netflap_report_format(tiny, sizeof(tiny), &a), -1);
}
END_TEST

/* the engine with two boards, event pace, 1 s off */
static void boards(struct nf_engine *e, struct fake *f)
{
	struct nf_scenario sc;

	scenario_of(&sc, (const char *const[]){"device.kind=external", "device.count=2",
					       "run.pace=event", "run.loops=2",
					       "run.disable_interval=1s", "run.enable_interval=0ms",
					       "run.reconnect_timeout=5s", NULL});
	/* STATUS can be asked: the engine must not, of a board */
	static const struct nf_engine_ops ops = {.ap_set = fake_ap, .row = fake_row,
						 .ask_status = fake_ask};

	memset(f, 0, sizeof(*f));
	memset(asked, 0, sizeof(asked));
	nf_engine_init(e, &sc, &ops, f);
	nf_engine_start(e, 0);
	nf_engine_tick(e, 0);
}

START_TEST(test_engine_boards)
{
	static struct nf_engine e;
	struct fake f;

	boards(&e, &f);
	/* DOWN waits for no TEARDOWN: its interval alone */
	nf_engine_tick(&e, 999);
	ck_assert(!f.ap_on);
	nf_engine_tick(&e, 1000);
	ck_assert(f.ap_on);
	/* board 0: a stale failure and its newest attempt arrive together */
	struct nf_report old = rep(1, "carrier_lost", 3), now = rep(2, "ok", 4);
	old.v[NF_R_attempt] = now.v[NF_R_attempt] = 1;
	nf_engine_on_line(&e, 0, NF_VERB_REPORT, &old, 1010);
	nf_engine_on_line(&e, 0, NF_VERB_REPORT, &now, 1010);
	nf_engine_tick(&e, 1010);
	/* board 1 stays silent: its row after the timeout, nobody asked */
	nf_engine_tick(&e, 6000);
	nf_engine_tick(&e, 6001);
	ck_assert_int_ge(f.nrows, 2);
	ck_assert_str_eq(f.rows[0].status, "ok");
	ck_assert_int_eq(f.rows[0].r.v[NF_R_socket_fd], 4);
	ck_assert_str_eq(f.rows[1].status, "no_report");
	ck_assert_int_eq(asked[0] + asked[1], 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("field");
	TCase *tc = tcase_create("field");

	tcase_add_test(tc, test_field_keys);
	tcase_add_test(tc, test_hostapd_conf);
	tcase_add_test(tc, test_firmware_line);
	tcase_add_test(tc, test_engine_boards);
	suite_add_tcase(s, tc);
	return nf_check_run(s);
}
