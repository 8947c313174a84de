/* The probe: reads lwIP's socket table, heap and pool statistics without
 * changing sockets.c. Compiled into every variant library. */
#include <errno.h>
#include <string.h>

#include "lwip/mem.h"
#include "lwip/memp.h"
#include "lwip/priv/sockets_priv.h"
#include "lwip/priv/tcp_priv.h"
#include "lwip/sockets.h"
#include "lwip/stats.h"
#include "lwip/tcpip.h"

#include "nf_probe.h"
#include "nf_stack_info.h" /* generated per stack (lwip_tree.cmake) */

#ifndef NETFLAP_VARIANT
#error "NETFLAP_VARIANT must name the sockets.c variant"
#endif

/* Slots pinned to enforce the run-time limit; guarded by SYS_ARCH_PROTECT
 * like the socket table itself. */
static unsigned char limit_pinned[NUM_SOCKETS];
static int socket_limit = NUM_SOCKETS;

/* A patch that adds `closing` to struct lwip_sock defines
 * LWIP_SOCK_HAS_CLOSING next to it (see lwip-port/patches/). */
static int slot_closing(const struct lwip_sock *s)
{
#ifdef LWIP_SOCK_HAS_CLOSING
	return s->closing != 0;
#else
	(void)s;
	return 0;
#endif
}

/* fd_used (LWIP_NETCONN_FULLDUPLEX) counts threads inside a slot: a slot
 * with conn cleared and fd_used held is pinned. Without full duplex lwIP
 * has no such count, and no slot is ever pinned; nor in a tree whose
 * struct lwip_sock has no fd_used (2.0.x: netflap's generated
 * sockets_priv.h says so). */
#if LWIP_NETCONN_FULLDUPLEX && !defined(NF_SOCK_NO_FD_USED)
#define NF_SLOT_PINNING 1
#else
#define NF_SLOT_PINNING 0
#endif
int nf_probe_pins_slots(void)
{
	return NF_SLOT_PINNING;
}

#if NF_SLOT_PINNING
#define SLOT_FD_USED(s) ((s)->fd_used)
#else
#define SLOT_FD_USED(s) 0
#endif

#ifdef NF_SOCK_SELECT_WAITING_PINS
#define SLOT_STUCK(s) ((s)->select_waiting != 0)
#else
#define SLOT_STUCK(s) 0
#endif

static void read_sockets(struct nf_probe *p)
{
	SYS_ARCH_DECL_PROTECT(lev);

	p->num_sockets = NUM_SOCKETS;
	p->lowest_free_slot = -1;
	SYS_ARCH_PROTECT(lev);
	p->socket_limit = socket_limit;
	for (int i = 0; i < NUM_SOCKETS; i++) {
		struct lwip_sock *s = lwip_socket_dbg_get_socket(i + LWIP_SOCKET_OFFSET);

		if (s->conn) {
			p->slots_in_use++;
			p->slots_closing += slot_closing(s);
		} else if (SLOT_FD_USED(s) && !limit_pinned[i]) {
			p->slots_pinned++;
		} else if (SLOT_STUCK(s)) {
			p->slots_stuck++;
		} else if (!SLOT_FD_USED(s) && p->lowest_free_slot < 0) {
			p->lowest_free_slot = i;
		}
	}
	SYS_ARCH_UNPROTECT(lev);
}

/* The heap bytes the block at ptr takes, as mem_free() will count them
 * back in lwIP's statistics, or -1 where that cannot be read. lwIP's own
 * heap keeps a header (mem.c's struct mem: next, prev, used) before each
 * block, next being the following block's offset from the heap's start;
 * read only without overflow checks and with the heap in ram_heap, and a
 * header that does not look allocated is -1. (The port refuses libc and
 * pool heaps, nf_lwipopts_port.h: there it is -1 too.) */
#if !MEM_LIBC_MALLOC && !MEM_USE_POOLS && !MEM_OVERFLOW_CHECK && !defined(LWIP_RAM_HEAP_POINTER)
struct nf_mem_hdr {
	mem_size_t next, prev;
	u8_t used;
};
extern u8_t ram_heap[] __attribute__((weak));
#define NF_MEM_HDR LWIP_MEM_ALIGN_SIZE(sizeof(struct nf_mem_hdr))

