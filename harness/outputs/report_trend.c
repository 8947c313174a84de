/* report.html's trend panel (see report_trend.h). */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "report_trend.h"

#define MAX_RUNS 400 /* nights drawn, newest kept */
#define MAX_COLS 48
#define W 360
#define H 120

/* the figures charted: a history.csv column each */
static const char *const figures[] = {
    "fail_rate", "connack_p50_ms", "connack_p95_ms", "connack_p99_ms", "heap_floor", "findings",
};
#define NFIG (sizeof(figures) / sizeof(figures[0]))

struct night {
	char dir[256], started[32], fp[24];
	double v[NFIG];
	bool have[NFIG];
};

/* splits a CSV line (RFC 4180 quotes) in place; the field count */
static int fields(char *line, char **f)
{
	int n = 0;
	char *w = line;

	line[strcspn(line, "\r\n")] = '\0';
	for (char *p = line; n < MAX_COLS;) {
		f[n++] = w;
		bool quoted = *p == '"';
		p += quoted;
		for (; *p && (quoted || *p != ','); p++) {
			if (quoted && *p == '"') {
				if (p[1] != '"') {
					quoted = false;
					continue;
				}
				p++;
			}
			*w++ = *p;
		}
		char end = *p;
		*w++ = '\0';
		if (!end)
			break;
		p++;
	}
	return n;
}

static int col(char **head, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (strcmp(head[i], name) == 0)
			return i;
	return -1;
}

/* the history's rows; -errno */
static int read_history(const char *path, struct night *out, int *n)
{
	char line[8192], *f[MAX_COLS];
	int idx[NFIG], c_dir, c_start, c_fp, nh;
	FILE *in = fopen(path, "r");

	*n = 0;
	if (!in)
		return -errno;
	if (!fgets(line, sizeof(line), in)) {
		fclose(in);
		return -EINVAL;
	}
	nh = fields(line, f);
	c_dir = col(f, nh, "dir"), c_start = col(f, nh, "started"), c_fp = col(f, nh, "fingerprint");
	for (size_t k = 0; k < NFIG; k++)
		idx[k] = col(f, nh, figures[k]);
	if (c_dir < 0 || c_fp < 0) {
		fclose(in);
		return -EINVAL;
	}
	while (fgets(line, sizeof(line), in)) {
		if (fields(line, f) != nh)
			continue;
		if (*n == MAX_RUNS) /* keep the newest: drop the oldest */
			memmove(out, out + 1, (MAX_RUNS - 1) * sizeof(*out));
		struct night *x = &out[*n < MAX_RUNS ? *n : MAX_RUNS - 1];
		snprintf(x->dir, sizeof(x->dir), "%s", f[c_dir]);
		snprintf(x->started, sizeof(x->started), "%s", c_start >= 0 ? f[c_start] : "");
		snprintf(x->fp, sizeof(x->fp), "%s", f[c_fp]);
		for (size_t k = 0; k < NFIG; k++) {
			char *end;
			x->have[k] = idx[k] >= 0 && *f[idx[k]];
			x->v[k] = x->have[k] ? strtod(f[idx[k]], &end) : 0;
			x->have[k] = x->have[k] && !*end;
		}
		*n += *n < MAX_RUNS;
	}
	fclose(in);
	return 0;
}

/* does history dir a name run folder b? (the same path, or its last part) */
static bool same_run(const char *a, const char *b)
{
	const char *x = strrchr(a, '/'), *y = strrchr(b, '/');
	return strcmp(a, b) == 0 || strcmp(x ? x + 1 : a, y ? y + 1 : b) == 0;
}

/* one chart: figure k over the nights, the run's point (index me) red */
static void chart(FILE *f, const struct night *const *ns, int n, size_t k, int me)
{
	double lo = 0, hi = 0;
	bool any = false;

	for (int i = 0; i < n; i++)
		if (ns[i]->have[k]) {
			lo = any && lo < ns[i]->v[k] ? lo : ns[i]->v[k];
			hi = any && hi > ns[i]->v[k] ? hi : ns[i]->v[k];
			any = true;
		}
	fprintf(f, "<figure class=\"trend\"><figcaption>%s</figcaption>", figures[k]);
	if (!any) {
		fprintf(f, "<p class=\"nodata\">no figure in these runs</p></figure>\n");
		return;
	}
	double top = hi;
	if (hi == lo)
		hi = lo + 1;
	fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\">"
		   "<polyline fill=\"none\" stroke=\"#446\" points=\"", W, H);
	for (int i = 0; i < n; i++)
		if (ns[i]->have[k])
			fprintf(f, "%.1f,%.1f ", 10 + (W - 20.0) * i / (n > 1 ? n - 1 : 1),
				H - 10 - (H - 20.0) * (ns[i]->v[k] - lo) / (hi - lo));
	fputs("\"/>", f);
	for (int i = 0; i < n; i++)
		if (ns[i]->have[k]) {
			fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%d\" fill=\"%s\"><title>",
				10 + (W - 20.0) * i / (n > 1 ? n - 1 : 1),
				H - 10 - (H - 20.0) * (ns[i]->v[k] - lo) / (hi - lo), i == me ? 5 : 3,
				i == me ? "#c00" : "#446");
			nf_put_xml_text(f, ns[i]->started, strlen(ns[i]->started));
			fprintf(f, ": %g</title></circle>", ns[i]->v[k]);
		}
	fprintf(f, "</svg><p>%g to %g</p></figure>\n", lo, top);
}

void nf_report_trend(FILE *f, const char *history_csv, const char *dir)
{
	struct night *all = calloc(MAX_RUNS, sizeof(*all));
	const struct night **ns = calloc(MAX_RUNS, sizeof(*ns));
	int n = 0, k = 0, me = -1, rc;

	fprintf(f, "<h2>Trend</h2>\n");
	rc = all && ns ? read_history(history_csv, all, &n) : -ENOMEM;
	for (int i = 0; rc == 0 && i < n; i++)
		if (same_run(all[i].dir, dir))
			me = i;
	if (rc < 0 || me < 0) {
		fprintf(f, "<p class=\"nodata\">");
		nf_put_xml_text(f, history_csv, strlen(history_csv));
		fprintf(f, ": %s</p>\n", rc < 0 ? strerror(-rc)
						: "this run is not in it (run `netflap history` with it)");
		free(all);
		free(ns);
		return;
	}
	for (int i = 0; i < n; i++) /* the runs of this run's scenario */
		if (strcmp(all[i].fp, all[me].fp) == 0) {
			if (i == me)
				me = k;
			ns[k++] = &all[i];
		}
	fprintf(f, "<p>This run (red) among %d run%s of its scenario (fingerprint %s), oldest "
		   "first.</p>\n", k, k == 1 ? "" : "s", ns[me]->fp);
	for (size_t c = 0; c < NFIG; c++)
		chart(f, ns, k, c, me);
	free(all);
	free(ns);
}
