/* lwIP netif over libpcap. lwIP contrib's pcapif reads capture files and
 * tapif cannot follow a veth's carrier: this one runs live on the veth the
 * harness gives the device. */
#include <errno.h>
#include <pcap/pcap.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lwip/etharp.h"
#include "lwip/ethip6.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "netif/ethernet.h"

#include "netif_pcap.h"

#define FRAME_MAX 1536 /* Ethernet MTU 1500 + header + VLAN tag, rounded */

struct pcapif {
	pcap_t *rx, *tx;
	uint8_t mac[6];
	atomic_ulong n_rx, n_tx, n_rx_drop, n_tx_drop;
	atomic_bool blackout; /* the device cut its own link: frames in are lost too */
};

static pcap_t *open_handle(const char *ifname, int for_rx, char *err, unsigned errlen)
{
	char ebuf[PCAP_ERRBUF_SIZE] = "";
	pcap_t *p = pcap_create(ifname, ebuf);

	if (!p) {
		snprintf(err, errlen, "pcap_create(%s): %s", ifname, ebuf);
		return NULL;
	}
	/* frames for our own MAC are not for the interface's: promiscuous */
	if (pcap_set_snaplen(p, FRAME_MAX) || pcap_set_promisc(p, for_rx) ||
	    pcap_set_immediate_mode(p, 1) || pcap_set_timeout(p, 1)) {
		snprintf(err, errlen, "pcap set-up of %s failed", ifname);
		goto fail;
	}
	int rc = pcap_activate(p);
	if (rc < 0) {
		snprintf(err, errlen, "pcap_activate(%s): %s", ifname, pcap_geterr(p));
		goto fail;
	}
	return p;
fail:
	pcap_close(p);
	return NULL;
}

int pcapif_open(struct pcapif **out, const char *ifname, const uint8_t mac[6], char *err,
		unsigned errlen)
{
	struct pcapif *pi = calloc(1, sizeof(*pi));
	struct bpf_program prog;
	char filter[160];
	int rc = -EIO;

	if (!pi)
		return -ENOMEM;
	memcpy(pi->mac, mac, 6);
	pi->rx = open_handle(ifname, 1, err, errlen);
	if (!pi->rx)
		goto fail;
	pi->tx = open_handle(ifname, 0, err, errlen);
	if (!pi->tx)
		goto fail;
	/* only what arrives, and only what a NIC with our MAC would accept */
	if (pcap_setdirection(pi->rx, PCAP_D_IN) < 0) {
		snprintf(err, errlen, "pcap_setdirection(%s): %s", ifname, pcap_geterr(pi->rx));
		goto fail;
	}
	snprintf(filter, sizeof(filter),
		 "ether dst %02x:%02x:%02x:%02x:%02x:%02x or ether broadcast or ether multicast",
		 mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
	if (pcap_compile(pi->rx, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) < 0 ||
	    pcap_setfilter(pi->rx, &prog) < 0) {
		snprintf(err, errlen, "pcap filter '%s' on %s: %s", filter, ifname,
			 pcap_geterr(pi->rx));
		pcap_freecode(&prog);
		goto fail;
	}
	pcap_freecode(&prog);
	if (pcap_setnonblock(pi->rx, 1, err) < 0)
		goto fail;
	*out = pi;
	return 0;
fail:
	pcapif_close(pi);
	return rc;
}

void pcapif_close(struct pcapif *pi)
{
	if (!pi)
		return;
	if (pi->rx)
		pcap_close(pi->rx);
	if (pi->tx)
		pcap_close(pi->tx);
	free(pi);
}

int pcapif_rx_fd(const struct pcapif *pi)
{
	return pcap_get_selectable_fd(pi->rx);
}

static void rx_frame(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
	struct netif *netif = (struct netif *)user;
	struct pcapif *pi = netif->state;
	struct pbuf *p;

	if (h->caplen != h->len || h->caplen > FRAME_MAX || atomic_load(&pi->blackout)) {
		atomic_fetch_add(&pi->n_rx_drop, 1);
		return;
	}
	p = pbuf_alloc(PBUF_RAW, (u16_t)h->caplen, PBUF_POOL);
	if (!p) {
		atomic_fetch_add(&pi->n_rx_drop, 1);
		return;
	}
	pbuf_take(p, bytes, (u16_t)h->caplen);
	if (netif->input(p, netif) != ERR_OK) {
		pbuf_free(p);
		atomic_fetch_add(&pi->n_rx_drop, 1);
		return;
	}
	atomic_fetch_add(&pi->n_rx, 1);
}

void pcapif_blackout(struct pcapif *pi, bool on)
{
	atomic_store(&pi->blackout, on);
}

int pcapif_rx(struct pcapif *pi, struct netif *netif)
{
	int n = pcap_dispatch(pi->rx, -1, rx_frame, (u_char *)netif);

	return n < 0 ? -EIO : n;
}

static err_t pcapif_linkoutput(struct netif *netif, struct pbuf *p)
{
	struct pcapif *pi = netif->state;
	uint8_t frame[FRAME_MAX];

	if (p->tot_len > sizeof(frame) || !netif_is_link_up(netif)) {
		atomic_fetch_add(&pi->n_tx_drop, 1);
		return ERR_IF;
	}
	pbuf_copy_partial(p, frame, p->tot_len, 0);
	/* a veth without carrier refuses the frame; the wire lost it */
	if (pcap_inject(pi->tx, frame, p->tot_len) < 0) {
		atomic_fetch_add(&pi->n_tx_drop, 1);
		return ERR_IF;
	}
	atomic_fetch_add(&pi->n_tx, 1);
	return ERR_OK;
}

err_t pcapif_netif_init(struct netif *netif)
{
	struct pcapif *pi = netif->state;

	netif->name[0] = 'p';
	netif->name[1] = 'c';
	netif->output = etharp_output;
#if LWIP_IPV6
	netif->output_ip6 = ethip6_output; /* a firmware's options may have IPv6 on */
#endif
	netif->linkoutput = pcapif_linkoutput;
	netif->mtu = 1500;
	netif->hwaddr_len = ETH_HWADDR_LEN;
	memcpy(netif->hwaddr, pi->mac, ETH_HWADDR_LEN);
	netif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET;
	return ERR_OK;
}

void pcapif_stats(const struct pcapif *pi, struct pcapif_stats *out)
{
	out->rx = atomic_load(&pi->n_rx);
	out->tx = atomic_load(&pi->n_tx);
	out->rx_drop = atomic_load(&pi->n_rx_drop);
	out->tx_drop = atomic_load(&pi->n_tx_drop);
}
