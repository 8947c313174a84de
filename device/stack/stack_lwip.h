/* The lwIP backend's state, shared by its files: stack_lwip.c (the netif,
 * IPv4, DNS, sockets) and stack_lwip_ip6.c (IPv6 addressing). */
#ifndef NETFLAP_STACK_LWIP_H
#define NETFLAP_STACK_LWIP_H

#include "lwip/ip_addr.h"
#include "lwip/netif.h"
#include "lwip/sys.h"

#include "shared.h"
#include "stack.h"

struct pcapif;

struct nf_stack {
	struct nf_stack_cfg cfg;
	struct nf_shared *sh;
	struct pcapif *pcap;
	struct netif netif;
	bool netif_added;
	bool ip6_kept; /* ip6_keep: a carrier loss left IPv6 as it was */
	/* DNS answer handed over from the tcpip thread */
	sys_mutex_t dns_mu;
	sys_sem_t dns_sem;
	bool dns_done, dns_ok;
	ip_addr_t dns_ip;
};

/* IPv6 (device.ip6), all under the core lock: once after netif_add (the
 * address-state callback, MLD), then per carrier-up phase start and stop.
 * Without LWIP_IPV6 they do nothing (the scenario check refuses ip6). */
void nf_lwip_ip6_open(struct nf_stack *st);
int nf_lwip_ip6_start(struct nf_stack *st);
void nf_lwip_ip6_stop(struct nf_stack *st);
/* an lwIP address as netflap's (the DNS answer) */
void nf_lwip_addr_out(const ip_addr_t *in, struct nf_ip *out);

#endif
