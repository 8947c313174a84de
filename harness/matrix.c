/* The matrix (see matrix.h). Each cell is a `netflap run` child. */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "matrix.h"
#include "proc.h"
#include "rows.h"
#include "run.h"
#include "scenario.h"
#include "verdict.h"

#define MAX_AXIS 8    /* values per axis */
#define NAXES 4
#define MAX_CELLS 1024

/* The axes, one table: option, scenario key, column. An axis without a
 * default is one only when given. */
static const struct axis_def {
	const char *opt, *key, *col, *def;
} axis_defs[NAXES] = {
    {"stacks", "device.stack", "stack", "upstream,vendor,fixed,linux"},
    {"close-modes", "device.close_mode", "close_mode", "close,shutdown+close"},
    {"faults", "run.fault", "fault", NULL},
    {"cut-at", "run.cut_at", "cut_at", NULL},
};

struct cell {
	int exit_code;
	char verdict[160];
	int64_t first_failure; /* first cycle not ok, NF_UNSET if none */
	int64_t connack_median;
	int64_t cycles;
};

static int split_list(char *s, char **out)
{
	int n = 0;

	for (char *tok = strtok(s, ","); tok && n < MAX_AXIS; tok = strtok(NULL, ","))
		out[n++] = tok;
	return n;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

static void summarize(const char *dir, struct cell *c)
{
	static struct nf_verdict v;
	struct nf_rows rows;
	char path[PATH_MAX + 16], err[PATH_MAX + 64];

	c->first_failure = c->connack_median = NF_UNSET;
	snprintf(c->verdict, sizeof(c->verdict), "no rows");
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
	snprintf(path, sizeof(path), "%s/cycles.csv", dir);
	if (nf_rows_load(&rows, path, err, sizeof(err)) < 0)
		return;
	size_t total = 0;
	for (int d = 0; d < rows.ndev; d++)
		total += rows.dev[d].n;
	int64_t *ms = malloc((total + 1) * sizeof(*ms));
	size_t n = 0;
	for (int d = 0; d < rows.ndev; d++) {
		const struct nf_series *s = &rows.dev[d];
		for (size_t i = 0; i < s->n; i++) {
			int64_t cyc = s->v[i][C_CYCLE];
			if (cyc > c->cycles)
				c->cycles = cyc;
			if (!nf_status_is_ok(s->status[i]) &&
			    (c->first_failure == NF_UNSET || cyc < c->first_failure))
				c->first_failure = cyc;
			if (ms && s->v[i][C_CONNACK] != NF_UNSET)
				ms[n++] = s->v[i][C_CONNACK];
		}
	}
	if (ms && n) {
		qsort(ms, n, sizeof(*ms), cmp_i64);
		c->connack_median = ms[n / 2];
	}
	free(ms);
	nf_rows_free(&rows);
}

static void put_opt(FILE *f, int64_t x)
{
	if (x != NF_UNSET)
		fprintf(f, "%lld", (long long)x);
}

#define MAX_SETS 64
#define USAGE                                                                                      \
	"usage: netflap matrix SCENARIO [--stacks a,b] [--close-modes x,y] [--faults f,g] "        \
	"[--cut-at p,q] [--set k=v]... [--out DIR] [--quiet]\n"

struct axis {
	char buf[256];
	char *v[MAX_AXIS];
	int n; /* 0: not an axis of this matrix */
};

struct matrix {
	const char *scenario;
	char out[PATH_MAX], self[PATH_MAX];
	struct axis ax[NAXES];
	int ncells, nsets;
	const char *sets[MAX_SETS];
	bool quiet;
	struct cell cells[MAX_CELLS];
};

/* cell c's value on axis a (mixed radix over the axes in use), or NULL */
static const char *cell_value(const struct matrix *m, int c, int a)
{
	for (int k = NAXES - 1; k > a; k--)
		if (m->ax[k].n)
			c /= m->ax[k].n;
	return m->ax[a].n ? m->ax[a].v[c % m->ax[a].n] : NULL;
}

/* a stop signal ends the cell that runs (it finishes its cycle and judges)
 * and the matrix after it; the handler only forwards and counts */
static volatile sig_atomic_t stop_requested;
static volatile pid_t running_cell;

static void on_stop(int sig)
{
	stop_requested = 1;
	if (running_cell > 0)
		kill(running_cell, sig == SIGINT ? SIGINT : SIGTERM);
}

static int parse(struct matrix *m, int argc, char **argv)
{
	static const struct option lo[] = {
	    {"stacks", required_argument, NULL, 0},   {"close-modes", required_argument, NULL, 1},
	    {"faults", required_argument, NULL, 2},   {"cut-at", required_argument, NULL, 3},
	    {"set", required_argument, NULL, 's'},    {"out", required_argument, NULL, 'o'},
	    {"quiet", no_argument, NULL, 'q'},        {0}};
	int c;

	for (int a = 0; a < NAXES; a++)
		snprintf(m->ax[a].buf, sizeof(m->ax[a].buf), "%s",
			 axis_defs[a].def ? axis_defs[a].def : "");
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 0:
		case 1:
		case 2:
		case 3:
			snprintf(m->ax[c].buf, sizeof(m->ax[c].buf), "%s", optarg);
			if (!optarg[0]) {
				fprintf(stderr, "netflap matrix: empty --%s\n", axis_defs[c].opt);
				return -EINVAL;
			}
			break;
		case 's':
			if (m->nsets == MAX_SETS) {
				fprintf(stderr, "netflap matrix: at most %d --set\n", MAX_SETS);
				return -E2BIG;
			}
			m->sets[m->nsets++] = optarg;
			break;
		case 'o':
			snprintf(m->out, sizeof(m->out), "%s", optarg);
			break;
		case 'q':
			m->quiet = true;
			break;
		default:
			fputs(USAGE, stderr);
			return -EINVAL;
		}
	}
	if (optind != argc - 1) {
		fputs(USAGE, stderr);
		return -EINVAL;
	}
	m->scenario = argv[optind];
	m->ncells = 1;
	for (int a = 0; a < NAXES; a++) {
		m->ax[a].n = split_list(m->ax[a].buf, m->ax[a].v);
		m->ncells *= m->ax[a].n ? m->ax[a].n : 1;
	}
	if (!m->ax[0].n || !m->ax[1].n) {
		fprintf(stderr, "netflap matrix: empty --stacks or --close-modes\n");
		return -EINVAL;
	}
	if (m->ncells > MAX_CELLS) {
		fprintf(stderr, "netflap matrix: %d cells; at most %d\n", m->ncells, MAX_CELLS);
		return -E2BIG;
	}
	return 0;
}

