/* Report line format and parser (see report.h). */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

static const struct {
	const char *name, *help;
} fields[NF_R_COUNT] = {
#define NF_X(n, h) [NF_R_##n] = {#n, h},
    NF_REPORT_FIELDS(NF_X)
#undef NF_X
};

void nf_report_clear(struct nf_report *r)
{
	for (int i = 0; i < NF_R_COUNT; i++)
		r->v[i] = NF_UNSET;
	r->status[0] = '\0';
}

const char *nf_report_field_name(enum nf_report_field f)
{
	return f < NF_R_COUNT ? fields[f].name : NULL;
}

const char *nf_report_field_help(enum nf_report_field f)
{
	return f < NF_R_COUNT ? fields[f].help : NULL;
}

int nf_report_format(const struct nf_report *r, enum nf_verb verb, char *buf, size_t cap)
{
	size_t len = 0;
	int n;

#define APPEND(...)                                                                                \
	do {                                                                                       \
		n = snprintf(buf + len, cap - len, __VA_ARGS__);                                   \
		if (n < 0 || (size_t)n >= cap - len)                                               \
			return -ENOSPC;                                                            \
		len += (size_t)n;                                                                  \
	} while (0)

	APPEND("%s", nf_verb_name(verb));
	for (int i = 0; i < NF_R_COUNT; i++) {
		if (r->v[i] == NF_UNSET)
			APPEND(" %s=-", fields[i].name);
		else
			APPEND(" %s=%" PRId64, fields[i].name, r->v[i]);
	}
	APPEND(" status=%s\n", r->status[0] ? r->status : "-");
#undef APPEND
	return (int)len;
}

static int find_field(const char *key, size_t klen)
{
	for (int i = 0; i < NF_R_COUNT; i++)
		if (strlen(fields[i].name) == klen && memcmp(fields[i].name, key, klen) == 0)
			return i;
	return -1;
}

static int parse_int(const char *s, size_t n, int64_t *out)
{
	char tmp[24];
	char *end;

	if (n == 1 && s[0] == '-') {
		*out = NF_UNSET;
		return 0;
	}
	if (n == 0 || n >= sizeof(tmp))
		return -EINVAL;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	errno = 0;
	long long v = strtoll(tmp, &end, 10);
	if (errno || *end || v == NF_UNSET)
		return -EINVAL;
	*out = v;
	return 0;
}

int nf_report_parse(const char *line, enum nf_verb verb, struct nf_report *r, size_t *bad_at)
{
	size_t vl = strlen(nf_verb_name(verb));
	const char *p = line;

	nf_report_clear(r);
	if (nf_verb_of(line) != verb ||
	    (line[vl] != ' ' && line[vl] != '\0' && line[vl] != '\n'))
		goto bad;
	p = line + vl;
	for (;;) {
		while (*p == ' ')
			p++;
		if (*p == '\0' || *p == '\n')
			return 0;
		const char *key = p, *eq = NULL;
		while (*p && *p != ' ' && *p != '\n') {
			if (*p == '=' && !eq)
				eq = p;
			p++;
		}
		if (!eq || eq == key)
			goto bad_at_key;
		const char *val = eq + 1;
		size_t klen = (size_t)(eq - key), vlen = (size_t)(p - val);
		if (klen == 6 && memcmp(key, "status", 6) == 0) {
			if (vlen == 0 || vlen >= NF_STATUS_MAX)
				goto bad_at_key;
			for (size_t i = 0; i < vlen; i++)
				if (!isalnum((unsigned char)val[i]) && val[i] != '_' &&
				    val[i] != '-')
					goto bad_at_key;
			memcpy(r->status, val, vlen);
			r->status[vlen] = '\0';
			continue;
		}
		int f = find_field(key, klen);
		int64_t v;
		if (parse_int(val, vlen, &v) < 0)
			goto bad_at_key;
		if (f >= 0)
			r->v[f] = v;
		continue;
	bad_at_key:
		p = key;
		goto bad;
	}
bad:
	if (bad_at)
		*bad_at = (size_t)(p - line);
	return -EINVAL;
}
