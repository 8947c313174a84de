/* `netflap history DIR...`: run folders in one table, a row each, as CSV
 * (stdout or --csv FILE) and JSON (--json FILE). One list of columns. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "exitcode.h"
#include "night.h"

/* the findings as "class/what:slope;..." */
static void findings(const struct nf_night *n, char *out, size_t len)
{
	size_t at = 0;

	out[0] = '\0';
	for (int i = 0; i < n->v.n && at < len; i++) {
		int k = snprintf(out + at, len - at, "%s%s/%s:%.3g", i ? ";" : "",
				 nf_class_name(n->v.f[i].cls), n->v.f[i].what, n->v.f[i].slope);
		at += k > 0 ? (size_t)k : 0;
	}
}

static void num(char *b, size_t len, int64_t v)
{
	if (v == NF_UNSET)
		b[0] = '\0';
	else
		snprintf(b, len, "%" PRId64, v);
}

#define HISTORY_COLUMNS(X)                                                                         \
	X(started, "%s", n->started)                                                               \
	X(run_id, "%s", n->run_id)                                                                 \
	X(dir, "%s", n->dir)                                                                       \
	X(scenario, "%s", n->scenario)                                                             \
	X(fingerprint, "%016" PRIx64, n->fingerprint)                                             \
	X(stack, "%s", n->stack)                                                                   \
	X(build, "%s", n->build)                                                                   \
	X(state, "%s", n->state)                                                                   \
	X(cycles, "%" PRId64, n->cycles)                                                           \
	X(rows, "%" PRId64, n->rows)                                                               \
	X(fail_rate, "%.6f", n->fail_rate)                                                         \
	X(lease_p50_ms, "%s", pc[NF_T_lease][0])                                                   \
	X(lease_p95_ms, "%s", pc[NF_T_lease][1])                                                   \
	X(lease_p99_ms, "%s", pc[NF_T_lease][2])                                                   \
	X(dns_p50_ms, "%s", pc[NF_T_dns][0])                                                       \
	X(dns_p95_ms, "%s", pc[NF_T_dns][1])                                                       \
	X(dns_p99_ms, "%s", pc[NF_T_dns][2])                                                       \
	X(tcp_p50_ms, "%s", pc[NF_T_tcp][0])                                                       \
	X(tcp_p95_ms, "%s", pc[NF_T_tcp][1])                                                       \
	X(tcp_p99_ms, "%s", pc[NF_T_tcp][2])                                                       \
	X(tls_handshake_p50_ms, "%s", pc[NF_T_tls_handshake][0])                                   \
	X(tls_handshake_p95_ms, "%s", pc[NF_T_tls_handshake][1])                                   \
	X(tls_handshake_p99_ms, "%s", pc[NF_T_tls_handshake][2])                                   \
	X(connack_p50_ms, "%s", pc[NF_T_connack][0])                                               \
	X(connack_p95_ms, "%s", pc[NF_T_connack][1])                                               \
	X(connack_p99_ms, "%s", pc[NF_T_connack][2])                                               \
	X(heap_floor, "%s", floor)                                                                 \
	X(findings, "%d", n->v.n)                                                                  \
	X(finding_slopes, "%s", fs)

/* a CSV field, quoted (RFC 4180) when it holds a comma, a quote or a newline */
static void csv_put(FILE *f, const char *s)
{
	if (!strpbrk(s, ",\"\n")) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

static void row(FILE *csv, FILE *js, const struct nf_night *n, bool first)
{
	char pc[NF_NTIMINGS][3][24], floor[24], fs[1024], cell[1100];

	for (int t = 0; t < NF_NTIMINGS; t++)
		for (int k = 0; k < 3; k++)
			num(pc[t][k], sizeof(pc[t][k]), n->pct[t][k]);
	num(floor, sizeof(floor), n->heap_floor);
	findings(n, fs, sizeof(fs));
	int c = 0;
#define NF_X(name, fmt, val)                                                                       \
	snprintf(cell, sizeof(cell), fmt, val);                                                    \
	if (csv) {                                                                                 \
		fputs(c ? "," : "", csv);                                                          \
		csv_put(csv, cell);                                                                \
	}                                                                                          \
	if (js) {                                                                                  \
		fprintf(js, "%s\"%s\": ", c ? ", " : (first ? "\n  {" : ",\n  {"), #name);        \
		nf_put_json_string(js, cell);                                                      \
	}                                                                                          \
	c++;
	HISTORY_COLUMNS(NF_X)
#undef NF_X
	if (csv)
		fputc('\n', csv);
	if (js)
		fputc('}', js);
}

static FILE *open_out(const char *path)
{
	FILE *f = fopen(path, "w");

	if (!f)
		fprintf(stderr, "netflap history: %s: %s\n", path, strerror(errno));
	return f;
}

int nf_history(int argc, char **argv)
{
	static const struct option lo[] = {{"csv", required_argument, NULL, 'c'},
					   {"json", required_argument, NULL, 'j'},
					   {0, 0, 0, 0}};
	const char *csv_path = NULL, *json_path = NULL;
	int c, rc = NF_EXIT_CLEAN;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		if (c == 'c')
			csv_path = optarg;
		else if (c == 'j')
			json_path = optarg;
		else
			return NF_EXIT_USAGE;
	}
	if (optind >= argc) {
		fprintf(stderr, "usage: netflap history RUN_DIR... [--csv FILE] [--json FILE]\n");
		return NF_EXIT_USAGE;
	}
	FILE *csv = csv_path ? open_out(csv_path) : stdout;
	FILE *js = json_path ? open_out(json_path) : NULL;
	struct nf_night *n = calloc(1, sizeof(*n));
	if (!csv || (json_path && !js) || !n) {
		rc = NF_EXIT_ENV;
		goto out;
	}
	const char *sep = "";
#define NF_X(name, fmt, val) fprintf(csv, "%s%s", sep, #name), sep = ",";
	HISTORY_COLUMNS(NF_X)
#undef NF_X
	fputc('\n', csv);
	if (js)
		fputc('[', js);
	for (int i = optind, first = 1; i < argc; i++) {
		char err[600];
		if (nf_night_read(argv[i], n, err, sizeof(err)) < 0) {
			fprintf(stderr, "netflap history: %s\n", err); /* the others still listed */
			rc = NF_EXIT_ENV;
			continue;
		}
		row(csv, js, n, first);
		nf_verdict_free(&n->v);
		first = 0;
	}
	if (js)
		fputs("\n]\n", js);
out:
	if (csv && csv != stdout)
		fclose(csv);
	if (js)
		fclose(js);
	free(n);
	return rc;
}
