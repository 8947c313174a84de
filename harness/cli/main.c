/* netflap: the flap harness's command line. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto.h"
#include "run.h"
#include "scenario.h"
#include "matrix.h"
#include "night.h"
#include "matrix_int.h"
#include "merge.h"
#include "plot.h"
#include "registry.h"
#include "rows.h"
#include "verdict.h"


/* --daemon: the run goes on in a detached child; we return once its
 * cycles have started (it writes a byte on a pipe), or report why it
 * could not start (the pipe closes first: its exit code) */
#define DAEMON_START_MS 60000

static int daemonize(struct nf_scenario *sc, struct nf_run_opts *o)
{
	static char dir[4096];
	int p[2], status;
	char c;
	pid_t pid;

	if (!o->out_dir) {
		nf_run_default_dir(sc, dir, sizeof(dir));
		mkdir("results", 0755);
		o->out_dir = dir;
	}
	if (pipe2(p, O_CLOEXEC) < 0) {
		perror("netflap: pipe");
		return NF_EXIT_ENV;
	}
	pid = fork();
	if (pid < 0) {
		perror("netflap: fork");
		return NF_EXIT_ENV;
	}
	if (pid == 0) {
		close(p[0]);
		setsid();
		int null = open("/dev/null", O_RDWR);
		if (null >= 0) {
			dup2(null, STDIN_FILENO);
			dup2(null, STDOUT_FILENO); /* until the run folder's log takes over */
			dup2(null, STDERR_FILENO);
		}
		o->quiet = false;
		o->ready_fd = p[1];
		_exit(nf_run(sc, o));
	}
	close(p[1]);
	struct pollfd pf = {.fd = p[0], .events = POLLIN};
	int n = poll(&pf, 1, DAEMON_START_MS);
	ssize_t got = n > 0 ? read(p[0], &c, 1) : -1;
	close(p[0]);
	if (got == 1) {
		printf("netflap: running in the background as pid %d; run folder %s\n"
		       "  netflap status %s\n  netflap stop %s\n",
		       (int)pid, o->out_dir, o->out_dir, o->out_dir);
		return NF_EXIT_CLEAN;
	}
	if (n == 0) {
		fprintf(stderr, "netflap: the background run did not start within %d s (see %s)\n",
			DAEMON_START_MS / 1000, o->out_dir);
		return NF_EXIT_ENV;
	}
	waitpid(pid, &status, 0);
	fprintf(stderr, "netflap: the background run ended before its first cycle (exit %d); see %s\n",
		WIFEXITED(status) ? WEXITSTATUS(status) : NF_EXIT_ENV, o->out_dir);
	return WIFEXITED(status) && WEXITSTATUS(status) ? WEXITSTATUS(status) : NF_EXIT_ENV;
}

static int cmd_run(int argc, char **argv)
{
	static const struct option lo[] = {
	    {"set", required_argument, NULL, 's'}, {"out", required_argument, NULL, 'o'},
	    {"quiet", no_argument, NULL, 'q'},     {"daemon", no_argument, NULL, 'd'},
	    {"help", no_argument, NULL, 'h'},      {0}};
	struct nf_scenario sc;
	struct nf_run_opts o = {.ready_fd = -1};
	const char *sets[64];
	int nsets = 0, c;
	char err[600];

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 's':
			if (nsets == 64) {
				fprintf(stderr, "netflap run: at most 64 --set\n");
				return NF_EXIT_USAGE;
			}
			sets[nsets++] = optarg;
			break;
		case 'o':
			o.out_dir = optarg;
			break;
		case 'q':
			o.quiet = true;
			break;
		case 'd':
			o.daemon = true;
			break;
		case 'h':
			printf(
			    "usage: netflap run SCENARIO [--set section.key=value]... [--out DIR] "
			    "[--quiet]\n");
			return 0;
		default:
			fprintf(stderr, "netflap run: unknown option %s\n", argv[optind - 1]);
			return NF_EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr,
			"usage: netflap run SCENARIO [--set section.key=value]... [--out DIR]\n");
		return NF_EXIT_USAGE;
	}
	nf_scenario_defaults(&sc);
	if (nf_scenario_load(&sc, argv[optind], err, sizeof(err)) < 0) {
		fprintf(stderr, "netflap: %s\n", err);
		return NF_EXIT_USAGE;
	}
	for (int i = 0; i < nsets; i++)
		if (nf_scenario_set(&sc, sets[i], err, sizeof(err)) < 0) {
			fprintf(stderr, "netflap: %s\n", err);
			return NF_EXIT_USAGE;
		}
	if (nf_scenario_validate(&sc, err, sizeof(err)) < 0) {
		fprintf(stderr, "netflap: %s\n", err);
		return NF_EXIT_USAGE;
	}
	if (o.daemon)
		return daemonize(&sc, &o);
	return nf_run(&sc, &o);
}

static int cmd_verdict(int argc, char **argv)
{
	long long max_rows = (long long)NF_ROWS_BUDGET;
	char *end = NULL;

	/* --max-rows N: the rows held before folding (less memory, coarser cycles) */
	if (argc == 4 && strcmp(argv[2], "--max-rows") == 0)
		max_rows = strtoll(argv[3], &end, 10);
	if ((argc != 2 && argc != 4) || (end && (*end || max_rows < 16))) {
		fprintf(stderr, "usage: netflap verdict RUN_DIR [--max-rows N] (N >= 16; default %zu)\n",
			NF_ROWS_BUDGET);
		return NF_EXIT_USAGE;
	}
	return nf_verdict_run_dir(argv[1], false, (size_t)max_rows);
}

