/* Inside the matrix: what matrix.c (cells, running them), matrix_out.c
 * (summaries, matrix.csv/.md, junit.xml, report.html, cell.json) and
 * merge.c (cells from many machines) share. */
#ifndef NETFLAP_MATRIX_INT_H
#define NETFLAP_MATRIX_INT_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#define MAX_AXIS 8 /* values per axis */
#define NAXES 7
#define MAX_CELLS 1024
#define MAX_SETS 64

/* The axes, one table: option, scenario key, column. An axis without a
 * default is one only when given. */
struct nf_axis_def {
	const char *opt, *key, *col, *def;
};
extern const struct nf_axis_def nf_axis_defs[NAXES];

struct nf_cell {
	int exit_code; /* -1: not run (stopped), or missing from a merge */
	char verdict[160];
	int64_t first_failure; /* first cycle not ok, NF_UNSET if none */
	int64_t connack_median;
	int64_t cycles;
	char dir[PATH_MAX]; /* its run folder */
};

struct nf_axis {
	char buf[256];
	char *v[MAX_AXIS];
	int n; /* 0: not an axis of this matrix */
};

struct nf_matrix {
	char scenario[PATH_MAX];
	char out[PATH_MAX], self[PATH_MAX];
	struct nf_axis ax[NAXES];
	int ncells, nsets;
	const char *sets[MAX_SETS];
	bool quiet, list;
	int only; /* --cell ID, -1 all */
	struct nf_cell cells[MAX_CELLS];
};

/* splits buf (in place) at commas into ax->v; the count */
int nf_mx_split(struct nf_axis *ax);
/* cell c's value on axis a (mixed radix over the axes in use), or NULL */
const char *nf_mx_value(const struct nf_matrix *m, int c, int a);
/* cell c's name: its values joined by '_' (its folder's name) */
void nf_mx_name(const struct nf_matrix *m, int c, char *buf, size_t len);
/* what tells two matrices apart: scenario name, axes and --sets, hashed */
void nf_mx_fingerprint(const struct nf_matrix *m, char *hex, size_t len);

/* the verdict and figures of the run folder dir into x */
void nf_mx_summarize(const char *dir, struct nf_cell *x);
/* cell.json in the cell's folder: who it is in which matrix, how it ended */
int nf_mx_write_cell_json(const struct nf_matrix *m, int c);
/* matrix.csv, matrix.md, junit.xml and report.html in m->out; 0 or -errno */
int nf_mx_write_outputs(const struct nf_matrix *m);
/* the matrix's exit code (exitcode.h): 3 when a cell could not run or
 * incomplete (stopped, cells missing), else 1 when any cell has a
 * finding, else 0 */
int nf_mx_exit_code(const struct nf_matrix *m, bool incomplete);
/* fn(cell folder) for dir itself when it holds a cell.json, else for the
 * cell folders in it up to depth levels down (an artifact download); the
 * number of cells, or fn's first error (< 0) */
int nf_mx_each_cell(const char *dir, int depth, int (*fn)(const char *cell, void *arg), void *arg);
/* matrix.md to stdout */
void nf_mx_print_md(const struct nf_matrix *m);

#endif
