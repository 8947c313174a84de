/* What the device's threads share: carrier and lease state (set by the
 * main loop and the stack's callbacks), read by the session thread, which
 * waits on it with deadlines. */
#ifndef NETFLAP_SHARED_H
#define NETFLAP_SHARED_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "clock.h"

struct nf_shared {
	pthread_mutex_t mu;
	pthread_cond_t cv; /* CLOCK_MONOTONIC */
	bool carrier;
	unsigned carrier_downs; /* transitions to down, ever */
	int64_t t_carrier_up, t_carrier_down;
	bool bound;           /* an address is configured */
	uint32_t ip, gw, dns; /* network byte order */
	int64_t t_lease;
	bool bound6;     /* a global IPv6 address is preferred (DAD passed) */
	bool dup6;       /* none is, and one failed its DAD (another node holds it) */
	bool ll6;        /* the link-local address passed its DAD (a router may be asked) */
	bool tent6;      /* a global address is made, its DAD under way */
	uint8_t ip6[16];
	int64_t t_ip6;   /* when it became so */
	uint8_t dns6[16]; /* the DNS server over IPv6 (asked without IPv4) */
	bool quit;
	int cut_armed;  /* phase the harness's CUT armed for the next reconnect, -1 none */
	bool self_cut;  /* the device cut its own link; lifted by the next real carrier event */
};

void nf_shared_init(struct nf_shared *sh);
void nf_shared_destroy(struct nf_shared *sh);
void nf_shared_set_carrier(struct nf_shared *sh, bool up);
void nf_shared_set_lease(struct nf_shared *sh, bool bound, uint32_t ip, uint32_t gw, uint32_t dns);
/* what a stack's IPv6 addresses are now: the first preferred global one
 * (addr), or none, and how far the others got */
struct nf_ip6_seen {
	bool preferred, dup, ll, tentative;
	const uint8_t *addr; /* preferred: 16 bytes */
};
void nf_shared_set_ip6(struct nf_shared *sh, const struct nf_ip6_seen *seen);
void nf_shared_quit(struct nf_shared *sh);

/* Waits until pred(sh, arg) holds (called with sh->mu held) or the
 * deadline (nf_now_ms() clock; < 0: none) passes. 0 or -ETIMEDOUT. */
int nf_shared_wait(struct nf_shared *sh, bool (*pred)(const struct nf_shared *, const void *),
		   const void *arg, int64_t deadline_ms);

#endif
