/* The AP side's real daemons, in the AP namespace: mosquitto (the broker)
 * and dnsmasq (DHCP, and DNS for the broker's name with no upstream; two
 * processes, so each can be silenced alone).
 * Configs are generated into the run folder, logs into logs/. */
#ifndef NETFLAP_SERVICES_H
#define NETFLAP_SERVICES_H

#include <sys/types.h>

#include "certs.h"
#include "topo.h"
#include "undo.h"

#include "subnet.h"

#include <limits.h>
#include <stdbool.h>

struct nf_services {
	pid_t mosquitto, dnsmasq, dhcpd; /* dnsmasq: DNS only; dhcpd: dnsmasq, DHCP only */
	int nsfd, port, tls_port; /* tls_port 0: no TLS listener */
	char run_dir[PATH_MAX], conf[PATH_MAX + 32], hosts[PATH_MAX + 32];
	char ip6[8]; /* device.ip6 (slaac, dhcp6, static), "" without IPv6 */
	bool ra_withdrawn; /* router advertisements say router lifetime 0 */
	bool ra_renumbered; /* they advertise NF_PREFIX6_ALT (ra_renumber) */
};

enum nf_service { NF_SVC_BROKER, NF_SVC_DNS, NF_SVC_DHCP };

/* Writes configs, starts both (with ip6 other than NULL or "off": router
 * advertisements, AAAA and IPv6 listeners too), registers their stops in u, and returns
 * once the broker accepts a connection (on both listeners) and dnsmasq
 * answers a DNS query (bounded by timeout_ms). tls: mosquitto also
 * listens on tls_port with those certificates (NULL: plain only). 0 or
 * -errno with a message. */
int nf_services_start(struct nf_services *sv, const struct nf_topo *t, const char *run_dir,
		      int port, int tls_port, const struct nf_certs *tls, const char *ip6,
		      int timeout_ms, struct nf_undo *u, char *err, unsigned errlen);

/* The broker stopped (its clients get FIN) or started again, answering
 * before this returns (broker_restart). 0 or -errno with a message. */
int nf_services_broker(struct nf_services *sv, bool on, char *err, unsigned errlen);

/* A service paused (SIGSTOP: it answers nothing) or resumed. 0 or -errno. */
int nf_services_pause(struct nf_services *sv, enum nf_service which, bool pause);

/* DHCP reservations (dnsmasq --dhcp-hostsfile lines "MAC,ADDRESS"),
 * re-read at once: the next lease follows them (address_change). */
int nf_services_dhcp_hosts(struct nf_services *sv, const char *text);

/* router_lifetime0: DHCP's dnsmasq started again advertising the router
 * with lifetime 0 (withdraw), or as before. 0 or -errno. */
int nf_services_ra_withdraw(struct nf_services *sv, bool withdraw);

/* ra_renumber: DHCP's dnsmasq started again advertising the other prefix
 * (NF_PREFIX6_ALT, on the bridge by then), or the first again. 0 or
 * -errno. */
int nf_services_ra_renumber(struct nf_services *sv, bool renumber);

/* Which service pid is, or NULL. */
const char *nf_services_name(const struct nf_services *sv, pid_t pid);

#endif
