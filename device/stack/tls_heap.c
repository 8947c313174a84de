/* The counted heap (see tls_heap.h). */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "tls_heap.h"

/* the header before each block: its size, padded so the block keeps the
 * alignment malloc and lwIP's MEM_ALIGNMENT give */
#define HDR 16

const struct nf_heap_backend nf_heap_host = {malloc, free};

void nf_heap_init(struct nf_heap *h, const struct nf_heap_backend *be, size_t limit)
{
	*h = (struct nf_heap){.be = be, .limit = limit};
	pthread_mutex_init(&h->mu, NULL);
}

void nf_heap_destroy(struct nf_heap *h)
{
	pthread_mutex_destroy(&h->mu);
}

void *nf_heap_calloc(struct nf_heap *h, size_t n, size_t size)
{
	size_t bytes;
	uint8_t *p = NULL;

	if (__builtin_mul_overflow(n, size, &bytes) || bytes > SIZE_MAX - HDR)
		goto refused;
	pthread_mutex_lock(&h->mu);
	bool room = !h->limit || (size_t)h->f.used + bytes <= h->limit;
	pthread_mutex_unlock(&h->mu);
	if (!room || !(p = h->be->alloc(bytes + HDR)))
		goto refused;
	memcpy(p, &bytes, sizeof(bytes));
	memset(p + HDR, 0, bytes);
	pthread_mutex_lock(&h->mu);
	h->f.used += (int64_t)bytes;
	h->f.blocks++;
	if (h->f.used > h->f.peak)
		h->f.peak = h->f.used;
	pthread_mutex_unlock(&h->mu);
	return p + HDR;
refused:
	pthread_mutex_lock(&h->mu);
	h->f.fails++;
	pthread_mutex_unlock(&h->mu);
	return NULL;
}

void nf_heap_free(struct nf_heap *h, void *p)
{
	size_t bytes;

	if (!p)
		return;
	uint8_t *b = (uint8_t *)p - HDR;
	memcpy(&bytes, b, sizeof(bytes));
	pthread_mutex_lock(&h->mu);
	h->f.used -= (int64_t)bytes;
	h->f.blocks--;
	pthread_mutex_unlock(&h->mu);
	h->be->release(b);
}

void nf_heap_figures(struct nf_heap *h, struct nf_heap_figures *out)
{
	pthread_mutex_lock(&h->mu);
	*out = h->f;
	pthread_mutex_unlock(&h->mu);
}

void nf_heap_mark(struct nf_heap *h)
{
	pthread_mutex_lock(&h->mu);
	h->f.peak = h->f.used;
	pthread_mutex_unlock(&h->mu);
}
