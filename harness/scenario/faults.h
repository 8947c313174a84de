/* Faults a cycle can carry (run.fault), one list: what happens when the
 * cycle's DOWN phase begins, when its UP phase begins, and (outages) a
 * disable interval into UP. A fault is undone by the end of its phase;
 * one that cannot be undone ends the run (exit 3). */
#ifndef NETFLAP_FAULTS_H
#define NETFLAP_FAULTS_H

#include <stdint.h>

/* X(name, help) */
#define NF_FAULTS(X)                                                                               \
	X(flap, "the AP goes off for the disable interval (the field report's cycle)")            \
	X(blackhole, "carrier stays up, every frame dropped both ways for the disable interval")   \
	X(broker_restart, "mosquitto stopped (FIN to the device) and started again")              \
	X(broker_stall, "mosquitto paused (SIGSTOP) for the disable interval, then resumed")      \
	X(dhcp_outage, "a flap, then DHCP silent for the disable interval into the up phase")     \
	X(dns_outage, "a flap, then DNS silent for the disable interval into the up phase")       \
	X(address_change, "a flap, and the next lease is another address")                      \
	X(dad_conflict, "device.ip6: a flap, and the AP answers the device's duplicate address detection for the address it will make (as a duplicate would) until the next cycle: the device must not use it, and recovers then") \
	X(router_lifetime0, "device.ip6: a flap, and the router advertisements withdraw the router (lifetime 0) for the cycle: no default router, the on-link broker still reached") \
	X(blackhole6, "device.ip6: a flap, and the AP's IPv6 is off for the cycle (IPv4 kept): a dual-stack device goes on over IPv4") \
	X(ra_renumber, "device.ip6: a flap, and the LAN's prefix changes while the link is down, for the cycle: the old address must go (nothing answers it), the new one must be used")

enum nf_fault {
#define NF_X(name, help) NF_FAULT_##name,
	NF_FAULTS(NF_X)
#undef NF_X
	    NF_FAULT_COUNT
};

enum nf_fault_step { NF_FS_DOWN, NF_FS_UP, NF_FS_UP_LATE };

#define NF_FAULT_MIX_MAX NF_FAULT_COUNT

/* run.fault parsed: one word, or a weighted list "flap:6,blackhole:2" */
struct nf_fault_mix {
	int n;
	enum nf_fault kind[NF_FAULT_MIX_MAX];
	uint32_t weight[NF_FAULT_MIX_MAX], total;
};

const char *nf_fault_name(enum nf_fault f);
int nf_fault_parse(const char *word); /* index or -1 */
/* 0, or -EINVAL with a message (without the location) in err */
int nf_fault_mix_parse(const char *text, struct nf_fault_mix *m, char *err, unsigned errlen);
/* the fault for a random draw r (weighted) */
enum nf_fault nf_fault_mix_pick(const struct nf_fault_mix *m, uint32_t r);
/* 1 when the fault keeps something off into the up phase (an outage) */
int nf_fault_has_late_step(enum nf_fault f);
/* 1 when the fault acts on IPv6 (a scenario with device.ip6 only) */
int nf_fault_is_ip6(enum nf_fault f);
/* 1 when the carrier stays up through the fault: the device finds out by
 * its own timeouts and recovers by its own retries and backoff */
int nf_fault_keeps_carrier(enum nf_fault f);

/* the device's longest reconnect backoff (netflap-device --backoff-max's
 * default): a fault that keeps the carrier waits this much more for the
 * recovery than reconnect_timeout */
#define NF_DEVICE_BACKOFF_MAX_MS 5000

#endif
