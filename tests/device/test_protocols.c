/* The device's small protocols: report lines, DNS A lookups, ICMP echo,
 * durations. Round trips, byte-exact packets and hostile input. */
#include <check.h>

#include "nf_check.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nf_dns.h"
#include "duration.h"
#include "nf_icmp.h"
#include "proto.h"
#include "report.h"

START_TEST(test_report_round_trip)
{
	struct nf_report a, b;
	char line[4096];
	size_t bad;

	nf_report_clear(&a);
	for (int i = 0; i < NF_R_COUNT; i++)
		a.v[i] = (i % 3 == 0) ? NF_UNSET : (int64_t)i * 1000003 - 7;
	strcpy(a.status, "socket_failed");
	int n = nf_report_format(&a, NF_VERB_REPORT, line, sizeof(line));
	ck_assert_int_gt(n, 0);
	ck_assert_int_eq(line[n - 1], '\n');
	ck_assert_int_eq(nf_report_parse(line, NF_VERB_REPORT, &b, &bad), 0);
	ck_assert_mem_eq(a.v, b.v, sizeof(a.v));
	ck_assert_str_eq(b.status, "socket_failed");
	ck_assert_int_eq(nf_report_format(&a, NF_VERB_REPORT, line, 40), -ENOSPC);
}
END_TEST

START_TEST(test_report_hostile)
{
	static const struct {
		const char *line;
		int ok;
	} cases[] = {
	    {"REPORT phase=3 socket_fd=-1 status=ok", 1},
	    {"REPORT future_field=12 phase=1", 1}, /* a newer device's field: skipped */
	    {"REPORT", 1},
	    {"REPORTX phase=1", 0},
	    {"TEARDOWN phase=1", 0},
	    {"REPORT phase=", 0},
	    {"REPORT =5", 0},
	    {"REPORT phase", 0},
	    {"REPORT phase=1x", 0},
	    {"REPORT phase=99999999999999999999999", 0},
	    {"REPORT phase=-9223372036854775808", 0}, /* the unset marker itself */
	    {"REPORT status=has\x01ctrl", 0},
	    {"REPORT status=waytoolongstatuswordforthefield", 0},
	    {"REPORT status=", 0},
	};
	struct nf_report r;
	size_t bad;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc = nf_report_parse(cases[i].line, NF_VERB_REPORT, &r, &bad);
		ck_assert_msg((rc == 0) == cases[i].ok, "'%s': rc %d", cases[i].line, rc);
		if (rc)
			ck_assert_uint_le(bad, strlen(cases[i].line));
	}
	ck_assert_int_eq(
	    nf_report_parse("REPORT phase=3 socket_fd=- status=ok", NF_VERB_REPORT, &r, &bad), 0);
	ck_assert_int_eq(r.v[NF_R_phase], 3);
	ck_assert(r.v[NF_R_socket_fd] == NF_UNSET);
}
END_TEST

START_TEST(test_dns_query_bytes)
{
	uint8_t b[64];
	const uint8_t want[] = {0x12, 0x34, 0x01, 0,   0,   1, 0,   0,   0, 0, 0, 0, 6, 'b',
				'r',  'o',  'k',  'e', 'r', 2, 'n', 'f', 0, 0, 1, 0, 1};

	ck_assert_int_eq(nf_dns_build_query(b, sizeof(b), 0x1234, "broker.nf"), sizeof(want));
	ck_assert_mem_eq(b, want, sizeof(want));
	ck_assert_int_eq(nf_dns_build_query(b, sizeof(b), 1, "broker.nf."), sizeof(want));
	ck_assert_int_eq(nf_dns_build_query(b, sizeof(b), 1, ""), -EINVAL);
	ck_assert_int_eq(nf_dns_build_query(b, sizeof(b), 1, "a..b"), -EINVAL);
	ck_assert_int_eq(nf_dns_build_query(b, 10, 1, "a.b"), -ENOSPC);
}
END_TEST

