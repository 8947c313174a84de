/* rtnetlink steps shared by the run's network code (topo.c, hwport.c):
 * a socket bound to a namespace, a link's index, a link up or down. */
#ifndef NETFLAP_NL_LINK_H
#define NETFLAP_NL_LINK_H

#include <stdbool.h>

struct nl_sock;

/* libnl's error as -errno (EEXIST, EPERM, else EIO) */
int nf_nl_err(int rc);
/* a NETLINK_ROUTE socket that lives in nsfd's namespace from now on; NULL on failure */
struct nl_sock *nf_nl_in(int nsfd);
/* the index of link name, or -ENODEV */
int nf_nl_ifindex(struct nl_sock *sk, const char *name);
struct rtnl_link;

/* one change to link ifindex: set() fills the change from arg. 0 or -errno. */
int nf_nl_change(struct nl_sock *sk, int ifindex, void (*set)(struct rtnl_link *chg, long arg),
		 long arg);
/* link ifindex administratively up or down. 0 or -errno. */
int nf_nl_set_up(struct nl_sock *sk, int ifindex, bool up);

#endif
