/* run.rotate's readers on files made here: segment names and the order
 * they are read in (a plain segment before its .gz, no gap crossed), rows
 * read back through gzip, a damaged .gz an error naming it (never rows
 * judged as if whole), and the PSI line the pressure column comes from. */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "nf_check.h"
#include "pressure.h"
#include "rows.h"
#include "segments.h"

static char dir[64];

static void setup(void)
{
	strcpy(dir, "/tmp/nf-segments.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void teardown(void)
{
	char path[400];
	struct dirent *e;
	DIR *d = opendir(dir);

	while (d && (e = readdir(d)))
		if (e->d_name[0] != '.') {
			snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
			unlink(path);
		}
	if (d)
		closedir(d);
	rmdir(dir);
}

/* cycles from..to of device 0 as a segment, plain or gzip */
static void segment(const char *name, int from, int to, bool gz)
{
	char path[128], text[8192];
	int n = snprintf(text, sizeof(text), "cycle,device,status,connack_ms\n");

	for (int c = from; c <= to; c++)
		n += snprintf(text + n, sizeof(text) - (size_t)n, "%d,0,ok,%d\n", c, c % 7);
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (gz) {
		gzFile f = gzopen(path, "wb");
		ck_assert_ptr_nonnull(f);
		ck_assert_int_eq(gzwrite(f, text, (unsigned)n), n);
		ck_assert_int_eq(gzclose(f), Z_OK);
	} else {
		FILE *f = fopen(path, "w");
		ck_assert_ptr_nonnull(f);
		fputs(text, f);
		fclose(f);
	}
}

START_TEST(test_names_and_order)
{
	char p[200];
	struct nf_rows rows;
	char err[256];

	nf_segment_path(p, sizeof(p), "d", "cycles", ".csv", 7, true);
	ck_assert_str_eq(p, "d/cycles-0007.csv.gz");
	segment("cycles-0001.csv.gz", 1, 10, true);
	segment("cycles-0002.csv", 11, 20, false); /* its compressor still running */
	segment("cycles-0002.csv.gz", 11, 12, true); /* cut short beside it */
	segment("cycles-0004.csv.gz", 90, 99, true); /* past a gap: not a segment of this run */
	segment("cycles.csv", 21, 25, false);
	ck_assert_int_eq(nf_segment_count(dir, "cycles", ".csv"), 2);
	ck_assert(nf_segment_find(p, sizeof(p), dir, "cycles", ".csv", 2));
	ck_assert_ptr_nonnull(strstr(p, "cycles-0002.csv"));
	ck_assert_ptr_null(strstr(p, ".gz"));
	ck_assert_int_eq(nf_rows_load_run(&rows, dir, err, sizeof(err)), 0);
	ck_assert_int_eq(rows.ndev, 1);
	ck_assert_int_eq(rows.dev[0].n, 25);
	for (size_t i = 0; i < rows.dev[0].n; i++)
		ck_assert_int_eq(rows.dev[0].v[i][C_CYCLE], (int64_t)i + 1);
	ck_assert_int_eq(rows.bad_lines, 0);
	nf_rows_free(&rows);
}
END_TEST

START_TEST(test_damaged_segment)
{
	char path[128], err[256];
	struct nf_rows rows;

	segment("cycles-0001.csv.gz", 1, 300, true);
	segment("cycles.csv", 301, 302, false);
	snprintf(path, sizeof(path), "%s/cycles-0001.csv.gz", dir);
	ck_assert_int_eq(truncate(path, 200), 0);
	ck_assert_int_eq(nf_rows_load_run(&rows, dir, err, sizeof(err)), -EIO);
	ck_assert_msg(strstr(err, "cycles-0001.csv.gz:") && strstr(err, "damaged"), "%s", err);
	ck_assert_int_eq(rows.ndev, 0); /* freed: nothing judged */
}
END_TEST

START_TEST(test_pressure_line)
{
	ck_assert_int_eq(nf_pressure_parse("some avg10=32.37 avg60=35.57 avg300=26.85 "
					   "total=3894734895\nfull avg10=0.00 avg60=0.00 "
					   "avg300=0.00 total=0\n"),
			 3894734895LL);
	ck_assert_int_eq(nf_pressure_parse("full avg10=0.00 total=12\n"), -1);
	ck_assert_int_eq(nf_pressure_parse("some avg10=1.00 total=\n"), -1);
	ck_assert_int_eq(nf_pressure_parse(""), -1);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("segments");
	TCase *tc = tcase_create("segments");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_names_and_order);
	tcase_add_test(tc, test_damaged_segment);
	tcase_add_test(tc, test_pressure_line);
	suite_add_tcase(s, tc);
	return nf_check_run(s);
}
