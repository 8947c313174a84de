/* Undo stack (see undo.h). */
#include <errno.h>
#include <stdio.h>

#include "undo.h"

int nf_undo_push(struct nf_undo *u, nf_undo_fn fn, void *ctx, const char *name, long x)
{
	if (u->n == NF_UNDO_MAX)
		return -ENOSPC;
	struct nf_undo_step *s = &u->steps[u->n++];
	s->fn = fn;
	s->ctx = ctx;
	s->x = x;
	snprintf(s->name, sizeof(s->name), "%s", name ? name : "");
	return 0;
}

void nf_undo_run(struct nf_undo *u)
{
	while (u->n) {
		struct nf_undo_step *s = &u->steps[--u->n];
		s->fn(s->ctx, s->name, s->x);
	}
}
