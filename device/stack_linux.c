/* The kernel stack backend (stack = linux): the same device over the host
 * kernel's sockets on the same veth. Static addressing only; the broker's
 * name goes to the configured DNS server (the run's dnsmasq), never to the
 * host's resolver. The control group: it has no socket table to leak. */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netlink/route/addr.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "dns_query.h"
#include "shared.h"
#include "stack.h"

struct nf_stack {
	struct nf_stack_cfg cfg;
	struct nf_shared *sh;
	struct nl_sock *nl;
	int ifindex;
	uint16_t seq;
};

static int prefix_len(uint32_t netmask_be)
{
	return __builtin_popcount(netmask_be);
}

static int linux_open(struct nf_stack **out, const struct nf_stack_cfg *cfg, struct nf_shared *sh,
		      char *err, unsigned errlen)
{
	struct nf_stack *st;
	int rc;

	if (cfg->dhcp) {
		snprintf(err, errlen, "stack linux takes a static address (--ip static)");
		return -EINVAL;
	}
	if (cfg->socket_limit) {
		snprintf(err, errlen, "stack linux has no socket table to limit");
		return -EINVAL;
	}
	st = calloc(1, sizeof(*st));
	if (!st)
		return -ENOMEM;
	st->cfg = *cfg;
	st->sh = sh;
	st->ifindex = (int)if_nametoindex(cfg->ifname);
	if (!st->ifindex) {
		snprintf(err, errlen, "interface %s: %s", cfg->ifname, strerror(errno));
		rc = -ENODEV;
		goto fail;
	}
	st->nl = nl_socket_alloc();
	if (!st->nl || nl_connect(st->nl, NETLINK_ROUTE) < 0) {
		snprintf(err, errlen, "rtnetlink socket failed");
		rc = -EIO;
		goto fail;
	}
	*out = st;
	return 0;
fail:
	if (st->nl)
		nl_socket_free(st->nl);
	free(st);
	return rc;
}

static void linux_close(struct nf_stack *st)
{
	if (!st)
		return;
	nl_socket_free(st->nl);
	free(st);
}

static int linux_rx_fd(struct nf_stack *st)
{
	(void)st;
	return -1;
}

static void linux_rx(struct nf_stack *st)
{
	(void)st;
}

static void linux_link(struct nf_stack *st, bool up)
{
	(void)st;
	(void)up; /* the kernel follows the carrier itself */
}

static int addr_op(struct nf_stack *st, bool add)
{
	struct rtnl_addr *a = rtnl_addr_alloc();
	struct nl_addr *local = nl_addr_build(AF_INET, &st->cfg.ip, 4);
	int rc;

	if (!a || !local) {
		rc = -ENOMEM;
		goto out;
	}
	nl_addr_set_prefixlen(local, prefix_len(st->cfg.netmask));
	rtnl_addr_set_ifindex(a, st->ifindex);
	rtnl_addr_set_local(a, local);
	rc = add ? rtnl_addr_add(st->nl, a, NLM_F_REPLACE) : rtnl_addr_delete(st->nl, a, 0);
	if (!add && rc == -NLE_NOADDR)
		rc = 0;
	rc = rc < 0 ? -EIO : 0;
out:
	nl_addr_put(local);
	rtnl_addr_put(a);
	return rc;
}

static int linux_ip_start(struct nf_stack *st)
{
	int rc = addr_op(st, true);

	if (rc == 0)
		nf_shared_set_lease(st->sh, true, st->cfg.ip, st->cfg.gw, st->cfg.dns);
	return rc;
}

static void linux_ip_stop(struct nf_stack *st)
{
	addr_op(st, false);
	nf_shared_set_lease(st->sh, false, 0, 0, 0);
}

static int wait_fd(int fd, short events, int timeout_ms)
{
	struct pollfd p = {.fd = fd, .events = events};
	int n = poll(&p, 1, timeout_ms < 0 ? 0 : timeout_ms);

	if (n < 0)
		return -errno;
	return n == 0 ? -ETIMEDOUT : 0;
}

#define SLICE_MS 20 /* longest a wait goes without checking the carrier */

static bool carrier_gone(struct nf_stack *st)
{
	bool gone;

	pthread_mutex_lock(&st->sh->mu);
	gone = !st->sh->carrier || st->sh->quit;
	pthread_mutex_unlock(&st->sh->mu);
	return gone;
}

/* a wait on fd in slices, ended early by a carrier loss: 0, -ETIMEDOUT, -ENETDOWN */
static int wait_or_down(struct nf_stack *st, int fd, int64_t until)
{
	while (nf_now_ms() < until) {
		if (carrier_gone(st))
			return -ENETDOWN;
		int64_t left = until - nf_now_ms();
		if (wait_fd(fd, POLLIN, (int)(left < SLICE_MS ? left : SLICE_MS)) == 0)
			return 0;
	}
	return -ETIMEDOUT;
}

