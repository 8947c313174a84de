/* The run's network, built over rtnetlink (libnl-route-3): an AP
 * namespace with bridge br0 (the AP's LAN, subnet.h), one namespace
 * per device joined to the bridge by a veth pair. Nothing routes out. */
#ifndef NETFLAP_TOPO_H
#define NETFLAP_TOPO_H

#include <stdbool.h>
#include <stdint.h>

#include "scenario.h"
#include "undo.h"

#include "subnet.h"

#define NF_AP_PREFIX NF_PREFIX_LEN
#define NF_BRIDGE "br0"

struct nl_sock;

struct nf_topo_dev {
	char ns[48];
	int nsfd;
	char ap_if[16], dev_if[16];
	int ap_ifindex;
	bool ap_up;
};

struct nf_topo {
	char runid[16];
	char ap_ns[48];
	int ap_nsfd;
	struct nl_sock *ap_nl; /* bound to the AP namespace */
	int br_ifindex;
	int ndev;
	bool isolate; /* AP ports isolated from each other (ap.isolate) */
	unsigned flags; /* NF_TOPO_* */
	struct nf_topo_dev dev[NF_MAX_DEVICES];
};

#define NF_TOPO_ISOLATE 1u    /* ap.isolate */
#define NF_TOPO_IP6 2u        /* IPv6 on the AP's LAN: the bridge's NF_AP_CIDR6 */
#define NF_TOPO_KERNEL_IP6 4u /* and in the devices' kernels (stack linux: SLAAC) */

/* Builds it all with every step's undo in u. AP ports start down (the AP
 * is off). 0 or -errno with a message. */
int nf_topo_build(struct nf_topo *t, const char *runid, int ndev, unsigned flags,
		  struct nf_undo *u, char *err, unsigned errlen);

/* Takes device i's AP-side port up or down. 0 or -errno. */
int nf_topo_ap_port(struct nf_topo *t, int i, bool up);

/* An IPv6 address of the AP's own on its bridge, without duplicate address
 * detection, or gone (dad_conflict: the AP answers for a device's). */
int nf_topo_ap_addr6(struct nf_topo *t, const uint8_t addr[16], bool add);

/* blackhole6: the AP's IPv6 off (every IPv6 frame to the AP unanswered,
 * its advertisements stopped) or on again with its address. 0 or -errno. */
int nf_topo_ap_ip6(struct nf_topo *t, bool on);

/* ra_renumber: the bridge takes the other prefix's first address (on-link)
 * and keeps its own without the on-link route, or back. 0 or -errno. */
int nf_topo_ap_renumber(struct nf_topo *t, bool on);

/* The MAC of device i's end (the kernel device's interface identifier). */
int nf_topo_dev_mac(struct nf_topo *t, int i, uint8_t mac[6]);

/* Device i's bridge port forwards, or drops every frame (carrier stays). */
int nf_topo_ap_forward(struct nf_topo *t, int i, bool forward);

#endif
