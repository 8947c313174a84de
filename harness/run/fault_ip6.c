/* The IPv6 faults' effects (faults.h): dad_conflict puts each device's
 * next global address on the AP's bridge, so the AP answers the device's
 * duplicate address detection for it as a duplicate host would;
 * router_lifetime0 has the router advertisements withdraw the router.
 * blackhole6 turns the AP's IPv6 off (IPv4 kept). ra_renumber moves the
 * LAN to another prefix while the devices are off it: the AP's services
 * keep their address, now off the LAN (reached through the router), and
 * nothing answers an address in the old prefix. Each lasts one cycle:
 * the next cycle's DOWN takes it back, whatever fault that cycle has. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "fault_ops.h"
#include "run_ctx.h"

/* the address device i makes: the static one, or SLAAC's from the ULA
 * prefix and the modified EUI-64 of the interface's MAC (lwIP's netif, or
 * the kernel's interface, as addr_gen_mode 0 makes it) */
static int device_addr6(struct run *r, int i, uint8_t a[16])
{
	char cidr[64];
	uint8_t mac[6];

	if (strcmp(r->sc->ip6, "static") == 0) {
		nf_static_cidr6(i, cidr, sizeof(cidr));
		*strchr(cidr, '/') = '\0';
		return inet_pton(AF_INET6, cidr, a) == 1 ? 0 : -EINVAL;
	}
	if (strcmp(r->sc->stack, "linux") == 0) {
		int rc = nf_topo_dev_mac(&r->topo, i, mac);
		if (rc)
			return rc;
	} else {
		memcpy(mac, r->macs[i], 6);
	}
	if (inet_pton(AF_INET6, NF_PREFIX6, a) != 1)
		return -EINVAL;
	uint8_t id[8] = {mac[0] ^ 0x02, mac[1], mac[2], 0xff, 0xfe, mac[3], mac[4], mac[5]};
	memcpy(a + 8, id, 8);
	return 0;
}

static int dad_conflict(struct run *r, bool on)
{
	for (int i = 0; i < r->topo.ndev; i++) {
		uint8_t a[16];
		int rc = device_addr6(r, i, a);
		if (!rc)
			rc = nf_topo_ap_addr6(&r->topo, a, on);
		if (rc) {
			snprintf(r->fatal, sizeof(r->fatal), "dad_conflict %s for device %d: %s",
				 on ? "on" : "off", i, strerror(-rc));
			return rc;
		}
	}
	r->dad_conflict = on;
	return 0;
}

static int withdraw(struct run *r, bool on)
{
	int rc = nf_services_ra_withdraw(&r->svc, on);

	if (rc)
		snprintf(r->fatal, sizeof(r->fatal), "router_lifetime0: restarting dnsmasq: %s",
			 strerror(-rc));
	return rc;
}

static int ap_ip6(struct run *r, bool on)
{
	int rc = nf_topo_ap_ip6(&r->topo, on);

	if (rc)
		snprintf(r->fatal, sizeof(r->fatal), "blackhole6: the AP's IPv6 %s: %s",
			 on ? "back on" : "off", strerror(-rc));
	else
		r->ip6_off = !on;
	return rc;
}

/* the bridge holds the new prefix before dnsmasq advertises it, and the
 * old one's route back before dnsmasq stops advertising the new one */
static int renumber(struct run *r, bool on)
{
	int rc = on ? nf_topo_ap_renumber(&r->topo, true) : nf_services_ra_renumber(&r->svc, false);

	if (!rc)
		rc = on ? nf_services_ra_renumber(&r->svc, true) : nf_topo_ap_renumber(&r->topo, false);
	if (rc)
		snprintf(r->fatal, sizeof(r->fatal), "ra_renumber %s: %s", on ? "on" : "back",
			 strerror(-rc));
	return rc;
}

bool nf_fault_ip6_pending(const struct run *r)
{
	return r->dad_conflict || r->ip6_off || r->svc.ra_withdrawn || r->svc.ra_renumbered;
}

int nf_fault_ip6_undo(struct run *r)
{
	int rc = r->dad_conflict ? dad_conflict(r, false) : 0;

	if (!rc && r->ip6_off)
		rc = ap_ip6(r, true);
	if (!rc && r->svc.ra_renumbered)
		rc = renumber(r, false);
	return rc ? rc : r->svc.ra_withdrawn ? withdraw(r, false) : 0;
}

int nf_fault_ip6_apply(struct run *r, enum nf_fault f, enum nf_fault_step step)
{
	int rc;

	if (step == NF_FS_UP_LATE)
		return 0;
	if (step == NF_FS_UP)
		return nf_run_ap_switch(r, true);
	if ((rc = nf_run_ap_switch(r, false)))
		return rc;
	switch (f) {
	case NF_FAULT_blackhole6:
		return ap_ip6(r, false);
	case NF_FAULT_dad_conflict:
		return dad_conflict(r, true);
	case NF_FAULT_ra_renumber:
		return renumber(r, true);
	default:
		return withdraw(r, true);
	}
}
