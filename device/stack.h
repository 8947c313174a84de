/* A device's network stack behind one small ops struct: lwIP (one of the
 * sockets.c variants, on a libpcap netif) or the host kernel (the control
 * group). The session code sees only these calls. */
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

struct nf_stack_cfg {
	const char *ifname;
	const char *hostname;
	uint8_t mac[6];
	bool dhcp;
	uint32_t ip, netmask, gw, dns; /* static addressing, network byte order */
	int socket_limit;              /* 0: the whole table */
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
	int (*resolve)(struct nf_stack *st, const char *name, uint32_t *ip, int timeout_ms);
	/* sockets: socket() returns the fd or -1 with *err; the rest 0/-errno */
	int (*tcp_socket)(struct nf_stack *st, int *err);
	int (*connect)(struct nf_stack *st, int fd, uint32_t ip, uint16_t port, int timeout_ms);
	int (*send_all)(struct nf_stack *st, int fd, const void *buf, size_t len, int timeout_ms);
	/* > 0 bytes, 0 at EOF, -ETIMEDOUT, -errno */
	ssize_t (*recv)(struct nf_stack *st, int fd, void *buf, size_t len, int timeout_ms);
	/* raw return codes; *err is errno after the call (0 when none was set) */
	int (*shutdown)(struct nf_stack *st, int fd, int how, int *err);
	int (*close_fd)(struct nf_stack *st, int fd, int *err);
	/* an ICMP raw socket (non-blocking) or -1 with *err; a datagram to ip on it */
	int (*icmp_socket)(struct nf_stack *st, int *err);
	int (*icmp_send)(struct nf_stack *st, int fd, uint32_t ip, const void *buf, size_t len);
	/* -ENOTSUP where the stack has no socket table to read */
	int (*probe)(struct nf_stack *st, struct nf_probe *out);
};

extern const struct nf_stack_ops nf_stack_lwip;
extern const struct nf_stack_ops nf_stack_linux;

#endif
