/* The kernel backend's state, shared by its files: stack_linux.c (IPv4,
 * sockets) and stack_linux_ip6.c (IPv6 addressing and its figures). */
#ifndef NETFLAP_STACK_LINUX_H
#define NETFLAP_STACK_LINUX_H

#include "nf_probe.h"
#include "shared.h"
#include "stack.h"

struct nl_sock;

struct nf_stack {
	struct nf_stack_cfg cfg;
	struct nf_shared *sh;
	struct nl_sock *nl;
	int ifindex;
	int wake_fd; /* an eventfd: a kernel object, no socket */
	int ip6_fd;  /* device.ip6: rtnetlink's IPv6 address events, else -1 */
	bool dad_failed; /* this phase: the kernel said a global address failed its DAD */
};

/* device.ip6 over the kernel (SLAAC is the kernel's own: the run turned
 * it on for this interface). open: the address events' socket; start and
 * stop per carrier-up phase; events: the main loop's rx, which tells the
 * session when a global address is preferred. 0 or -errno. */
int nf_linux_ip6_open(struct nf_stack *st, char *err, unsigned errlen);
int nf_linux_ip6_start(struct nf_stack *st);
void nf_linux_ip6_stop(struct nf_stack *st);
void nf_linux_ip6_events(struct nf_stack *st);
int nf_linux_probe_ip6(struct nf_stack *st, struct nf_probe_ip6 *out);

#endif
