/* IPv6 on the kernel backend (the control group): the kernel does SLAAC
 * and duplicate address detection itself on the device's interface; the
 * static address is added over rtnetlink. The session hears that a global
 * address is preferred through rtnetlink's address events, read by the
 * main loop. The figures come from the kernel's own tables: /proc/net/
 * if_inet6 (addresses), the neighbour table (rtnetlink), /proc/net/
 * ipv6_route (routers, prefixes) and /proc/net/igmp6 (MLD); the kernel
 * keeps no destination cache, ND queue or reassembly count to read: '-'. */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_addr.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/neighbour.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "stack_linux.h"

int nf_linux_ip6_open(struct nf_stack *st, char *err, unsigned errlen)
{
	struct sockaddr_nl sa = {.nl_family = AF_NETLINK, .nl_groups = RTMGRP_IPV6_IFADDR};

	if (st->cfg.ip6 == NF_IP6_OFF)
		return 0;
	if (st->cfg.ip6 == NF_IP6_DHCP6) {
		snprintf(err, errlen, "stack linux has no DHCPv6 client (use slaac or static)");
		return -EINVAL;
	}
	st->ip6_fd = socket(AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (st->ip6_fd < 0 || bind(st->ip6_fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		snprintf(err, errlen, "rtnetlink address events: %s", strerror(errno));
		return -errno;
	}
	return 0;
}

/* one /proc/net/if_inet6 line of our interface: address and flags */
struct kaddr {
	uint8_t a[16];
	unsigned scope, flags;
};

static int read_addrs(const struct nf_stack *st, struct kaddr *out, int max)
{
	FILE *f = fopen("/proc/net/if_inet6", "r");
	char hex[33], name[IF_NAMESIZE + 1];
	unsigned idx, plen, scope, flags;
	int n = 0;

	if (!f)
		return -errno;
	while (n < max && fscanf(f, "%32s %x %x %x %x %16s", hex, &idx, &plen, &scope, &flags,
				 name) == 6) {
		if ((int)idx != st->ifindex)
			continue;
		for (int i = 0; i < 16; i++)
			sscanf(hex + 2 * i, "%2hhx", &out[n].a[i]);
		out[n].scope = scope;
		out[n++].flags = flags;
	}
	fclose(f);
	return n;
}

static int state_of(unsigned flags)
{
	if (flags & IFA_F_DADFAILED)
		return NF_IP6_DUPLICATED;
	if (flags & IFA_F_TENTATIVE)
		return NF_IP6_TENTATIVE;
	return flags & IFA_F_DEPRECATED ? NF_IP6_DEPRECATED : NF_IP6_PREFERRED;
}

/* the first global address that is preferred, and how far the others
 * got, to the session */
static void publish(struct nf_stack *st)
{
	struct kaddr k[16];
	int n = read_addrs(st, k, 16);
	struct nf_ip6_seen seen = {0};

	pthread_mutex_lock(&st->sh->mu);
	seen.dup = st->dad_failed; /* a SLAAC address that failed is deleted at once */
	pthread_mutex_unlock(&st->sh->mu);
	for (int i = 0; i < n; i++) {
		int state = state_of(k[i].flags);
		if (k[i].scope == 0x20) { /* link */
			seen.ll = seen.ll || state == NF_IP6_PREFERRED;
			continue;
		}
		if (k[i].scope != 0 ||
		    (st->cfg.ip6 == NF_IP6_STATIC && memcmp(k[i].a, st->cfg.ip6_static, 16)))
			continue;
		seen.dup = seen.dup || state == NF_IP6_DUPLICATED;
		seen.tentative = seen.tentative || state == NF_IP6_TENTATIVE;
		if (state == NF_IP6_PREFERRED && !seen.preferred) {
			seen.preferred = true;
			seen.addr = k[i].a;
		}
	}
	nf_shared_set_ip6(st->sh, &seen);
}

/* a global address of ours the kernel says failed its detection */
static bool dad_failure(const struct nf_stack *st, const struct nlmsghdr *h)
{
	const struct ifaddrmsg *ifa = NLMSG_DATA(h);
	unsigned flags;

	if ((h->nlmsg_type != RTM_NEWADDR && h->nlmsg_type != RTM_DELADDR) ||
	    ifa->ifa_family != AF_INET6 ||
	    (int)ifa->ifa_index != st->ifindex || ifa->ifa_scope != RT_SCOPE_UNIVERSE)
		return false;
	flags = ifa->ifa_flags;
	int len = (int)IFA_PAYLOAD(h);
	for (struct rtattr *a = IFA_RTA(ifa); RTA_OK(a, len); a = RTA_NEXT(a, len))
		if (a->rta_type == IFA_FLAGS && RTA_PAYLOAD(a) >= sizeof(uint32_t))
			memcpy(&flags, RTA_DATA(a), sizeof(uint32_t));
	/* the kernel deletes a SLAAC address whose detection failed while it is
	 * still tentative (a static one stays, marked); the deletions of a
	 * carrier loss (IPv6 off) are drained at the next association */
	return (flags & IFA_F_DADFAILED) ||
	       (h->nlmsg_type == RTM_DELADDR && (flags & IFA_F_TENTATIVE));
}

void nf_linux_ip6_events(struct nf_stack *st)
{
	char buf[8192];
	ssize_t n;

	if (st->ip6_fd < 0)
		return;
	while ((n = recv(st->ip6_fd, buf, sizeof(buf), 0)) > 0) {
		int len = (int)n;
		for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, len);
		     h = NLMSG_NEXT(h, len))
			if (dad_failure(st, h)) {
				pthread_mutex_lock(&st->sh->mu);
				st->dad_failed = true;
				pthread_mutex_unlock(&st->sh->mu);
			}
	}
	publish(st); /* the rest is read back whole */
}

