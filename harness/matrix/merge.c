/* `netflap merge DIR... --out DIR`: the cells of one matrix, run anywhere
 * (`netflap matrix ... --cell ID`), summed up as the unsharded matrix
 * would: matrix.csv, matrix.md, junit.xml, report.html. Each cell folder
 * holds its cell.json; a DIR is such a folder or holds them up to two
 * levels down (an artifact download). Cells are placed by id, so the
 * order of the DIRs changes nothing; a missing or doubled cell is named. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "exitcode.h"
#include "json_read.h"
#include "matrix_int.h"
#include "merge.h"

struct found {
	char fp[32];  /* the matrix's fingerprint, from the first cell */
	int dup;      /* cells found twice */
	int other;    /* cells of another matrix */
	bool have[MAX_CELLS];
};

/* ["a", "b"] into the axis (values joined by commas, then split) */
static int list_at(const char *p, struct nf_axis *ax)
{
	char v[256];
	size_t k = 0;

	ax->buf[0] = '\0';
	if (!p || *p++ != '[')
		return -EINVAL;
	while (*p == '"' && (p = nf_json_str_at(p, v, sizeof(v)))) {
		k += (size_t)snprintf(ax->buf + k, k < sizeof(ax->buf) ? sizeof(ax->buf) - k : 0, "%s%s",
				      k ? "," : "", v);
		while (*p == ',' || *p == ' ')
			p++;
	}
	nf_mx_split(ax);
	return 0;
}

/* the matrix itself, from the first cell found */
static int adopt(struct nf_matrix *m, const char *json, const char *path)
{
	const char *cells = nf_json_field(json, "cells");

	nf_json_str_at(nf_json_field(json, "scenario"), m->scenario, sizeof(m->scenario));
	m->ncells = 1;
	for (int a = 0; a < NAXES; a++) {
		char key[32];
		snprintf(key, sizeof(key), "axis_%s", nf_axis_defs[a].col);
		if (list_at(nf_json_field(json, key), &m->ax[a]) < 0)
			return -EINVAL;
		m->ncells *= m->ax[a].n ? m->ax[a].n : 1;
	}
	if (!cells || atoi(cells) != m->ncells || !m->ax[0].n || m->ncells > MAX_CELLS) {
		fprintf(stderr, "netflap merge: %s: its axes do not make %s cells\n", path,
			cells ? cells : "its");
		return -EINVAL;
	}
	for (int c = 0; c < m->ncells; c++)
		m->cells[c].exit_code = -1;
	return 0;
}

static int add_cell(struct nf_matrix *m, struct found *fd, const char *dir)
{
	char path[PATH_MAX + 16], fp[32] = "";
	char *json;

	snprintf(path, sizeof(path), "%s/cell.json", dir);
	if (!(json = nf_json_slurp(path)))
		return 0; /* not a cell folder */
	nf_json_str_at(nf_json_field(json, "matrix"), fp, sizeof(fp));
	const char *idp = nf_json_field(json, "id"), *ex = nf_json_field(json, "exit");
	int rc = 0, id = idp ? atoi(idp) : -1;
	if (!fd->fp[0]) {
		snprintf(fd->fp, sizeof(fd->fp), "%s", fp);
		rc = adopt(m, json, path);
	}
	if (rc == 0 && (strcmp(fp, fd->fp) || id < 0 || id >= m->ncells || !ex)) {
		fprintf(stderr, "netflap merge: %s: a cell of another matrix (%s, not %s)\n", path, fp,
			fd->fp);
		fd->other++;
	} else if (rc == 0 && fd->have[id]) {
		fprintf(stderr, "netflap merge: cell %d is twice: %s and %s\n", id, m->cells[id].dir,
			dir);
		fd->dup++;
	} else if (rc == 0) {
		fd->have[id] = true;
		snprintf(m->cells[id].dir, sizeof(m->cells[id].dir), "%s", dir);
		m->cells[id].exit_code = atoi(ex);
		nf_mx_summarize(dir, &m->cells[id]);
	}
	free(json);
	return rc < 0 ? rc : 1;
}

struct scan_ctx {
	struct nf_matrix *m;
	struct found *fd;
};

static int scan_one(const char *cell, void *arg)
{
	struct scan_ctx *c = arg;
	return add_cell(c->m, c->fd, cell);
}

/* names the cells no folder held; how many */
static int missing(const struct nf_matrix *m, const struct found *fd)
{
	char name[400];
	int n = 0;

	for (int c = 0; c < m->ncells; c++)
		if (!fd->have[c]) {
			nf_mx_name(m, c, name, sizeof(name));
			fprintf(stderr, "netflap merge: cell %d (%s) is missing\n", c, name);
			n++;
		}
	return n;
}

int nf_merge(int argc, char **argv)
{
	struct nf_matrix *m = calloc(1, sizeof(*m));
	struct found *fd = calloc(1, sizeof(*fd));
	int code = NF_EXIT_USAGE, ndirs = 0, rc;

	if (!m || !fd)
		goto out;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--out") == 0 && i + 1 < argc)
			snprintf(m->out, sizeof(m->out), "%s", argv[++i]);
		else if (strcmp(argv[i], "--quiet") == 0)
			m->quiet = true;
		else if (argv[i][0] == '-')
			break;
		else
			argv[1 + ndirs++] = argv[i];
	}
	if (!ndirs || !m->out[0]) {
		fprintf(stderr, "usage: netflap merge DIR... --out DIR [--quiet]\n");
		goto out;
	}
	struct scan_ctx ctx = {m, fd};
	for (int i = 0; i < ndirs; i++)
		if ((rc = nf_mx_each_cell(argv[1 + i], 2, scan_one, &ctx)) <= 0) {
			fprintf(stderr, "netflap merge: %s: %s\n", argv[1 + i],
				rc < 0 ? "not a cell of a netflap matrix" : "no cell.json in it");
			goto out;
		}
	if (fd->dup || fd->other)
		goto out; /* named above; nothing written */
	int lost = missing(m, fd);
	code = NF_EXIT_ENV;
	if (mkdir(m->out, 0755) < 0 && errno != EEXIST) {
		fprintf(stderr, "netflap merge: %s: %s\n", m->out, strerror(errno));
		goto out;
	}
	if ((rc = nf_mx_write_outputs(m)) < 0) {
		fprintf(stderr, "netflap merge: writing %s: %s\n", m->out, strerror(-rc));
		goto out;
	}
	if (!m->quiet)
		nf_mx_print_md(m);
	code = nf_mx_exit_code(m, lost);
out:
	free(m);
	free(fd);
	return code;
}
