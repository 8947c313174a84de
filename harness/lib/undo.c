/* Undo stack (see undo.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

static void undo_unlink(void *ctx, const char *name, long x)
{
	(void)name;
	(void)x;
	unlink(ctx);
	free(ctx);
}

int nf_undo_push_unlink(struct nf_undo *u, const char *path)
{
	char *copy = strdup(path);

	if (!copy)
		return -ENOMEM;
	if (nf_undo_push(u, undo_unlink, copy, "unlink", 0) < 0) {
		unlink(copy);
		free(copy);
		return -ENOSPC;
	}
	return 0;
}

static void undo_close(void *ctx, const char *name, long fd)
{
	(void)ctx;
	(void)name;
	close((int)fd);
}

int nf_undo_push_close(struct nf_undo *u, const char *what, int fd)
{
	if (nf_undo_push(u, undo_close, NULL, what, fd) < 0) {
		close(fd);
		return -ENOSPC;
	}
	return 0;
}