/* the static address on the port (again: IPv6 off at a loss took it) */
static int add_static(struct nf_stack *st, const uint8_t *a)
{
	struct rtnl_addr *ra = rtnl_addr_alloc();
	struct nl_addr *local = nl_addr_build(AF_INET6, a, 16);
	int rc;

	if (!ra || !local) {
		rc = -ENOMEM;
		goto out;
	}
	nl_addr_set_prefixlen(local, 64);
	rtnl_addr_set_ifindex(ra, st->ifindex);
	rtnl_addr_set_local(ra, local);
	rc = rtnl_addr_add(st->nl, ra, NLM_F_REPLACE) < 0 ? -EIO : 0;
out:
	nl_addr_put(local);
	rtnl_addr_put(ra);
	return rc;
}

/* IPv6 on the port off or on: the kernel keeps its addresses, routers and
 * neighbours through a carrier loss and on the carrier's return neither
 * detects its addresses again nor solicits a router (it waits for the next
 * periodic advertisement; seen: 3 to 15 s). A station's network manager
 * starts IPv6 afresh per association, as lwIP's port does: off at the
 * loss (every address, route and neighbour goes), on at the association
 * (link-local detection, then a router solicitation) */
static int ip6_enable(const struct nf_stack *st, bool on)
{
	char name[IF_NAMESIZE], path[96];

	if (!if_indextoname((unsigned)st->ifindex, name))
		return -errno;
	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/disable_ipv6", name);
	FILE *f = fopen(path, "w");
	if (!f)
		return -errno;
	int rc = fputs(on ? "0" : "1", f) < 0 ? -EIO : 0;
	return fclose(f) && !rc ? -errno : rc;
}

/* address events of the association before: the tentative addresses the
 * loss took are no failed detection of this one */
static void drain_events(const struct nf_stack *st)
{
	char buf[8192];

	while (recv(st->ip6_fd, buf, sizeof(buf), 0) > 0)
		;
}

