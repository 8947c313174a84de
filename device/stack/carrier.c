/* Carrier watch over rtnetlink with libnl-route-3. */
#include <errno.h>
#include <linux/if.h>
#include <linux/rtnetlink.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>
#include <stdio.h>
#include <stdlib.h>

#include "carrier.h"

struct carrier {
	struct nl_sock *events;
	int ifindex;
	bool up;
	int transitions;
	carrier_cb cb;
	void *cb_arg;
};

static bool flags_up(unsigned flags)
{
	return (flags & IFF_UP) && (flags & IFF_LOWER_UP);
}

static void on_link(struct nl_object *obj, void *arg)
{
	struct carrier *c = arg;
	struct rtnl_link *link = (struct rtnl_link *)obj;
	bool up;

	if (rtnl_link_get_ifindex(link) != c->ifindex)
		return;
	up = nl_object_get_msgtype(obj) != RTM_DELLINK && flags_up(rtnl_link_get_flags(link));
	if (up != c->up) {
		c->up = up;
		c->transitions++;
		c->cb(c->cb_arg, up);
	}
}

static int on_msg(struct nl_msg *msg, void *arg)
{
	nl_msg_parse(msg, on_link, arg);
	return NL_OK;
}

int carrier_open(struct carrier **out, const char *ifname, carrier_cb cb, void *arg, char *err,
		 unsigned errlen)
{
	struct carrier *c = calloc(1, sizeof(*c));
	struct nl_sock *query = NULL;
	struct rtnl_link *link = NULL;
	int rc;

	if (!c)
		return -ENOMEM;
	c->cb = cb;
	c->cb_arg = arg;
	c->events = nl_socket_alloc();
	query = nl_socket_alloc();
	if (!c->events || !query) {
		rc = -ENOMEM;
		snprintf(err, errlen, "netlink socket: out of memory");
		goto out;
	}
	nl_socket_disable_seq_check(c->events);
	nl_socket_modify_cb(c->events, NL_CB_VALID, NL_CB_CUSTOM, on_msg, c);
	/* subscribe before reading the state, so no change falls between */
	if ((rc = nl_connect(c->events, NETLINK_ROUTE)) < 0 ||
	    (rc = nl_socket_add_membership(c->events, RTNLGRP_LINK)) < 0 ||
	    (rc = nl_socket_set_nonblocking(c->events)) < 0 ||
	    (rc = nl_connect(query, NETLINK_ROUTE)) < 0) {
		snprintf(err, errlen, "rtnetlink: %s", nl_geterror(rc));
		rc = -EIO;
		goto out;
	}
	rc = rtnl_link_get_kernel(query, 0, ifname, &link);
	if (rc < 0) {
		snprintf(err, errlen, "interface %s: %s", ifname, nl_geterror(rc));
		rc = -ENODEV;
		goto out;
	}
	c->ifindex = rtnl_link_get_ifindex(link);
	c->up = flags_up(rtnl_link_get_flags(link));
	rtnl_link_put(link);
	*out = c;
	c = NULL;
	rc = 0;
out:
	if (query)
		nl_socket_free(query);
	carrier_close(c);
	return rc;
}

void carrier_close(struct carrier *c)
{
	if (!c)
		return;
	if (c->events)
		nl_socket_free(c->events);
	free(c);
}

int carrier_fd(const struct carrier *c)
{
	return nl_socket_get_fd(c->events);
}

int carrier_ifindex(const struct carrier *c)
{
	return c->ifindex;
}

bool carrier_up(const struct carrier *c)
{
	return c->up;
}

int carrier_poll(struct carrier *c)
{
	int rc;

	c->transitions = 0;
	for (int i = 0; i < 64; i++) { /* bounded: a burst, then back to the loop */
		rc = nl_recvmsgs_default(c->events);
		if (rc == -NLE_AGAIN)
			break;
		if (rc < 0)
			return -EIO;
	}
	return c->transitions;
}
