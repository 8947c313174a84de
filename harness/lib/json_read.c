/* Our own flat JSON read back (see json_read.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_read.h"

#define SLURP_MAX 65536

char *nf_json_slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = f ? calloc(1, SLURP_MAX) : NULL;

	if (buf && fread(buf, 1, SLURP_MAX - 1, f) == 0) {
		free(buf);
		buf = NULL;
	}
	if (f)
		fclose(f);
	return buf;
}

const char *nf_json_field(const char *json, const char *key)
{
	char pat[64];
	snprintf(pat, sizeof(pat), "\"%s\": ", key);
	const char *p = json ? strstr(json, pat) : NULL;
	return p ? p + strlen(pat) : NULL;
}

const char *nf_json_str_at(const char *p, char *out, size_t len)
{
	size_t k = 0;

	out[0] = '\0';
	if (!p || *p++ != '"')
		return NULL;
	for (; *p && *p != '"'; p++) {
		if (*p == '\\' && p[1])
			p++;
		if (k + 1 < len)
			out[k++] = *p;
	}
	out[k] = '\0';
	return *p == '"' ? p + 1 : NULL;
}

int nf_json_str(const char *json, const char *key, char *out, size_t len)
{
	return nf_json_str_at(nf_json_field(json, key), out, len) ? 0 : -ENOENT;
}

int64_t nf_json_int(const char *json, const char *key, int64_t def)
{
	const char *p = nf_json_field(json, key);

	if (!p || strncmp(p, "null", 4) == 0)
		return def;
	return strtoll(*p == '"' ? p + 1 : p, NULL, 10);
}
