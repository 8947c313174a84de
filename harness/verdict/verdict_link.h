/* One finding per cause: joins device dev's findings from index from on
 * that share a cause (verdict_link.c). Used by verdict.c only. */
#ifndef NETFLAP_VERDICT_LINK_H
#define NETFLAP_VERDICT_LINK_H

#include "rows.h"
#include "verdict.h"

void nf_verdict_link(struct nf_verdict *v, int dev, const struct nf_series *s, int from);

#endif
