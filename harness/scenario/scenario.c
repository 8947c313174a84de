/* Scenario parser and printing against the key table (scenario_keys.c;
 * see scenario.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "duration.h"
#include "faults.h"
#include "impair.h"
#include "nearest.h"
#include "scenario.h"
#include "scenario_int.h"
#include "sockopts.h"
#include "stacks.h"

#define NKEYS nf_scenario_nkeys_()
#define MAXKEYS NF_SCENARIO_MAXKEYS

int nf_scenario_errf(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static const struct nf_key *find_key(const char *section, const char *name)
{
	for (size_t i = 0; i < NKEYS; i++)
		if (strcmp(nf_scenario_keys[i].section, section) == 0 && strcmp(nf_scenario_keys[i].name, name) == 0)
			return &nf_scenario_keys[i];
	return NULL;
}

static void unknown_key(const char *section, const char *name, char *hint, size_t len)
{
	const char *names[MAXKEYS], *sections[MAXKEYS];
	size_t n = 0, ns = 0;

	hint[0] = '\0';
	for (size_t i = 0; i < NKEYS; i++) {
		if (strcmp(nf_scenario_keys[i].section, section) == 0)
			names[n++] = nf_scenario_keys[i].name;
		if (!ns || strcmp(sections[ns - 1], nf_scenario_keys[i].section))
			sections[ns++] = nf_scenario_keys[i].section;
	}
	if (!find_key(section, "") && n == 0) {
		const char *s = nf_nearest(section, sections, ns);
		char all[160] = "";
		for (size_t i = 0; i < ns; i++)
			snprintf(all + strlen(all), sizeof(all) - strlen(all), "%s%s", i ? ", " : "",
				 sections[i]);
		if (s)
			snprintf(hint, len, "unknown section [%s]; did you mean [%s]?", section, s);
		else
			snprintf(hint, len, "unknown section [%s] (sections: %s)", section, all);
		return;
	}
	const char *k = nf_nearest(name, names, n);
	if (!k) { /* the right key in the wrong section? */
		for (size_t i = 0; i < NKEYS; i++)
			if (strcmp(nf_scenario_keys[i].name, name) == 0) {
				snprintf(hint, len, "unknown key '%s' in [%s]; it belongs in [%s]",
					 name, section, nf_scenario_keys[i].section);
				return;
			}
	}
	snprintf(hint, len, "unknown key '%s' in [%s]%s%s%s", name, section,
		 k ? "; did you mean '" : "", k ? k : "", k ? "'?" : " (see `netflap keys`)");
}

static int word_index(const char *const *words, const char *v)
{
	for (int i = 0; words[i]; i++)
		if (strcmp(words[i], v) == 0)
			return i;
	return -1;
}

/* 0 if v is one of words, else the message that lists them */
static int check_word(const struct nf_key *k, const char *const *words, const char *v, char *err,
		      size_t len)
{
	size_t n = 0;
	char list[400] = "";

	if (word_index(words, v) >= 0)
		return 0;
	while (words[n])
		n++;
	const char *near = nf_nearest(v, words, n);
	for (size_t i = 0; i < n; i++) {
		strncat(list, i ? ", " : "", sizeof(list) - strlen(list) - 1);
		strncat(list, words[i], sizeof(list) - strlen(list) - 1);
	}
	return nf_scenario_errf(err, len, "%s.%s = '%s': not one of %s%s%s%s", k->section, k->name, v, list,
		    near ? "; did you mean '" : "", near ? near : "", near ? "'?" : "");
}

/* the stacks built, as a NULL-terminated word list pointing into l */
static void stack_words(struct nf_stack_list *l, const char **w)
{
	nf_stacks_list(l);
	for (size_t i = 0; i < l->n; i++)
		w[i] = l->name[i];
	w[l->n] = NULL;
}

/* Sets one key from text; a message (without the location) on error. */
/* T_INT, T_DUR, T_PCT: the number, in range, stored */
static int set_number(struct nf_scenario *sc, const struct nf_key *k, const char *v, char *err,
		      size_t len)
{
	int64_t x = 0;

	switch (k->type) {
	case T_INT: {
		char *end;
		errno = 0;
		long long ll = strtoll(v, &end, 10);
		if (errno || end == v || *end)
			return nf_scenario_errf(err, len, "%s.%s = '%s': not a whole number", k->section,
				    k->name, v);
		x = ll;
		break;
	}
	case T_DUR: {
		int rc = nf_parse_duration_ms(v, &x);
		if (rc)
			return nf_scenario_errf(err, len, "%s.%s = '%s': not a duration (write 150ms, 5s, 2m)",
				    k->section, k->name, v);
		break;
	}
	case T_PCT: {
		char *end;
		errno = 0;
		double d = strtod(v, &end);
		if (*end == '%')
			end++;
		if (errno || end == v || *end || !(d >= 0 && d <= 100))
			return nf_scenario_errf(err, len, "%s.%s = '%s': not a percentage 0..100 (write 20, 0.5, 2%%)",
				    k->section, k->name, v);
		x = (int64_t)(d * 10000 + 0.5);
		break;
	}
	default:
		return -EINVAL;
	}
	if (x < k->min || x > k->max)
		return nf_scenario_errf(err, len, "%s.%s = '%s': out of range %lld..%lld%s", k->section,
			    k->name, v, (long long)k->min, (long long)k->max,
			    k->type == T_DUR ? " ms" : "");
	*(int64_t *)((char *)sc + k->off) = x;
	return 0;
}