static long heap_block_bytes(const void *ptr)
{
	const u8_t *ram = ram_heap ? (const u8_t *)LWIP_MEM_ALIGN(ram_heap) : NULL;
	const u8_t *h = (const u8_t *)ptr - NF_MEM_HDR;

	if (!ram || !ptr || h < ram || h >= ram + LWIP_MEM_ALIGN_SIZE(MEM_SIZE))
		return -1;
	const struct nf_mem_hdr *m = (const struct nf_mem_hdr *)(const void *)h;
	size_t at = (size_t)(h - ram);
	return m->used == 1 && m->next > at && m->next <= LWIP_MEM_ALIGN_SIZE(MEM_SIZE)
		   ? (long)(m->next - at)
		   : -1;
}
#else
static long heap_block_bytes(const void *ptr)
{
	(void)ptr;
	return -1;
}
#endif

/* adds a block's bytes to the sum; an unreadable block makes it unknown */
static void add_block(struct nf_probe *p, const void *ptr)
{
	long n = heap_block_bytes(ptr);

	if (n < 0)
		p->heap_closing_known = 0;
	else
		p->heap_closing += (unsigned)n;
}

/* a pbuf's memory on the heap: PBUF_RAM always, every kind when the pools
 * live on the heap */
static int pbuf_on_heap(const struct pbuf *q)
{
#ifdef PBUF_TYPE_ALLOC_SRC_MASK
	return MEMP_MEM_MALLOC || pbuf_get_allocsrc(q) == PBUF_TYPE_ALLOC_SRC_MASK_STD_HEAP;
#else
	return MEMP_MEM_MALLOC || q->type == PBUF_RAM;
#endif
}

static void held_by_segs(const struct tcp_seg *seg, struct nf_probe *p)
{
	for (; seg; seg = seg->next) {
		if (MEMP_MEM_MALLOC)
			add_block(p, seg);
		p->closing_queued += seg->p ? seg->p->tot_len : 0;
		for (const struct pbuf *q = seg->p; q; q = q->next)
			if (pbuf_on_heap(q))
				add_block(p, q);
	}
}

/* what a pcb the application closed still holds until lwIP's timers end
 * it: itself (pools on the heap) and its queued segments */
static void held_by_pcb(const struct tcp_pcb *pcb, struct nf_probe *p)
{
	if (MEMP_MEM_MALLOC)
		add_block(p, pcb);
	held_by_segs(pcb->unsent, p);
	held_by_segs(pcb->unacked, p);
#if TCP_QUEUE_OOSEQ
	held_by_segs(pcb->ooseq, p);
#endif
}

static int pcb_closing(const struct tcp_pcb *pcb)
{
	return pcb->state == FIN_WAIT_1 || pcb->state == FIN_WAIT_2 || pcb->state == CLOSING ||
	       pcb->state == LAST_ACK;
}

static void read_stats(struct nf_probe *p)
{
	const struct stats_mem *heap = &lwip_stats.mem;

	p->heap_avail = (unsigned)heap->avail;
	p->heap_free = (unsigned)(heap->avail - heap->used);
	/* lwIP 2.0.x counts the heap's use but never its peak (its
	 * MEM_STATS_INC_USED has no max): the lowest free is then unknown */
	p->heap_min_free = heap->max >= heap->used ? (unsigned)(heap->avail - heap->max)
						   : NF_PROBE_UNKNOWN;
	p->heap_err = heap->err;
	for (int i = 0; i < MEMP_MAX && p->npools < NF_PROBE_MAX_POOLS; i++) {
		const struct stats_mem *m = lwip_stats.memp[i];
		struct nf_pool_stat *o = &p->pools[p->npools++];

		o->name = m->name;
		o->used = m->used;
		o->max = m->max;
		o->err = m->err;
	}
	p->heap_closing_known = 1;
	for (struct tcp_pcb *pcb = tcp_tw_pcbs; pcb; pcb = pcb->next) {
		p->tcp_time_wait++;
		held_by_pcb(pcb, p);
	}
	/* closed by the application, finished by lwIP: a FIN that cannot get
	 * out (a blackhole, a lost AP) is retransmitted until lwIP gives up */
	for (struct tcp_pcb *pcb = tcp_active_pcbs; pcb; pcb = pcb->next)
		if (pcb_closing(pcb)) {
			p->tcp_closing++;
			held_by_pcb(pcb, p);
		}
#if LWIP_STATS && TCP_STATS
	p->tcp_xmit = lwip_stats.tcp.xmit;
#endif
}

