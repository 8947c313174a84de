/* Undo steps registered as resources are made (kselftest's defer): the
 * run's teardown runs them last-first, on every exit path. */
#ifndef NETFLAP_UNDO_H
#define NETFLAP_UNDO_H

#include <stddef.h>

#define NF_UNDO_MAX 4096 /* a 256-device fleet makes about 8 per device */

typedef void (*nf_undo_fn)(void *ctx, const char *name, long x);

struct nf_undo_step {
	nf_undo_fn fn;
	void *ctx;
	long x;
	char name[96];
};

struct nf_undo {
	struct nf_undo_step steps[NF_UNDO_MAX];
	size_t n;
};

/* Registers fn(ctx, name, x). 0 or -ENOSPC (then the caller undoes now). */
int nf_undo_push(struct nf_undo *u, nf_undo_fn fn, void *ctx, const char *name, long x);

/* Registers unlink(path) (any length: the path is copied). 0 or -errno. */
int nf_undo_push_unlink(struct nf_undo *u, const char *path);

/* Registers close(fd). 0 or -ENOSPC (then fd is closed now). */
int nf_undo_push_close(struct nf_undo *u, const char *what, int fd);

/* Runs and forgets every step, last-first. */
void nf_undo_run(struct nf_undo *u);

#endif
