/* Inside the scenario code: what scenario.c (the parser), scenario_keys.c
 * (the key table) and scenario_check.c (the checks across keys) share. Not for other files. */
#ifndef NETFLAP_SCENARIO_INT_H
#define NETFLAP_SCENARIO_INT_H

#include <stddef.h>
#include <stdint.h>

/* T_STACK: text, one of the stacks this build has (stacks.h) */
/* T_LIST: text, a comma-separated list of words (empty: none);
 * T_FAULTS: text, a fault or a weighted list of them (faults.h) */
/* T_PCT: a percentage (20, 0.5, 20%), stored in parts per million */
enum key_type { T_INT, T_DUR, T_WORD, T_TEXT, T_STACK, T_LIST, T_FAULTS, T_PCT };

struct nf_key {
	const char *section, *name;
	enum key_type type;
	size_t off, size; /* into struct nf_scenario; size for strings */
	const char *def;
	int64_t min, max;
	const char *const *words; /* T_WORD: allowed values, NULL-terminated */
	const char *help;
};

/* the key table (scenario_keys.c) and its length, at most NF_SCENARIO_MAXKEYS */
#define NF_SCENARIO_MAXKEYS 160
extern const struct nf_key nf_scenario_keys[];
size_t nf_scenario_nkeys_(void);

/* a message into err (printf-style); returns -EINVAL */
int nf_scenario_errf(char *err, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
