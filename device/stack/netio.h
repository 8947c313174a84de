/* The device's socket layer: the waits and deadlines over a stack's
 * primitives (stack.h), written once for every stack. Every wait ends
 * early when the carrier goes (or the device quits): the firmware notices
 * the loss and tears down. Results: 0 or bytes; -ETIMEDOUT (deadline),
 * -ENETDOWN (carrier lost), -ECONNRESET (peer closed), -errno. */
#ifndef NETFLAP_NETIO_H
#define NETFLAP_NETIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "shared.h"
#include "stack.h"

struct nf_netio {
	const struct nf_stack_ops *ops;
	struct nf_stack *st;
	struct nf_shared *sh;
	unsigned downs_seen; /* carrier losses already handled */
	uint16_t dns_id;
	pthread_mutex_t mu; /* guards waiting_fd against nf_netio_wake() */
	int waiting_fd;     /* the fd a wait is in, -1 */
};

void nf_netio_init(struct nf_netio *n, const struct nf_stack_ops *ops, struct nf_stack *st,
		   struct nf_shared *sh);
void nf_netio_destroy(struct nf_netio *n);

/* Main thread, once the carrier loss (or quit) is in the shared state:
 * the session's wait, whatever it is on, returns now. */
void nf_netio_wake(struct nf_netio *n);

/* Session thread, before a new carrier-up phase: forget old wakes. */
void nf_netio_rearm(struct nf_netio *n);
/* The carrier went since nf_netio_rearm(), or the device quits. */
bool nf_netio_lost(struct nf_netio *n);

/* Waits until fd is ready for events (NF_POLL_*). */
int nf_netio_wait(struct nf_netio *n, int fd, int events, int64_t deadline);
/* A non-blocking connect in two steps, so the session can act while it is
 * in flight (a cut at `connect` lands after the SYN left): start gives 0,
 * -EINPROGRESS or -errno; finish waits for that outcome. */
int nf_netio_connect_start(struct nf_netio *n, int fd, const struct nf_ip *ip, uint16_t port);
int nf_netio_connect_finish(struct nf_netio *n, int fd, int started, int64_t deadline);
int nf_netio_send_all(struct nf_netio *n, int fd, const void *buf, size_t len, int64_t deadline);
/* Some bytes (> 0), or an error above; 0 never (EOF is -ECONNRESET). */
ssize_t nf_netio_recv(struct nf_netio *n, int fd, void *buf, size_t len, int64_t deadline);
/* socket() of family 4 or 6: the fd, or -1 with the errno in *err (the
 * field report's "create socket failed") */
int nf_netio_socket(struct nf_netio *n, enum nf_sock_type type, int family, int *err);

/* shutdown() and close() as the stack answers them: the return code, and
 * in *err the errno after the call (0 when none was set) */
int nf_netio_shutdown(struct nf_netio *n, int fd, int how, int *err);
int nf_netio_close(struct nf_netio *n, int fd, int *err);

/* Sets a socket option (NF_SO_LINGER: seconds, < 0 off). 0 or -errno. */
int nf_netio_setsockopt(struct nf_netio *n, int fd, enum nf_sockopt opt, int value);

/* The broker's address in family 4 (A) or 6 (AAAA): an address literal as
 * is, else the stack's resolver or a DNS query to the configured server.
 * -EHOSTUNREACH: no such name (or no record of that family). */
int nf_netio_resolve(struct nf_netio *n, const char *name, int family, struct nf_ip *ip,
		     int64_t deadline);

#endif
