/* The verdict's outputs (see verdict.h): verdict.json, junit.xml, the
 * summary, and `netflap verdict RUN_DIR` reading a run folder. */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "escape.h"
#include "json_read.h"
#include "verdict.h"

static void json_int_or_null(FILE *f, int64_t x)
{
	if (x == NF_UNSET)
		fputs("null", f);
	else
		fprintf(f, "%" PRId64, x);
}

/* one finding or note, on one line (verdict_read.c reads it back) */
static void json_finding(FILE *f, const struct nf_finding *x, bool note)
{
	fprintf(f,
		"\n    {\"device\": %d, \"class\": \"%s\", \"what\": \"%s\", "
		"\"first_cycle\": ",
		x->device, nf_class_name(x->cls), x->what);
	json_int_or_null(f, x->first_cycle);
	fprintf(f, ", \"slope_per_cycle\": %.6g, ", x->slope);
	if (note)
		fputs("\"note\": true, ", f);
	fputs("\"exhaustion_cycle\": ", f);
	json_int_or_null(f, x->exhaustion);
	fprintf(f, ", \"exhaustion_seen\": %s, \"predictable_from\": ",
		x->exhaustion_seen ? "true" : "false");
	json_int_or_null(f, x->predictable_from);
	fputs(", \"summary\": ", f);
	nf_put_json_string(f, x->summary);
	if (x->paths[0]) {
		fputs(", \"paths\": ", f);
		nf_put_json_string(f, x->paths);
	}
	/* a value is a number or null (none in that row), never the unset marker */
	fputs(", \"evidence\": [", f);
	for (int k = 0; k < x->nev; k++) {
		fprintf(f, "%s{\"cycle\": %" PRId64 ", \"value\": ", k ? ", " : "", x->ev_cycle[k]);
		json_int_or_null(f, x->ev_value[k]);
		if (x->ev_status[k][0]) {
			fputs(", \"status\": ", f);
			nf_put_json_string(f, x->ev_status[k]);
		}
		fputc('}', f);
	}
	fputs("]}", f);
}

const char *nf_verdict_who(int device, char *buf, size_t len)
{
	if (device == NF_FLEET)
		snprintf(buf, len, "fleet");
	else
		snprintf(buf, len, "device %d", device);
	return buf;
}

/* what each device's rows held, and the exemptions applied: what a clean
 * verdict let pass is said too */
static void json_seen(const struct nf_verdict *v, FILE *f)
{
	fputs(",\n  \"per_device\": [", f);
	for (int d = 0; v->seen && d < v->ndev; d++) {
		const struct nf_dev_seen *x = &v->seen[d];
		fprintf(f, "%s\n    {\"device\": %d, \"planned\": ", d ? "," : "", d);
		json_int_or_null(f, v->planned);
		fputs(", \"done\": ", f);
		json_int_or_null(f, x->last_cycle);
		fprintf(f,
			", \"rows\": %" PRId64 ", \"ok_rows\": %" PRId64 ", \"cycles_per_row\": %" PRId64
			", \"judged\": %s}",
			x->rows, x->ok, x->cycles_per_row ? x->cycles_per_row : 1,
			x->judged ? "true" : "false");
	}
	fprintf(f, "%s],\n  \"exemptions\": [", v->seen && v->ndev ? "\n  " : "");
	for (int e = 0; e < NF_NEXEMPT; e++) {
		fprintf(f, "%s\n    {\"exemption\": \"%s\", \"count\": %" PRId64 ", \"why\": ",
			e ? "," : "", nf_exempt_name((enum nf_exempt)e), v->exempt[e]);
		nf_put_json_string(f, nf_exempt_why((enum nf_exempt)e));
		fputc('}', f);
	}
	fputs("\n  ]", f);
}

void nf_verdict_json(const struct nf_verdict *v, FILE *f)
{
	fprintf(f,
		"{\n  \"version\": 1,\n  \"clean\": %s,\n  \"devices\": %d,\n  \"cycles\": %" PRId64
		",\n  \"planned_cycles\": ",
		v->n || v->unjudged || v->lost ? "false" : "true", v->ndev, v->cycles);
	json_int_or_null(f, v->planned);
	fputs(",\n  \"end_state\": ", f);
	if (v->end_state[0])
		nf_put_json_string(f, v->end_state);
	else
		fputs("null", f);
	fprintf(f, ",\n  \"rows_dropped\": %zu,\n  \"lines_refused\": ", v->rows_dropped);
	json_int_or_null(f, v->lines_refused);
	fputs(",\n  \"capture_dropped\": ", f);
	json_int_or_null(f, v->capture_dropped);
	fprintf(f, ",\n  \"devices_judged\": %d,\n  \"findings_lost\": %zu", v->ndev - v->unjudged,
		v->lost);
	json_seen(v, f);
	fputs(",\n  \"findings\": [", f);
	for (int i = 0; i < v->n; i++) {
		fputs(i ? "," : "", f);
		json_finding(f, &v->f[i], false);
	}
	fprintf(f, "%s],\n  \"notes\": [", v->n ? "\n  " : "");
	for (int i = 0; i < v->nnotes; i++) {
		fputs(i ? "," : "", f);
		json_finding(f, &v->notes[i], true);
	}
	fprintf(f, "%s]\n}\n", v->nnotes ? "\n  " : "");
}

