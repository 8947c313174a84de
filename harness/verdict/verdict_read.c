/* verdict.json read back (see verdict.h): the report shows the verdict the
 * run wrote, never a second judgement with other settings; `netflap
 * status` the one a running run keeps. The file is ours: one finding or
 * device per line, keys in a fixed order. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "verdict.h"

/* the JSON string after "key": on line, unescaped into out */
static int json_str(const char *line, const char *key, char *out, size_t len)
{
	char pat[48];
	const char *p;
	size_t n = 0;

	snprintf(pat, sizeof(pat), "\"%s\": \"", key);
	p = strstr(line, pat);
	if (!p)
		return -ENOENT;
	for (p += strlen(pat); *p && *p != '"' && n + 1 < len; p++) {
		if (*p == '\\' && p[1])
			p++;
		out[n++] = *p;
	}
	out[n] = '\0';
	return *p == '"' ? 0 : -EINVAL;
}

static int64_t json_int(const char *line, const char *key, int64_t def)
{
	char pat[48];
	const char *p;

	snprintf(pat, sizeof(pat), "\"%s\": ", key);
	p = strstr(line, pat);
	if (!p || strncmp(p + strlen(pat), "null", 4) == 0)
		return def;
	return strtoll(p + strlen(pat), NULL, 10);
}

static int finding(struct nf_verdict *v, const char *line)
{
	char cls[32];
	struct nf_finding *f;
	bool note = strstr(line, "\"note\": true") != NULL;

	if (!(f = nf_verdict_slot(v, note)))
		return -ENOMEM;
	if (json_str(line, "class", cls, sizeof(cls)) < 0 ||
	    json_str(line, "what", f->what, sizeof(f->what)) < 0 ||
	    json_str(line, "summary", f->summary, sizeof(f->summary)) < 0) {
		(*(note ? &v->nnotes : &v->n))--;
		return -EINVAL;
	}
	f->cls = NF_NCLASSES;
	for (int c = 0; c < NF_NCLASSES; c++)
		if (strcmp(cls, nf_class_name((enum nf_class)c)) == 0)
			f->cls = (enum nf_class)c;
	if (f->cls == NF_NCLASSES) {
		(*(note ? &v->nnotes : &v->n))--;
		return -EINVAL;
	}
	f->device = (int)json_int(line, "device", 0);
	f->first_cycle = json_int(line, "first_cycle", NF_UNSET);
	f->exhaustion = json_int(line, "exhaustion_cycle", NF_UNSET);
	f->exhaustion_seen = strstr(line, "\"exhaustion_seen\": true") != NULL;
	f->predictable_from = json_int(line, "predictable_from", NF_UNSET);
	const char *sl = strstr(line, "\"slope_per_cycle\": ");
	f->slope = sl ? strtod(sl + strlen("\"slope_per_cycle\": "), NULL) : 0;
	json_str(line, "paths", f->paths, sizeof(f->paths)); /* only when several paths */
	/* "evidence": [{"cycle": C, "value": V|null[, "status": "W"]}, ...] */
	const char *ev = strstr(line, "\"evidence\": [");
	while (ev && f->nev < NF_EVIDENCE && (ev = strstr(ev, "{\"cycle\": "))) {
		long long c;
		int used = 0;
		if (sscanf(ev, "{\"cycle\": %lld, \"value\": %n", &c, &used) != 1 || !used)
			break;
		f->ev_cycle[f->nev] = c;
		f->ev_value[f->nev] = strncmp(ev + used, "null", 4) ? strtoll(ev + used, NULL, 10)
								  : NF_UNSET;
		const char *end = strchr(ev, '}');
		char word[NF_STATUS_MAX + 16] = "";
		if (end && json_str(ev, "status", word, sizeof(word)) == 0 &&
		    strstr(ev, "\"status\": ") < end)
			snprintf(f->ev_status[f->nev], NF_STATUS_MAX, "%s", word);
		f->nev++;
		ev++;
	}
	return 0;
}

/* a per_device line: what the device's rows held */
static void per_device(struct nf_verdict *v, const char *line)
{
	int d = (int)json_int(line, "device", -1);

	if (!v->seen || d < 0 || d >= v->ndev)
		return;
	v->seen[d] = (struct nf_dev_seen){
	    .rows = json_int(line, "rows", 0),
	    .ok = json_int(line, "ok_rows", 0),
	    .last_cycle = json_int(line, "done", NF_UNSET),
	    .cycles_per_row = json_int(line, "cycles_per_row", 1),
	    .judged = strstr(line, "\"judged\": true") != NULL,
	};
}

int nf_verdict_load(const char *dir, struct nf_verdict *v, char *err, size_t errlen)
{
	char path[PATH_MAX + 16], line[4096];
	int lineno = 0, rc = 0;
	FILE *f;

	memset(v, 0, sizeof(*v));
	v->planned = NF_UNSET;
	snprintf(path, sizeof(path), "%s/verdict.json", dir);
	f = fopen(path, "r");
	if (!f) {
		rc = -errno;
		snprintf(err, errlen, "%s: %s (run `netflap verdict %s` first)", path,
			 strerror(-rc), dir);
		return rc;
	}
	while (rc == 0 && fgets(line, sizeof(line), f)) {
		lineno++;
		if (strstr(line, "\"devices\": ")) {
			v->ndev = (int)json_int(line, "devices", 0);
			if (v->ndev > 0 && v->ndev <= NF_MAX_DEVICES && !v->seen)
				v->seen = calloc((size_t)v->ndev, sizeof(*v->seen));
		} else if (strstr(line, "\"end_state\": ")) {
			json_str(line, "end_state", v->end_state, sizeof(v->end_state));
		} else if (strstr(line, "\"ok_rows\": ") && !strstr(line, "\"class\"")) {
			per_device(v, line);
		} else if (strstr(line, "\"cycles\": ") && !strstr(line, "\"class\""))
			v->cycles = json_int(line, "cycles", 0);
		else if (strstr(line, "\"class\": ") && (rc = finding(v, line)) < 0)
			snprintf(err, errlen, "%s:%d: %s", path, lineno,
				 rc == -ENOMEM ? "out of memory" : "not a finding netflap wrote");
	}
	fclose(f);
	if (rc < 0)
		nf_verdict_free(v);
	return rc;
}
