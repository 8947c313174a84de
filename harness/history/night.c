/* A run folder summed up (see night.h). */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "json_read.h"
#include "night.h"
#include "rows.h"

/* the "scenario" block of run.json: one "key": "value" a line inside a
 * "section": { line; run.loops is how long, not what, and stays out */
static void scenario_keys(const char *json, struct nf_night *n)
{
	const char *p = nf_json_field(json, "scenario");
	char section[32] = "";
	uint64_t h = 1469598103934665603ULL;

	for (; p && *p && n->nkeys < NF_NIGHT_KEYS; p = strchr(p, '\n')) {
		char name[48], value[96];
		p += *p == '\n';
		while (*p == ' ')
			p++;
		const char *after = nf_json_str_at(p, name, sizeof(name));
		if (!after || *after != ':')
			continue;
		after++;
		while (*after == ' ')
			after++;
		if (*after == '{') {
			snprintf(section, sizeof(section), "%s", name);
			continue;
		}
		if (!section[0]) /* past the scenario block */
			break;
		if (!nf_json_str_at(after, value, sizeof(value)))
			continue;
		snprintf(n->key[n->nkeys], sizeof(n->key[0]), "%s.%s", section, name);
		snprintf(n->val[n->nkeys], sizeof(n->val[0]), "%s", value);
		if (strcmp(n->key[n->nkeys], "run.loops") == 0)
			continue;
		for (const char *c = n->key[n->nkeys]; *c; c++)
			h = (h ^ (uint8_t)*c) * 1099511628211ULL;
		for (const char *c = value; *c; c++)
			h = (h ^ (uint8_t)*c) * 1099511628211ULL;
		h = (h ^ '\n') * 1099511628211ULL;
		n->nkeys++;
		if (strchr(after, '}') && strchr(after, '}') < strchr(after, '\n'))
			section[0] = '\0';
	}
	n->fingerprint = h;
}

static int cmp64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

static int64_t pct(const int64_t *s, size_t n, int p)
{
	return n ? s[(n - 1) * (size_t)p / 100] : NF_UNSET; /* nearest rank, lower */
}

/* failure rate, CONNACK percentiles over ok rows, the heap's floor */
static int figures(const struct nf_rows *rows, struct nf_night *n)
{
	size_t total = 0;
	for (int d = 0; d < rows->ndev; d++)
		total += rows->dev[d].n;
	int64_t *c = malloc((total + 1) * sizeof(*c));
	size_t nc = 0;

	if (!c)
		return -ENOMEM;
	n->heap_floor = NF_UNSET;
	for (int d = 0; d < rows->ndev; d++) {
		const struct nf_series *s = &rows->dev[d];
		for (size_t i = 0; i < s->n; i++) {
			bool ok = nf_status_is_ok(s->status[i]);
			n->rows++;
			n->failed += !ok;
			if (ok && s->v[i][C_CONNACK] != NF_UNSET)
				c[nc++] = s->v[i][C_CONNACK];
			int64_t h = s->v[i][C_HEAP];
			if (h != NF_UNSET && (n->heap_floor == NF_UNSET || h < n->heap_floor))
				n->heap_floor = h;
		}
	}
	qsort(c, nc, sizeof(*c), cmp64);
	n->connack_p50 = pct(c, nc, 50);
	n->connack_p95 = pct(c, nc, 95);
	n->connack_p99 = pct(c, nc, 99);
	n->fail_rate = n->rows ? (double)n->failed / (double)n->rows : 0;
	free(c);
	return 0;
}

int nf_night_read(const char *dir, struct nf_night *n, char *err, size_t len)
{
	char path[PATH_MAX];
	struct nf_rows *rows = calloc(1, sizeof(*rows));
	int rc;

	memset(n, 0, sizeof(*n));
	snprintf(n->dir, sizeof(n->dir), "%s", dir);
	snprintf(path, sizeof(path), "%s/run.json", dir);
	char *json = nf_json_slurp(path);
	if (!json || !rows) {
		snprintf(err, len, "%s: %s", path, json ? "out of memory" : "cannot be read");
		free(json);
		free(rows);
		return json ? -ENOMEM : -ENOENT;
	}
	nf_json_str(json, "started", n->started, sizeof(n->started));
	nf_json_str(json, "run_id", n->run_id, sizeof(n->run_id));
	nf_json_str(json, "state", n->state, sizeof(n->state));
	nf_json_str(json, "name", n->stack, sizeof(n->stack)); /* the stack block's first */
	nf_json_str(json, "build_id", n->build, sizeof(n->build));
	nf_json_str(json, "scenario_file", path, sizeof(path));
	const char *base = strrchr(path, '/');
	snprintf(n->scenario, sizeof(n->scenario), "%s", base ? base + 1 : path);
	n->cycles = nf_json_int(json, "cycles_done", 0);
	scenario_keys(json, n);
	free(json);
	snprintf(path, sizeof(path), "%s/cycles.csv", dir);
	rc = nf_rows_load_run(rows, dir, err, len);
	if (rc == 0 && (rc = figures(rows, n)) < 0)
		snprintf(err, len, "%s: out of memory", path);
	nf_rows_free(rows);
	free(rows);
	if (rc == 0)
		rc = nf_verdict_load(dir, &n->v, err, len);
	return rc;
}

int nf_night_differs(const struct nf_night *a, const struct nf_night *b, char *what, size_t len)
{
	if (a->fingerprint == b->fingerprint)
		return 0;
	for (int i = 0; i < a->nkeys; i++) {
		int j = 0;
		while (j < b->nkeys && strcmp(a->key[i], b->key[j]))
			j++;
		if (j == b->nkeys || strcmp(a->val[i], b->val[j])) {
			snprintf(what, len, "%s: '%s' vs '%s'", a->key[i], a->val[i],
				 j == b->nkeys ? "(absent)" : b->val[j]);
			return 1;
		}
	}
	snprintf(what, len, "keys present in one run only");
	return 1;
}
