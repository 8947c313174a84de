/* The lwIP stack backend: this binary's lwIP (whichever release or fork
 * the stack was built from, with its sockets.c variant) on a libpcap
 * netif, DHCP and DNS from lwIP, BSD sockets from lwIP. Besides the probe
 * (lwip-port/probe.c) it reaches into lwIP in two places, both under the
 * core lock: the socket's own netconn event callback, to wake a wait
 * (lwip_wake), and the TCP pcb's send sequence numbers for the bytes a
 * close left unacknowledged (lwip_unacked). */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lwip/dhcp.h"
#include "lwip/dns.h"
#include "lwip/inet_chksum.h"
#include "lwip/netif.h"
#include "lwip/api.h"
#include "lwip/priv/sockets_priv.h"
#include "lwip/sockets.h"
#include "lwip/tcp.h"
#include "lwip/tcpip.h"

#include "netif_pcap.h"
#include "stack_lwip.h"
#include "clock.h"
#include "shared.h"
#include "nf_tls_net.h"
#include "stack.h"

#ifdef NF_TREE_LWIP_2_0
/* 2.1's dhcp_release_and_stop() is 2.0.x's two calls */
static void dhcp_release_and_stop(struct netif *n)
{
	dhcp_release(n);
	dhcp_stop(n);
}
#endif


/* tcpip thread: the address came or went */
static void on_status(struct netif *netif)
{
	/* netif->state is the pcapif; the stack embeds the netif */
	struct nf_stack *s = (struct nf_stack *)((char *)netif - offsetof(struct nf_stack, netif));
	if (!s->cfg.ip4)
		return; /* also called for IPv6's address changes: no lease here */
	const ip_addr_t *dns = dns_getserver(0);
	bool bound = !ip4_addr_isany_val(*netif_ip4_addr(netif));
	uint32_t dns4 = IP_IS_V4(dns) ? ip4_addr_get_u32(ip_2_ip4(dns)) : 0; /* RDNSS may fill it */

	nf_shared_set_lease(s->sh, bound, ip4_addr_get_u32(netif_ip4_addr(netif)),
			    ip4_addr_get_u32(netif_ip4_gw(netif)), dns4);
}

static int lwip_open(struct nf_stack **out, const struct nf_stack_cfg *cfg, struct nf_shared *sh,
		     char *err, unsigned errlen)
{
	struct nf_stack *st = calloc(1, sizeof(*st));
	int rc;

	if (!st)
		return -ENOMEM;
	st->cfg = *cfg;
	st->sh = sh;
	tcpip_init(NULL, NULL);
	if (sys_mutex_new(&st->dns_mu) != ERR_OK || sys_sem_new(&st->dns_sem, 0) != ERR_OK) {
		rc = -ENOMEM;
		snprintf(err, errlen, "lwIP: no memory for the DNS wait");
		goto fail;
	}
	if (cfg->socket_limit) {
		rc = nf_probe_set_socket_limit(cfg->socket_limit);
		if (rc < 0) {
			struct nf_probe p;
			nf_probe_read(&p);
			if (rc == -ENOTSUP)
				snprintf(err, errlen,
					 "socket limit %d: stack '%s' has no LWIP_NETCONN_FULLDUPLEX, "
					 "which the limit pins slots with",
					 cfg->socket_limit, nf_probe_variant());
			else
				snprintf(err, errlen, "socket limit %d: must be 1..%d",
					 cfg->socket_limit, p.num_sockets);
			goto fail;
		}
	}
	rc = pcapif_open(&st->pcap, cfg->ifname, cfg->mac, err, errlen);
	if (rc < 0)
		goto fail;
	if (nf_impair_active(&cfg->impair) &&
	    (rc = pcapif_impair(st->pcap, &cfg->impair, err, errlen)) < 0)
		goto fail;
	LOCK_TCPIP_CORE();
	if (!netif_add(&st->netif, IP4_ADDR_ANY4, IP4_ADDR_ANY4, IP4_ADDR_ANY4, st->pcap,
		       pcapif_netif_init, tcpip_input)) {
		UNLOCK_TCPIP_CORE();
		snprintf(err, errlen, "lwIP netif_add on %s failed", cfg->ifname);
		rc = -EIO;
		goto fail;
	}
	st->netif_added = true;
#if LWIP_NETIF_HOSTNAME
	netif_set_hostname(&st->netif, cfg->hostname);
#endif
	netif_set_status_callback(&st->netif, on_status);
	nf_lwip_ip6_open(st);
	netif_set_default(&st->netif);
	netif_set_link_down(&st->netif);
	netif_set_up(&st->netif);
	UNLOCK_TCPIP_CORE();
	*out = st;
	return 0;
fail:
	pcapif_close(st->pcap);
	free(st);
	return rc;
}

