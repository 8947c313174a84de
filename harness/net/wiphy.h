/* A Wi-Fi radio (ap.iface with ap.driver = nl80211) lent to the run: its
 * wiphy moved into the AP namespace over nl80211, where hostapd runs it as
 * the AP, and moved back on every exit path. A namespace that is deleted
 * gives its wiphys back to the first namespace by itself (cfg80211), so a
 * killed run loses no radio. */
#ifndef NETFLAP_WIPHY_H
#define NETFLAP_WIPHY_H

#include <stddef.h>

#include "undo.h"

struct nf_wiphy {
	int phy;       /* the wiphy index */
	int ap_nsfd;   /* where it is lent */
	int home_nsfd; /* where it goes back */
};

/* The wiphy index of a wireless interface, -ENODEV when it has none. */
int nf_wiphy_of(const char *ifname);

/* Moves ifname's radio into ap_nsfd; its return is in u. 0 or -errno with
 * a message. */
int nf_wiphy_lend(struct nf_wiphy *w, const char *ifname, int ap_nsfd, struct nf_undo *u,
		  char *err, size_t len);

#endif
