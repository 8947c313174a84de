/* Topology over rtnetlink (see topo.h). */
#include <errno.h>
#include <linux/ethtool.h>
#include <linux/if.h>
#include <linux/if_addr.h>
#include <linux/if_bridge.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/sockios.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/bridge.h>
#include <netlink/route/link/veth.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "netns.h"
#include "nl_link.h"
#include "topo.h"

/* Port isolation (as `bridge link set dev X isolated on`), a Wi-Fi AP's
 * client isolation: stations reach the AP, not each other, so one
 * device's broadcasts (its gratuitous ARP, its ARP for the gateway) do
 * not flood every other device. Without it a fleet's devices spend each
 * reconnect burst on each other's ARP: at 20 devices on 2 cores 1 % of
 * reconnects lost a frame to a full lwIP queue (CONNACK p99 253 ms; with
 * isolation 8 ms). libnl has no setter: the message is made here. */
static int port_attr(struct nl_sock *sk, int ifindex, int attr, uint8_t value)
{
	struct ifinfomsg ifi = {.ifi_family = AF_BRIDGE, .ifi_index = ifindex};
	struct nl_msg *m = nlmsg_alloc_simple(RTM_SETLINK, NLM_F_REQUEST | NLM_F_ACK);
	struct nlattr *pi;
	int rc = -ENOMEM;

	if (!m || nlmsg_append(m, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0 ||
	    !(pi = nla_nest_start(m, IFLA_PROTINFO | NLA_F_NESTED)) ||
	    nla_put_u8(m, attr, value) < 0)
		goto out;
	nla_nest_end(m, pi);
	rc = nl_send_sync(sk, m); /* frees m */
	m = NULL;
	rc = rc < 0 ? nf_nl_err(rc) : 0;
out:
	nlmsg_free(m);
	return rc;
}

/* cidr on ifindex; IPv6 without duplicate address detection (the AP's
 * own address is there at once, as a router's configured one is) */
enum addr_how { ADDR_ADD, ADDR_REPLACE, ADDR_DELETE };

/* an address of the AP's added, given other flags (replace), or deleted
 * (one already gone is no error); IPv6 ones without detection */
static int addr_do(struct nl_sock *sk, int ifindex, const char *cidr, int family, unsigned flags,
		   enum addr_how how)
{
	struct rtnl_addr *a = rtnl_addr_alloc();
	struct nl_addr *local = NULL;
	int rc;

	if (!a)
		return -ENOMEM;
	rc = nl_addr_parse(cidr, family, &local);
	if (rc >= 0) {
		rtnl_addr_set_ifindex(a, ifindex);
		rtnl_addr_set_local(a, local);
		rtnl_addr_set_flags(a, flags | (family == AF_INET6 ? IFA_F_NODAD : 0));
		rc = how == ADDR_DELETE ? rtnl_addr_delete(sk, a, 0)
					: rtnl_addr_add(sk, a, how == ADDR_REPLACE ? NLM_F_REPLACE : 0);
	}
	nl_addr_put(local);
	rtnl_addr_put(a);
	if (how == ADDR_DELETE && rc == -NLE_NOADDR)
		rc = 0;
	return rc < 0 ? nf_nl_err(rc) : 0;
}

static int add_addr(struct nl_sock *sk, int ifindex, const char *cidr, int family)
{
	return addr_do(sk, ifindex, cidr, family, 0, ADDR_ADD);
}

/* The device's lwIP checks checksums; a veth passes on the partial ones
 * the kernel leaves to offload. Have the kernel fill them in. */
static int tx_csum_off(int nsfd, const char *ifname)
{
	struct ethtool_value ev = {.cmd = ETHTOOL_STXCSUM, .data = 0};
	struct ifreq ifr;
	int saved, fd, rc;

	rc = nf_netns_enter(nsfd, &saved);
	if (rc)
		return rc;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		rc = -errno;
	} else {
		memset(&ifr, 0, sizeof(ifr));
		snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
		ifr.ifr_data = (void *)&ev;
		rc = ioctl(fd, SIOCETHTOOL, &ifr) < 0 ? -errno : 0;
		close(fd);
	}
	nf_netns_leave(saved);
	return rc;
}

