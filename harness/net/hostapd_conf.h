/* hostapd's configuration for the run's AP (ap_hostapd.c): driver=wired on
 * the AP bridge, or driver=nl80211 on a real radio (ap.iface) whose
 * stations join the bridge. One writer, unit-tested without a radio. */
#ifndef NETFLAP_HOSTAPD_CONF_H
#define NETFLAP_HOSTAPD_CONF_H

#include <stdio.h>

#include "scenario.h"

/* Writes sc's AP (ap.driver, ap.iface, ap.ssid, ap.passphrase, ap.channel,
 * ap.country) with its control interface in ctrl_dir. 0 or -EIO. */
int nf_hostapd_conf(FILE *f, const struct nf_scenario *sc, const char *ctrl_dir);

#endif
