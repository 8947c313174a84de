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

/* failure rate (rows by the cycles they stand for), each phase's
 * percentiles over ok rows and the heap's floor (counted as read: exact when folded) */
static void figures(const struct nf_rows *rows, struct nf_night *n)
{
	for (int d = 0; d < rows->ndev; d++) {
		const struct nf_series *s = &rows->dev[d];
		for (size_t i = 0; i < s->n; i++) {
			n->rows += nf_row_weight(s, i);
			n->failed += nf_status_is_ok(s->status[i]) ? 0 : nf_row_weight(s, i);
		}
	}
	for (int t = 0; t < NF_NTIMINGS; t++)
		for (int k = 0; k < 3; k++)
			n->pct[t][k] = nf_timing_pct(&rows->timing[t], nf_night_pcts[k]);
	n->heap_floor = rows->heap_floor;
	n->fail_rate = n->rows ? (double)n->failed / (double)n->rows : 0;
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
	rc = nf_rows_load_run(rows, dir, err, len);
	if (rc == 0)
		figures(rows, n);
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