static void undo_netns(void *ctx, const char *name, long x)
{
	(void)ctx;
	(void)x;
	nf_netns_delete(name);
}

static void undo_close(void *ctx, const char *name, long fd)
{
	(void)ctx;
	(void)name;
	close((int)fd);
}

static void undo_nl(void *ctx, const char *name, long x)
{
	(void)name;
	(void)x;
	nl_socket_free(ctx);
}

static int make_ns(const char *name, int *fd, struct nf_undo *u)
{
	int rc = nf_netns_create(name);

	if (rc)
		return rc;
	if (nf_undo_push(u, undo_netns, NULL, name, 0) < 0) {
		nf_netns_delete(name);
		return -ENOSPC;
	}
	*fd = nf_netns_open(name);
	if (*fd < 0)
		return *fd;
	return nf_undo_push(u, undo_close, NULL, name, *fd);
}

static int quiet_ns(int nsfd)
{
	/* no IPv6 chatter on the AP's LAN unless the scenario speaks it: then
	 * only the interfaces named in if_ip6() have it (a new one inherits
	 * default's) */
	int rc = nf_netns_sysctl(nsfd, "/proc/sys/net/ipv6/conf/all/disable_ipv6", "1");
	if (!rc)
		rc = nf_netns_sysctl(nsfd, "/proc/sys/net/ipv6/conf/default/disable_ipv6", "1");
	return rc == -ENOENT ? 0 : rc; /* a kernel without IPv6 */
}

/* IPv6 on one interface: the AP's bridge (a router: no SLAAC from its own
 * advertisements) or a kernel device's port (a host: SLAAC, one DAD probe) */
static int if_ip6(int nsfd, const char *ifname, bool host)
{
	static const char *const router[][2] = {
	    {"accept_ra", "0"}, {"autoconf", "0"}, {"disable_ipv6", "0"}};
	static const char *const station[][2] = {{"accept_ra", "1"},     {"autoconf", "1"},
						 {"accept_dad", "1"},    {"dad_transmits", "1"},
						 {"disable_ipv6", "0"}};
	const char *const(*set)[2] = host ? station : router;
	size_t n = host ? sizeof(station) / sizeof(station[0]) : sizeof(router) / sizeof(router[0]);
	char path[128];
	int rc = 0;

	for (size_t i = 0; i < n && !rc; i++) {
		snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/%s", ifname, set[i][0]);
		rc = nf_netns_sysctl(nsfd, path, set[i][1]);
	}
	return rc;
}

