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

#include "nf_probe.h"

struct nf_shared;
struct nf_stack;

#define NF_SHUT_RDWR 2 /* the same value in lwIP and Linux */

/* poll events in the backends' common words (lwIP's and Linux's bits differ) */
#define NF_POLL_IN 1
#define NF_POLL_OUT 2

enum nf_sock_type { NF_SOCK_TCP, NF_SOCK_UDP, NF_SOCK_ICMP };

/* socket options a firmware sets, by one name for both stacks */
enum nf_sockopt { NF_SO_KEEPALIVE, NF_SO_NODELAY, NF_SO_LINGER, NF_SO_COUNT };

struct nf_stack_cfg {
	const char *ifname;
	const char *hostname;
	uint8_t mac[6];
	bool dhcp;
	uint32_t ip, netmask, gw, dns; /* static addressing, network byte order */
	int socket_limit;              /* 0: the whole table */
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
	/* session thread: address on (the lease arrives through nf_shared) and off */
	int (*ip_start)(struct nf_stack *st);
	void (*ip_stop)(struct nf_stack *st);
	/* The stack's own resolver (lwIP's dns.c), or NULL: then netio asks the
	 * configured server over a UDP socket of this stack. 0, -ETIMEDOUT,
	 * -ENETDOWN (cancelled), -EHOSTUNREACH. */
	int (*resolve)(struct nf_stack *st, const char *name, uint32_t *ip, int64_t deadline_ms,
		       const struct nf_cancel *c);
	/* sockets, all non-blocking: the fd, or -1 with *err */
	int (*socket)(struct nf_stack *st, enum nf_sock_type type, int *err);
	/* 0, -EINPROGRESS, -errno */
	int (*connect)(struct nf_stack *st, int fd, uint32_t ip, uint16_t port);
	/* the pending error of a connect (SO_ERROR) as -errno, or 0 */
	int (*so_error)(struct nf_stack *st, int fd);
	/* bytes, or -errno (-EAGAIN: not now); ip/port only for datagrams */
	ssize_t (*send)(struct nf_stack *st, int fd, const void *buf, size_t len);
	ssize_t (*sendto)(struct nf_stack *st, int fd, const void *buf, size_t len, uint32_t ip,
			  uint16_t port);
	/* bytes, 0 at EOF, or -errno (-EAGAIN: nothing yet) */
	ssize_t (*recv)(struct nf_stack *st, int fd, void *buf, size_t len);
	/* NF_POLL_* ready within timeout_ms: > 0 ready, 0 not, -errno */
	int (*poll)(struct nf_stack *st, int fd, int events, int timeout_ms);
	int (*setsockopt)(struct nf_stack *st, int fd, enum nf_sockopt opt, int value);
	/* raw return codes; *err is errno after the call (0 when none was set) */
	int (*shutdown)(struct nf_stack *st, int fd, int how, int *err);
	int (*close_fd)(struct nf_stack *st, int fd, int *err);
	/* -ENOTSUP where the stack has no socket table to read */
	int (*probe)(struct nf_stack *st, struct nf_probe *out);
};

extern const struct nf_stack_ops nf_stack_lwip;
extern const struct nf_stack_ops nf_stack_linux;

#endif
