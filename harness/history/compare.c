/* `netflap compare BASELINE... RUN`: a run judged against one past run or
 * a window of them, all of one scenario (fingerprint; else exit 2 naming
 * the key that differs). One table of figures, each with its direction;
 * a figure regresses when the run is beyond every baseline night (the
 * window's spread: one noisy night widens it, never trips it) and beyond
 * the baselines' median by more than --threshold (5 %), or when the window
 * holds a change point the run stays beyond (change_point()). A finding class
 * (class and what) no baseline night had is a regression. Output: a table
 * on stdout, compare.json and junit.xml (a testcase per figure) in --out
 * (default: the run's folder). Exit 1 on a regression, 0 none, 2 usage or
 * not comparable, 3 a folder that cannot be read. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "exitcode.h"
#include "night.h"

#define MAX_NIGHTS 64

enum dir { UP_IS_WORSE, DOWN_IS_WORSE };

/* a figure of a night; arg: which (a phase's percentile: phase * 3 + k) */
static double fig_fail(const struct nf_night *n, int arg) { (void)arg; return n->fail_rate; }
static double fig_pct(const struct nf_night *n, int arg) { return (double)n->pct[arg / 3][arg % 3]; }
static double fig_heap(const struct nf_night *n, int arg) { (void)arg; return (double)n->heap_floor; }
static double fig_findings(const struct nf_night *n, int arg) { (void)arg; return n->v.n; }

#define PCT(ph, k, p, slack) {#ph "_p" #p "_ms", fig_pct, NF_T_##ph * 3 + (k), UP_IS_WORSE, slack}
#define PHASE(ph) PCT(ph, 0, 50, 5), PCT(ph, 1, 95, 10), PCT(ph, 2, 99, 20)

static const struct figure {
	const char *name;
	double (*of)(const struct nf_night *, int arg);
	int arg;
	enum dir dir;
	/* absolute: a change below it is noise, never a regression. Two runs of
	 * one build on a loaded 2-core host differed by 2 ms at CONNACK p99 (80
	 * rows: p99 is the worst row or two); a row caught with a frame in
	 * flight lowers the heap floor by a pbuf. Every phase as CONNACK. */
	double slack;
} figures[] = {
    {"reconnect_fail_rate", fig_fail, 0, UP_IS_WORSE, 0.02},
    PHASE(lease), PHASE(dns), PHASE(tcp), PHASE(tls_handshake), PHASE(connack),
    {"heap_floor", fig_heap, 0, DOWN_IS_WORSE, 512},
    {"findings", fig_findings, 0, UP_IS_WORSE, 0},
};
#define NFIG (sizeof(figures) / sizeof(figures[0]))

struct result {
	char name[48];
	double run, median, lo, hi;
	bool known, regressed;
	char why[400];
};