static int plot_cell(const char *cell, void *arg)
{
	int *worst = arg, rc = nf_plot_run_dir(cell, false, NULL);
	if (rc > *worst)
		*worst = rc;
	return 0;
}

/* a run folder, or a matrix's cell folders (a merge's inputs): each plotted */
static int cmd_plot(int argc, char **argv)
{
	char csv[PATH_MAX + 16];
	int worst = 0;

	const char *history = NULL;
	if (argc == 4 && strcmp(argv[2], "--history") == 0) {
		history = argv[3];
		if (access(history, R_OK) < 0) {
			fprintf(stderr, "netflap plot: --history %s: %s\n", history,
				strerror(errno));
			return NF_EXIT_USAGE;
		}
	} else if (argc != 2) {
		fprintf(stderr, "usage: netflap plot RUN_DIR|CELLS_DIR [--history HISTORY.csv]\n");
		return NF_EXIT_USAGE;
	}
	snprintf(csv, sizeof(csv), "%s/cycles.csv", argv[1]);
	if (access(csv, R_OK) < 0 && nf_mx_each_cell(argv[1], 2, plot_cell, &worst) > 0)
		return worst;
	return nf_plot_run_dir(argv[1], false, history);
}

static int cmd_status(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: netflap status RUN_DIR\n");
		return NF_EXIT_USAGE;
	}
	return nf_status(argv[1]);
}

static int cmd_stop(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: netflap stop RUN_DIR\n");
		return NF_EXIT_USAGE;
	}
	return nf_stop(argv[1]);
}

static int cmd_keys(int argc, char **argv)
{
	bool man = argc > 1 && strcmp(argv[1], "--man") == 0;

	if (argc > 1 && !man) {
		fprintf(stderr, "usage: netflap keys [--man]\n");
		return NF_EXIT_USAGE;
	}
	nf_scenario_print_keys(stdout, man);
	return 0;
}

static int cmd_cleanup(int argc, char **argv)
{
	return nf_cleanup(argc > 1 && strcmp(argv[1], "--quiet") == 0);
}

static const struct cmd {
	const char *name, *args, *help;
	int (*fn)(int argc, char **argv);
} cmds[] = {
    {"run", "SCENARIO [--set section.key=value]... [--out DIR] [--quiet] [--daemon]",
     "flap the AP as the scenario says; rows in the run folder", cmd_run},
    {"verdict", "RUN_DIR [--max-rows N]", "judge a run\'s rows: verdict.json, junit.xml, a summary; at most N rows held (2^19 by default), like neighbours folded past that", cmd_verdict},
    {"plot", "RUN_DIR|CELLS_DIR",
     "plots/*.png and *.svg and a self-contained report.html (each cell of a matrix's folders)",
     cmd_plot},
    {"matrix",
     "SCENARIO [--stacks a,b] [--close-modes x,y] [--faults f,g] [--cut-at p,q] [--clients c,d] [--ip x,y] [--ip6 x,y] [--set k=v]... "
     "[--out DIR] [--list | --cell ID]",
     "the scenario over stack x close_mode (x fault x cut phase): matrix.csv, matrix.md, "
     "junit.xml, report.html; --list prints the cells as JSON, --cell ID --out DIR runs one",
     nf_matrix},
    {"merge", "DIR... --out DIR [--quiet]",
     "a matrix's cells run apart (--cell) into one matrix.csv, matrix.md, junit.xml, report.html",
     nf_merge},
    {"history", "RUN_DIR... [--csv FILE] [--json FILE]",
     "runs in one table: when, stack build, scenario fingerprint, cycles, failure rate, "
     "CONNACK p50/p95/p99, heap floor, findings with slopes",
     nf_history},
    {"compare", "BASELINE_DIR... RUN_DIR [--threshold PCT] [--out DIR]",
     "a run against one past run or a window of them (same scenario, else exit 2): a new "
     "finding or a figure beyond the baselines' spread and threshold is a regression (exit 1); "
     "compare.json, junit.xml",
     nf_compare},
    {"status", "RUN_DIR", "a run\'s state: pid, cycle, ok/failed, findings so far", cmd_status},
    {"stop", "RUN_DIR", "end a background run: it finishes its cycle, judges and tears down",
     cmd_stop},
    {"keys", "[--man]", "every scenario key with its default, range and help (--man: as troff)",
     cmd_keys},
    {"cleanup", "[--quiet]", "remove namespaces and processes a killed run left", cmd_cleanup},
};

/* the commands as troff, for netflap(1): the same table as --help */
static void man_commands(FILE *f)
{
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		fprintf(f, ".TP\n.B netflap %s\n", cmds[i].name);
		for (const char *p = cmds[i].args; *p; p++) /* options set in italics' stead: plain */
			fputs(*p == '-' ? "\\-" : (char[]){*p, 0}, f);
		fprintf(f, "\n.br\n%s\n", cmds[i].help);
	}
}

static void usage(FILE *f)
{
	fprintf(f, "usage: netflap COMMAND [ARGS]\n\n");
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		fprintf(f, "  netflap %s %s\n      %s\n", cmds[i].name, cmds[i].args, cmds[i].help);
	fprintf(f, "  netflap --help | --version\n\nexit codes: 0 clean, 1 leak or stall found, "
		   "2 usage or scenario error, 3 environment error\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return NF_EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--man-commands") == 0) { /* the build's man page generator */
		man_commands(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("netflap %s (lwIP 2.1.3, control protocol %d)\n", NETFLAP_VERSION,
		       NF_PROTO_VERSION);
		return 0;
	}
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (strcmp(argv[1], cmds[i].name) == 0)
			return cmds[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "netflap: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return NF_EXIT_USAGE;
}