static int linux_resolve(struct nf_stack *st, const char *name, uint32_t *ip, int timeout_ms)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(53)};
	uint8_t q[300], a[512];
	int64_t deadline = nf_now_ms() + timeout_ms;
	uint16_t id = (uint16_t)(++st->seq ^ 0x4e46);
	int fd, len, rc = -ETIMEDOUT;

	if (inet_pton(AF_INET, name, ip) == 1)
		return 0;
	len = dns_build_query(q, sizeof(q), id, name);
	if (len < 0)
		return len;
	sa.sin_addr.s_addr = st->cfg.dns;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	/* one retry halfway, as a stub resolver would */
	for (int tries = 0; tries < 2 && rc == -ETIMEDOUT; tries++) {
		int64_t until = tries ? deadline : nf_now_ms() + timeout_ms / 2;
		if (sendto(fd, q, (size_t)len, 0, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
			rc = -errno;
			break;
		}
		int w;
		while ((w = wait_or_down(st, fd, until)) == 0) {
			ssize_t n = recv(fd, a, sizeof(a), 0);
			if (n > 0 && (rc = dns_parse_a(a, (size_t)n, id, ip)) != -EPROTO)
				break;
			rc = -ETIMEDOUT;
		}
		if (w == -ENETDOWN) {
			rc = -ENETDOWN;
			break;
		}
	}
	close(fd);
	return rc == -ENOENT ? -EHOSTUNREACH : rc;
}

static int linux_tcp_socket(struct nf_stack *st, int *err)
{
	int fd;

	(void)st;
	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	*err = fd < 0 ? errno : 0;
	return fd;
}

static int linux_connect(struct nf_stack *st, int fd, uint32_t ip, uint16_t port, int timeout_ms)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(port)};
	int soerr = 0, rc;
	socklen_t len = sizeof(soerr);

	(void)st;
	sa.sin_addr.s_addr = ip;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
		return 0;
	if (errno != EINPROGRESS)
		return -errno;
	rc = wait_fd(fd, POLLOUT, timeout_ms);
	if (rc < 0)
		return rc;
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) < 0)
		return -errno;
	return soerr ? -soerr : 0;
}

static int linux_send_all(struct nf_stack *st, int fd, const void *buf, size_t len, int timeout_ms)
{
	const char *p = buf;
	int64_t deadline = nf_now_ms() + timeout_ms;

	(void)st;
	while (len) {
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
		if (n > 0) {
			p += n;
			len -= (size_t)n;
			continue;
		}
		if (n < 0 && errno != EAGAIN)
			return -errno;
		int rc = wait_fd(fd, POLLOUT, (int)(deadline - nf_now_ms()));
		if (rc < 0)
			return rc;
	}
	return 0;
}

static ssize_t linux_recv(struct nf_stack *st, int fd, void *buf, size_t len, int timeout_ms)
{
	ssize_t n;
	int rc;

	(void)st;
	rc = wait_fd(fd, POLLIN, timeout_ms);
	if (rc < 0)
		return rc;
	n = recv(fd, buf, len, 0);
	if (n < 0)
		return errno == EAGAIN ? -ETIMEDOUT : -errno;
	return n;
}

static int linux_shutdown(struct nf_stack *st, int fd, int how, int *err)
{
	int rc;

	(void)st;
	errno = 0;
	rc = shutdown(fd, how);
	*err = errno;
	return rc;
}

static int linux_close_fd(struct nf_stack *st, int fd, int *err)
{
	int rc;

	(void)st;
	errno = 0;
	rc = close(fd);
	*err = errno;
	return rc;
}

static int linux_icmp_socket(struct nf_stack *st, int *err)
{
	int fd;

	(void)st;
	fd = socket(AF_INET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_ICMP);
	*err = fd < 0 ? errno : 0;
	return fd;
}

static int linux_icmp_send(struct nf_stack *st, int fd, uint32_t ip, const void *buf, size_t len)
{
	struct sockaddr_in sa = {.sin_family = AF_INET};

	(void)st;
	sa.sin_addr.s_addr = ip;
	return sendto(fd, buf, len, 0, (struct sockaddr *)&sa, sizeof(sa)) < 0 ? -errno : 0;
}

static int linux_probe(struct nf_stack *st, struct nf_probe *out)
{
	(void)st;
	(void)out;
	return -ENOTSUP;
}

const struct nf_stack_ops nf_stack_linux = {
    .name = "linux",
    .open = linux_open,
    .close = linux_close,
    .rx_fd = linux_rx_fd,
    .rx = linux_rx,
    .link = linux_link,
    .ip_start = linux_ip_start,
    .ip_stop = linux_ip_stop,
    .resolve = linux_resolve,
    .tcp_socket = linux_tcp_socket,
    .connect = linux_connect,
    .send_all = linux_send_all,
    .recv = linux_recv,
    .shutdown = linux_shutdown,
    .close_fd = linux_close_fd,
    .icmp_socket = linux_icmp_socket,
    .icmp_send = linux_icmp_send,
    .probe = linux_probe,
};