static int cmpd(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static bool unset(double x)
{
	return x == (double)NF_UNSET;
}

static bool worse(const struct figure *fg, double a, double b)
{
	return fg->dir == UP_IS_WORSE ? a > b : a < b;
}

static double median_of(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(v[0]), cmpd);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* A change point: the window (baselines in the order given, oldest first,
 * then the run) split into an earlier part of 2 nights or more and a later
 * part of 2 or more ending with the run, every later night worse than
 * every earlier one and the medians apart by more than the threshold and
 * the slack: the figure stepped at that night and stayed. It catches what
 * the spread misses once the step is in the window itself (nights that
 * regressed and were let through); one noisy night cannot form the later
 * part, as the run after it is not worse than the nights before. The
 * earliest such split is named. */
static void change_point(const struct figure *fg, struct nf_night *const *base, int nb,
			 double thr, struct result *r)
{
	double x[MAX_NIGHTS + 1], b[MAX_NIGHTS + 1], a[MAX_NIGHTS + 1];
	int at[MAX_NIGHTS + 1], n = 0;

	for (int i = 0; i < nb; i++)
		if (!unset(fg->of(base[i], fg->arg))) {
			at[n] = i;
			x[n++] = fg->of(base[i], fg->arg);
		}
	x[n++] = r->run;
	for (int t = 2; t <= n - 2; t++) { /* x[0..t) earlier, x[t..n) later */
		bool apart = true;
		for (int i = 0; i < t && apart; i++)
			for (int j = t; j < n && apart; j++)
				apart = worse(fg, x[j], x[i]);
		if (!apart)
			continue;
		memcpy(b, x, (size_t)t * sizeof(x[0]));
		memcpy(a, x + t, (size_t)(n - t) * sizeof(x[0]));
		double mb = median_of(b, t), ma = median_of(a, n - t);
		double bar = fg->dir == UP_IS_WORSE ? mb * (1 + thr) + fg->slack
						    : mb * (1 - thr) - fg->slack;
		if (!worse(fg, ma, bar))
			continue;
		r->regressed = true;
		snprintf(r->why, sizeof(r->why),
			 "%s stepped at %s: median %g over the %d night%s before, %g from there to "
			 "this run (every one worse than every one before; a change point)",
			 fg->name, base[at[t]]->dir, mb, t, t == 1 ? "" : "s", ma);
		return;
	}
}

static void judge_figure(const struct figure *fg, struct nf_night *const *base, int nb,
			 const struct nf_night *run, double thr, struct result *r)
{
	double v[MAX_NIGHTS];
	int n = 0;

	snprintf(r->name, sizeof(r->name), "%s", fg->name);
	r->run = fg->of(run, fg->arg);
	for (int i = 0; i < nb; i++)
		if (!unset(fg->of(base[i], fg->arg)))
			v[n++] = fg->of(base[i], fg->arg);
	r->known = n > 0 && !unset(r->run);
	if (!r->known)
		return;
	r->median = median_of(v, n); /* sorts v */
	r->lo = v[0], r->hi = v[n - 1];
	double bar = fg->dir == UP_IS_WORSE ? r->median * (1 + thr) + fg->slack
					    : r->median * (1 - thr) - fg->slack;
	r->regressed = fg->dir == UP_IS_WORSE ? r->run > r->hi && r->run > bar
					      : r->run < r->lo && r->run < bar;
	if (r->regressed)
		snprintf(r->why, sizeof(r->why),
			 "%s %g, beyond the baseline's %g..%g (median %g) by more than %g %%",
			 fg->name, r->run, r->lo, r->hi, r->median, thr * 100);
	else
		change_point(fg, base, nb, thr, r);
}

/* a finding class (class and what) of the run's no baseline night had */
static int new_findings(struct nf_night *const *base, int nb, const struct nf_night *run,
			struct result *out, int max)
{
	int k = 0;

	for (int i = 0; i < run->v.n && k < max; i++) {
		const struct nf_finding *f = &run->v.f[i];
		bool seen = false;
		for (int b = 0; b < nb && !seen; b++)
			for (int j = 0; j < base[b]->v.n && !seen; j++)
				seen = base[b]->v.f[j].cls == f->cls && !strcmp(base[b]->v.f[j].what, f->what);
		if (seen)
			continue;
		struct result *r = &out[k++];
		*r = (struct result){.known = true, .regressed = true, .run = f->slope};
		snprintf(r->name, sizeof(r->name), "new finding: %s", nf_class_name(f->cls));
		char who[24];
		snprintf(r->why, sizeof(r->why), "%s: %s",
			 nf_verdict_who(f->device, who, sizeof(who)), f->summary);
	}
	return k;
}

static void write_json(FILE *f, const struct result *r, int n, int nb, int regressions)
{
	fprintf(f, "{\n  \"baselines\": %d,\n  \"regressions\": %d,\n  \"figures\": [", nb,
		regressions);
	for (int i = 0; i < n; i++) {
		fprintf(f, "%s\n    {\"name\": ", i ? "," : "");
		nf_put_json_string(f, r[i].name);
		if (r[i].known)
			fprintf(f, ", \"run\": %g, \"median\": %g, \"min\": %g, \"max\": %g", r[i].run,
				r[i].median, r[i].lo, r[i].hi);
		fprintf(f, ", \"known\": %s, \"regressed\": %s, \"why\": ", r[i].known ? "true" : "false",
			r[i].regressed ? "true" : "false");
		nf_put_json_string(f, r[i].why);
		fputc('}', f);
	}
	fprintf(f, "\n  ]\n}\n");
}

static void write_junit(FILE *f, const struct result *r, int n, int regressions)
{
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuite name=\"netflap compare\" "
		   "tests=\"%d\" failures=\"%d\">\n", n, regressions);
	for (int i = 0; i < n; i++) {
		fprintf(f, "  <testcase classname=\"compare\" name=\"");
		nf_put_xml_text(f, r[i].name, strlen(r[i].name));
		fprintf(f, "\">");
		if (!r[i].known)
			fprintf(f, "<skipped message=\"not in every run\"/>");
		if (r[i].regressed) {
			fprintf(f, "<failure message=\"");
			nf_put_xml_text(f, r[i].why, strlen(r[i].why));
			fprintf(f, "\"/>");
		}
		fprintf(f, "</testcase>\n");
	}
	fprintf(f, "</testsuite>\n");
}