static int set_value(struct nf_scenario *sc, const struct nf_key *k, const char *v, char *err,
		     size_t len)
{
	char *p = (char *)sc + k->off;

	switch (k->type) {
	case T_INT:
	case T_DUR:
	case T_PCT:
		return set_number(sc, k, v, err, len);
	case T_FAULTS: {
		struct nf_fault_mix m;
		char why[96];
		if (nf_fault_mix_parse(v, &m, why, sizeof(why)) < 0)
			return nf_scenario_errf(err, len, "%s.%s = '%s': %s (see `netflap keys`)", k->section,
				    k->name, v, why);
		if (strlen(v) >= k->size)
			return nf_scenario_errf(err, len, "%s.%s: value longer than %zu characters", k->section,
				    k->name, k->size - 1);
		strcpy(p, v);
		return 0;
	}
	case T_LIST: {
		char item[64];
		for (const char *q = v; *q; q += strcspn(q, ",") + (q[strcspn(q, ",")] == ',')) {
			snprintf(item, sizeof(item), "%.*s", (int)strcspn(q, ","), q);
			if (check_word(k, k->words, item, err, len) < 0)
				return -EINVAL;
		}
		if (strlen(v) >= k->size)
			return nf_scenario_errf(err, len, "%s.%s: value longer than %zu characters", k->section,
				    k->name, k->size - 1);
		strcpy(p, v);
		return 0;
	}
	case T_STACK: {
		struct nf_stack_list l;
		const char *w[NF_STACKS_MAX + 1];
		stack_words(&l, w);
		if (check_word(k, w, v, err, len) < 0)
			return -EINVAL;
	}
		/* fall through */
	case T_WORD:
	case T_TEXT:
		if (k->words && check_word(k, k->words, v, err, len) < 0)
			return -EINVAL;
		if (k->type == T_WORD) { /* stored as the word's index */
			*(int64_t *)p = word_index(k->words, v);
			return 0;
		}
		if (strlen(v) >= k->size)
			return nf_scenario_errf(err, len, "%s.%s: value longer than %zu characters", k->section,
				    k->name, k->size - 1);
		strcpy(p, v);
		return 0;
	}
	return 0;
}

void nf_scenario_defaults(struct nf_scenario *sc)
{
	char err[256];

	memset(sc, 0, sizeof(*sc));
	for (size_t i = 0; i < NKEYS; i++)
		set_value(sc, &nf_scenario_keys[i], nf_scenario_keys[i].def, err, sizeof(err));
	strcpy(sc->name, "scenario");
}

int nf_scenario_assign(struct nf_scenario *sc, const char *section, const char *name,
		       const char *value, char *msg, size_t len)
{
	const struct nf_key *k = find_key(section, name);

	if (!k) {
		unknown_key(section, name, msg, len);
		return -EINVAL;
	}
	return set_value(sc, k, value, msg, len);
}

int nf_scenario_set(struct nf_scenario *sc, const char *a, char *err, size_t errlen)
{
	const char *dot = strchr(a, '.'), *eq = strchr(a, '=');
	char section[32], name[48], msg[400];
	const struct nf_key *k;

	if (!dot || !eq || dot > eq || (size_t)(dot - a) >= sizeof(section) ||
	    (size_t)(eq - dot - 1) >= sizeof(name))
		return nf_scenario_errf(err, errlen, "--set %s: want section.key=value", a);
	snprintf(section, sizeof(section), "%.*s", (int)(dot - a), a);
	snprintf(name, sizeof(name), "%.*s", (int)(eq - dot - 1), dot + 1);
	k = find_key(section, name);
	if (!k) {
		unknown_key(section, name, msg, sizeof(msg));
		return nf_scenario_errf(err, errlen, "--set %s: %s", a, msg);
	}
	if (set_value(sc, k, eq + 1, msg, sizeof(msg)) < 0)
		return nf_scenario_errf(err, errlen, "--set: %s", msg);
	return 0;
}

static void value_text(const struct nf_scenario *sc, const struct nf_key *k, char *buf, size_t len)
{
	const char *p = (const char *)sc + k->off;

	switch (k->type) {
	case T_INT:
		snprintf(buf, len, "%lld", (long long)*(const int64_t *)p);
		break;
	case T_DUR:
		snprintf(buf, len, "%lldms", (long long)*(const int64_t *)p);
		break;
	case T_PCT:
		snprintf(buf, len, "%g", (double)*(const int64_t *)p / 10000);
		break;
	case T_WORD:
		snprintf(buf, len, "%s", k->words[*(const int64_t *)p]);
		break;
	case T_TEXT:
	case T_STACK:
	case T_LIST:
	case T_FAULTS:
		snprintf(buf, len, "%s", p);
		break;
	}
}

