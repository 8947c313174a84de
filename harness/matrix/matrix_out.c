/* The matrix's outputs (see matrix_int.h): a cell's summary and its
 * cell.json, and over all cells matrix.csv, matrix.md, junit.xml and
 * report.html. The same writers serve `netflap matrix` and `netflap merge`,
 * so a merged matrix reads as the unsharded one. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "escape.h"
#include "exitcode.h"
#include "matrix_int.h"
#include "report.h"
#include "rows.h"
#include "verdict.h"

const struct nf_axis_def nf_axis_defs[NAXES] = {
    {"stacks", "device.stack", "stack", "upstream,vendor,fixed,linux"},
    {"close-modes", "device.close_mode", "close_mode", "close,shutdown+close"},
    {"faults", "run.fault", "fault", NULL},
    {"cut-at", "run.cut_at", "cut_at", NULL},
    {"clients", "device.client", "client", NULL},
    /* the address family: --ip6 off,slaac (IPv4 beside dual-stack), with
     * --ip dhcp,off for IPv6-only cells */
    {"ip", "device.ip", "ip", NULL},
    {"ip6", "device.ip6", "ip6", NULL},
};

int nf_mx_split(struct nf_axis *ax)
{
	ax->n = 0;
	for (char *tok = strtok(ax->buf, ","); tok && ax->n < MAX_AXIS; tok = strtok(NULL, ","))
		ax->v[ax->n++] = tok;
	return ax->n;
}

const char *nf_mx_value(const struct nf_matrix *m, int c, int a)
{
	for (int k = NAXES - 1; k > a; k--)
		if (m->ax[k].n)
			c /= m->ax[k].n;
	return m->ax[a].n ? m->ax[a].v[c % m->ax[a].n] : NULL;
}

void nf_mx_name(const struct nf_matrix *m, int c, char *buf, size_t len)
{
	size_t k = 0;

	buf[0] = '\0';
	for (int a = 0; a < NAXES; a++) {
		const char *v = nf_mx_value(m, c, a);
		if (v)
			k += (size_t)snprintf(buf + k, k < len ? len - k : 0, "%s%s", k ? "_" : "", v);
	}
}

static uint64_t fnv(uint64_t h, const char *s)
{
	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 1099511628211ull;
	return (h ^ 0xff) * 1099511628211ull; /* a separator: "ab","c" is not "a","bc" */
}

void nf_mx_fingerprint(const struct nf_matrix *m, char *hex, size_t len)
{
	const char *base = strrchr(m->scenario, '/');
	uint64_t h = fnv(14695981039346656037ull, base ? base + 1 : m->scenario);

	for (int a = 0; a < NAXES; a++)
		for (int i = 0; i < m->ax[a].n; i++)
			h = fnv(h, m->ax[a].v[i]);
	for (int s = 0; s < m->nsets; s++)
		h = fnv(h, m->sets[s]);
	snprintf(hex, len, "%016llx", (unsigned long long)h);
}

