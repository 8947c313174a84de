/* A device's network stack behind one small ops struct: lwIP (one of the
 * sockets.c variants, on a libpcap netif) or the host kernel (the control
 * group). A backend offers primitives only (socket, connect, send, recv,
 * poll, shutdown, close, setsockopt, ...), each one call into its stack;
 * the waits, deadlines and carrier checks above them live once, in
 * netio.c, and the MQTT and ping logic above that in session.c. */
#ifndef NETFLAP_STACK_H
#define NETFLAP_STACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "impair.h"
#include "nf_probe.h"

struct nf_shared;
struct nf_stack;
struct nf_tls_net;

#define NF_SHUT_RDWR 2 /* the same value in lwIP and Linux */

/* poll events in the backends' common words (lwIP's and Linux's bits
 * differ); NF_POLL_BITS() turns them into the stack's, compiled in each
 * backend against its own POLLIN/POLLOUT */
#define NF_POLL_IN 1
#define NF_POLL_OUT 2
#define NF_POLL_BITS(ev) ((short)(((ev)&NF_POLL_IN ? POLLIN : 0) | ((ev)&NF_POLL_OUT ? POLLOUT : 0)))

enum nf_sock_type { NF_SOCK_TCP, NF_SOCK_UDP, NF_SOCK_ICMP };

/* an address of either family: 4 (a[0..3]) or 6, network byte order */
struct nf_ip {
	int family; /* 4 or 6 */
	uint8_t a[16];
};

/* device.ip6 */
enum nf_ip6_mode { NF_IP6_OFF, NF_IP6_SLAAC, NF_IP6_DHCP6, NF_IP6_STATIC };

/* socket options a firmware sets, by one name for both stacks; a value
 * for NF_SO_LINGER is seconds, < 0 for off; NF_SO_ERROR is read only */
enum nf_sockopt {
	NF_SO_KEEPALIVE,
	NF_SO_NODELAY,
	NF_SO_LINGER,
	NF_SO_RCVTIMEO, /* value in ms */
	NF_SO_SNDTIMEO,
	NF_SO_REUSEADDR,
	NF_SO_ERROR,
	NF_SO_COUNT
};

/* their level and name, written once and compiled in each backend against
 * its own headers (lwIP's SOL_SOCKET is not the host's) */
#define NF_SOCKOPT_NAMES                                                                           \
	{                                                                                          \
		[NF_SO_KEEPALIVE] = {SOL_SOCKET, SO_KEEPALIVE},                                    \
		[NF_SO_NODELAY] = {IPPROTO_TCP, TCP_NODELAY},                                      \
		[NF_SO_LINGER] = {SOL_SOCKET, SO_LINGER}, [NF_SO_ERROR] = {SOL_SOCKET, SO_ERROR},  \
		[NF_SO_RCVTIMEO] = {SOL_SOCKET, SO_RCVTIMEO},                                      \
		[NF_SO_SNDTIMEO] = {SOL_SOCKET, SO_SNDTIMEO},                                      \
		[NF_SO_REUSEADDR] = {SOL_SOCKET, SO_REUSEADDR},                                    \
	}

struct nf_stack_cfg {
	const char *ifname;
	const char *hostname;
	uint8_t mac[6];
	bool dhcp;
	bool ip4;                      /* false: an IPv6-only device (device.ip = off) */
	uint32_t ip, netmask, gw, dns; /* static addressing, network byte order */
	enum nf_ip6_mode ip6;
	uint8_t ip6_static[16];        /* NF_IP6_STATIC: the address (a /64) */
	uint8_t dns6[16];              /* the DNS server over IPv6 (stacks without RDNSS) */
	bool ip6_keep;                 /* a carrier loss keeps IPv6's addresses and neighbour
					* discovery (netif_set_link_down alone) */
	int socket_limit;              /* 0: the whole table */
	struct nf_impair_cfg impair;   /* the link's impairment (all 0: a clean link) */
};

/* "stop waiting": the carrier went or the device quits */
struct nf_cancel {
	bool (*lost)(void *arg);
	void *arg;
};