/* one testsuite: device d's, or the fleet's (NF_FLEET) */
static void junit_suite(const struct nf_verdict *v, int d, FILE *f)
{
	char who[24];
	int fails = 0;

	for (int i = 0; i < v->n; i++)
		fails += v->f[i].device == d;
	nf_verdict_who(d, who, sizeof(who));
	if (d != NF_FLEET)
		snprintf(who, sizeof(who), "device%d", d);
	fprintf(f, "  <testsuite name=\"%s\" tests=\"%d\" failures=\"%d\">\n", who,
		NF_NCLASSES, fails);
	for (int c = 0; c < NF_NCLASSES; c++) {
		fprintf(f, "    <testcase classname=\"netflap.%s\" name=\"%s\"", who,
			nf_class_name((enum nf_class)c));
		bool any = false;
		for (int i = 0; i < v->n; i++) {
			const struct nf_finding *x = &v->f[i];
			if (x->device != d || x->cls != (enum nf_class)c)
				continue;
			if (!any)
				fputs(">\n", f);
			any = true;
			fputs("      <failure message=\"", f);
			nf_put_xml_text(f, x->summary, strlen(x->summary));
			fputs("\">", f);
			for (int k = 0; k < x->nev; k++) {
				fprintf(f, "cycle %" PRId64 ": %s ", x->ev_cycle[k], x->what);
				if (x->ev_value[k] != NF_UNSET)
					fprintf(f, "%" PRId64 " ", x->ev_value[k]);
				fprintf(f, "%s\n", x->ev_status[k]);
			}
			fputs("</failure>\n", f);
		}
		fputs(any ? "    </testcase>\n" : "/>\n", f);
	}
	fputs("  </testsuite>\n", f);
}

void nf_verdict_junit(const struct nf_verdict *v, FILE *f)
{
	bool fleet = false;

	for (int i = 0; i < v->n; i++)
		fleet |= v->f[i].device == NF_FLEET;
	fprintf(f,
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<testsuites name=\"netflap\" tests=\"%d\" failures=\"%d\">\n",
		(v->ndev + fleet) * NF_NCLASSES, v->n);
	for (int d = 0; d < v->ndev; d++)
		junit_suite(v, d, f);
	if (fleet)
		junit_suite(v, NF_FLEET, f);
	fputs("</testsuites>\n", f);
}

void nf_verdict_summary(const struct nf_verdict *v, FILE *f)
{
	char who[24];

	for (int i = 0; i < v->n; i++) {
		nf_verdict_who(v->f[i].device, who, sizeof(who));
		fprintf(f, "%s: %s (%s): %s\n", who, nf_class_name(v->f[i].cls), v->f[i].what,
			v->f[i].summary);
		if (v->f[i].paths[0])
			fprintf(f, "%s:   %s\n", who, v->f[i].paths);
	}
	for (int i = 0; i < v->nnotes; i++)
		fprintf(f, "%s: note: %s (%s): %s\n",
			nf_verdict_who(v->notes[i].device, who, sizeof(who)),
			nf_class_name(v->notes[i].cls), v->notes[i].what, v->notes[i].summary);
	int64_t fold = 1;
	for (int d = 0; v->seen && d < v->ndev; d++)
		fold = v->seen[d].cycles_per_row > fold ? v->seen[d].cycles_per_row : fold;
	if (fold > 1) /* bounded memory: what a finding cites is that coarse */
		fprintf(f, "verdict: rows folded to bound memory: up to %" PRId64
			" cycles per row, cycles cited to within that\n", fold);
	if (v->unjudged)
		fprintf(f, "verdict: %d of %d devices could not be judged (out of memory): not clean\n",
			v->unjudged, v->ndev);
	if (v->lost)
		fprintf(f, "verdict: %zu findings could not be kept (out of memory): not clean\n",
			v->lost);
	if (!v->n && !v->unjudged && !v->lost)
		fprintf(f, "verdict: clean (%d device%s, %" PRId64 " cycles)\n", v->ndev,
			v->ndev == 1 ? "" : "s", v->cycles);
	else
		fprintf(f, "verdict: %d finding%s\n", v->n, v->n == 1 ? "" : "s");
}

