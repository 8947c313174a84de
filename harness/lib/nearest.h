/* Did you mean: the candidate nearest a misspelt word (edit distance). */
#ifndef NETFLAP_NEAREST_H
#define NETFLAP_NEAREST_H

#include <stddef.h>

/* the nearest of the n candidates within a third of its length, else NULL */
const char *nf_nearest(const char *s, const char *const *cands, size_t n);

#endif
