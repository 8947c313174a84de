/* An lwIP netif on a live Linux interface through libpcap: one handle
 * receives (polled by the device's main loop), another sends from the
 * tcpip thread, so neither handle is shared between threads. */
#ifndef NETFLAP_NETIF_PCAP_H
#define NETFLAP_NETIF_PCAP_H

#include <stdbool.h>
#include <stdint.h>

struct netif;
struct pcapif;
struct nf_impair_cfg;
struct nf_impair_counts;

/* Opens ifname in the current network namespace for a netif whose MAC is
 * mac (locally administered, not the interface's own). 0 or -errno; a
 * message in err (errlen bytes) says what failed. */
int pcapif_open(struct pcapif **out, const char *ifname, const uint8_t mac[6], char *err,
		unsigned errlen);
void pcapif_close(struct pcapif *pi);

/* lwIP netif init function; pass the pcapif as the netif's state. */
signed char pcapif_netif_init(struct netif *netif);

/* The receive handle's fd for poll/epoll. */
int pcapif_rx_fd(const struct pcapif *pi);

/* Reads what is pending and hands each frame to netif->input. Returns
 * the number of frames or -errno. */
int pcapif_rx(struct pcapif *pi, struct netif *netif);

/* on: every frame received is dropped (sending stops with the netif's
 * link, which the caller takes down): the device's own cut of its link */
void pcapif_blackout(struct pcapif *pi, bool on);

/* Puts the link impairment cfg (impair.h) on both directions: frames wait
 * in its queues and the main loop releases them (pcapif_rx, woken by a
 * timer inside the rx fd). 0 or -errno with a message in err. */
int pcapif_impair(struct pcapif *pi, const struct nf_impair_cfg *cfg, char *err,
		  unsigned errlen);
/* The netif's link went down: frames waiting in the impairment are gone. */
void pcapif_link(struct pcapif *pi, bool up);
/* What the impairment did so far; -ENOTSUP without one. */
int pcapif_impair_counts(struct pcapif *pi, struct nf_impair_counts *out);

/* Frames received, sent, and dropped (no pbuf, send failed). */
struct pcapif_stats {
	unsigned long rx, tx, rx_drop, tx_drop;
};
void pcapif_stats(const struct pcapif *pi, struct pcapif_stats *out);

#endif