void nf_scenario_write_json(const struct nf_scenario *sc, FILE *f, const char *indent)
{
	const char *open = NULL;

	for (size_t i = 0; i < NKEYS; i++) {
		char v[300];
		if (!open || strcmp(open, nf_scenario_keys[i].section)) {
			fprintf(f, "%s%s\"%s\": {", open ? "},\n" : "", indent, nf_scenario_keys[i].section);
			open = nf_scenario_keys[i].section;
		} else {
			fputc(',', f);
		}
		value_text(sc, &nf_scenario_keys[i], v, sizeof(v));
		fprintf(f, "\n%s  \"%s\": \"%s\"", indent, nf_scenario_keys[i].name, v);
	}
	fprintf(f, "}\n");
}

/* troff text: a backslash is \e, a line never starts with a control character */
static void put_troff(FILE *f, const char *s)
{
	if (*s == '.' || *s == '\'')
		fputs("\\&", f);
	for (; *s; s++)
		if (*s == '\\')
			fputs("\\e", f);
		else if (*s == '-')
			fputs("\\-", f);
		else
			fputc(*s, f);
}

/* a key's allowed values or range, as `netflap keys` and the man page say them */
static void put_range(FILE *f, const struct nf_key *k, void (*put)(FILE *, const char *))
{
	const char *const *words = k->words;
	struct nf_stack_list l;
	const char *w[NF_STACKS_MAX + 1];
	char buf[96];

	if (k->type == T_STACK) {
		stack_words(&l, w);
		words = w;
	}
	if (words) {
		put(f, "(");
		for (int j = 0; words[j]; j++) {
			put(f, j ? " | " : "");
			put(f, words[j]);
		}
		put(f, ")");
	} else if (k->type == T_PCT) {
		put(f, "(0..100 %)");
	} else if (k->type == T_INT || k->type == T_DUR) {
		snprintf(buf, sizeof(buf), "(%lld..%lld%s)", (long long)k->min, (long long)k->max,
			 k->type == T_DUR ? " ms" : "");
		put(f, buf);
	}
}

static void put_plain(FILE *f, const char *s)
{
	fputs(s, f);
}

void nf_scenario_print_keys(FILE *f, bool man)
{
	for (size_t i = 0; i < NKEYS; i++) {
		const struct nf_key *k = &nf_scenario_keys[i];
		if (!man) {
			fprintf(f, "%s.%s = %s", k->section, k->name, k->def);
			if (k->words || k->type == T_STACK || k->type == T_PCT || k->type == T_INT ||
			    k->type == T_DUR)
				fputs("  ", f);
			put_range(f, k, put_plain);
			fprintf(f, "\n    %s\n", k->help);
			continue;
		}
		fprintf(f, ".TP\n.B %s.%s\n= ", k->section, k->name);
		put_troff(f, k->def[0] ? k->def : "(empty)");
		fputs("  ", f);
		put_range(f, k, put_troff);
		fputs("\n.br\n", f);
		put_troff(f, k->help);
		fputc('\n', f);
	}
}

void nf_scenario_impair(const struct nf_scenario *sc, int i, struct nf_impair_cfg *out)
{
	*out = (struct nf_impair_cfg){
	    .loss = sc->imp_loss,
	    .model = sc->imp_model,
	    .ge_p = sc->imp_ge_p,
	    .ge_r = sc->imp_ge_r,
	    .ge_bad_loss = sc->imp_ge_bad_loss,
	    .ge_good_loss = sc->imp_ge_good_loss,
	    .delay = sc->imp_delay_ms * 1000,
	    .jitter = sc->imp_jitter_ms * 1000,
	    .duplicate = sc->imp_duplicate,
	    .reorder = sc->imp_reorder,
	    .corrupt = sc->imp_corrupt,
	    .rate = sc->imp_rate,
	    .seed = sc->seed * 1009 + i, /* each device its own pattern, all from run.seed */
	};
}

size_t nf_scenario_nkeys(void)
{
	return NKEYS;
}

void nf_scenario_key(size_t i, const char **section, const char **name, const char **bad_value)
{
	static const char *const bad[] = {[T_INT] = "12x",
					  [T_DUR] = "5 parsecs",
					  [T_WORD] = "no-such-word",
					  [T_TEXT] = "no-such-word",
					  [T_STACK] = "no-such-stack",
					  [T_LIST] = "no-such-word",
					  [T_FAULTS] = "flap:0",
					  [T_PCT] = "101"};

	*section = nf_scenario_keys[i].section;
	*name = nf_scenario_keys[i].name;
	/* free text (ap.adapters) is checked by validation: give it a device that is not there */
	*bad_value = nf_scenario_keys[i].type == T_TEXT && !nf_scenario_keys[i].words ? "63" : bad[nf_scenario_keys[i].type];
}