struct nf_stack_ops {
	const char *name;
	/* main thread, before the session starts; a message in err on failure */
	int (*open)(struct nf_stack **out, const struct nf_stack_cfg *cfg, struct nf_shared *sh,
		    char *err, unsigned errlen);
	void (*close)(struct nf_stack *st);
	/* frames to feed from the main loop: an fd to poll (-1: none) */
	int (*rx_fd)(struct nf_stack *st);
	void (*rx)(struct nf_stack *st);
	void (*link)(struct nf_stack *st, bool up);
	/* optional: the device cuts its own link (no frame in or out) until
	 * off; the kernel stack has none (see README, "Every path") */
	void (*blackout)(struct nf_stack *st, bool on);
	/* session thread: address on (the lease arrives through nf_shared) and off */
	int (*ip_start)(struct nf_stack *st);
	void (*ip_stop)(struct nf_stack *st);
	/* The stack's own resolver (lwIP's dns.c), or NULL: then netio asks the
	 * configured server over a UDP socket of this stack. 0, -ETIMEDOUT,
	 * -ENETDOWN (cancelled), -EHOSTUNREACH. */
	int (*resolve)(struct nf_stack *st, const char *name, int family, struct nf_ip *ip,
		       int64_t deadline_ms, const struct nf_cancel *c);
	/* Sockets. The first four adapt what differs between the stacks
	 * (sin_len, poll bits, non-blocking); the rest are the stack's BSD
	 * calls themselves (lwip_send, send, ...). All: -1 and errno on
	 * failure, errno values the host's in both stacks. */
	int (*socket)(enum nf_sock_type type, int family); /* non-blocking; family 4 or 6 */
	int (*connect)(int fd, const struct nf_ip *ip, uint16_t port);
	ssize_t (*sendto)(int fd, const void *buf, size_t len, const struct nf_ip *ip, uint16_t port);
	/* NF_POLL_*: > 0 ready, 0 not (the timeout, or a wake) */
	int (*poll)(struct nf_stack *st, int fd, int events, int timeout_ms);
	ssize_t (*send)(int fd, const void *buf, size_t len, int flags);
	ssize_t (*recv)(int fd, void *buf, size_t len, int flags);
	int (*shutdown)(int fd, int how);
	int (*close_fd)(int fd);
	int (*setsockopt)(int fd, int level, int name, const void *val, unsigned int len);
	int (*getsockopt)(int fd, int level, int name, void *val, unsigned int *len);
	/* level and name of each enum nf_sockopt in this stack */
	const int (*sockopts)[2];
	/* Main thread, after a carrier loss or quit is in the shared state:
	 * end the session thread's wait now, whether it is in poll on fd (-1:
	 * none) or in the stack's resolver. No polling slice, and no socket
	 * made for it: the socket index is the instrument. wake_clear (session
	 * thread, a new carrier-up phase) forgets an old wake. */
	void (*wake)(struct nf_stack *st, int fd);
	void (*wake_clear)(struct nf_stack *st);
	/* -ENOTSUP where the stack has no socket table to read */
	int (*probe)(struct nf_stack *st, struct nf_probe *out);
	/* what IPv6 holds (nf_probe.h); -ENOTSUP without it */
	int (*probe_ip6)(struct nf_stack *st, struct nf_probe_ip6 *out);
	/* The receive task's waits (device.threads = rx-task): the stack's own
	 * select() and poll() on one socket for reading, with no wake of ours
	 * (a firmware's receive task has none): > 0 readable or in error, 0
	 * the timeout, -1 and errno. */
	int (*select_rd)(int fd, int timeout_ms);
	int (*poll_rd)(int fd, int timeout_ms);
	/* blocking mode of a socket on or off; 0 or -1 and errno */
	int (*set_blocking)(int fd, bool on);
	int dontwait; /* this stack's MSG_DONTWAIT: a send that never blocks */
	/* bytes written to a TCP socket the peer has not acknowledged (sent
	 * or still queued); -1 when it cannot be read */
	long (*unacked)(struct nf_stack *st, int fd);
	/* optional: what the link impairment did so far; -ENOTSUP without one */
	int (*link_counts)(struct nf_stack *st, struct nf_impair_counts *out);
	/* mbedTLS's net_sockets.c built against this stack (nf_tls_net.h) */
	const struct nf_tls_net *tls_net;
};

extern const struct nf_stack_ops nf_stack_lwip;
extern const struct nf_stack_ops nf_stack_linux;

#endif