int nf_linux_ip6_start(struct nf_stack *st)
{
	int rc;

	if (st->cfg.ip6 == NF_IP6_OFF)
		return 0;
	drain_events(st);
	pthread_mutex_lock(&st->sh->mu);
	memcpy(st->sh->dns6, st->cfg.dns6, 16);
	st->dad_failed = false; /* a new association, a new detection */
	pthread_mutex_unlock(&st->sh->mu);
	rc = st->cfg.ip6_keep ? 0 : ip6_enable(st, true);
	if (rc == 0 && st->cfg.ip6 == NF_IP6_STATIC)
		rc = add_static(st, st->cfg.ip6_static);
	publish(st);
	return rc;
}

/* as the lwIP port: every address, router and neighbour goes with the
 * carrier (ip6_keep: the kernel's own way, everything stays) */
void nf_linux_ip6_stop(struct nf_stack *st)
{
	if (st->cfg.ip6 == NF_IP6_OFF)
		return;
	if (!st->cfg.ip6_keep)
		ip6_enable(st, false);
	nf_shared_set_ip6(st->sh, &(struct nf_ip6_seen){0});
}

static void count_neigh(struct nl_object *o, void *arg)
{
	struct rtnl_neigh *ne = (struct rtnl_neigh *)o;
	struct nf_probe_ip6 *out = arg;
	int state = rtnl_neigh_get_state(ne);

	if (rtnl_neigh_get_family(ne) != AF_INET6 || (state & (NUD_NOARP | NUD_PERMANENT)))
		return;
	out->neighbors++;
	out->incomplete += (state & NUD_INCOMPLETE) != 0;
}

/* /proc/net/ipv6_route: default routes (routers) and on-link prefixes of
 * the interface (neither link-local nor multicast nor one address) */
static void read_routes(const struct nf_stack *st, struct nf_probe_ip6 *out)
{
	FILE *f = fopen("/proc/net/ipv6_route", "r");
	char dst[33], src[33], hop[33], dev[IF_NAMESIZE + 1], want[IF_NAMESIZE];
	unsigned dlen, slen, metric, ref, use, flags;

	if (!f || !if_indextoname((unsigned)st->ifindex, want)) {
		if (f)
			fclose(f);
		return;
	}
	while (fscanf(f, "%32s %x %32s %x %32s %x %x %x %x %16s", dst, &dlen, src, &slen, hop,
		      &metric, &ref, &use, &flags, dev) == 10) {
		if (strcmp(dev, want))
			continue;
		if (dlen == 0)
			out->routers++;
		else if (dlen < 128 && strncmp(dst, "fe80", 4) && strncmp(dst, "ff", 2))
			out->prefixes++;
	}
	fclose(f);
}

static int count_mld(const struct nf_stack *st)
{
	FILE *f = fopen("/proc/net/igmp6", "r");
	char line[256];
	int n = 0, idx;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		n += sscanf(line, "%d", &idx) == 1 && idx == st->ifindex;
	fclose(f);
	return n;
}

int nf_linux_probe_ip6(struct nf_stack *st, struct nf_probe_ip6 *out)
{
	struct kaddr k[16];
	struct nl_cache *cache = NULL;
	int n = read_addrs(st, k, 16);

	memset(out, 0, sizeof(*out));
	out->state = NF_IP6_NONE;
	for (int i = 0; i < n; i++) { /* the static address, else the first global one */
		bool mine = st->cfg.ip6 == NF_IP6_STATIC ? !memcmp(k[i].a, st->cfg.ip6_static, 16)
							 : k[i].scope == 0 && out->state == NF_IP6_NONE;
		out->addrs++;
		if (mine)
			out->state = state_of(k[i].flags);
	}
	if (rtnl_neigh_alloc_cache(st->nl, &cache) == 0) {
		struct rtnl_neigh *filter = rtnl_neigh_alloc();
		if (filter) {
			rtnl_neigh_set_ifindex(filter, st->ifindex);
			nl_cache_foreach_filter(cache, (struct nl_object *)filter, count_neigh, out);
			rtnl_neigh_put(filter);
		}
		nl_cache_free(cache);
	} else {
		out->neighbors = out->incomplete = -1;
	}
	read_routes(st, out);
	out->mld_groups = count_mld(st);
	out->dests = out->nd6_queue = out->reass = -1; /* the kernel keeps none to read */
	return 0;
}
