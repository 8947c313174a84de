/* The did-you-mean of scenario keys, sections and words (see nearest.h). */
#include <string.h>

#include "nearest.h"

static size_t distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), prev[64], cur[64];

	if (la >= 63 || lb >= 63)
		return 99;
	for (size_t j = 0; j <= lb; j++)
		prev[j] = j;
	for (size_t i = 1; i <= la; i++) {
		cur[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
			size_t del = prev[j] + 1, ins = cur[j - 1] + 1;
			cur[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
		}
		memcpy(prev, cur, sizeof(cur));
	}
	return prev[lb];
}

/* the nearest candidate within a third of its length, else NULL */
const char *nf_nearest(const char *s, const char *const *cands, size_t n)
{
	const char *best = NULL;
	size_t bd = 99;

	for (size_t i = 0; i < n; i++) {
		size_t d = distance(s, cands[i]);
		if (d < bd) {
			bd = d;
			best = cands[i];
		}
	}
	return best && bd <= 1 + strlen(best) / 3 ? best : NULL;
}
