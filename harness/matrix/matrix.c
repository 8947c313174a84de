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

#include "escape.h"
#include "matrix.h"
#include "matrix_int.h"
#include "proc.h"
#include "run.h"
#include "scenario.h"

#define USAGE                                                                                      \
	"usage: netflap matrix SCENARIO [--stacks a,b] [--close-modes x,y] [--faults f,g] "        \
	"[--cut-at p,q] [--clients c,d] [--ip x,y] [--ip6 x,y] [--set k=v]... [--out DIR] [--quiet] " \
	"[--list | --cell ID]\n"

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

/* the cells the axes make, and whether --cell names one of them */
static int cells(struct nf_matrix *m)
{
	m->ncells = 1;
	for (int a = 0; a < NAXES; a++) {
		nf_mx_split(&m->ax[a]);
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
	if (m->only >= m->ncells) {
		fprintf(stderr, "netflap matrix: --cell %d: this matrix has cells 0..%d\n", m->only,
			m->ncells - 1);
		return -EINVAL;
	}
	if (m->only >= 0 && !m->out[0]) {
		fprintf(stderr, "netflap matrix: --cell needs --out DIR (the shard's folder)\n");
		return -EINVAL;
	}
	return 0;
}

static int parse(struct nf_matrix *m, int argc, char **argv)
{
	static const struct option lo[] = {
	    {"stacks", required_argument, NULL, 0},   {"close-modes", required_argument, NULL, 1},
	    {"faults", required_argument, NULL, 2},   {"cut-at", required_argument, NULL, 3},
	    {"clients", required_argument, NULL, 4},  {"ip", required_argument, NULL, 5},
	    {"ip6", required_argument, NULL, 6},
	    {"set", required_argument, NULL, 's'},    {"out", required_argument, NULL, 'o'},
	    {"quiet", no_argument, NULL, 'q'},        {"list", no_argument, NULL, 'l'},
	    {"cell", required_argument, NULL, 'c'},   {0}};
	int c;

	for (int a = 0; a < NAXES; a++)
		snprintf(m->ax[a].buf, sizeof(m->ax[a].buf), "%s",
			 nf_axis_defs[a].def ? nf_axis_defs[a].def : "");
	m->only = -1;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 0:
		case 1:
		case 2:
		case 3:
		case 4:
		case 5:
		case 6:
			snprintf(m->ax[c].buf, sizeof(m->ax[c].buf), "%s", optarg);
			if (!optarg[0]) {
				fprintf(stderr, "netflap matrix: empty --%s\n", nf_axis_defs[c].opt);
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
		case 'l':
			m->list = true;
			break;
		case 'c': {
			char *end;
			long id = strtol(optarg, &end, 10);
			if (end == optarg || *end || id < 0 || id >= MAX_CELLS) {
				fprintf(stderr, "netflap matrix: --cell %s: want a cell id (see --list)\n",
					optarg);
				return -EINVAL;
			}
			m->only = (int)id;
			break;
		}
		default:
			fputs(USAGE, stderr);
			return -EINVAL;
		}
	}
	if (optind != argc - 1) {
		fputs(USAGE, stderr);
		return -EINVAL;
	}
	snprintf(m->scenario, sizeof(m->scenario), "%s", argv[optind]);
	return cells(m);
}

/* the scenario with every --set must load, before any cell runs */
static int check_scenario(const struct nf_matrix *m)
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
			snprintf(set, sizeof(set), "%s=%s", nf_axis_defs[a].key, m->ax[a].v[i]);
			rc = nf_scenario_set(&sc, set, err, sizeof(err));
		}
	if (rc < 0)
		fprintf(stderr, "netflap: %s\n", err);
	return rc;
}

static int make_out(struct nf_matrix *m)
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
	/* a shard's folder may hold other shards already */
	if (mkdir(m->out, 0700) < 0 && !(errno == EEXIST && m->only >= 0)) {
		int e = errno;
		fprintf(stderr, "netflap matrix: %s: %s\n", m->out, strerror(e));
		return -e;
	}
	return 0;
}