/* the scenario with every --set must load, before any cell runs */
static int check_scenario(const struct matrix *m)
{
	static struct nf_scenario sc;
	char err[600];

	nf_scenario_defaults(&sc);
	int rc = nf_scenario_load(&sc, m->scenario, err, sizeof(err));
	for (int i = 0; rc == 0 && i < m->nsets; i++)
		rc = nf_scenario_set(&sc, m->sets[i], err, sizeof(err));
	for (int a = 0; rc == 0 && a < NAXES; a++)
		for (int i = 0; rc == 0 && i < m->ax[a].n; i++) {
			char set[320];
			snprintf(set, sizeof(set), "%s=%s", axis_defs[a].key, m->ax[a].v[i]);
			rc = nf_scenario_set(&sc, set, err, sizeof(err));
		}
	if (rc < 0)
		fprintf(stderr, "netflap: %s\n", err);
	return rc;
}

static int make_out(struct matrix *m)
{
	ssize_t sl = readlink("/proc/self/exe", m->self, sizeof(m->self) - 1);

	if (sl < 0)
		return -errno;
	m->self[sl] = '\0';
	if (!m->out[0]) {
		char stamp[32];
		time_t now = time(NULL);
		struct tm tm;
		gmtime_r(&now, &tm);
		strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
		mkdir("results", 0755);
		snprintf(m->out, sizeof(m->out), "results/matrix-%s", stamp);
	}
	if (mkdir(m->out, 0700) < 0) {
		int e = errno;
		fprintf(stderr, "netflap matrix: %s: %s\n", m->out, strerror(e));
		return -e;
	}
	return 0;
}

/* one cell: a `netflap run` child; its exit code */
static int run_cell(struct matrix *m, int c, char *dir, size_t dlen)
{
	char log[PATH_MAX + 80], axset[NAXES][320];
	char *av[2 * MAX_SETS + 24];
	int k = 0, status = 0;
	pid_t pid;
	size_t dl = (size_t)snprintf(dir, dlen, "%s/", m->out);

	for (int a = 0; a < NAXES; a++) {
		const char *v = cell_value(m, c, a);
		if (v)
			dl += (size_t)snprintf(dir + dl, dl < dlen ? dlen - dl : 0, "%s%s",
					       a ? "_" : "", v);
		snprintf(axset[a], sizeof(axset[a]), "%s=%s", axis_defs[a].key, v ? v : "");
	}
	snprintf(log, sizeof(log), "%s.log", dir);
	av[k++] = m->self;
	av[k++] = "run";
	av[k++] = (char *)m->scenario;
	for (int s = 0; s < m->nsets; s++) {
		av[k++] = "--set";
		av[k++] = (char *)m->sets[s];
	}
	for (int a = 0; a < NAXES; a++)
		if (m->ax[a].n) {
			av[k++] = "--set";
			av[k++] = axset[a];
		}
	if (strcmp(cell_value(m, c, 0), "linux") == 0) { /* the kernel stack: static, no table */
		char *lx[] = {"--set", "device.ip=static", "--set", "device.socket_limit=0"};
		for (int s = 0; s < 4; s++)
			av[k++] = lx[s];
	}
	char *tail[] = {"--out", dir, "--quiet", NULL};
	for (int s = 0; s < 4; s++)
		av[k++] = tail[s];
	/* if the matrix dies, the cell still finishes its cycle and tears down */
	struct nf_spawn sp = {
	    .nsfd = -1, .log = log, .pass_fd = -1, .argv = av, .death_sig = SIGTERM};
	sigset_t stop, old;
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	sigprocmask(SIG_BLOCK, &stop, &old); /* a stop now reaches the cell too */
	int rc = nf_spawn(&sp, &pid);
	running_cell = rc < 0 ? 0 : pid;
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (rc < 0)
		return NF_EXIT_ENV;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	running_cell = 0;
	return WIFEXITED(status) ? WEXITSTATUS(status) : NF_EXIT_ENV;
}

