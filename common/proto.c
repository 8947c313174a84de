/* The control channel's names and framing (see proto.h). */
#include <errno.h>
#include <string.h>

#include "proto.h"

static const char *const verbs[] = {
#define NF_X(name, help) #name,
    NF_VERBS(NF_X)
#undef NF_X
};

static const struct {
	const char *name, *origin, *help;
} statuses[] = {
#define NF_X(name, origin, help) {#name, origin, help},
    NF_STATUSES(NF_X)
#undef NF_X
};

const char *nf_verb_name(enum nf_verb v)
{
	return v >= 0 && v < NF_VERB_COUNT ? verbs[v] : "?";
}

enum nf_verb nf_verb_of(const char *line)
{
	for (int i = 0; i < NF_VERB_COUNT; i++) {
		size_t n = strlen(verbs[i]);
		if (strncmp(line, verbs[i], n) == 0 && (line[n] == ' ' || line[n] == '\0'))
			return (enum nf_verb)i;
	}
	return NF_VERB_NONE;
}

const char *nf_status_name(enum nf_status s)
{
	return s >= 0 && s < NF_ST_COUNT ? statuses[s].name : "?";
}

const char *nf_status_help(enum nf_status s)
{
	return s >= 0 && s < NF_ST_COUNT ? statuses[s].help : "";
}

const char *nf_status_origin(enum nf_status s)
{
	return s >= 0 && s < NF_ST_COUNT ? statuses[s].origin : "";
}

int nf_status_parse(const char *word)
{
	for (int i = 0; i < NF_ST_COUNT; i++)
		if (strcmp(word, statuses[i].name) == 0)
			return i;
	return -1;
}

int nf_status_is_ok(const char *word)
{
	return strcmp(word, statuses[NF_ST_ok].name) == 0 ||
	       strcmp(word, statuses[NF_ST_cut].name) == 0 ||
	       strcmp(word, statuses[NF_ST_rebooted].name) == 0;
}

/* the in_<phase> statuses follow the phases' order (proto.h) */
enum nf_status nf_status_in_phase(int p)
{
	return p >= 0 && p < NF_PH_COUNT ? (enum nf_status)(NF_ST_in_up + p) : NF_ST_timeout;
}

int nf_status_is_under_way(const char *word)
{
	int s = nf_status_parse(word);
	return s >= NF_ST_in_up && s < NF_ST_in_up + NF_PH_COUNT;
}

_Static_assert(NF_ST_in_backoff - NF_ST_in_up == NF_PH_backoff - NF_PH_up &&
		       NF_ST_in_dad - NF_ST_in_up == NF_PH_dad - NF_PH_up &&
		       NF_ST_in_session - NF_ST_in_up == NF_PH_session,
	       "the in_<phase> statuses follow NF_PHASES");

static const char *const phases[] = {
#define NF_X(name, help) #name,
    NF_PHASES(NF_X)
#undef NF_X
};

const char *nf_phase_name(enum nf_phase p)
{
	return p >= 0 && p < NF_PH_COUNT ? phases[p] : "-";
}

int nf_phase_parse(const char *word)
{
	for (int i = 0; i < NF_PH_COUNT; i++)
		if (strcmp(word, phases[i]) == 0)
			return i;
	return -1;
}

int nf_lines_feed(struct nf_lines *l, const char *data, size_t n,
		  void (*on_line)(void *arg, const char *line), void *arg)
{
	int rc = 0;

	while (n) {
		size_t room = sizeof(l->buf) - 1 - l->len, take = n < room ? n : room;
		char *nl;

		memcpy(l->buf + l->len, data, take);
		l->len += take;
		l->buf[l->len] = '\0';
		data += take;
		n -= take;
		while ((nl = memchr(l->buf, '\n', l->len))) {
			*nl = '\0';
			on_line(arg, l->buf);
			l->len -= (size_t)(nl + 1 - l->buf);
			memmove(l->buf, nl + 1, l->len);
		}
		if (l->len == sizeof(l->buf) - 1) { /* no newline in a whole buffer */
			l->len = 0;
			rc = -EMSGSIZE;
		}
	}
	return rc;
}
