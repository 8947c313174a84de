/* Plots and report.html (see plot.h). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "escape.h"
#include "faults.h"
#include "paths.h"
#include "plot.h"
#include "report_html.h"
#include "proc.h"
#include "rows.h"
#include "verdict.h"


/* each panel and the figures it draws: a panel with no value in any of
 * them (the kernel stack has no lwIP heap or pools, a plain run no TLS
 * heap) is left out, and the report says so */
/* the rows walked more than one fault */
static bool several_faults(const struct nf_rows *rows)
{
	int64_t seen = NF_UNSET;

	for (int d = 0; d < rows->ndev; d++)
		for (size_t i = 0; i < rows->dev[d].n; i++) {
			int64_t f = rows->dev[d].v[i][C_FAULT];
			if (f == NF_UNSET)
				continue;
			if (seen != NF_UNSET && f != seen)
				return true;
			seen = f;
		}
	return false;
}

static const struct panel {
	const char *name;
	enum nf_col cols[4];
	int ncols; /* 0: always drawn (status) */
} panels[] = {
    {"sockets", {C_SOCKET_FD, C_SLOTS, C_AFTER_TEARDOWN}, 3},
    {"heap", {C_HEAP, C_HEAP_MIN}, 2},
    {"connack", {C_CONNACK}, 1},
    {"status", {0}, 0},
    {"pools", {C_NETCONN, C_TCP_PCB, C_TIME_WAIT, C_PBUF}, 4},
    {"tls", {C_TLS_USED, C_TLS_PEAK, C_TLS_AFTER}, 3}, /* device.tls */
};
#define NPANELS (sizeof(panels) / sizeof(panels[0]))

static bool has_data(const struct panel *p, const struct nf_rows *rows)
{
	if (!p->ncols)
		return true;
	for (int d = 0; d < rows->ndev; d++)
		for (size_t i = 0; i < rows->dev[d].n; i++)
			for (int c = 0; c < p->ncols; c++)
				if (rows->dev[d].v[i][p->cols[c]] != NF_UNSET)
					return true;
	return false;
}

/* a panel not drawn this time leaves no older picture behind */
static void stale_plots(const char *out, const char *name)
{
	char path[PATH_MAX + 64];

	for (const char *const *ext = (const char *const[]){"png", "svg", NULL}; *ext; ext++) {
		snprintf(path, sizeof(path), "%s/%s.%s", out, name, *ext);
		unlink(path);
	}
}

/* gnuplot -c plots.gp over the data: a = script, dat, out, lines, titles,
 * panels, colour (1: more than one fault, points coloured by fault); the
 * fault names and the verdict's marks added here. 0 or < 0. */
static int gnuplot(const char *dir, char *const a[7], const char *log)
{
	char faults[256] = "", marks[48];
	pid_t pid;
	int status;

	for (int f = 0; f < NF_FAULT_COUNT; f++)
		snprintf(faults + strlen(faults), sizeof(faults) - strlen(faults), "%s%s",
			 f ? " " : "", nf_fault_name((enum nf_fault)f));
	nf_report_marks(dir, marks, sizeof(marks));
	char *argv[] = {"gnuplot", "-c", a[0], a[1], a[2], a[3], a[4], a[5], faults, a[6], marks,
			NULL};
	struct nf_spawn s = {.nsfd = -1, .log = log, .pass_fd = -1, .argv = argv};
	int rc = nf_spawn(&s, &pid);
	if (rc == 0 &&
	    (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0))
		rc = -EIO;
	return rc;
}

int nf_plot_run_dir(const char *dir, bool quiet, const char *history)
{
	struct nf_rows rows;
	char csv[PATH_MAX + 16], out[PATH_MAX + 16], ndev[16], err[PATH_MAX + 64],
	    log[PATH_MAX + 32];
	char script[PATH_MAX];
	int rc;

	if (!nf_have_program("gnuplot")) {
		fprintf(stderr,
			"netflap: plot: gnuplot is not installed (scripts/setup.sh installs "
			"gnuplot-nox)\n");
		return 3;
	}
	if (nf_path_find(NF_FILE_DATA, "plots.gp", script, sizeof(script)) < 0) {
		fprintf(stderr, "netflap: plot: %s is not there (a broken install?)\n", script);
		return 3;
	}
	snprintf(csv, sizeof(csv), "%s/cycles.csv", dir);
	if (nf_rows_load_run(&rows, dir, err, sizeof(err)) < 0) {
		fprintf(stderr, "netflap: plot: %s\n", err);
		return 2;
	}
	if (!rows.ndev) {
		fprintf(stderr, "netflap: plot: %s has no rows yet\n", csv);
		nf_rows_free(&rows);
		return 2;
	}
	snprintf(out, sizeof(out), "%s/plots", dir);
	if (mkdir(out, 0700) < 0 && errno != EEXIST) {
		fprintf(stderr, "netflap: plot: %s: %s\n", out, strerror(errno));
		nf_rows_free(&rows);
		return 3;
	}
	char dat[PATH_MAX + 16], titles[256];
	int nlines;
	snprintf(dat, sizeof(dat), "%s/plot.dat", out);
	if ((rc = nf_plot_data(&rows, dat, &nlines, titles, sizeof(titles))) < 0) {
		fprintf(stderr, "netflap: plot: %s: %s\n", dat, strerror(-rc));
		nf_rows_free(&rows);
		return 3;
	}
	snprintf(ndev, sizeof(ndev), "%d", nlines);
	snprintf(log, sizeof(log), "%s/gnuplot.log", out);
	bool drawn[NPANELS];
	char list[128] = "";
	for (size_t i = 0; i < NPANELS; i++) {
		drawn[i] = has_data(&panels[i], &rows);
		if (drawn[i])
			snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s",
				 list[0] ? " " : "", panels[i].name);
		else
			stale_plots(out, panels[i].name);
	}
	char *args[] = {script, dat, out, ndev, titles, list, several_faults(&rows) ? "1" : "0"};
	if (gnuplot(dir, args, log) < 0) {
		fprintf(stderr, "netflap: plot: gnuplot failed (see %s)\n", log);
		nf_rows_free(&rows);
		return 3;
	}
	unlink(log);
	struct nf_report_plot shown[NPANELS];
	for (size_t i = 0; i < NPANELS; i++)
		shown[i] = (struct nf_report_plot){panels[i].name, drawn[i]};
	rc = nf_report_html(dir, shown, (int)NPANELS, history);
	nf_rows_free(&rows);
	if (rc) {
		fprintf(stderr, "netflap: plot: %s/report.html: %s\n", dir, strerror(-rc));
		return 3;
	}
	if (!quiet)
		printf("netflap: plots in %s/, report in %s/report.html\n", out, dir);
	return 0;
}