static int add_device(struct nf_topo *t, int i, struct nf_undo *u, char *err, unsigned errlen)
{
	struct nf_topo_dev *d = &t->dev[i];
	struct rtnl_link *veth = NULL, *peer;
	struct nl_sock *dnl = NULL;
	int rc;

	snprintf(d->ns, sizeof(d->ns), NF_NETNS_PREFIX "%s-d%d", t->runid, i);
	snprintf(d->ap_if, sizeof(d->ap_if), "nf%.6sa%u", t->runid, (unsigned)i); /* <= 12 */
	snprintf(d->dev_if, sizeof(d->dev_if), "nf%.6sd%u", t->runid, (unsigned)i);
	rc = make_ns(d->ns, &d->nsfd, u);
	if (rc) {
		snprintf(err, errlen, "namespace %s: %s", d->ns, strerror(-rc));
		return rc;
	}
	if ((rc = quiet_ns(d->nsfd))) {
		snprintf(err, errlen, "%s: disabling IPv6: %s", d->ns, strerror(-rc));
		return rc;
	}
	/* the pair is made in the AP namespace; its peer goes straight to the device's */
	veth = rtnl_link_veth_alloc();
	if (!veth)
		return -ENOMEM;
	rtnl_link_set_name(veth, d->ap_if);
	peer = rtnl_link_veth_get_peer(veth);
	rtnl_link_set_name(peer, d->dev_if);
	rtnl_link_set_ns_fd(peer, d->nsfd);
	rtnl_link_put(peer);
	rc = rtnl_link_add(t->ap_nl, veth, NLM_F_CREATE | NLM_F_EXCL);
	rtnl_link_veth_release(veth);
	if (rc < 0) {
		snprintf(err, errlen, "veth %s/%s: %s", d->ap_if, d->dev_if, nl_geterror(rc));
		return nf_nl_err(rc);
	}
	d->ap_ifindex = nf_nl_ifindex(t->ap_nl, d->ap_if);
	if (d->ap_ifindex < 0 || (rc = tx_csum_off(t->ap_nsfd, d->ap_if)) ||
	    (rc = rtnl_link_enslave_ifindex(t->ap_nl, t->br_ifindex, d->ap_ifindex)) < 0 ||
	    (t->isolate && (rc = port_attr(t->ap_nl, d->ap_ifindex, IFLA_BRPORT_ISOLATED, 1)) < 0)) {
		snprintf(err, errlen, "AP port %s: set-up failed (%d)", d->ap_if, rc);
		return rc < 0 ? rc : -ENODEV;
	}
	dnl = nf_nl_in(d->nsfd);
	if (!dnl) {
		snprintf(err, errlen, "netlink in %s failed", d->ns);
		return -EIO;
	}
	int lo = nf_nl_ifindex(dnl, "lo"), dev = nf_nl_ifindex(dnl, d->dev_if);
	rc = (lo < 0 || dev < 0) ? -ENODEV : nf_nl_set_up(dnl, lo, true);
	if (!rc && (t->flags & NF_TOPO_KERNEL_IP6))
		rc = if_ip6(d->nsfd, d->dev_if, true);
	if (!rc)
		rc = nf_nl_set_up(dnl, dev, true);
	nl_socket_free(dnl);
	if (rc)
		snprintf(err, errlen, "%s: bringing %s up: %s", d->ns, d->dev_if, strerror(-rc));
	return rc;
}

int nf_topo_build(struct nf_topo *t, const char *runid, int ndev, unsigned flags,
		  struct nf_undo *u, char *err, unsigned errlen)
{
	struct rtnl_link *br;
	int rc, lo;

	memset(t, 0, sizeof(*t));
	snprintf(t->runid, sizeof(t->runid), "%s", runid);
	snprintf(t->ap_ns, sizeof(t->ap_ns), NF_NETNS_PREFIX "%s-ap", runid);
	t->ndev = ndev;
	t->isolate = flags & NF_TOPO_ISOLATE;
	t->flags = flags;
	rc = make_ns(t->ap_ns, &t->ap_nsfd, u);
	if (rc) {
		snprintf(err, errlen, "namespace %s: %s", t->ap_ns, strerror(-rc));
		return rc;
	}
	if ((rc = quiet_ns(t->ap_nsfd))) {
		snprintf(err, errlen, "%s: disabling IPv6: %s", t->ap_ns, strerror(-rc));
		return rc;
	}
	t->ap_nl = nf_nl_in(t->ap_nsfd);
	if (!t->ap_nl || nf_undo_push(u, undo_nl, t->ap_nl, "netlink", 0) < 0) {
		snprintf(err, errlen, "netlink in %s failed", t->ap_ns);
		return -EIO;
	}
	br = rtnl_link_bridge_alloc();
	if (!br)
		return -ENOMEM;
	rtnl_link_set_name(br, NF_BRIDGE);
	rc = rtnl_link_add(t->ap_nl, br, NLM_F_CREATE | NLM_F_EXCL);
	rtnl_link_put(br);
	if (rc < 0) {
		snprintf(err, errlen, "bridge %s in %s: %s", NF_BRIDGE, t->ap_ns, nl_geterror(rc));
		return nf_nl_err(rc);
	}
	t->br_ifindex = nf_nl_ifindex(t->ap_nl, NF_BRIDGE);
	lo = nf_nl_ifindex(t->ap_nl, "lo");
	rc = (t->br_ifindex < 0 || lo < 0) ? -ENODEV : nf_nl_set_up(t->ap_nl, lo, true);
	if (!rc)
		rc = add_addr(t->ap_nl, t->br_ifindex, NF_AP_CIDR, AF_INET);
	if (!rc && (flags & NF_TOPO_IP6) && !(rc = if_ip6(t->ap_nsfd, NF_BRIDGE, false)))
		rc = add_addr(t->ap_nl, t->br_ifindex, NF_AP_CIDR6, AF_INET6);
	if (!rc)
		rc = nf_nl_set_up(t->ap_nl, t->br_ifindex, true);
	if (rc) {
		snprintf(err, errlen, "%s: bridge set-up: %s", t->ap_ns, strerror(-rc));
		return rc;
	}
	for (int i = 0; i < ndev; i++) {
		rc = add_device(t, i, u, err, errlen);
		if (rc)
			return rc;
	}
	return 0;
}