void nf_mx_summarize(const char *dir, struct nf_cell *c)
{
	static struct nf_verdict v;
	struct nf_rows rows;
	char err[PATH_MAX + 64];

	c->first_failure = c->connack_median = NF_UNSET;
	snprintf(c->verdict, sizeof(c->verdict), "no rows");
	nf_verdict_free(&v); /* the last cell's */
	if (nf_verdict_load(dir, &v, err, sizeof(err)) < 0) /* the verdict the cell wrote */
		return;
	c->verdict[0] = '\0';
	for (int k = 0; k < NF_NCLASSES; k++)
		for (int i = 0; i < v.n; i++)
			if (v.f[i].cls == (enum nf_class)k) {
				size_t l = strlen(c->verdict);
				snprintf(c->verdict + l, sizeof(c->verdict) - l, "%s%s",
					 l ? "; " : "", nf_class_name((enum nf_class)k));
				break;
			}
	if (!c->verdict[0])
		snprintf(c->verdict, sizeof(c->verdict), "clean");
	if (nf_rows_load_run(&rows, dir, err, sizeof(err)) < 0)
		return;
	for (int d = 0; d < rows.ndev; d++) {
		const struct nf_series *s = &rows.dev[d];
		for (size_t i = 0; i < s->n; i++) {
			int64_t cyc = s->v[i][C_CYCLE] + nf_row_weight(s, i) - 1;
			if (cyc > c->cycles)
				c->cycles = cyc;
			if (!nf_status_is_ok(s->status[i]) &&
			    (c->first_failure == NF_UNSET || s->v[i][C_CYCLE] < c->first_failure))
				c->first_failure = s->v[i][C_CYCLE];
		}
	}
	/* the ok rows', counted as read */
	c->connack_median = nf_timing_rank(&rows.timing[NF_T_connack], rows.timing[NF_T_connack].n / 2);
	nf_rows_free(&rows);
}


static void put_opt(FILE *f, int64_t x)
{
	if (x != NF_UNSET)
		fprintf(f, "%lld", (long long)x);
}

static FILE *open_out(const struct nf_matrix *m, const char *name)
{
	char path[PATH_MAX + 32];

	snprintf(path, sizeof(path), "%s/%s", m->out, name);
	return fopen(path, "w");
}

static int write_csv(const struct nf_matrix *m, FILE *f)
{
	for (int a = 0; a < NAXES; a++)
		if (m->ax[a].n)
			fprintf(f, "%s,", nf_axis_defs[a].col);
	fprintf(f, "exit,verdict,cycles,first_failure_cycle,connack_median_ms\n");
	for (int c = 0; c < m->ncells; c++) {
		const struct nf_cell *x = &m->cells[c];
		if (x->exit_code < 0)
			continue; /* not run (the matrix was stopped) or missing */
		for (int a = 0; a < NAXES; a++)
			if (m->ax[a].n)
				fprintf(f, "%s,", nf_mx_value(m, c, a));
		fprintf(f, "%d,\"%s\",%lld,", x->exit_code, x->verdict, (long long)x->cycles);
		put_opt(f, x->first_failure);
		fputc(',', f);
		put_opt(f, x->connack_median);
		fputc('\n', f);
	}
	return 0;
}

static void md_cell(FILE *f, const struct nf_cell *x)
{
	if (x->exit_code < 0) {
		fprintf(f, " not run |");
		return;
	}
	fprintf(f, " %s", x->exit_code > 1 ? "run failed" : x->verdict);
	if (x->first_failure != NF_UNSET)
		fprintf(f, ", fails from cycle %lld", (long long)x->first_failure);
	if (x->connack_median != NF_UNSET)
		fprintf(f, ", CONNACK median %lld ms", (long long)x->connack_median);
	fprintf(f, " |");
}

static const char *base_name(const char *path)
{
	const char *b = strrchr(path, '/');
	return b ? b + 1 : path;
}

static int write_md(const struct nf_matrix *m, FILE *f)
{
	int per_row = m->ncells / m->ax[0].n; /* the stack is the row; the rest, columns */

	fprintf(f, "# netflap matrix: %s\n\n| stack |", base_name(m->scenario));
	for (int j = 0; j < per_row; j++) {
		for (int a = 1; a < NAXES; a++)
			if (m->ax[a].n)
				fprintf(f, "%s%s", a > 1 ? " / " : " ", nf_mx_value(m, j, a));
		fprintf(f, " |");
	}
	fprintf(f, "\n|---|");
	for (int j = 0; j < per_row; j++)
		fprintf(f, "---|");
	fputc('\n', f);
	for (int i = 0; i < m->ax[0].n; i++) {
		fprintf(f, "| %s |", m->ax[0].v[i]);
		for (int j = 0; j < per_row; j++)
			md_cell(f, &m->cells[i * per_row + j]);
		fputc('\n', f);
	}
	return 0;
}

