/* What each fault does to the run's network (faults.h lists them): one
 * table of steps, called by the engine at DOWN, at UP, and for an outage a
 * disable interval into UP. A step that fails sets the run's fatal message:
 * the run ends with exit 3 and its undo stack leaves nothing behind. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "fault_ops.h"
#include "run_ctx.h"
#include "subnet.h"

int nf_run_ap_switch(struct run *r, bool on)
{
	int rc;

	r->ap.cycle = r->eng.cycle; /* ap.backend = command's NETFLAP_CYCLE */
	r->ap.why[0] = '\0';
	rc = r->ap.ops->set(&r->ap, on);
	if (rc)
		snprintf(r->fatal, sizeof(r->fatal), "the %s AP backend failed to switch %s: %s",
			 r->ap.ops->name, on ? "on" : "off", r->ap.why[0] ? r->ap.why : strerror(-rc));
	return rc;
}

static int blackhole(struct run *r, bool on)
{
	for (int i = 0; i < r->topo.ndev; i++) {
		if (!nf_devset_has(&r->ap.ports, i))
			continue;
		int rc = nf_topo_ap_forward(&r->topo, i, !on);
		if (rc) {
			snprintf(r->fatal, sizeof(r->fatal), "blackhole %s on device %d's port: %s",
				 on ? "on" : "off", i, strerror(-rc));
			return rc;
		}
	}
	return 0;
}

static int pause_svc(struct run *r, enum nf_service which, bool on)
{
	static const char *const names[] = {"mosquitto", "dnsmasq (DNS)", "dnsmasq (DHCP)"};
	int rc = nf_services_pause(&r->svc, which, on);

	if (rc)
		snprintf(r->fatal, sizeof(r->fatal), "%s %s: %s", on ? "pausing" : "resuming",
			 names[which], strerror(-rc));
	return rc;
}

/* every device's next lease: its own reserved address, or back to the pool */
static int change_addresses(struct run *r)
{
	char text[NF_MAX_DEVICES * 40] = "";
	size_t len = 0;

	r->addr_alt = !r->addr_alt;
	for (int i = 0; r->addr_alt && i < r->sc->count; i++) {
		const uint8_t *m = r->macs[i];
		len += (size_t)snprintf(text + len, sizeof(text) - len,
					"%02x:%02x:%02x:%02x:%02x:%02x," NF_ALT_NET ".%d.%d\n", m[0],
					m[1], m[2], m[3], m[4], m[5], NF_ALT_THIRD + (i + 1) / 256,
					(i + 1) % 256);
	}
	int rc = nf_services_dhcp_hosts(&r->svc, text);
	if (rc)
		snprintf(r->fatal, sizeof(r->fatal), "changing the DHCP reservations: %s",
			 strerror(-rc));
	return rc;
}

int nf_fault_apply(struct run *r, enum nf_fault f, enum nf_fault_step step)
{
	char err[200] = "";
	int rc;

	/* an IPv6 fault of the last cycle is taken back with the AP already off
	 * when this one turns it off: a router advertisement of the restored
	 * dnsmasq must not reach a device still up (it would keep the router
	 * into a router_lifetime0 cycle; seen under the sanitizers) */
	if (step == NF_FS_DOWN && nf_fault_ip6_pending(r) && !nf_fault_keeps_carrier(f) &&
	    (rc = nf_run_ap_switch(r, false)))
		return rc;
	if (step == NF_FS_DOWN && (rc = nf_fault_ip6_undo(r)))
		return rc;
	switch (f) {
	case NF_FAULT_flap:
		return step == NF_FS_UP_LATE ? 0 : nf_run_ap_switch(r, step == NF_FS_UP);
	case NF_FAULT_blackhole:
		return step == NF_FS_UP_LATE ? 0 : blackhole(r, step == NF_FS_DOWN);
	case NF_FAULT_broker_restart:
		if (step == NF_FS_UP_LATE)
			return 0;
		rc = nf_services_broker(&r->svc, step == NF_FS_UP, err, sizeof(err));
		if (rc)
			snprintf(r->fatal, sizeof(r->fatal), "broker_restart: %s", err);
		return rc;
	case NF_FAULT_broker_stall:
		return step == NF_FS_UP_LATE ? 0 : pause_svc(r, NF_SVC_BROKER, step == NF_FS_DOWN);
	case NF_FAULT_dhcp_outage:
	case NF_FAULT_dns_outage: {
		enum nf_service s = f == NF_FAULT_dhcp_outage ? NF_SVC_DHCP : NF_SVC_DNS;
		if (step == NF_FS_DOWN)
			return nf_run_ap_switch(r, false);
		if (step == NF_FS_UP)
			return (rc = pause_svc(r, s, true)) ? rc : nf_run_ap_switch(r, true);
		return pause_svc(r, s, false);
	}
	case NF_FAULT_address_change:
		if (step == NF_FS_DOWN)
			return (rc = nf_run_ap_switch(r, false)) ? rc : change_addresses(r);
		return step == NF_FS_UP ? nf_run_ap_switch(r, true) : 0;
	case NF_FAULT_dad_conflict:
	case NF_FAULT_router_lifetime0:
	case NF_FAULT_blackhole6:
	case NF_FAULT_ra_renumber:
		return nf_fault_ip6_apply(r, f, step);
	case NF_FAULT_COUNT:
		break;
	}
	return -EINVAL;
}