START_TEST(test_dns_answers)
{
	/* query for b.nf + a CNAME-less answer with a compression pointer */
	uint8_t resp[] = {0x12, 0x34, 0x81, 0x80, 0, 1,  0, 1, 0,  0,    0,  0, 1,
			  'b',  2,    'n',  'f',  0, 0,  1, 0, 1,  0xc0, 12, 0, 1,
			  0,    1,    0,    0,    0, 60, 0, 4, 10, 213,  0,  1};
	uint32_t ip = 0;

	ck_assert_int_eq(nf_dns_parse_a(resp, sizeof(resp), 0x1234, &ip), 0);
	ck_assert_mem_eq(&ip, ((uint8_t[]){10, 213, 0, 1}), 4);
	ck_assert_int_eq(nf_dns_parse_a(resp, sizeof(resp), 0x9999, &ip), -EPROTO);
	/* every truncation is malformed or missing, never read past the end */
	for (size_t n = 0; n < sizeof(resp); n++)
		ck_assert_int_lt(nf_dns_parse_a(resp, n, 0x1234, &ip), 0);
	resp[3] = 0x83; /* NXDOMAIN */
	ck_assert_int_eq(nf_dns_parse_a(resp, sizeof(resp), 0x1234, &ip), -ENOENT);
	resp[3] = 0x80;
	resp[22] = 0x80; /* a reserved label type */
	ck_assert_int_eq(nf_dns_parse_a(resp, sizeof(resp), 0x1234, &ip), -EPROTO);
	/* a name that is all labels, never ending: bounded */
	uint8_t loop[600] = {0x12, 0x34, 0x80, 0, 0, 1, 0, 0};
	for (size_t i = 12; i + 2 < sizeof(loop); i += 2) {
		loop[i] = 1;
		loop[i + 1] = 'a';
	}
	ck_assert_int_eq(nf_dns_parse_a(loop, sizeof(loop), 0x1234, &ip), -EPROTO);
}
END_TEST

/* AAAA: the query's type 28, the answer's 16 bytes; an A record in the same
 * answer is not taken for it, nor is an AAAA for an A query */
