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
#include "plot.h"
#include "proc.h"
#include "rows.h"
#include "verdict.h"

#ifndef NF_DATADIR
#error "NF_DATADIR must name the source tree (for scripts/plots.gp)"
#endif

static const char *const panels[] = {"sockets", "heap", "connack", "status", "pools"};
#define NPANELS (sizeof(panels) / sizeof(panels[0]))

/* copies a file into f; SVG as is (it is our own gnuplot output), text escaped */
static void embed(FILE *f, const char *path, bool escape)
{
	char buf[8192];
	size_t n;
	FILE *in = fopen(path, "r");

	if (!in) {
		fprintf(f, "(missing: %s)", path);
		return;
	}
	if (!escape) { /* skip the XML prolog: an inline <svg> needs none */
		while (fgets(buf, sizeof(buf), in) && !strstr(buf, "<svg"))
			;
		fputs(buf, f);
	}
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0) {
		if (escape)
			nf_put_xml_text(f, buf, n);
		else
			fwrite(buf, 1, n, f);
	}
	fclose(in);
}

static int write_report(const char *dir, const struct nf_rows *rows)
{
	static struct nf_verdict v;
	char path[PATH_MAX + 32], tmp[PATH_MAX + 32];
	struct nf_verdict_cfg cfg = {.settle_cycles = 2, .stall_cycles = 3};
	char *summary = NULL;
	size_t slen = 0;
	FILE *m = open_memstream(&summary, &slen), *f;

	nf_verdict_compute(rows, &cfg, &v);
	if (m) {
		nf_verdict_summary(&v, m);
		fclose(m);
	}
	snprintf(tmp, sizeof(tmp), "%s/report.html.tmp", dir);
	f = fopen(tmp, "w");
	if (!f) {
		free(summary);
		return -errno;
	}
	fprintf(f, "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>netflap: ");
	nf_put_xml_text(f, dir, strlen(dir));
	fprintf(f, "</title>\n<style>body{font-family:sans-serif;max-width:1040px;margin:auto}"
		   "pre{background:#f4f4f4;padding:8px;overflow-x:auto}"
		   ".bad{color:#a00}.good{color:#070}</style></head><body>\n<h1>netflap run ");
	nf_put_xml_text(f, dir, strlen(dir));
	fprintf(f, "</h1>\n<h2 class=\"%s\">Verdict: %s</h2>\n<pre>", v.n ? "bad" : "good",
		v.n ? "findings" : "clean");
	if (summary)
		nf_put_xml_text(f, summary, slen);
	fprintf(f, "</pre>\n<h2>Plots</h2>\n");
	for (size_t i = 0; i < NPANELS; i++) {
		snprintf(path, sizeof(path), "%s/plots/%s.svg", dir, panels[i]);
		fprintf(f, "<div>\n");
		embed(f, path, false);
		fprintf(f, "\n</div>\n");
	}
	fprintf(f, "<h2>Scenario and versions (run.json)</h2>\n<pre>");
	snprintf(path, sizeof(path), "%s/run.json", dir);
	embed(f, path, true);
	fprintf(f, "</pre>\n</body></html>\n");
	free(summary);
	if (fclose(f))
		return -errno;
	snprintf(path, sizeof(path), "%s/report.html", dir);
	return rename(tmp, path) < 0 ? -errno : 0;
}

int nf_plot_run_dir(const char *dir, bool quiet)
{
	struct nf_rows rows;
	char csv[PATH_MAX + 16], out[PATH_MAX + 16], ndev[16], err[PATH_MAX + 64],
	    log[PATH_MAX + 32];
	char script[] = NF_DATADIR "/scripts/plots.gp";
	pid_t pid;
	int status, rc;

	if (!nf_have_program("gnuplot")) {
		fprintf(stderr,
			"netflap: plot: gnuplot is not installed (scripts/setup.sh installs "
			"gnuplot-nox)\n");
		return 3;
	}
	snprintf(csv, sizeof(csv), "%s/cycles.csv", dir);
	if (nf_rows_load(&rows, csv, err, sizeof(err)) < 0) {
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
	snprintf(ndev, sizeof(ndev), "%d", rows.ndev);
	snprintf(log, sizeof(log), "%s/gnuplot.log", out);
	char *argv[] = {"gnuplot", "-c", script, csv, out, ndev, NULL};
	struct nf_spawn s = {.nsfd = -1, .log = log, .pass_fd = -1, .argv = argv};
	rc = nf_spawn(&s, &pid);
	if (rc == 0 &&
	    (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0))
		rc = -EIO;
	if (rc) {
		fprintf(stderr, "netflap: plot: gnuplot failed (see %s)\n", log);
		nf_rows_free(&rows);
		return 3;
	}
	unlink(log);
	rc = write_report(dir, &rows);
	nf_rows_free(&rows);
	if (rc) {
		fprintf(stderr, "netflap: plot: %s/report.html: %s\n", dir, strerror(-rc));
		return 3;
	}
	if (!quiet)
		printf("netflap: plots in %s/, report in %s/report.html\n", out, dir);
	return 0;
}
