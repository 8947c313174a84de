/* report.html (see report_html.h): one self-contained page per run. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "escape.h"
#include "report_html.h"
#include "report_trend.h"
#include "verdict.h"

static void text(FILE *f, const char *s)
{
	nf_put_xml_text(f, s, strlen(s));
}

/* copies a file into f; SVG as is (it is our own gnuplot output), text escaped */
static void embed(FILE *f, const char *path, bool escape)
{
	char buf[8192];
	size_t n;
	FILE *in = fopen(path, "r");

	if (!in) {
		fprintf(f, "(missing: ");
		text(f, path);
		fprintf(f, ")");
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

static void exhaustion(FILE *f, const struct nf_finding *x)
{
	if (x->exhaustion == NF_UNSET)
		fprintf(f, "&mdash;");
	else
		fprintf(f, "%s at cycle %lld", x->exhaustion_seen ? "seen" : "predicted",
			(long long)x->exhaustion);
}

/* one row per finding; its evidence a list the row links to */
static void findings(FILE *f, const struct nf_verdict *v)
{
	if (!v->n) {
		fprintf(f, "<p class=\"good\">No finding.</p>\n");
		return;
	}
	fprintf(f, "<table id=\"findings\"><tr><th>class</th><th>device</th><th>what</th>"
		   "<th>first cycle</th><th>slope / cycle</th><th>exhaustion</th><th>summary</th>"
		   "<th>evidence</th></tr>\n");
	for (int i = 0; i < v->n; i++) {
		const struct nf_finding *x = &v->f[i];
		fprintf(f, "<tr class=\"finding\"><td>");
		text(f, nf_class_name(x->cls));
		char who[24];
		fprintf(f, "</td><td>%s</td><td>",
			x->device == NF_FLEET ? "fleet" : (snprintf(who, sizeof(who), "%d", x->device), who));
		text(f, x->what);
		fprintf(f, "</td><td>%lld</td><td>%.3g</td><td>", (long long)x->first_cycle, x->slope);
		exhaustion(f, x);
		fprintf(f, "</td><td>");
		text(f, x->summary);
		if (x->paths[0]) {
			fprintf(f, "<br>");
			text(f, x->paths);
		}
		fprintf(f, "</td><td><a href=\"#ev%d\">%d points</a></td></tr>\n", i, x->nev);
	}
	fprintf(f, "</table>\n");
	for (int i = 0; i < v->n; i++) {
		const struct nf_finding *x = &v->f[i];
		fprintf(f, "<p id=\"ev%d\" class=\"ev\">Evidence %d (", i, i);
		text(f, nf_class_name(x->cls));
		char who[24];
		fprintf(f, ", %s): ", nf_verdict_who(x->device, who, sizeof(who)));
		for (int k = 0; k < x->nev; k++)
			fprintf(f, "%scycle %lld: %lld", k ? "; " : "", (long long)x->ev_cycle[k],
				(long long)x->ev_value[k]);
		fprintf(f, " (rows in <a href=\"cycles.csv\">cycles.csv</a>)</p>\n");
	}
}

/* run.json's scenario as a table: its lines are `"section": {` and
 * `"key": "value",`, our own writer's */
static void parameters(FILE *f, const char *dir)
{
	char path[PATH_MAX + 16], line[1024], section[64] = "", key[64], val[512];
	FILE *in;
	bool in_scenario = false;

	snprintf(path, sizeof(path), "%s/run.json", dir);
	if (!(in = fopen(path, "r"))) {
		fprintf(f, "<p>no run.json</p>\n");
		return;
	}
	fprintf(f, "<table id=\"parameters\"><tr><th>key</th><th>value</th></tr>\n");
	while (fgets(line, sizeof(line), in)) {
		if (strstr(line, "\"scenario\": {"))
			in_scenario = true;
		else if (in_scenario && strstr(line, "\": {") &&
			 sscanf(line, " \"%63[^\"]\"", section) == 1)
			continue; /* a section of the scenario */
		else if (in_scenario && sscanf(line, " \"%63[^\"]\": \"%511[^\"]\"", key, val) == 2) {
			fprintf(f, "<tr><td>");
			text(f, section);
			fputc('.', f);
			text(f, key);
			fprintf(f, "</td><td>");
			text(f, val);
			fprintf(f, "</td></tr>\n");
		}
	}
	fclose(in);
	fprintf(f, "</table>\n<details><summary>run.json</summary><pre>");
	embed(f, path, true);
	fprintf(f, "</pre></details>\n");
}

static const char style[] =
    "body{font-family:sans-serif;max-width:1100px;margin:auto;padding:0 1em}"
    "table{border-collapse:collapse;margin:0.5em 0}td,th{border:1px solid #ccc;padding:3px 6px;"
    "vertical-align:top;text-align:left}th{background:#eee}pre{background:#f4f4f4;padding:8px;"
    "overflow-x:auto}.bad{color:#a00}.good{color:#070}.ev{font-size:90%}svg{max-width:100%;"
    "height:auto}figure.trend{display:inline-block;margin:0.5em}figure.trend p{margin:0;"
    "font-size:85%}";

int nf_report_html(const char *dir, const struct nf_report_plot *plots, int nplots,
		   const char *history)
{
	static struct nf_verdict v; /* the last one read stays: freed before the next */
	char path[PATH_MAX + 32], tmp[PATH_MAX + 32], err[PATH_MAX + 64];
	nf_verdict_free(&v);
	int have = nf_verdict_load(dir, &v, err, sizeof(err)) == 0;
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s/report.html.tmp", dir);
	if (!(f = fopen(tmp, "w")))
		return -errno;
	fprintf(f, "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>netflap: ");
	text(f, dir);
	fprintf(f, "</title>\n<style>%s</style></head><body>\n<h1>netflap run ", style);
	text(f, dir);
	fprintf(f, "</h1>\n<p>Files: <a href=\"cycles.csv\">cycles.csv</a> &middot; "
		   "<a href=\"verdict.json\">verdict.json</a> &middot; <a href=\"junit.xml\">junit.xml"
		   "</a> &middot; <a href=\"run.json\">run.json</a>");
	snprintf(path, sizeof(path), "%s/ap.pcap", dir);
	if (access(path, R_OK) == 0)
		fprintf(f, " &middot; <a href=\"ap.pcap\">ap.pcap</a>");
	fprintf(f, " &middot; <a href=\"logs/\">logs/</a></p>\n<h2 class=\"%s\">Verdict: %s</h2>\n",
		!have || v.n ? "bad" : "good", !have ? "none yet" : v.n ? "findings" : "clean");
	if (have)
		findings(f, &v);
	else {
		fprintf(f, "<p>");
		text(f, err);
		fprintf(f, "</p>\n");
	}
	if (history)
		nf_report_trend(f, history, dir);
	fprintf(f, "<h2>Plots</h2>\n<p>Dotted red: the first finding's cycle; dashed: the cycle "
		   "the stack ran out (seen or predicted).</p>\n");
	for (int i = 0; i < nplots; i++) {
		if (!plots[i].drawn) {
			fprintf(f, "<p class=\"nodata\">%s: no data in cycles.csv (not reported by "
				   "this run's stack or settings), no plot</p>\n",
				plots[i].name);
			continue;
		}
		snprintf(path, sizeof(path), "%s/plots/%s.svg", dir, plots[i].name);
		fprintf(f, "<figure id=\"plot-%s\">\n", plots[i].name);
		embed(f, path, false);
		fprintf(f, "\n</figure>\n");
	}
	fprintf(f, "<h2>Run parameters</h2>\n");
	parameters(f, dir);
	fprintf(f, "</body></html>\n");
	if (fclose(f))
		return -errno;
	snprintf(path, sizeof(path), "%s/report.html", dir);
	return rename(tmp, path) < 0 ? -errno : 0;
}

void nf_report_marks(const char *dir, char *buf, size_t len)
{
	static struct nf_verdict v;
	char err[PATH_MAX + 64];
	int64_t first = NF_UNSET, out = NF_UNSET;

	nf_verdict_free(&v);
	if (nf_verdict_load(dir, &v, err, sizeof(err)) == 0)
		for (int i = 0; i < v.n; i++) {
			if (first == NF_UNSET || v.f[i].first_cycle < first)
				first = v.f[i].first_cycle;
			if (v.f[i].exhaustion != NF_UNSET && (out == NF_UNSET || v.f[i].exhaustion < out))
				out = v.f[i].exhaustion;
		}
	snprintf(buf, len, "%lld %lld", first == NF_UNSET ? -1LL : (long long)first,
		 out == NF_UNSET ? -1LL : (long long)out);
}
