/* Durations with units, as scenario files and the device's options write
 * them: "150ms", "5s", "2m"; a bare number is milliseconds. */
#ifndef NETFLAP_DURATION_H
#define NETFLAP_DURATION_H

#include <stdint.h>

/* 0, or -EINVAL (not a duration) / -ERANGE (over a day). */
int nf_parse_duration_ms(const char *s, int64_t *ms);

#endif
