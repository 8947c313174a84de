/* Which path leaks: a slot leak split by cut phase and by fault, when a
 * device's rows walked more than one (verdict_path.c). */
#ifndef NETFLAP_VERDICT_PATH_H
#define NETFLAP_VERDICT_PATH_H

#include "rows.h"
#include "verdict.h"

/* fills the paths text of device dev's slot-leak findings from index from */
void nf_verdict_paths(struct nf_verdict *v, int dev, const struct nf_series *s, int from);

#endif
