/* A counted heap for mbedTLS (device.tls_heap): every block's size kept in
 * a header, so what TLS holds now, its peak and its failures are known
 * whichever heap gives the memory: lwIP's own (mem_malloc: TLS and the
 * stack compete, as on an MCU that hands mbedTLS the lwIP heap) or the
 * host's (a separate heap). Thread-safe. */
#ifndef NETFLAP_TLS_HEAP_H
#define NETFLAP_TLS_HEAP_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

struct nf_heap_backend {
	void *(*alloc)(size_t n); /* NULL when out of memory */
	void (*release)(void *p);
};

extern const struct nf_heap_backend nf_heap_host;
extern const struct nf_heap_backend nf_heap_lwip; /* tls_lwip.c */

struct nf_heap_figures {
	int64_t used;   /* bytes the callers hold now (headers not counted) */
	int64_t peak;   /* the most they held since the last nf_heap_mark() */
	int64_t blocks; /* blocks held now */
	int64_t fails;  /* allocations refused, ever */
};

struct nf_heap {
	const struct nf_heap_backend *be;
	size_t limit; /* 0: what the backend gives; else at most this many bytes held */
	pthread_mutex_t mu;
	struct nf_heap_figures f;
};

void nf_heap_init(struct nf_heap *h, const struct nf_heap_backend *be, size_t limit);
void nf_heap_destroy(struct nf_heap *h);
/* calloc(): zeroed, NULL on overflow, over the limit, or the backend's NULL */
void *nf_heap_calloc(struct nf_heap *h, size_t n, size_t size);
void nf_heap_free(struct nf_heap *h, void *p);
void nf_heap_figures(struct nf_heap *h, struct nf_heap_figures *out);
/* the peak starts again from what is held now (one attempt's peak) */
void nf_heap_mark(struct nf_heap *h);

#endif
