/* Inside the scenario code: what scenario.c (the key table) and
 * scenario_check.c (the checks across keys) share. Not for other files. */
#ifndef NETFLAP_SCENARIO_INT_H
#define NETFLAP_SCENARIO_INT_H

#include <stddef.h>

/* a message into err (printf-style); returns -EINVAL */
int nf_scenario_errf(char *err, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
