/* The verdict on IPv6 (verdict_ip6.c) over synthetic rows: a neighbour
 * cache that keeps an entry per reconnect is a finding, of its class and
 * table; entries that age out (up within a stretch of cycles, back down on
 * their timers) and an IPv4 device's rows (no IPv6 columns filled) are
 * not. IPv4 taken where IPv6 should have worked, and a session over IPv6
 * on an address the AP answered for, are findings; IPv4 taken when a fault
 * took IPv6 away is not. A renumbered cycle that did not reconnect with
 * the old prefix still held is a finding; one that reconnected, or failed
 * holding one prefix, is not (of that class). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "verdict_judge.h"

/* a new temporary rows file from tmpl (mkstemp's), open for writing */
static FILE *tmp_rows(char path[64], const char *tmpl)
{
	strcpy(path, tmpl);
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	return fdopen(fd, "w");
}

/* nd6_neighbors, nd6_routers, nd6_prefixes, mld6_groups of a cycle */
typedef void (*nd_gen)(int cycle, int *v);

static const char *write_rows(int cycles, nd_gen gen, bool ip6)
{
	static char path[64];
	FILE *f = tmp_rows(path, "/tmp/nf-verdict-ip6.XXXXXX");
	fprintf(f, "cycle,device,connack_ms,status,heap_free,nd6_neighbors,nd6_routers,"
		   "nd6_prefixes,mld6_groups\n");
	for (int c = 1; c <= cycles; c++) {
		int v[4] = {2, 1, 1, 1};
		gen(c, v);
		fprintf(f, "%d,0,%d,ok,60000,", c, 3 + c % 5);
		if (ip6)
			fprintf(f, "%d,%d,%d,%d", v[0], v[1], v[2], v[3]);
		else
			fprintf(f, ",,,");
		fputc('\n', f);
	}
	fclose(f);
	return path;
}

static void g_orphan(int c, int *v)
{
	v[0] = 2 + 2 * (c - 1); /* two entries kept per reconnect */
}

/* a neighbour learnt now and then (another host on the LAN) that ages out
 * some cycles later; a second router for a stretch, then gone */
static void g_aging(int c, int *v)
{
	v[0] = 2 + (c % 7 < 3 ? c % 7 : 0);
	v[1] = c % 11 < 4 ? 2 : 1;
}

static void g_flat(int c, int *v)
{
	(void)c;
	(void)v;
}

static int count(const struct nf_verdict *v, enum nf_class cls, const char *what)
{
	int n = 0;
	for (int i = 0; i < v->n; i++)
		n += v->f[i].cls == cls && (!what || strcmp(v->f[i].what, what) == 0);
	return n;
}

START_TEST(test_orphaned_neighbours_found)
{
	struct nf_verdict v = {0};

	judge_file(write_rows(40, g_orphan, true), &v);
	ck_assert_int_eq(count(&v, NF_ND6_GROWTH, "neighbour cache"), 1);
	ck_assert_int_eq(count(&v, NF_ND6_GROWTH, NULL), 1); /* the other tables are flat */
	ck_assert_str_eq(nf_class_name(NF_ND6_GROWTH), "neighbour-discovery growth");
	nf_verdict_free(&v);
}
END_TEST

START_TEST(test_aging_entries_not_a_finding)
{
	struct nf_verdict v = {0};

	judge_file(write_rows(60, g_aging, true), &v);
	ck_assert_int_eq(count(&v, NF_ND6_GROWTH, NULL), 0);
	ck_assert_int_eq(v.n, 0);
	nf_verdict_free(&v);
}
END_TEST

START_TEST(test_flat_and_ip4_rows_clean)
{
	struct nf_verdict v = {0};

	judge_file(write_rows(40, g_flat, true), &v);
	ck_assert_int_eq(v.n, 0);
	judge_file(write_rows(40, g_orphan, false), &v); /* no IPv6 columns: nothing to judge */
	ck_assert_int_eq(v.n, 0);
	nf_verdict_free(&v);
}
END_TEST

/* rows of a dual-stack device preferring IPv6: every fourth cycle has the
 * fault named, and goes over the family given (fallback when IPv4) */
