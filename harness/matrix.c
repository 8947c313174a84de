/* The matrix (see matrix.h). Each cell is a `netflap run` child. */
#include <errno.h>
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
#include "verdict.h"

#define MAX_AXIS 8

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
	if (nf_verdict_of_dir(dir, &v, err, sizeof(err)) < 0)
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

int nf_matrix(int argc, char **argv)
{
	static const struct option lo[] = {
	    {"stacks", required_argument, NULL, 'S'}, {"close-modes", required_argument, NULL, 'C'},
	    {"set", required_argument, NULL, 's'},    {"out", required_argument, NULL, 'o'},
	    {"quiet", no_argument, NULL, 'q'},        {0}};
	char stacks_buf[256] = "upstream,vendor,fixed,linux",
	     modes_buf[256] = "close,shutdown+close", out[PATH_MAX] = "", self[PATH_MAX];
	char *stacks[MAX_AXIS], *modes[MAX_AXIS];
	const char *sets[64];
	int nsets = 0, c, quiet = 0;
	static struct cell cells[MAX_AXIS][MAX_AXIS];

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 'S':
			snprintf(stacks_buf, sizeof(stacks_buf), "%s", optarg);
			break;
		case 'C':
			snprintf(modes_buf, sizeof(modes_buf), "%s", optarg);
			break;
		case 's':
			if (nsets < 60)
				sets[nsets++] = optarg;
			break;
		case 'o':
			snprintf(out, sizeof(out), "%s", optarg);
			break;
		case 'q':
			quiet = 1;
			break;
		default:
			fprintf(stderr, "usage: netflap matrix SCENARIO [--stacks a,b] "
					"[--close-modes x,y] [--set k=v]... [--out DIR]\n");
			return NF_EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "usage: netflap matrix SCENARIO [--stacks a,b] [--close-modes x,y] "
				"[--set k=v]... [--out DIR]\n");
		return NF_EXIT_USAGE;
	}
	const char *scenario = argv[optind];
	int ns = split_list(stacks_buf, stacks), nm = split_list(modes_buf, modes);
	if (!ns || !nm) {
		fprintf(stderr, "netflap matrix: empty --stacks or --close-modes\n");
		return NF_EXIT_USAGE;
	}
	if (!out[0]) {
		char stamp[32];
		time_t now = time(NULL);
		struct tm tm;
		gmtime_r(&now, &tm);
		strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
		mkdir("results", 0755);
		snprintf(out, sizeof(out), "results/matrix-%s", stamp);
	}
	if (mkdir(out, 0700) < 0) {
		fprintf(stderr, "netflap matrix: %s: %s\n", out, strerror(errno));
		return NF_EXIT_ENV;
	}
	ssize_t sl = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (sl < 0)
		return NF_EXIT_ENV;
	self[sl] = '\0';

	int worst = 0;
	for (int i = 0; i < ns; i++)
		for (int j = 0; j < nm; j++) {
			char dir[PATH_MAX + 64], log[PATH_MAX + 80], set_stack[64], set_mode[64];
			char *av[160];
			int k = 0;
			snprintf(dir, sizeof(dir), "%s/%s_%s", out, stacks[i], modes[j]);
			snprintf(log, sizeof(log), "%s.log", dir);
			snprintf(set_stack, sizeof(set_stack), "device.stack=%s", stacks[i]);
			snprintf(set_mode, sizeof(set_mode), "device.close_mode=%s", modes[j]);
			av[k++] = self;
			av[k++] = "run";
			av[k++] = (char *)scenario;
			for (int s = 0; s < nsets; s++) {
				av[k++] = "--set";
				av[k++] = (char *)sets[s];
			}
			av[k++] = "--set";
			av[k++] = set_stack;
			av[k++] = "--set";
			av[k++] = set_mode;
			if (strcmp(stacks[i], "linux") ==
			    0) { /* the kernel stack: static, no table */
				av[k++] = "--set";
				av[k++] = "device.ip=static";
				av[k++] = "--set";
				av[k++] = "device.socket_limit=0";
			}
			av[k++] = "--out";
			av[k++] = dir;
			av[k++] = "--quiet";
			av[k] = NULL;
			struct nf_spawn sp = {.nsfd = -1, .log = log, .pass_fd = -1, .argv = av};
			pid_t pid;
			int status = 0;
			if (!quiet)
				fprintf(stderr, "matrix: %s x %s ...", stacks[i], modes[j]);
			if (nf_spawn(&sp, &pid) < 0 || waitpid(pid, &status, 0) != pid)
				status = 3 << 8;
			cells[i][j].exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 3;
			summarize(dir, &cells[i][j]);
			if (cells[i][j].exit_code > 1)
				worst = cells[i][j].exit_code;
			if (!quiet)
				fprintf(stderr, " %s (exit %d)\n", cells[i][j].verdict,
					cells[i][j].exit_code);
		}

	char path[PATH_MAX + 16];
	snprintf(path, sizeof(path), "%s/matrix.csv", out);
	FILE *f = fopen(path, "w");
	if (!f)
		return NF_EXIT_ENV;
	fprintf(f, "stack,close_mode,exit,verdict,cycles,first_failure_cycle,connack_median_ms\n");
	for (int i = 0; i < ns; i++)
		for (int j = 0; j < nm; j++) {
			struct cell *x = &cells[i][j];
			fprintf(f, "%s,%s,%d,\"%s\",%lld,", stacks[i], modes[j], x->exit_code,
				x->verdict, (long long)x->cycles);
			put_opt(f, x->first_failure);
			fputc(',', f);
			put_opt(f, x->connack_median);
			fputc('\n', f);
		}
	fclose(f);
	snprintf(path, sizeof(path), "%s/matrix.md", out);
	f = fopen(path, "w");
	if (!f)
		return NF_EXIT_ENV;
	fprintf(f, "# netflap matrix: %s\n\n| stack |", scenario);
	for (int j = 0; j < nm; j++)
		fprintf(f, " %s |", modes[j]);
	fprintf(f, "\n|---|");
	for (int j = 0; j < nm; j++)
		fprintf(f, "---|");
	fputc('\n', f);
	for (int i = 0; i < ns; i++) {
		fprintf(f, "| %s |", stacks[i]);
		for (int j = 0; j < nm; j++) {
			struct cell *x = &cells[i][j];
			fprintf(f, " %s", x->exit_code > 1 ? "run failed" : x->verdict);
			if (x->first_failure != NF_UNSET)
				fprintf(f, ", fails from cycle %lld", (long long)x->first_failure);
			if (x->connack_median != NF_UNSET)
				fprintf(f, ", CONNACK median %lld ms",
					(long long)x->connack_median);
			fprintf(f, " |");
		}
		fputc('\n', f);
	}
	fclose(f);
	if (!quiet) {
		char md[PATH_MAX + 16];
		snprintf(md, sizeof(md), "%s/matrix.md", out);
		FILE *m = fopen(md, "r");
		char line[1024];
		while (m && fgets(line, sizeof(line), m))
			fputs(line, stdout);
		if (m)
			fclose(m);
	}
	return worst ? NF_EXIT_ENV : NF_EXIT_CLEAN;
}