static int write_outputs(const char *dir, const struct result *r, int n, int nb, int reg)
{
	char path[600];
	const char *names[2] = {"compare.json", "junit.xml"};

	for (int k = 0; k < 2; k++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[k]);
		FILE *f = fopen(path, "w");
		if (!f) {
			fprintf(stderr, "netflap compare: %s: %s\n", path, strerror(errno));
			return -errno;
		}
		if (k == 0)
			write_json(f, r, n, nb, reg);
		else
			write_junit(f, r, n, reg);
		if (fclose(f) != 0)
			return -EIO;
	}
	return 0;
}

static void print_table(const struct result *r, int n)
{
	printf("%-26s %12s %12s %21s  %s\n", "figure", "run", "median", "baseline min..max",
	       "verdict");
	for (int i = 0; i < n; i++) {
		char range[48] = "-";
		if (r[i].known)
			snprintf(range, sizeof(range), "%g..%g", r[i].lo, r[i].hi);
		printf("%-26s %12g %12g %21s  %s\n", r[i].name, r[i].run, r[i].known ? r[i].median : 0,
		       range, r[i].regressed ? "REGRESSED" : r[i].known ? "ok" : "not known");
		if (r[i].regressed)
			printf("    %s\n", r[i].why);
	}
}

struct args {
	double thr;
	const char *out;
	int first, last; /* argv indexes: baselines first..last-1, the run last */
};

static int parse(int argc, char **argv, struct args *a)
{
	static const struct option lo[] = {{"threshold", required_argument, NULL, 't'},
					   {"out", required_argument, NULL, 'o'},
					   {0, 0, 0, 0}};
	int c;
	char *end;

	*a = (struct args){.thr = 0.05};
	optind = 1;
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		if (c == 't') {
			a->thr = strtod(optarg, &end) / 100;
			if (end == optarg || (*end && strcmp(end, "%")) || a->thr < 0) {
				fprintf(stderr, "netflap compare: --threshold %s: want a percentage\n",
					optarg);
				return -EINVAL;
			}
		} else if (c == 'o') {
			a->out = optarg;
		} else {
			return -EINVAL;
		}
	}
	if (argc - optind < 2 || argc - optind > MAX_NIGHTS + 1) {
		fprintf(stderr, "usage: netflap compare BASELINE_DIR... RUN_DIR [--threshold PCT] "
				"[--out DIR] (1 to %d baselines)\n", MAX_NIGHTS);
		return -EINVAL;
	}
	a->first = optind;
	a->last = argc - 1;
	return 0;
}

static int read_all(char **argv, const struct args *a, struct nf_night **n)
{
	char err[600];

	for (int i = a->first; i <= a->last; i++) {
		n[i - a->first] = calloc(1, sizeof(struct nf_night));
		if (!n[i - a->first] || nf_night_read(argv[i], n[i - a->first], err, sizeof(err)) < 0) {
			fprintf(stderr, "netflap compare: %s\n", n[i - a->first] ? err : "out of memory");
			return NF_EXIT_ENV;
		}
	}
	int nb = a->last - a->first;
	for (int i = 0; i < nb; i++) {
		if (nf_night_differs(n[i], n[nb], err, sizeof(err))) {
			fprintf(stderr, "netflap compare: %s and %s are not the same scenario: %s\n",
				n[i]->dir, n[nb]->dir, err);
			return NF_EXIT_USAGE;
		}
	}
	return 0;
}

int nf_compare(int argc, char **argv)
{
	struct nf_night *n[MAX_NIGHTS + 1] = {0};
	struct result r[NFIG + 32];
	struct args a;
	int rc, nr = 0, reg = 0;

	if (parse(argc, argv, &a) < 0)
		return NF_EXIT_USAGE;
	int nb = a.last - a.first;
	if ((rc = read_all(argv, &a, n)) == 0) {
		for (size_t i = 0; i < NFIG; i++)
			judge_figure(&figures[i], n, nb, n[nb], a.thr, &r[nr++]);
		nr += new_findings(n, nb, n[nb], r + nr, 32);
		for (int i = 0; i < nr; i++)
			reg += r[i].regressed;
		print_table(r, nr);
		printf("compare: %d regression%s against %d baseline run%s\n", reg, reg == 1 ? "" : "s",
		       nb, nb == 1 ? "" : "s");
		rc = write_outputs(a.out ? a.out : n[nb]->dir, r, nr, nb, reg) < 0 ? NF_EXIT_ENV
			: reg ? NF_EXIT_FINDING : NF_EXIT_CLEAN;
	}
	for (int i = 0; i <= MAX_NIGHTS; i++) {
		if (n[i])
			nf_verdict_free(&n[i]->v);
		free(n[i]);
	}
	return rc;
}