static const char *family_rows(const char *fault, int family, int other_family)
{
	static char path[64];
	FILE *f = tmp_rows(path, "/tmp/nf-verdict-ip6f.XXXXXX");
	fprintf(f, "cycle,device,connack_ms,status,heap_free,fault,ip_family,ip_fallback\n");
	for (int c = 1; c <= 30; c++) {
		bool faulty = c > 1 && c % 4 == 0;
		int fam = faulty ? family : other_family;
		fprintf(f, "%d,0,5,ok,60000,%s,%d,%d\n", c, faulty ? fault : "flap", fam, fam == 4);
	}
	fclose(f);
	return path;
}

START_TEST(test_fallback_and_duplicates)
{
	struct nf_verdict v = {0};

	/* IPv4 taken where a fault took IPv6 away: right */
	judge_file(family_rows("blackhole6", 4, 6), &v);
	ck_assert_int_eq(v.n, 0);
	judge_file(family_rows("dad_conflict", 4, 6), &v);
	ck_assert_int_eq(v.n, 0);
	/* IPv4 taken after a flap, IPv6 fine: IPv6 should have worked */
	judge_file(family_rows("flap", 4, 6), &v);
	ck_assert_int_eq(count(&v, NF_IP4_FALLBACK, NULL), 1);
	ck_assert_int_eq(v.f[0].first_cycle, 4);
	/* a session over IPv6 while the AP answered for its address */
	judge_file(family_rows("dad_conflict", 6, 6), &v);
	ck_assert_int_eq(count(&v, NF_DAD_IGNORED, NULL), 1);
	ck_assert_int_eq(v.n, 1);
	nf_verdict_free(&v);
}
END_TEST

/* every third cycle renumbered (ra_renumber) ending in status, the device
 * holding prefixes prefixes then (one in the other cycles) */
static const char *renumber_rows(const char *status, int prefixes)
{
	static char path[64];
	FILE *f = tmp_rows(path, "/tmp/nf-verdict-ip6r.XXXXXX");
	fprintf(f, "cycle,device,connack_ms,status,heap_free,fault,ip_family,nd6_prefixes\n");
	for (int c = 1; c <= 30; c++) {
		bool renumbered = c % 3 == 0;
		fprintf(f, "%d,0,%s,%s,60000,%s,%s,%d\n", c, renumbered && strcmp(status, "ok") ? "" : "5",
			renumbered ? status : "ok", renumbered ? "ra_renumber" : "flap",
			renumbered && strcmp(status, "ok") ? "" : "6", renumbered ? prefixes : 1);
	}
	fclose(f);
	return path;
}

START_TEST(test_stale_prefix)
{
	struct nf_verdict v = {0};

	/* the old prefix kept, the reconnect never made it: found */
	judge_file(renumber_rows("in_dns", 2), &v);
	ck_assert_int_eq(count(&v, NF_STALE_PREFIX, NULL), 1);
	ck_assert_int_eq(v.f[0].first_cycle, 3);
	judge_file(renumber_rows("connect_failed", 3), &v);
	ck_assert_int_eq(count(&v, NF_STALE_PREFIX, NULL), 1);
	/* renumbered and reconnected: nothing */
	judge_file(renumber_rows("ok", 1), &v);
	ck_assert_int_eq(v.n, 0);
	/* reconnected though both prefixes were held: not this class */
	judge_file(renumber_rows("ok", 2), &v);
	ck_assert_int_eq(count(&v, NF_STALE_PREFIX, NULL), 0);
	/* failed holding the new prefix alone: another class's, not this */
	judge_file(renumber_rows("in_dns", 1), &v);
	ck_assert_int_eq(count(&v, NF_STALE_PREFIX, NULL), 0);
	nf_verdict_free(&v);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("verdict-ip6");
	TCase *tc = tcase_create("tables");
	SRunner *r;
	int failed;

	tcase_add_test(tc, test_orphaned_neighbours_found);
	tcase_add_test(tc, test_aging_entries_not_a_finding);
	tcase_add_test(tc, test_flat_and_ip4_rows_clean);
	tcase_add_test(tc, test_fallback_and_duplicates);
	tcase_add_test(tc, test_stale_prefix);
	suite_add_tcase(s, tc);
	r = srunner_create(s);
	srunner_run_all(r, CK_NORMAL);
	failed = srunner_ntests_failed(r);
	srunner_free(r);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