/* Heap bytes one TCP pcb takes when pools live on the heap
 * (MEMP_MEM_MALLOC): what a TIME_WAIT pcb holds until 2*MSL frees it.
 * Measured once, by allocating one under the core lock and freeing it
 * (statistics put back), so it is right for any release and options. */
static unsigned pcb_heap_bytes(void)
{
#if MEMP_MEM_MALLOC
	static unsigned bytes;

	if (!bytes) {
		struct stats_mem heap = lwip_stats.mem, pcbs = *lwip_stats.memp[MEMP_TCP_PCB];
		void *m = memp_malloc(MEMP_TCP_PCB);
		if (m) {
			bytes = (unsigned)(lwip_stats.mem.used - heap.used);
			memp_free(MEMP_TCP_PCB, m);
		}
		lwip_stats.mem = heap;
		*lwip_stats.memp[MEMP_TCP_PCB] = pcbs;
	}
	return bytes;
#else
	return 0; /* a pool slot: not heap */
#endif
}

/* The largest block the heap can give now: an embedded heap fails by
 * fragmentation long before free reaches 0. mem.c keeps its block list
 * to itself, so the probe asks mem_malloc() itself, a binary search of
 * allocations each freed at once (under the core lock: no one else
 * allocates meanwhile). mem_free() merges the block back, so the heap is
 * left as it was; the statistics the search moved (the high-water mark,
 * failed allocations) are put back. */
static unsigned largest_free(unsigned free_bytes)
{
	struct stats_mem saved = lwip_stats.mem;
	mem_size_t lo = 0, hi = (mem_size_t)(free_bytes < MEM_SIZE ? free_bytes : MEM_SIZE);

	while (lo < hi) {
		mem_size_t mid = (mem_size_t)(lo + (hi - lo + 1) / 2);
		void *m = mem_malloc(mid);
		if (m) {
			mem_free(m);
			lo = mid;
		} else {
			hi = (mem_size_t)(mid - 1);
		}
	}
	lwip_stats.mem.max = saved.max;
	lwip_stats.mem.err = saved.err;
	return lo;
}

int nf_probe_read(struct nf_probe *out)
{
	if (!out)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	LOCK_TCPIP_CORE();
	read_sockets(out);
	read_stats(out);
	out->heap_largest_free = largest_free(out->heap_free);
	out->heap_time_wait = (unsigned)(out->tcp_time_wait + out->tcp_closing) * pcb_heap_bytes();
	UNLOCK_TCPIP_CORE();
	return 0;
}

int nf_probe_set_socket_limit(int n)
{
	if (n < 1 || n > NUM_SOCKETS)
		return -EINVAL;
#if !NF_SLOT_PINNING
	/* the limit pins slots through fd_used, which only full duplex has */
	return n == NUM_SOCKETS ? 0 : -ENOTSUP;
#else
	SYS_ARCH_DECL_PROTECT(lev);
	int rc = 0;

	SYS_ARCH_PROTECT(lev);
	for (int i = n; i < NUM_SOCKETS; i++) {
		struct lwip_sock *s = lwip_socket_dbg_get_socket(i + LWIP_SOCKET_OFFSET);

		if (!limit_pinned[i] && (s->conn || s->fd_used)) {
			rc = -EBUSY;
			goto out;
		}
	}
	/* alloc_socket skips a slot whose fd_used is set even when its conn is
	 * NULL: pinning is the limit, with no change to sockets.c. */
	for (int i = 0; i < NUM_SOCKETS; i++) {
		struct lwip_sock *s = lwip_socket_dbg_get_socket(i + LWIP_SOCKET_OFFSET);
		int pin = i >= n;

		if (pin && !limit_pinned[i])
			s->fd_used = 1;
		else if (!pin && limit_pinned[i])
			s->fd_used = 0;
		limit_pinned[i] = (unsigned char)pin;
	}
	socket_limit = n;
out:
	SYS_ARCH_UNPROTECT(lev);
	return rc;
#endif
}

const struct nf_pool_stat *nf_probe_pool(const struct nf_probe *p, const char *name)
{
	for (size_t i = 0; i < p->npools; i++)
		if (p->pools[i].name && strcmp(p->pools[i].name, name) == 0)
			return &p->pools[i];
	return NULL;
}

const char *nf_probe_variant(void)
{
	return NETFLAP_VARIANT;
}

const char *nf_probe_lwip_version(void)
{
	return NF_STACK_LWIP_VERSION;
}

const char *nf_probe_build_id(void)
{
	return NF_STACK_BUILD_ID;
}
