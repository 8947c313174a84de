/* rtnetlink steps the network code shares (see nl_link.h). */
#include <errno.h>
#include <linux/if.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>

#include "netns.h"
#include "nl_link.h"

int nf_nl_err(int rc)
{
	return rc == -NLE_EXIST ? -EEXIST : rc == -NLE_PERM ? -EPERM : -EIO;
}

/* a netlink socket that lives in nsfd's namespace from now on */
struct nl_sock *nf_nl_in(int nsfd)
{
	struct nl_sock *sk = nl_socket_alloc();
	int saved;

	if (!sk)
		return NULL;
	if (nf_netns_enter(nsfd, &saved) < 0) {
		nl_socket_free(sk);
		return NULL;
	}
	if (nl_connect(sk, NETLINK_ROUTE) < 0) {
		nl_socket_free(sk);
		sk = NULL;
	}
	nf_netns_leave(saved);
	return sk;
}

int nf_nl_ifindex(struct nl_sock *sk, const char *name)
{
	struct rtnl_link *l;
	int idx;

	if (rtnl_link_get_kernel(sk, 0, name, &l) < 0)
		return -ENODEV;
	idx = rtnl_link_get_ifindex(l);
	rtnl_link_put(l);
	return idx;
}

int nf_nl_change(struct nl_sock *sk, int ifindex, void (*set)(struct rtnl_link *chg, long arg),
		 long arg)
{
	struct rtnl_link *orig = NULL, *chg = rtnl_link_alloc();
	int rc;

	if (!chg)
		return -ENOMEM;
	rc = rtnl_link_get_kernel(sk, ifindex, NULL, &orig);
	if (rc >= 0) {
		set(chg, arg);
		rc = rtnl_link_change(sk, orig, chg, 0);
	}
	rtnl_link_put(chg);
	if (orig)
		rtnl_link_put(orig);
	return rc < 0 ? nf_nl_err(rc) : 0;
}

static void set_flags(struct rtnl_link *chg, long up)
{
	if (up)
		rtnl_link_set_flags(chg, IFF_UP);
	else
		rtnl_link_unset_flags(chg, IFF_UP);
}

int nf_nl_set_up(struct nl_sock *sk, int ifindex, bool up)
{
	return nf_nl_change(sk, ifindex, set_flags, up);
}

