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
#include <linux/sockios.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <unistd.h>

#include "shared.h"
#include "nf_tls_net.h"
#include "stack.h"
#include "stack_linux.h"

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
	st->ip6_fd = -1;
	st->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (st->wake_fd < 0) {
		snprintf(err, errlen, "eventfd: %s", strerror(errno));
		rc = -errno;
		goto fail;
	}
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
	if ((rc = nf_linux_ip6_open(st, err, errlen)) < 0)
		goto fail;
	*out = st;
	return 0;
fail:
	if (st->ip6_fd >= 0)
		close(st->ip6_fd);
	if (st->nl)
		nl_socket_free(st->nl);
	if (st->wake_fd >= 0)
		close(st->wake_fd);
	free(st);
	return rc;
}

static void linux_close(struct nf_stack *st)
{
	if (!st)
		return;
	nl_socket_free(st->nl);
	close(st->wake_fd);
	if (st->ip6_fd >= 0)
		close(st->ip6_fd);
	free(st);
}

/* the kernel's IPv6 address events (device.ip6), else nothing to feed */
static int linux_rx_fd(struct nf_stack *st)
{
	return st->ip6_fd;
}

static void linux_rx(struct nf_stack *st)
{
	nf_linux_ip6_events(st);
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
	int rc = st->cfg.ip4 ? addr_op(st, true) : 0;

	if (rc == 0 && st->cfg.ip4)
		nf_shared_set_lease(st->sh, true, st->cfg.ip, st->cfg.gw, st->cfg.dns);
	return rc ? rc : nf_linux_ip6_start(st);
}

static void linux_ip_stop(struct nf_stack *st)
{
	if (st->cfg.ip4) {
		addr_op(st, false);
		nf_shared_set_lease(st->sh, false, 0, 0, 0);
	}
	nf_linux_ip6_stop(st);
}

static int linux_socket(enum nf_sock_type type, int family)
{
	static const int kinds[][2] = {[NF_SOCK_TCP] = {SOCK_STREAM, 0},
				       [NF_SOCK_UDP] = {SOCK_DGRAM, 0},
				       [NF_SOCK_ICMP] = {SOCK_RAW, IPPROTO_ICMP}};

	return socket(family == 6 ? AF_INET6 : AF_INET,
		      kinds[type][0] | SOCK_NONBLOCK | SOCK_CLOEXEC, kinds[type][1]);
}

static socklen_t to_sa(const struct nf_ip *ip, uint16_t port, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (ip->family == 6) {
		struct sockaddr_in6 *sa = (struct sockaddr_in6 *)ss;
		sa->sin6_family = AF_INET6;
		sa->sin6_port = htons(port);
		memcpy(&sa->sin6_addr, ip->a, 16);
		return sizeof(*sa);
	}
	struct sockaddr_in *sa = (struct sockaddr_in *)ss;
	sa->sin_family = AF_INET;
	sa->sin_port = htons(port);
	memcpy(&sa->sin_addr, ip->a, 4);
	return sizeof(*sa);
}

static int linux_connect(int fd, const struct nf_ip *ip, uint16_t port)
{
	struct sockaddr_storage ss;
	socklen_t len = to_sa(ip, port, &ss);

	return connect(fd, (struct sockaddr *)&ss, len);
}

static ssize_t linux_sendto(int fd, const void *buf, size_t len, const struct nf_ip *ip,
			    uint16_t port)
{
	struct sockaddr_storage ss;
	socklen_t sl = to_sa(ip, port, &ss);

	return sendto(fd, buf, len, MSG_NOSIGNAL, (struct sockaddr *)&ss, sl);
}

/* the socket, and the wake eventfd beside it */
static int linux_poll(struct nf_stack *st, int fd, int events, int timeout_ms)
{
	struct pollfd p[2] = {{fd, NF_POLL_BITS(events), 0}, {st->wake_fd, POLLIN, 0}};
	int n = poll(p, 2, timeout_ms);

	return n <= 0 ? n : (p[0].revents ? 1 : 0);
}

static void linux_wake(struct nf_stack *st, int fd)
{
	uint64_t one = 1;

	(void)fd;
	if (write(st->wake_fd, &one, sizeof(one)) < 0)
		perror("netflap-device: wake");
}

static void linux_wake_clear(struct nf_stack *st)
{
	uint64_t n;

	while (read(st->wake_fd, &n, sizeof(n)) > 0)
		;
}

#define RX_SELECT select
#define RX_POLL poll
#define RX_FCNTL fcntl
#include "rx_waits.inc"

/* SIOCOUTQ: what the send queue holds, sent and unacknowledged or unsent */
static long linux_unacked(struct nf_stack *st, int fd)
{
	int n;
	(void)st;
	return ioctl(fd, SIOCOUTQ, &n) < 0 ? -1 : n;
}

static int linux_probe(struct nf_stack *st, struct nf_probe *out)
{
	(void)st;
	(void)out;
	return -ENOTSUP;
}

static const int sockopts[NF_SO_COUNT][2] = NF_SOCKOPT_NAMES;

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
    .getsockopt = getsockopt,
    .send = send,
    .sendto = linux_sendto,
    .recv = recv,
    .poll = linux_poll,
    .wake = linux_wake,
    .wake_clear = linux_wake_clear,
    .shutdown = shutdown,
    .close_fd = close,
    .setsockopt = setsockopt,
    .sockopts = sockopts,
    .probe = linux_probe,
    .probe_ip6 = nf_linux_probe_ip6,
    .select_rd = rx_select_rd,
    .poll_rd = rx_poll_rd,
    .set_blocking = rx_set_blocking,
    .dontwait = MSG_DONTWAIT,
    .tls_net = &nf_tls_net_kernel,
    .unacked = linux_unacked,
};