int nf_topo_ap_port(struct nf_topo *t, int i, bool up)
{
	int rc = nf_nl_set_up(t->ap_nl, t->dev[i].ap_ifindex, up);

	if (!rc)
		t->dev[i].ap_up = up;
	return rc;
}

/* The blackhole (as `bridge link set dev X state 0|3`): a disabled bridge
 * port drops every frame both ways while both veth ends keep their
 * carrier, so the device learns of it only by its own timeouts. */
int nf_topo_ap_forward(struct nf_topo *t, int i, bool forward)
{
	if (i < 0 || i >= t->ndev)
		return -EINVAL;
	return port_attr(t->ap_nl, t->dev[i].ap_ifindex, IFLA_BRPORT_STATE,
			 forward ? BR_STATE_FORWARDING : BR_STATE_DISABLED);
}

int nf_topo_ap_addr6(struct nf_topo *t, const uint8_t addr[16], bool add)
{
	char cidr[64];

	if (!inet_ntop(AF_INET6, addr, cidr, sizeof(cidr) - 4))
		return -EINVAL;
	strcat(cidr, "/128");
	return addr_do(t->ap_nl, t->br_ifindex, cidr, AF_INET6, 0, add ? ADDR_ADD : ADDR_DELETE);
}

int nf_topo_ap_renumber(struct nf_topo *t, bool on)
{
	/* the first prefix's address stays (the services are bound to it),
	 * without its on-link route: an answer to a device's address in it
	 * has nowhere to go, as after a real renumbering */
	int rc = addr_do(t->ap_nl, t->br_ifindex, NF_AP_CIDR6, AF_INET6,
			 on ? IFA_F_NOPREFIXROUTE : 0, ADDR_REPLACE);

	return rc ? rc
		  : addr_do(t->ap_nl, t->br_ifindex, NF_AP_CIDR6_ALT, AF_INET6, 0,
			    on ? ADDR_ADD : ADDR_DELETE);
}

int nf_topo_dev_mac(struct nf_topo *t, int i, uint8_t mac[6])
{
	struct nl_sock *dnl = nf_nl_in(t->dev[i].nsfd);
	struct rtnl_link *l = NULL;
	int rc = -ENODEV;

	if (!dnl)
		return -EIO;
	if (rtnl_link_get_kernel(dnl, 0, t->dev[i].dev_if, &l) >= 0) {
		struct nl_addr *a = rtnl_link_get_addr(l);
		if (a && nl_addr_get_len(a) == 6) {
			memcpy(mac, nl_addr_get_binary_addr(a), 6);
			rc = 0;
		}
		rtnl_link_put(l);
	}
	nl_socket_free(dnl);
	return rc;
}

int nf_topo_ap_ip6(struct nf_topo *t, bool on)
{
	char path[96];
	int rc;

	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/disable_ipv6", NF_BRIDGE);
	rc = nf_netns_sysctl(t->ap_nsfd, path, on ? "0" : "1");
	/* off took the bridge's addresses with it: its own goes back on */
	if (!rc && on)
		rc = add_addr(t->ap_nl, t->br_ifindex, NF_AP_CIDR6, AF_INET6);
	return rc;
}