START_TEST(test_dns_aaaa)
{
	uint8_t q[64], resp[] = {0x12, 0x34, 0x81, 0x80, 0, 1, 0, 2, 0, 0, 0, 0, 1, 'b', 2, 'n',
				 'f', 0, 0, 28, 0, 1,
				 /* an A record first, then the AAAA */
				 0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 10, 213, 0, 1,
				 0xc0, 12, 0, 28, 0, 1, 0, 0, 0, 60, 0, 16, 0xfd, 0x6e, 0x66, 0x6c,
				 0x61, 0x70, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
	uint8_t a6[16] = {0}, want[16] = {0xfd, 0x6e, 0x66, 0x6c, 0x61, 0x70, [15] = 1};
	uint32_t ip = 0;
	int n = nf_dns_build_query_type(q, sizeof(q), 0x1234, "b.nf", NF_DNS_AAAA);

	ck_assert_int_eq(n, 12 + 6 + 4);
	ck_assert_int_eq(q[n - 4] << 8 | q[n - 3], 28);
	ck_assert_int_eq(nf_dns_parse(resp, sizeof(resp), 0x1234, NF_DNS_AAAA, a6), 0);
	ck_assert_mem_eq(a6, want, 16);
	ck_assert_int_eq(nf_dns_parse(resp, sizeof(resp), 0x1234, NF_DNS_A, &ip), 0);
	ck_assert_mem_eq(&ip, ((uint8_t[]){10, 213, 0, 1}), 4);
	resp[7] = 1; /* the A record alone: no AAAA */
	ck_assert_int_eq(nf_dns_parse(resp, sizeof(resp) - 28, 0x1234, NF_DNS_AAAA, a6), -ENOENT);
}
END_TEST

START_TEST(test_icmp_echo)
{
	uint8_t req[NF_ICMP_ECHO_LEN], pkt[20 + NF_ICMP_ECHO_LEN] = {0x45, 0, 0, 44, 0, 0, 0, 0, 64, 1};

	nf_icmp_echo_request(req, 0xabcd, 7);
	ck_assert_int_eq(req[0], 8);
	/* the peer's reply: same bytes, type 0, checksum adjusted by +8 */
	memcpy(pkt + 20, req, sizeof(req));
	pkt[20] = 0;
	unsigned c = (unsigned)(pkt[22] << 8 | pkt[23]) + 0x0800;
	c = (c & 0xffff) + (c >> 16);
	pkt[22] = (uint8_t)(c >> 8);
	pkt[23] = (uint8_t)c;
	ck_assert_int_eq(nf_icmp_is_echo_reply(pkt, sizeof(pkt), 0xabcd, 7), 1);
	ck_assert_int_eq(nf_icmp_is_echo_reply(pkt, sizeof(pkt), 0xabcd, 8), 0);
	uint16_t seq = 0;
	ck_assert_int_eq(nf_icmp_echo_reply_seq(pkt, sizeof(pkt), 0xabcd, &seq), 1);
	ck_assert_int_eq(seq, 7);
	ck_assert_int_eq(nf_icmp_echo_reply_seq(pkt, sizeof(pkt), 0xabce, &seq), 0);
	ck_assert_int_eq(nf_icmp_is_echo_reply(pkt, 27, 0xabcd, 7), 0);
	pkt[30] ^= 1; /* corrupt the payload: checksum fails */
	ck_assert_int_eq(nf_icmp_is_echo_reply(pkt, sizeof(pkt), 0xabcd, 7), 0);
	pkt[0] = 0x4f; /* IHL past the end */
	ck_assert_int_eq(nf_icmp_is_echo_reply(pkt, sizeof(pkt), 0xabcd, 7), 0);
}
END_TEST

START_TEST(test_durations)
{
	static const struct {
		const char *s;
		int rc;
		int64_t ms;
	} cases[] = {
	    {"150ms", 0, 150},
	    {"5s", 0, 5000},
	    {"2m", 0, 120000},
	    {"1h", 0, 3600000},
	    {"42", 0, 42},
	    {"0s", 0, 0},
	    {"5 s", -EINVAL, 0},
	    {"s", -EINVAL, 0},
	    {"-1s", -EINVAL, 0},
	    {"1.5s", -EINVAL, 0},
	    {"5sec", -EINVAL, 0},
	    {"25h", -ERANGE, 0},
	    {"99999999999999999999", -ERANGE, 0},
	    {"", -EINVAL, 0},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int64_t ms = -1;
		int rc = nf_parse_duration_ms(cases[i].s, &ms);
		ck_assert_msg(rc == cases[i].rc, "'%s': rc %d, want %d", cases[i].s, rc,
			      cases[i].rc);
		if (!rc)
			ck_assert_int_eq(ms, cases[i].ms);
	}
}
END_TEST

/* the control protocol's names and framing, both ends' one definition */
struct got {
	char lines[8][64];
	int n;
};

static void collect(void *arg, const char *line)
{
	struct got *g = arg;

	if (g->n < 8)
		snprintf(g->lines[g->n++], sizeof(g->lines[0]), "%.63s", line);
}

START_TEST(test_control_protocol)
{
	struct nf_lines *l = calloc(1, sizeof(*l));
	struct got g = {.n = 0};
	char big[NF_LINE_MAX + 10];

	ck_assert_int_eq(nf_verb_of("REPORT phase=1"), NF_VERB_REPORT);
	ck_assert_int_eq(nf_verb_of("QUIT"), NF_VERB_QUIT);
	ck_assert_int_eq(nf_verb_of("REPORTX phase=1"), NF_VERB_NONE);
	ck_assert_int_eq(nf_verb_of("report"), NF_VERB_NONE);
	for (int v = 0; v < NF_VERB_COUNT; v++)
		ck_assert_int_eq(nf_verb_of(nf_verb_name((enum nf_verb)v)), v);
	for (int st = 0; st < NF_ST_COUNT; st++) {
		ck_assert_int_eq(nf_status_parse(nf_status_name((enum nf_status)st)), st);
		ck_assert(strlen(nf_status_name((enum nf_status)st)) < NF_STATUS_MAX);
	}
	ck_assert_int_eq(nf_status_parse("no_such_status"), -1);
	ck_assert(nf_status_is_ok("ok") && !nf_status_is_ok("okay"));
	/* lines split across reads come out whole, in order */
	ck_assert_int_eq(nf_lines_feed(l, "HELLO a\nREP", 11, collect, &g), 0);
	ck_assert_int_eq(g.n, 1);
	ck_assert_int_eq(nf_lines_feed(l, "ORT x=1\n\nQUIT\n", 14, collect, &g), 0);
	ck_assert_int_eq(g.n, 4);
	ck_assert_str_eq(g.lines[0], "HELLO a");
	ck_assert_str_eq(g.lines[1], "REPORT x=1");
	ck_assert_str_eq(g.lines[2], "");
	ck_assert_str_eq(g.lines[3], "QUIT");
	/* an overlong line is dropped and said; framing goes on after it */
	memset(big, 'x', sizeof(big));
	ck_assert_int_eq(nf_lines_feed(l, big, sizeof(big), collect, &g), -EMSGSIZE);
	ck_assert_int_eq(nf_lines_feed(l, "\nSTATUS\n", 8, collect, &g), 0);
	ck_assert_str_eq(g.lines[g.n - 1], "STATUS");
	free(l);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("protocols");
	TCase *tc = tcase_create("protocols");

	tcase_add_test(tc, test_report_round_trip);
	tcase_add_test(tc, test_report_hostile);
	tcase_add_test(tc, test_dns_query_bytes);
	tcase_add_test(tc, test_dns_answers);
	tcase_add_test(tc, test_dns_aaaa);
	tcase_add_test(tc, test_icmp_echo);
	tcase_add_test(tc, test_durations);
	tcase_add_test(tc, test_control_protocol);
	suite_add_tcase(s, tc);
	return nf_check_run(s);
}