static int write_csv(const struct matrix *m)
{
	char path[PATH_MAX + 16];
	FILE *f;

	snprintf(path, sizeof(path), "%s/matrix.csv", m->out);
	f = fopen(path, "w");
	if (!f)
		return -errno;
	for (int a = 0; a < NAXES; a++)
		if (m->ax[a].n)
			fprintf(f, "%s,", axis_defs[a].col);
	fprintf(f, "exit,verdict,cycles,first_failure_cycle,connack_median_ms\n");
	for (int c = 0; c < m->ncells; c++) {
		const struct cell *x = &m->cells[c];
		if (x->exit_code < 0)
			continue; /* not run: the matrix was stopped */
		for (int a = 0; a < NAXES; a++)
			if (m->ax[a].n)
				fprintf(f, "%s,", cell_value(m, c, a));
		fprintf(f, "%d,\"%s\",%lld,", x->exit_code, x->verdict, (long long)x->cycles);
		put_opt(f, x->first_failure);
		fputc(',', f);
		put_opt(f, x->connack_median);
		fputc('\n', f);
	}
	return fclose(f) ? -errno : 0;
}

static void md_cell(FILE *f, const struct cell *x)
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

static int write_md(const struct matrix *m)
{
	char path[PATH_MAX + 16];
	FILE *f;

	snprintf(path, sizeof(path), "%s/matrix.md", m->out);
	f = fopen(path, "w");
	if (!f)
		return -errno;
	int per_row = m->ncells / m->ax[0].n; /* the stack is the row; the rest, columns */
	fprintf(f, "# netflap matrix: %s\n\n| stack |", m->scenario);
	for (int j = 0; j < per_row; j++) {
		for (int a = 1; a < NAXES; a++)
			if (m->ax[a].n)
				fprintf(f, "%s%s", a > 1 ? " / " : " ", cell_value(m, j, a));
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
	return fclose(f) ? -errno : 0;
}

static void print_md(const struct matrix *m)
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

/* every cell in turn, until all ran or a stop came; the worst exit code */
static int run_cells(struct matrix *m)
{
	int worst = 0;

	for (int c = 0; c < m->ncells; c++) {
		char dir[PATH_MAX + 400];
		struct cell *x = &m->cells[c];
		x->exit_code = -1;
		if (stop_requested)
			continue;
		if (!m->quiet) {
			fprintf(stderr, "matrix: cell %d/%d:", c + 1, m->ncells);
			for (int a = 0; a < NAXES; a++)
				if (m->ax[a].n)
					fprintf(stderr, " %s", cell_value(m, c, a));
			fprintf(stderr, " ...");
		}
		x->exit_code = run_cell(m, c, dir, sizeof(dir));
		summarize(dir, x);
		if (x->exit_code > 1)
			worst = x->exit_code;
		if (!m->quiet)
			fprintf(stderr, " %s (exit %d)\n", x->verdict, x->exit_code);
	}
	return worst;
}

int nf_matrix(int argc, char **argv)
{
	struct matrix *m = calloc(1, sizeof(*m));
	struct sigaction sa = {.sa_handler = on_stop};
	int rc, code = NF_EXIT_USAGE;

	if (!m)
		return NF_EXIT_ENV;
	if (parse(m, argc, argv) < 0 || check_scenario(m) < 0)
		goto out;
	code = NF_EXIT_ENV;
	if (make_out(m) < 0)
		goto out;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	int worst = run_cells(m);
	if ((rc = write_csv(m)) < 0 || (rc = write_md(m)) < 0) {
		fprintf(stderr, "netflap matrix: writing %s: %s\n", m->out, strerror(-rc));
		goto out;
	}
	if (!m->quiet)
		print_md(m);
	if (stop_requested)
		fprintf(stderr, "netflap matrix: stopped; the cells that ran are in %s\n", m->out);
	code = worst ? NF_EXIT_ENV : NF_EXIT_CLEAN;
out:
	free(m);
	return code;
}