/* one cell: a `netflap run` child; its exit code */
static int run_cell(struct nf_matrix *m, int c)
{
	char log[PATH_MAX + 80], axset[NAXES][320], name[400];
	char *av[2 * MAX_SETS + 24], *dir = m->cells[c].dir;
	int k = 0, status = 0;
	pid_t pid;

	nf_mx_name(m, c, name, sizeof(name));
	snprintf(dir, sizeof(m->cells[c].dir), "%s/%s", m->out, name);
	for (int a = 0; a < NAXES; a++) {
		const char *v = nf_mx_value(m, c, a);
		snprintf(axset[a], sizeof(axset[a]), "%s=%s", nf_axis_defs[a].key, v ? v : "");
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
	if (strcmp(nf_mx_value(m, c, 0), "linux") == 0) { /* the kernel stack: static, no table */
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

/* every cell in turn (or the one --cell names), until all ran or a stop
 * came; --cell: the cell's exit code */
static int run_cells(struct nf_matrix *m)
{
	int own = NF_EXIT_ENV;

	for (int c = 0; c < m->ncells; c++) {
		struct nf_cell *x = &m->cells[c];
		x->exit_code = -1;
		if (stop_requested || (m->only >= 0 && c != m->only))
			continue;
		if (!m->quiet) {
			fprintf(stderr, "matrix: cell %d/%d:", c + 1, m->ncells);
			for (int a = 0; a < NAXES; a++)
				if (m->ax[a].n)
					fprintf(stderr, " %s", nf_mx_value(m, c, a));
			fprintf(stderr, " ...");
		}
		x->exit_code = run_cell(m, c);
		nf_mx_summarize(x->dir, x);
		if (nf_mx_write_cell_json(m, c) < 0)
			fprintf(stderr, "netflap matrix: %s/cell.json: %s\n", x->dir, strerror(errno));
		if (m->only == c)
			own = x->exit_code;
		if (!m->quiet)
			fprintf(stderr, " %s (exit %d)\n", x->verdict, x->exit_code);
	}
	return own;
}

/* --list: every cell as a GitHub Actions strategy.matrix takes it with
 * fromJSON(): {"include": [{id, name, the axes' values, set}, ...]}, one line */
static void print_list(const struct nf_matrix *m)
{
	char name[400], set[320];

	printf("{\"include\": [");
	for (int c = 0; c < m->ncells; c++) {
		nf_mx_name(m, c, name, sizeof(name));
		printf("%s{\"id\": %d, \"name\": ", c ? ", " : "", c);
		nf_put_json_string(stdout, name);
		for (int a = 0; a < NAXES; a++)
			if (m->ax[a].n) {
				printf(", \"%s\": ", nf_axis_defs[a].col);
				nf_put_json_string(stdout, nf_mx_value(m, c, a));
			}
		printf(", \"set\": [");
		int k = 0;
		for (int s = 0; s < m->nsets; s++, k++) {
			printf("%s", k ? ", " : "");
			nf_put_json_string(stdout, m->sets[s]);
		}
		for (int a = 0; a < NAXES; a++)
			if (m->ax[a].n) {
				snprintf(set, sizeof(set), "%s=%s", nf_axis_defs[a].key, nf_mx_value(m, c, a));
				printf("%s", k++ ? ", " : "");
				nf_put_json_string(stdout, set);
			}
		printf("]}");
	}
	printf("]}\n");
}

int nf_matrix(int argc, char **argv)
{
	struct nf_matrix *m = calloc(1, sizeof(*m));
	struct sigaction sa = {.sa_handler = on_stop};
	int rc, code = NF_EXIT_USAGE;

	if (!m)
		return NF_EXIT_ENV;
	if (parse(m, argc, argv) < 0 || check_scenario(m) < 0)
		goto out;
	if (m->list) {
		print_list(m);
		code = NF_EXIT_CLEAN;
		goto out;
	}
	code = NF_EXIT_ENV;
	if (make_out(m) < 0)
		goto out;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	int own = run_cells(m);
	if (m->only >= 0) { /* one shard: its folder and cell.json; `netflap merge` sums up */
		code = own;
		goto out;
	}
	if ((rc = nf_mx_write_outputs(m)) < 0) {
		fprintf(stderr, "netflap matrix: writing %s: %s\n", m->out, strerror(-rc));
		goto out;
	}
	if (!m->quiet)
		nf_mx_print_md(m);
	if (stop_requested)
		fprintf(stderr, "netflap matrix: stopped; the cells that ran are in %s\n", m->out);
	code = nf_mx_exit_code(m, stop_requested);
out:
	free(m);
	return code;
}