static void xml(FILE *f, const char *s)
{
	nf_put_xml_text(f, s, strlen(s));
}

/* one testcase per cell: a finding or a failed run is a failure, a cell
 * that never ran is one too (a merged matrix must be whole) */
static int write_junit(const struct nf_matrix *m, FILE *f)
{
	int failures = 0;
	char name[400];

	for (int c = 0; c < m->ncells; c++)
		failures += m->cells[c].exit_code != 0;
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"netflap matrix\" "
		   "tests=\"%d\" failures=\"%d\">\n  <testsuite name=\"",
		m->ncells, failures);
	xml(f, base_name(m->scenario));
	fprintf(f, "\" tests=\"%d\" failures=\"%d\">\n", m->ncells, failures);
	for (int c = 0; c < m->ncells; c++) {
		const struct nf_cell *x = &m->cells[c];
		nf_mx_name(m, c, name, sizeof(name));
		fprintf(f, "    <testcase classname=\"matrix\" name=\"");
		xml(f, name);
		fprintf(f, "\">");
		if (x->exit_code != 0) {
			fprintf(f, "<failure message=\"");
			xml(f, x->exit_code < 0 ? "not run" : x->exit_code > 1 ? "run failed" : x->verdict);
			fprintf(f, "\"/>");
		}
		fprintf(f, "</testcase>\n");
	}
	fprintf(f, "  </testsuite>\n</testsuites>\n");
	return 0;
}

/* the cells as a table, each linked to its own report and rows */
static int write_html(const struct nf_matrix *m, FILE *f)
{
	char name[400];

	fprintf(f, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>netflap matrix: ");
	xml(f, base_name(m->scenario));
	fprintf(f, "</title>\n<style>body{font-family:sans-serif;margin:2em}table{border-collapse:"
		   "collapse}td,th{border:1px solid #ccc;padding:4px 8px}.bad{background:#fdd}"
		   ".ok{background:#dfd}</style></head><body>\n<h1>netflap matrix: ");
	xml(f, base_name(m->scenario));
	fprintf(f, "</h1>\n<table><tr><th>cell</th><th>exit</th><th>verdict</th><th>cycles</th>"
		   "<th>first failure</th><th>CONNACK median (ms)</th><th>files</th></tr>\n");
	size_t ol = strlen(m->out);
	for (int c = 0; c < m->ncells; c++) {
		const struct nf_cell *x = &m->cells[c];
		/* a cell under the output folder is linked relative to it */
		const char *dir = strncmp(x->dir, m->out, ol) == 0 && x->dir[ol] == '/' ? x->dir + ol + 1
											 : x->dir;
		nf_mx_name(m, c, name, sizeof(name));
		fprintf(f, "<tr class=\"%s\"><td>", x->exit_code == 0 ? "ok" : "bad");
		xml(f, name);
		if (x->exit_code < 0) {
			fprintf(f, "</td><td colspan=\"6\">not run</td></tr>\n");
			continue;
		}
		fprintf(f, "</td><td>%d</td><td>", x->exit_code);
		xml(f, x->verdict);
		fprintf(f, "</td><td>%lld</td><td>", (long long)x->cycles);
		put_opt(f, x->first_failure);
		fprintf(f, "</td><td>");
		put_opt(f, x->connack_median);
		fprintf(f, "</td><td><a href=\"");
		xml(f, dir);
		fprintf(f, "/report.html\">report</a> <a href=\"");
		xml(f, dir);
		fprintf(f, "/cycles.csv\">cycles.csv</a></td></tr>\n");
	}
	fprintf(f, "</table>\n</body></html>\n");
	return 0;
}

int nf_mx_write_outputs(const struct nf_matrix *m)
{
	static const struct {
		const char *name;
		int (*fn)(const struct nf_matrix *m, FILE *f);
	} outs[] = {{"matrix.csv", write_csv},
		    {"matrix.md", write_md},
		    {"junit.xml", write_junit},
		    {"report.html", write_html}};

	for (size_t i = 0; i < sizeof(outs) / sizeof(outs[0]); i++) {
		FILE *f = open_out(m, outs[i].name);
		if (!f)
			return -errno;
		outs[i].fn(m, f);
		if (fclose(f))
			return -errno;
	}
	return 0;
}

void nf_mx_print_md(const struct nf_matrix *m)
{
	char path[PATH_MAX + 16], line[1024];
	FILE *f;

	snprintf(path, sizeof(path), "%s/matrix.md", m->out);
	f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f))
		fputs(line, stdout);
	if (f)
		fclose(f);
}