static void lwip_close_stack(struct nf_stack *st)
{
	if (!st)
		return;
	if (st->netif_added) {
		LOCK_TCPIP_CORE();
		dhcp_release_and_stop(&st->netif);
		netif_set_down(&st->netif);
		netif_remove(&st->netif);
		UNLOCK_TCPIP_CORE();
	}
	pcapif_close(st->pcap);
	/* the tcpip thread has no stop in lwIP 2.1: it ends with the process */
	free(st);
}

static int lwip_rx_fd(struct nf_stack *st)
{
	return pcapif_rx_fd(st->pcap);
}

static void lwip_rx(struct nf_stack *st)
{
	pcapif_rx(st->pcap, &st->netif);
}

static void lwip_link(struct nf_stack *st, bool up);

static void lwip_blackout(struct nf_stack *st, bool on)
{
	pcapif_blackout(st->pcap, on);
	if (on)
		lwip_link(st, false);
}

static void lwip_link(struct nf_stack *st, bool up)
{
	LOCK_TCPIP_CORE();
	if (up)
		netif_set_link_up(&st->netif);
	else
		netif_set_link_down(&st->netif);
	UNLOCK_TCPIP_CORE();
	pcapif_link(st->pcap, up);
}

static int lwip_ip_start(struct nf_stack *st)
{
	err_t e = ERR_OK;

	int rc;

	LOCK_TCPIP_CORE();
	rc = nf_lwip_ip6_start(st);
	if (!st->cfg.ip4) {
		/* IPv6 only: no IPv4 address, no DHCP */
	} else if (st->cfg.dhcp) {
		e = dhcp_start(&st->netif);
	} else {
		ip4_addr_t ip, mask, gw;
		ip_addr_t dns = IPADDR4_INIT(st->cfg.dns);

		ip4_addr_set_u32(&ip, st->cfg.ip);
		ip4_addr_set_u32(&mask, st->cfg.netmask);
		ip4_addr_set_u32(&gw, st->cfg.gw);
		dns_setserver(0, &dns);
		netif_set_addr(&st->netif, &ip, &mask, &gw);
	}
	UNLOCK_TCPIP_CORE();
	return e != ERR_OK ? -EIO : rc;
}

/* Stopping DHCP and dropping the address aborts the TCP pcbs bound to it,
 * as a station's stack does when it leaves the network. */
static void lwip_ip_stop(struct nf_stack *st)
{
	LOCK_TCPIP_CORE();
	if (st->cfg.dhcp && st->cfg.ip4)
		dhcp_release_and_stop(&st->netif);
	netif_set_addr(&st->netif, IP4_ADDR_ANY4, IP4_ADDR_ANY4, IP4_ADDR_ANY4);
	nf_lwip_ip6_stop(st);
	UNLOCK_TCPIP_CORE();
}

/* tcpip thread */
static void on_dns(const char *name, const ip_addr_t *ip, void *arg)
{
	struct nf_stack *st = arg;

	(void)name;
	sys_mutex_lock(&st->dns_mu);
	st->dns_done = true;
	st->dns_ok = ip != NULL;
	if (ip)
		st->dns_ip = *ip;
	sys_mutex_unlock(&st->dns_mu);
	sys_sem_signal(&st->dns_sem);
}

/* One query through lwIP's resolver, waited for in slices. 0, -EAGAIN (it
 * failed: a query left pending from before the carrier loss, say), or
 * -ETIMEDOUT/-ENETDOWN. */
static int dns_once(struct nf_stack *st, const char *name, int family, struct nf_ip *out,
		    int64_t deadline, const struct nf_cancel *c)
{
	ip_addr_t ip;
	err_t e;

	/* a signal left by an abandoned query or a wake only costs the loop
	 * below one look at dns_done */
	sys_mutex_lock(&st->dns_mu);
	st->dns_done = false;
	sys_mutex_unlock(&st->dns_mu);
	LOCK_TCPIP_CORE();
#if LWIP_IPV4 && LWIP_IPV6
	e = dns_gethostbyname_addrtype(name, &ip, on_dns, st,
				       family == 6 ? LWIP_DNS_ADDRTYPE_IPV6 : LWIP_DNS_ADDRTYPE_IPV4);
#else
	(void)family;
	e = dns_gethostbyname(name, &ip, on_dns, st);
#endif
	UNLOCK_TCPIP_CORE();
	if (e == ERR_OK) {
		nf_lwip_addr_out(&ip, out);
		return 0;
	}
	if (e != ERR_INPROGRESS)
		return -EAGAIN;
	for (;;) {
		int64_t left = deadline - nf_now_ms();
		if (left <= 0)
			return -ETIMEDOUT;
		if (c->lost(c->arg))
			return -ENETDOWN;
		if (sys_arch_sem_wait(&st->dns_sem, (u32_t)left) == SYS_ARCH_TIMEOUT)
			continue; /* the deadline: said at the top */
		sys_mutex_lock(&st->dns_mu);
		bool done = st->dns_done, ok = st->dns_ok;
		ip = st->dns_ip;
		sys_mutex_unlock(&st->dns_mu);
		if (done) {
			if (!ok)
				return -EAGAIN;
			nf_lwip_addr_out(&ip, out);
			return 0;
		}
	}
}

