/* The kernel stack backend (stack = linux): the same device over the host
 * kernel's sockets on the same veth. Static addressing only; the broker's
 * name goes to the configured DNS server (the run's dnsmasq), never to the
 * host's resolver. The control group: it has no socket table to leak. */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <netlink/route/addr.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "shared.h"
#include "stack.h"

struct nf_stack {
	struct nf_stack_cfg cfg;
	struct nf_shared *sh;
	struct nl_sock *nl;
	int ifindex;
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

static int linux_socket(struct nf_stack *st, enum nf_sock_type type, int *err)
{
	static const int kinds[][2] = {[NF_SOCK_TCP] = {SOCK_STREAM, 0},
				       [NF_SOCK_UDP] = {SOCK_DGRAM, 0},
				       [NF_SOCK_ICMP] = {SOCK_RAW, IPPROTO_ICMP}};
	int fd;

	(void)st;
	fd = socket(AF_INET, kinds[type][0] | SOCK_NONBLOCK | SOCK_CLOEXEC, kinds[type][1]);
	*err = fd < 0 ? errno : 0;
	return fd;
}

static struct sockaddr_in to_sa(uint32_t ip, uint16_t port)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(port)};

	sa.sin_addr.s_addr = ip;
	return sa;
}

static int linux_connect(struct nf_stack *st, int fd, uint32_t ip, uint16_t port)
{
	struct sockaddr_in sa = to_sa(ip, port);

	(void)st;
	return connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 ? 0 : -errno;
}

static int linux_so_error(struct nf_stack *st, int fd)
{
	int soerr = 0;
	socklen_t len = sizeof(soerr);

	(void)st;
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) < 0)
		return -errno;
	return -soerr;
}

static ssize_t linux_send(struct nf_stack *st, int fd, const void *buf, size_t len)
{
	ssize_t n;

	(void)st;
	n = send(fd, buf, len, MSG_NOSIGNAL);
	return n < 0 ? -errno : n;
}

static ssize_t linux_sendto(struct nf_stack *st, int fd, const void *buf, size_t len, uint32_t ip,
			    uint16_t port)
{
	struct sockaddr_in sa = to_sa(ip, port);
	ssize_t n;

	(void)st;
	n = sendto(fd, buf, len, MSG_NOSIGNAL, (struct sockaddr *)&sa, sizeof(sa));
	return n < 0 ? -errno : n;
}

static ssize_t linux_recv(struct nf_stack *st, int fd, void *buf, size_t len)
{
	ssize_t n;

	(void)st;
	n = recv(fd, buf, len, 0);
	return n < 0 ? -errno : n;
}

static int linux_poll(struct nf_stack *st, int fd, int events, int timeout_ms)
{
	struct pollfd p = {.fd = fd,
			   .events = (short)((events & NF_POLL_IN ? POLLIN : 0) |
					     (events & NF_POLL_OUT ? POLLOUT : 0))};
	int n;

	(void)st;
	n = poll(&p, 1, timeout_ms < 0 ? 0 : timeout_ms);
	return n < 0 ? -errno : n;
}

static int linux_setsockopt(struct nf_stack *st, int fd, enum nf_sockopt opt, int value)
{
	struct linger lg = {.l_onoff = value >= 0, .l_linger = value < 0 ? 0 : value};
	int rc;

	(void)st;
	switch (opt) {
	case NF_SO_KEEPALIVE:
		rc = setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &value, sizeof(value));
		break;
	case NF_SO_NODELAY:
		rc = setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &value, sizeof(value));
		break;
	case NF_SO_LINGER:
		rc = setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
		break;
	default:
		return -EINVAL;
	}
	return rc < 0 ? -errno : 0;
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
    .resolve = NULL, /* netio asks the run's dnsmasq, never the host's resolver */
    .socket = linux_socket,
    .connect = linux_connect,
    .so_error = linux_so_error,
    .send = linux_send,
    .sendto = linux_sendto,
    .recv = linux_recv,
    .poll = linux_poll,
    .setsockopt = linux_setsockopt,
    .shutdown = linux_shutdown,
    .close_fd = linux_close_fd,
    .probe = linux_probe,
};