/* rows judged with run.json's verdict keys, and what run.json says of the
 * run (planned cycles, end state, lines refused, capture drops) */
void nf_verdict_of_rows(const char *dir, const struct nf_rows *rows, struct nf_verdict *v)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/run.json", dir);
	char *run = nf_json_slurp(path);
	struct nf_verdict_cfg cfg = {
	    .settle_cycles = nf_json_int(run, "settle_cycles", 2),
	    .stall_cycles = nf_json_int(run, "stall_cycles", 3),
	};
	char cert[16] = ""; /* run.json names the broker's certificate only with device.tls */
	if (nf_json_field(run, "broker_cert") &&
	    nf_json_str(run, "tls_cert", cert, sizeof(cert)) == 0 && strcmp(cert, "good"))
		snprintf(cfg.bad_cert, sizeof(cfg.bad_cert), "%s", cert);
	nf_verdict_compute(rows, &cfg, v);
	v->rows_dropped = rows->bad_lines;
	v->planned = nf_json_int(run, "loops", NF_UNSET);
	v->lines_refused = nf_json_int(run, "lines_refused", NF_UNSET);
	v->capture_dropped = nf_json_int(run, "capture_dropped", NF_UNSET);
	if (v->capture_dropped < 0)
		v->capture_dropped = NF_UNSET;
	nf_json_str(run, "state", v->end_state, sizeof(v->end_state));
	free(run);
}

static int of_dir(const char *dir, size_t max_rows, struct nf_verdict *v, char *err,
		  size_t errlen)
{
	struct nf_rows rows;
	int rc = nf_rows_load_run_max(&rows, dir, max_rows, err, errlen);

	if (rc == 0) {
		if (rows.bad_lines)
			fprintf(stderr, "netflap: %s/cycles.csv: %zu torn or malformed line%s skipped\n", dir,
				rows.bad_lines, rows.bad_lines == 1 ? "" : "s");
		nf_verdict_of_rows(dir, &rows, v);
		nf_rows_free(&rows);
	}
	return rc;
}

int nf_verdict_of_dir(const char *dir, struct nf_verdict *v, char *err, size_t errlen)
{
	return of_dir(dir, NF_ROWS_BUDGET, v, err, errlen);
}

int nf_verdict_write(const char *dir, const struct nf_verdict *v, char *err, size_t errlen)
{
	static const struct {
		const char *name;
		void (*write)(const struct nf_verdict *, FILE *);
	} outs[] = {{"verdict.json", nf_verdict_json}, {"junit.xml", nf_verdict_junit}};
	char tmp[PATH_MAX + 32], dst[PATH_MAX + 16];

	for (size_t i = 0; i < sizeof(outs) / sizeof(outs[0]); i++) {
		/* the writer's pid in the temporary name: a run judging as it goes
		 * and a `netflap verdict` beside it never share one */
		snprintf(tmp, sizeof(tmp), "%s/%s.%d.tmp", dir, outs[i].name, (int)getpid());
		snprintf(dst, sizeof(dst), "%s/%s", dir, outs[i].name);
		FILE *f = fopen(tmp, "w");
		if (!f) {
			snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
			return -errno;
		}
		outs[i].write(v, f);
		if (fclose(f) || rename(tmp, dst) < 0) {
			int e = errno;
			snprintf(err, errlen, "%s: %s", dst, strerror(e));
			unlink(tmp);
			return -e;
		}
	}
	return 0;
}

int nf_verdict_run_dir(const char *dir, bool quiet, size_t max_rows)
{
	struct nf_verdict v = {0};
	char err[PATH_MAX + 64];

	int rc = of_dir(dir, max_rows, &v, err, sizeof(err));
	if (rc < 0) { /* no such run folder is the caller's; rows that cannot be read, ours */
		fprintf(stderr, "netflap: %s\n", err);
		return rc == -ENOENT || rc == -EINVAL ? 2 : 3;
	}
	rc = v.unjudged || v.lost ? 3 : v.n ? 1 : 0;
	if (nf_verdict_write(dir, &v, err, sizeof(err)) < 0) {
		fprintf(stderr, "netflap: %s\n", err);
		rc = 3;
	} else if (!quiet) {
		nf_verdict_summary(&v, stdout);
	}
	nf_verdict_free(&v);
	return rc;
}
