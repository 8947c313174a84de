/* What netflap reads out of a running lwIP stack: the socket table, the
 * heap and the pools. Free of lwIP headers so report code can use it. */
#ifndef NETFLAP_NF_PROBE_H
#define NETFLAP_NF_PROBE_H

#include <stddef.h>

#define NF_PROBE_MAX_POOLS 48

struct nf_pool_stat {
	const char *name; /* lwIP's pool name, e.g. "NETCONN", "TCP_PCB" */
	unsigned used, max, err;
};

#define NF_PROBE_UNKNOWN 0xffffffffu /* a figure the stack does not keep */

struct nf_probe {
	int num_sockets;      /* NUM_SOCKETS: size of lwIP's static socket table */
	int socket_limit;     /* slots alloc_socket may use (run-time limit) */
	int slots_in_use;     /* slots whose conn is set */
	int slots_pinned;     /* conn cleared but fd_used still held: not reusable */
	int slots_stuck;      /* conn cleared, not reusable for a select_waiting count
				 that stayed up (lwIP 2.0.x's alloc_socket skips such a
				 slot; netflap's generated sockets_priv.h says when) */
	int slots_closing;    /* in-use slots marked closing (vendor field; else 0) */
	int lowest_free_slot; /* index socket() would get next, -1 if none */
	unsigned heap_avail, heap_free, heap_min_free, heap_err; /* min: NF_PROBE_UNKNOWN when
								  * the stack keeps no peak (2.0.x) */
	unsigned heap_largest_free; /* the largest block mem_malloc() can give now */
	int tcp_time_wait; /* TCP pcbs lingering in TIME_WAIT (not a leak) */
	int tcp_closing;   /* closed by the application, lwIP finishing: FIN_WAIT_1/2,
			      CLOSING, LAST_ACK (bounded by lwIP's timers, not a leak) */
	unsigned heap_time_wait; /* heap bytes both hold (MEMP_MEM_MALLOC), else 0 */
	/* what those connections hold, queued segments included: the heap
	 * their pcbs, segments and pbufs take (released on lwIP's timers),
	 * and the bytes queued in them */
	unsigned heap_closing, closing_queued;
	int heap_closing_known; /* 0: some block's size could not be read (heap_closing partial) */
	unsigned tcp_xmit; /* lwIP's tcp.xmit: segments sent, retransmissions too */
	size_t npools;
	struct nf_pool_stat pools[NF_PROBE_MAX_POOLS];
};

/* What IPv6 holds on the device's netif (the default one): its addresses
 * and what neighbour discovery and MLD keep. */
struct nf_probe_ip6 {
	int addrs;      /* addresses not invalid, link-local included */
	int state;      /* the first global (not link-local) address: NF_IP6_* */
	int neighbors;  /* neighbour cache entries in use */
	int incomplete; /* of them, still resolving (packets may wait in the ND6 queue) */
	int dests;      /* destination cache entries */
	int routers;    /* default routers */
	int prefixes;   /* on-link prefixes */
	int mld_groups; /* MLD groups joined (the MLD6_GROUP pool) */
	int nd6_queue;  /* packets queued for unresolved neighbours (ND6_QUEUE pool) */
	int reass;      /* IPv6 reassemblies under way (IP6_REASSDATA pool) */
};

/* an address's state, one scale for lwIP and the kernel */
enum { NF_IP6_NONE, NF_IP6_TENTATIVE, NF_IP6_PREFERRED, NF_IP6_DEPRECATED, NF_IP6_DUPLICATED };

/* Reads them under the core lock. 0, -ENOTSUP (a stack built without
 * LWIP_IPV6), -ENODEV (no netif but loopback). */
int nf_probe_read_ip6(struct nf_probe_ip6 *out);

/* Reads the figures under the core lock. 0 or -errno. */
int nf_probe_read(struct nf_probe *out);

/* Restricts alloc_socket to the first n slots (1 <= n <= NUM_SOCKETS) by
 * pinning the rest, the field report's shrunken NUM_SOCKETS at run time.
 * -EINVAL for n out of range, -EBUSY if a slot beyond n is in use,
 * -ENOTSUP below NUM_SOCKETS on a stack without LWIP_NETCONN_FULLDUPLEX. */
/* 1 when the stack can pin slots (LWIP_NETCONN_FULLDUPLEX and a struct
 * lwip_sock with fd_used), so a socket limit below NUM_SOCKETS is possible */
int nf_probe_pins_slots(void);
int nf_probe_set_socket_limit(int n);

/* The pool named name in p, or NULL. */
const struct nf_pool_stat *nf_probe_pool(const struct nf_probe *p, const char *name);

/* The stack this library was built as: "upstream", "vendor", or a name
 * scripts/add-stack.sh gave. */
const char *nf_probe_variant(void);

/* The lwIP release of its tree ("2.1.3") and its build id: 16 hex digits
 * of the sha256 over tree, patches, options and hooks, as in the stack's
 * manifest (build/stacks/NAME.info). */
const char *nf_probe_lwip_version(void);
const char *nf_probe_build_id(void);

#endif