static int lwip_resolve(struct nf_stack *st, const char *name, int family, struct nf_ip *out,
			int64_t deadline, const struct nf_cancel *c)
{
	int rc = -ETIMEDOUT;

	/* a failed lookup is asked again while time is left: lwIP answers a
	 * query still pending from before the last carrier loss with its fate */
	for (int tries = 0; tries < 8; tries++) {
		rc = dns_once(st, name, family, out, deadline, c);
		if (rc != -EAGAIN)
			break;
	}
	return rc == -EAGAIN ? -EHOSTUNREACH : rc;
}

static int lwip_socket_fd(enum nf_sock_type type, int family)
{
	static const int kinds[][2] = {[NF_SOCK_TCP] = {SOCK_STREAM, 0},
				       [NF_SOCK_UDP] = {SOCK_DGRAM, 0},
				       [NF_SOCK_ICMP] = {SOCK_RAW, IP_PROTO_ICMP}};
#if LWIP_IPV6
	int domain = family == 6 ? AF_INET6 : AF_INET;
#else
	int domain = AF_INET;
	if (family == 6) {
		errno = EAFNOSUPPORT;
		return -1;
	}
#endif
	int fd = lwip_socket(domain, kinds[type][0], kinds[type][1]);

	if (fd >= 0)
		lwip_fcntl(fd, F_SETFL, O_NONBLOCK);
	return fd;
}

/* lwIP's sockaddrs have a length byte */
static socklen_t to_sa(const struct nf_ip *ip, uint16_t port, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
#if LWIP_IPV6
	if (ip->family == 6) {
		struct sockaddr_in6 *sa = (struct sockaddr_in6 *)ss;
		sa->sin6_len = sizeof(*sa);
		sa->sin6_family = AF_INET6;
		sa->sin6_port = lwip_htons(port);
		memcpy(&sa->sin6_addr, ip->a, 16);
		return sizeof(*sa);
	}
#endif
	struct sockaddr_in *sa = (struct sockaddr_in *)ss;
	sa->sin_len = sizeof(*sa);
	sa->sin_family = AF_INET;
	sa->sin_port = lwip_htons(port);
	memcpy(&sa->sin_addr.s_addr, ip->a, 4);
	return sizeof(*sa);
}

static int lwip_connect_fd(int fd, const struct nf_ip *ip, uint16_t port)
{
	struct sockaddr_storage ss;
	socklen_t len = to_sa(ip, port, &ss);

	return lwip_connect(fd, (struct sockaddr *)&ss, len);
}

static ssize_t lwip_sendto_fd(int fd, const void *buf, size_t len, const struct nf_ip *ip,
			      uint16_t port)
{
	struct sockaddr_storage ss;
	socklen_t sl = to_sa(ip, port, &ss);

	return lwip_sendto(fd, buf, len, 0, (struct sockaddr *)&ss, sl);
}

#ifdef NF_TREE_LWIP_2_0
/* lwIP 2.0.x has no lwip_poll(): the same wait through lwip_select(), the
 * socket in the except set too, so a wake (errevent) ends it as POLLERR
 * ends a poll */
static int lwip_poll_fd(struct nf_stack *st, int fd, int events, int timeout_ms)
{
	fd_set rd, wr, ex;
	struct timeval tv = {timeout_ms / 1000, timeout_ms % 1000 * 1000};

	(void)st;
	FD_ZERO(&rd);
	FD_ZERO(&wr);
	FD_ZERO(&ex);
	if (events & NF_POLL_IN)
		FD_SET(fd, &rd);
	if (events & NF_POLL_OUT)
		FD_SET(fd, &wr);
	FD_SET(fd, &ex);
	return lwip_select(fd + 1, &rd, &wr, &ex, timeout_ms < 0 ? NULL : &tv);
}
#else
/* lwIP's POLLIN/POLLOUT bits are not the host's */
static int lwip_poll_fd(struct nf_stack *st, int fd, int events, int timeout_ms)
{
	struct pollfd p = {fd, NF_POLL_BITS(events), 0};

	(void)st;
	return lwip_poll(&p, 1, timeout_ms);
}
#endif

