/* A host interface lent to the run (see hwport.h), over rtnetlink. */
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "hwport.h"
#include "netns.h"
#include "nl_link.h"

/* the first IPv4 address on ifindex into buf; 0 none, 1 found, -errno */
static int ipv4_on(struct nl_sock *sk, int ifindex, char *buf, size_t len)
{
	struct nl_cache *cache;
	int found = 0;

	if (rtnl_addr_alloc_cache(sk, &cache) < 0)
		return -EIO;
	for (struct nl_object *o = nl_cache_get_first(cache); o && !found; o = nl_cache_get_next(o)) {
		struct rtnl_addr *a = (struct rtnl_addr *)o;
		if (rtnl_addr_get_ifindex(a) == ifindex && rtnl_addr_get_family(a) == AF_INET) {
			nl_addr2str(rtnl_addr_get_local(a), buf, len);
			found = 1;
		}
	}
	nl_cache_free(cache);
	return found;
}

/* why link l cannot be lent, into err; 0 it can */
static int refuse(struct nl_sock *sk, struct rtnl_link *l, const char *name, char *err, size_t len)
{
	char addr[64];
	int master = rtnl_link_get_master(l);

	if (rtnl_link_get_flags(l) & IFF_LOOPBACK) {
		snprintf(err, len, "ap.iface = %s: a loopback interface cannot carry a board", name);
		return -EINVAL;
	}
	if (master > 0) {
		snprintf(err, len, "ap.iface = %s: busy, already enslaved (to ifindex %d): take it "
			 "out of its bridge or bond first", name, master);
		return -EBUSY;
	}
	int r = ipv4_on(sk, rtnl_link_get_ifindex(l), addr, sizeof(addr));
	if (r > 0) {
		snprintf(err, len, "ap.iface = %s: busy, it carries %s (in use by this host): "
			 "remove its address to lend it to netflap", name, addr);
		return -EBUSY;
	}
	return r < 0 ? r : 0;
}

static struct nl_sock *host_socket(void)
{
	struct nl_sock *sk = nl_socket_alloc();

	if (sk && nl_connect(sk, NETLINK_ROUTE) < 0) {
		nl_socket_free(sk);
		sk = NULL;
	}
	return sk;
}

int nf_hwport_check(const char *name, char *err, size_t len)
{
	struct nl_sock *sk = host_socket();
	struct rtnl_link *l = NULL;
	int rc;

	if (!sk) {
		snprintf(err, len, "ap.iface = %s: netlink: %s", name, strerror(errno));
		return -EIO;
	}
	if (rtnl_link_get_kernel(sk, 0, name, &l) < 0) {
		snprintf(err, len, "ap.iface = %s: no such interface in this namespace (`ip link` "
			 "lists them)", name);
		rc = -ENODEV;
	} else {
		rc = refuse(sk, l, name, err, len);
		rtnl_link_put(l);
	}
	nl_socket_free(sk);
	return rc;
}

static void set_ns(struct rtnl_link *chg, long nsfd)
{
	rtnl_link_set_ns_fd(chg, (int)nsfd);
}

/* moves link ifindex (seen through sk) into the namespace nsfd; 0 or -errno */
static int move_to(struct nl_sock *sk, int ifindex, int nsfd)
{
	return nf_nl_change(sk, ifindex, set_ns, nsfd);
}

/* out of the bridge, down, into home_nsfd (found by name there), up when
 * want_up; every step tried. 0 or the first -errno. */
static int give_back(struct nl_sock *ap, int ifindex, const char *name, int home_nsfd,
		     bool want_up)
{
	int rc = 0, r;
	struct nl_sock *home;

	rtnl_link_release_ifindex(ap, ifindex);
	nf_nl_set_up(ap, ifindex, false);
	if ((r = move_to(ap, ifindex, home_nsfd)) < 0)
		return r;
	if (!want_up)
		return 0;
	home = nf_nl_in(home_nsfd);
	if (!home)
		return -EIO;
	int idx = nf_nl_ifindex(home, name);
	rc = idx < 0 ? idx : nf_nl_set_up(home, idx, true);
	nl_socket_free(home);
	return rc;
}

