/* A Wi-Fi radio lent to the run (see wiphy.h), over nl80211 (libnl-genl-3).
 * A wireless netdev cannot change namespace alone: its wiphy moves, with
 * every interface on it. */
#include <errno.h>
#include <fcntl.h>
#include <linux/nl80211.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "netns.h"
#include "wiphy.h"

int nf_wiphy_of(const char *ifname)
{
	char path[128], buf[32];
	FILE *f;

	snprintf(path, sizeof(path), "/sys/class/net/%s/phy80211/index", ifname);
	f = fopen(path, "r");
	if (!f)
		return -ENODEV;
	int ok = fgets(buf, sizeof(buf), f) != NULL;
	fclose(f);
	return ok ? atoi(buf) : -EIO;
}

/* SET_WIPHY_NETNS for phy into nsfd, sent from the namespace the socket
 * lives in (from_nsfd, -1: ours): nl80211 sees the wiphys of its own
 * namespace only */
static int move(int phy, int from_nsfd, int to_nsfd)
{
	struct nl_sock *sk = nl_socket_alloc();
	struct nl_msg *m = NULL;
	int saved = -1, rc, family;

	if (!sk)
		return -ENOMEM;
	if (from_nsfd >= 0 && (rc = nf_netns_enter(from_nsfd, &saved)) < 0)
		goto out;
	rc = genl_connect(sk);
	if (saved >= 0)
		nf_netns_leave(saved);
	if (rc < 0 || (family = genl_ctrl_resolve(sk, NL80211_GENL_NAME)) < 0) {
		rc = -ENOENT; /* no cfg80211 in this kernel */
		goto out;
	}
	m = nlmsg_alloc();
	if (!m || !genlmsg_put(m, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0, 0,
			       NL80211_CMD_SET_WIPHY_NETNS, 0) ||
	    nla_put_u32(m, NL80211_ATTR_WIPHY, (uint32_t)phy) < 0 ||
	    nla_put_u32(m, NL80211_ATTR_NETNS_FD, (uint32_t)to_nsfd) < 0) {
		rc = -ENOMEM;
		goto out;
	}
	rc = nl_send_sync(sk, m); /* frees m */
	m = NULL;
	rc = rc < 0 ? -EIO : 0;
out:
	nlmsg_free(m);
	nl_socket_free(sk);
	return rc;
}

static void undo_move(void *ctx, const char *name, long phy)
{
	struct nf_wiphy *w = ctx;

	if (move((int)phy, w->ap_nsfd, w->home_nsfd) < 0)
		fprintf(stderr, "netflap: giving radio phy%ld (%s) back: failed (it returns when "
			"the AP namespace goes)\n", phy, name);
	close(w->home_nsfd);
	w->home_nsfd = -1;
}

int nf_wiphy_lend(struct nf_wiphy *w, const char *ifname, int ap_nsfd, struct nf_undo *u,
		  char *err, size_t len)
{
	int rc;

	*w = (struct nf_wiphy){.phy = nf_wiphy_of(ifname), .ap_nsfd = ap_nsfd};
	if (w->phy < 0) {
		snprintf(err, len, "ap.iface = %s: not a Wi-Fi interface (no phy80211)", ifname);
		return -ENODEV;
	}
	w->home_nsfd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (w->home_nsfd < 0)
		return -errno;
	if ((rc = move(w->phy, -1, ap_nsfd)) < 0) {
		snprintf(err, len, "ap.iface = %s: moving radio phy%d into the AP namespace: %s",
			 ifname, w->phy, strerror(-rc));
		close(w->home_nsfd);
		return rc;
	}
	if ((rc = nf_undo_push(u, undo_move, w, ifname, w->phy)) < 0) {
		undo_move(w, ifname, w->phy);
		return rc;
	}
	return 0;
}
