/* The AP side's real daemons, in the AP namespace: mosquitto (the broker)
 * and dnsmasq (DHCP, and DNS for the broker's name with no upstream).
 * Configs are generated into the run folder, logs into logs/. */
#ifndef NETFLAP_SERVICES_H
#define NETFLAP_SERVICES_H

#include <sys/types.h>

#include "topo.h"
#include "undo.h"

#include "subnet.h"

struct nf_services {
	pid_t mosquitto, dnsmasq;
};

/* Writes configs, starts both, registers their stops in u, and returns
 * once the broker accepts a connection and dnsmasq answers a DNS query
 * (bounded by timeout_ms). 0 or -errno with a message. */
int nf_services_start(struct nf_services *sv, const struct nf_topo *t, const char *run_dir,
		      int port, int timeout_ms, struct nf_undo *u, char *err, unsigned errlen);

/* Which service pid is, or NULL. */
const char *nf_services_name(const struct nf_services *sv, pid_t pid);

#endif
