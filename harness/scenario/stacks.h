/* The stacks this build has: one manifest per lwIP stack in the stacks/
 * folder next to the netflap binary (written by the configure step, see
 * lwip-port/cmake/lwip_tree.cmake; format in results/README.md), plus
 * `linux`, the host kernel's sockets. */
#ifndef NETFLAP_STACKS_H
#define NETFLAP_STACKS_H

#include <stddef.h>
#include <stdio.h>

#define NF_STACKS_MAX 64
#define NF_STACK_NAME_MAX 48

struct nf_stack_list {
	size_t n;
	char name[NF_STACKS_MAX][NF_STACK_NAME_MAX]; /* sorted; "linux" last */
};

/* The manifests' folder: $NETFLAP_STACKS_DIR, else stacks/ beside the
 * running binary or one folder up (test binaries). 0 or -ENOENT. */
int nf_stacks_dir(char *buf, size_t len);

/* Every stack built, then "linux". Never fails: no folder means only linux. */
void nf_stacks_list(struct nf_stack_list *out);

/* 1 if name is in the list, else 0. */
int nf_stacks_has(const struct nf_stack_list *l, const char *name);

/* The value of key in stack name's manifest (the first, for repeated keys).
 * 0, -ENOENT (no manifest or key) or -ENAMETOOLONG. */
int nf_stack_field(const char *name, const char *key, char *out, size_t len);

/* Stack name's manifest as a JSON object (patches a list); for linux, the
 * host kernel. 0 or -errno. */
int nf_stack_write_json(const char *name, FILE *f, const char *indent);

#endif