static void undo_return(void *ctx, const char *name, long x)
{
	struct nf_hwport *p = ctx;
	int rc;

	(void)x;
	int idx = nf_nl_ifindex(p->topo->ap_nl, p->name);
	rc = idx < 0 ? 0 : give_back(p->topo->ap_nl, idx, p->name, p->home_nsfd, p->was_up);
	if (rc < 0)
		fprintf(stderr, "netflap: giving %s back to the host: %s (`netflap cleanup` "
			"tries again)\n", name, strerror(-rc));
	close(p->home_nsfd);
	p->home_nsfd = -1;
}

static int note_state(struct nf_hwport *p, const char *name, char *err, size_t len)
{
	struct nl_sock *sk = host_socket();
	struct rtnl_link *l = NULL;
	int rc = -EIO;

	if (sk && rtnl_link_get_kernel(sk, 0, name, &l) >= 0) {
		p->was_up = (rtnl_link_get_flags(l) & IFF_UP) != 0;
		p->ifindex = rtnl_link_get_ifindex(l);
		rc = refuse(sk, l, name, err, len); /* again: it may have changed since */
		if (rc == 0 && (rc = move_to(sk, p->ifindex, p->topo->ap_nsfd)) < 0)
			snprintf(err, len, "ap.iface = %s: moving it into %s: %s", name,
				 p->topo->ap_ns, strerror(-rc));
		rtnl_link_put(l);
	} else {
		snprintf(err, len, "ap.iface = %s: gone before the run could take it", name);
		rc = -ENODEV;
	}
	if (sk)
		nl_socket_free(sk);
	return rc;
}

int nf_hwport_adopt(struct nf_hwport *p, const char *name, struct nf_topo *t, struct nf_undo *u,
		    char *err, size_t len)
{
	int rc;

	*p = (struct nf_hwport){.topo = t, .home_nsfd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC)};
	snprintf(p->name, sizeof(p->name), "%s", name);
	if (p->home_nsfd < 0) {
		snprintf(err, len, "/proc/self/ns/net: %s", strerror(errno));
		return -errno;
	}
	/* the return first: a run that ends between here and the move still
	 * tries to give it back (a link not in the AP namespace is left alone) */
	if ((rc = nf_undo_push(u, undo_return, p, name, 0)) < 0) {
		close(p->home_nsfd);
		return rc;
	}
	if ((rc = note_state(p, name, err, len)) < 0)
		return rc;
	p->ifindex = nf_nl_ifindex(t->ap_nl, name);
	if (p->ifindex < 0 || (rc = nf_nl_set_up(t->ap_nl, p->ifindex, false)) < 0 ||
	    (rc = rtnl_link_enslave_ifindex(t->ap_nl, t->br_ifindex, p->ifindex)) < 0) {
		snprintf(err, len, "ap.iface = %s: onto the AP bridge: %s", name,
			 p->ifindex < 0 ? "not in the AP namespace" : nl_geterror(rc));
		return p->ifindex < 0 ? -ENODEV : nf_nl_err(rc);
	}
	return 0;
}

int nf_hwport_set(struct nf_hwport *p, bool up)
{
	return nf_nl_set_up(p->topo->ap_nl, p->ifindex, up);
}

/* made by netflap in a run's AP namespace */
static bool ours(const char *name, const char *runid)
{
	char prefix[16];

	snprintf(prefix, sizeof(prefix), "nf%.6s", runid);
	return strcmp(name, "lo") == 0 || strcmp(name, NF_BRIDGE) == 0 ||
	       strncmp(name, prefix, strlen(prefix)) == 0;
}

int nf_hwport_return_all(int nsfd, const char *runid, bool quiet)
{
	struct nl_sock *sk = nf_nl_in(nsfd);
	struct nl_cache *cache;
	int home = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC), n = 0;

	if (!sk || home < 0 || rtnl_link_alloc_cache(sk, AF_UNSPEC, &cache) < 0) {
		if (sk)
			nl_socket_free(sk);
		if (home >= 0)
			close(home);
		return -EIO;
	}
	for (struct nl_object *o = nl_cache_get_first(cache); o; o = nl_cache_get_next(o)) {
		struct rtnl_link *l = (struct rtnl_link *)o;
		const char *name = rtnl_link_get_name(l);
		if (!name || ours(name, runid))
			continue;
		int rc = give_back(sk, rtnl_link_get_ifindex(l), name, home, true);
		if (!quiet)
			printf("netflap: gave %s back to the host%s%s\n", name, rc ? ": " : "",
			       rc ? strerror(-rc) : "");
		n += rc == 0;
	}
	nl_cache_free(cache);
	nl_socket_free(sk);
	close(home);
	return n;
}