/* lwIP 2.0.x returns int from these, 2.1 ssize_t: the ops take ssize_t */
static ssize_t lwip_send_fd(int fd, const void *buf, size_t len, int flags)
{
	return lwip_send(fd, buf, len, flags);
}

static ssize_t lwip_recv_fd(int fd, void *buf, size_t len, int flags)
{
	return lwip_recv(fd, buf, len, flags);
}

/* The wake goes through lwIP's own event path: the socket's netconn
 * callback with NETCONN_EVT_ERROR (what the tcpip thread calls when a
 * connection errs), under the core lock as there. It marks the socket's
 * errevent, which lwip_poll() reports as POLLERR and wakes its waiter
 * for; the flag stays, so a wake that comes before the poll is not lost.
 * Nothing is allocated and the socket is closed by the teardown next. */
static void lwip_wake(struct nf_stack *st, int fd)
{
	sys_sem_signal(&st->dns_sem); /* a resolver wait looks at the carrier again */
	if (fd < 0)
		return;
	LOCK_TCPIP_CORE();
	struct lwip_sock *sock = lwip_socket_dbg_get_socket(fd);
	if (sock && sock->conn && sock->conn->callback)
		sock->conn->callback(sock->conn, NETCONN_EVT_ERROR, 0);
	UNLOCK_TCPIP_CORE();
}

static void lwip_wake_clear(struct nf_stack *st)
{
	(void)st; /* errevent dies with its socket; a stale DNS signal costs one look */
}

static int lwip_probe(struct nf_stack *st, struct nf_probe *out)
{
	(void)st;
	return nf_probe_read(out);
}

static int lwip_probe_ip6(struct nf_stack *st, struct nf_probe_ip6 *out)
{
	(void)st;
	return nf_probe_read_ip6(out);
}

#define RX_SELECT lwip_select
#ifndef NF_TREE_LWIP_2_0 /* 2.0.x: no lwip_poll(); device.rx_wait = poll is refused for it */
#define RX_POLL lwip_poll
#endif
#define RX_FCNTL lwip_fcntl
#include "rx_waits.inc"

/* the pcb's bytes past the last ACK: sent and unacknowledged, or queued */
static long lwip_unacked(struct nf_stack *st, int fd)
{
	long n = -1;

	(void)st;
	LOCK_TCPIP_CORE();
	struct lwip_sock *sock = lwip_socket_dbg_get_socket(fd);
	if (sock && sock->conn && NETCONNTYPE_GROUP(netconn_type(sock->conn)) == NETCONN_TCP &&
	    sock->conn->pcb.tcp)
		n = (long)(u32_t)(sock->conn->pcb.tcp->snd_lbb - sock->conn->pcb.tcp->lastack);
	UNLOCK_TCPIP_CORE();
	return n;
}

static int lwip_link_counts(struct nf_stack *st, struct nf_impair_counts *out)
{
	return pcapif_impair_counts(st->pcap, out);
}

static const int sockopts[NF_SO_COUNT][2] = NF_SOCKOPT_NAMES;

const struct nf_stack_ops nf_stack_lwip = {
    .name = "lwip",
    .open = lwip_open,
    .close = lwip_close_stack,
    .rx_fd = lwip_rx_fd,
    .rx = lwip_rx,
    .link = lwip_link,
    .blackout = lwip_blackout,
    .ip_start = lwip_ip_start,
    .ip_stop = lwip_ip_stop,
    .resolve = lwip_resolve,
    .socket = lwip_socket_fd,
    .connect = lwip_connect_fd,
    .getsockopt = lwip_getsockopt,
    .send = lwip_send_fd,
    .sendto = lwip_sendto_fd,
    .recv = lwip_recv_fd,
    .poll = lwip_poll_fd,
    .wake = lwip_wake,
    .wake_clear = lwip_wake_clear,
    .shutdown = lwip_shutdown,
    .close_fd = lwip_close,
    .setsockopt = lwip_setsockopt,
    .sockopts = sockopts,
    .probe = lwip_probe,
    .probe_ip6 = lwip_probe_ip6,
    .link_counts = lwip_link_counts,
    .select_rd = rx_select_rd,
    .poll_rd = rx_poll_rd,
    .set_blocking = rx_set_blocking,
    .dontwait = MSG_DONTWAIT,
    .tls_net = &nf_tls_net_lwip,
    .unacked = lwip_unacked,
};