static void json_list(FILE *f, const struct nf_axis *ax)
{
	fputc('[', f);
	for (int i = 0; i < ax->n; i++) {
		if (i)
			fputs(", ", f);
		nf_put_json_string(f, ax->v[i]);
	}
	fputc(']', f);
}

int nf_mx_write_cell_json(const struct nf_matrix *m, int c)
{
	char path[PATH_MAX + 16], fp[20], name[400];
	FILE *f;

	snprintf(path, sizeof(path), "%s/cell.json", m->cells[c].dir);
	if (!(f = fopen(path, "w")))
		return -errno;
	nf_mx_fingerprint(m, fp, sizeof(fp));
	nf_mx_name(m, c, name, sizeof(name));
	fprintf(f, "{\n  \"netflap_cell\": 1,\n  \"matrix\": \"%s\",\n  \"scenario\": ", fp);
	nf_put_json_string(f, base_name(m->scenario));
	fprintf(f, ",\n  \"id\": %d,\n  \"cells\": %d,\n  \"name\": ", c, m->ncells);
	nf_put_json_string(f, name);
	fprintf(f, ",\n  \"exit\": %d,\n", m->cells[c].exit_code);
	for (int a = 0; a < NAXES; a++) { /* every value of every axis: a merge rebuilds the matrix */
		fprintf(f, "  \"axis_%s\": ", nf_axis_defs[a].col);
		json_list(f, &m->ax[a]);
		fprintf(f, ",\n");
	}
	fprintf(f, "  \"sets\": [");
	for (int s = 0; s < m->nsets; s++) {
		fputs(s ? ", " : "", f);
		nf_put_json_string(f, m->sets[s]);
	}
	fprintf(f, "]\n}\n");
	return fclose(f) ? -errno : 0;
}

int nf_mx_each_cell(const char *dir, int depth, int (*fn)(const char *cell, void *arg), void *arg)
{
	char path[PATH_MAX + 16];
	int n = 0, rc = 0;
	DIR *d;

	snprintf(path, sizeof(path), "%s/cell.json", dir);
	if (access(path, R_OK) == 0)
		return (rc = fn(dir, arg)) < 0 ? rc : 1;
	if (depth == 0 || !(d = opendir(dir)))
		return 0;
	for (struct dirent *e; (e = readdir(d)) && rc >= 0;) {
		char sub[PATH_MAX];
		struct stat st;
		if (e->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", dir, e->d_name);
		if (stat(sub, &st) == 0 && S_ISDIR(st.st_mode) &&
		    (rc = nf_mx_each_cell(sub, depth - 1, fn, arg)) > 0)
			n += rc;
	}
	closedir(d);
	return rc < 0 ? rc : n;
}

int nf_mx_exit_code(const struct nf_matrix *m, bool incomplete)
{
	bool finding = false;

	if (incomplete)
		return NF_EXIT_ENV;
	for (int c = 0; c < m->ncells; c++) {
		int x = m->cells[c].exit_code;
		if (x < 0 || x > NF_EXIT_FINDING)
			return NF_EXIT_ENV;
		finding |= x == NF_EXIT_FINDING;
	}
	return finding ? NF_EXIT_FINDING : NF_EXIT_CLEAN;
}
