/* lwIP netif over libpcap. lwIP contrib's pcapif reads capture files and
 * tapif cannot follow a veth's carrier: this one runs live on the veth the
 * harness gives the device. */
#include <errno.h>
#include <pcap/pcap.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "lwip/etharp.h"
#include "lwip/ethip6.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "netif/ethernet.h"

#include "impair.h"
#include "netif_pcap.h"

#define FRAME_MAX NF_IMPAIR_FRAME_MAX /* Ethernet MTU 1500 + header + VLAN tag, rounded */

struct pcapif {
	pcap_t *rx, *tx;
	uint8_t mac[6];
	atomic_ulong n_rx, n_tx, n_rx_drop, n_tx_drop;
	atomic_bool blackout; /* the device cut its own link: frames in are lost too */
	/* [impair]: both directions pass through imp (under mu: frames out
	 * come from the tcpip thread); the main loop releases them when the
	 * timer says, so then only the main thread writes to tx */
	struct nf_impair *imp;
	pthread_mutex_t mu;
	int timer_fd, ep_fd;
	struct netif *netif;
};

static int64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

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
	pi->timer_fd = pi->ep_fd = -1;
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
	if (pi->imp) {
		char tx[80], rx[80];
		unsigned ntx = nf_impair_pattern(pi->imp, NF_IMPAIR_TX, tx, sizeof(tx));
		unsigned nrx = nf_impair_pattern(pi->imp, NF_IMPAIR_RX, rx, sizeof(rx));
		/* the evidence that a seed repeats: the first frames' losses */
		fprintf(stderr, "netflap-device: impair seed %lld losses of the first %u frames out %s, "
				"%u in %s\n", (long long)pi->imp->cfg.seed, ntx, tx, nrx, rx);
		nf_impair_free(pi->imp);
		free(pi->imp);
		pthread_mutex_destroy(&pi->mu);
	}
	if (pi->timer_fd >= 0)
		close(pi->timer_fd);
	if (pi->ep_fd >= 0)
		close(pi->ep_fd);
	free(pi);
}

int pcapif_rx_fd(const struct pcapif *pi)
{
	return pi->imp ? pi->ep_fd : pcap_get_selectable_fd(pi->rx);
}

int pcapif_impair(struct pcapif *pi, const struct nf_impair_cfg *cfg, char *err, unsigned errlen)
{
	struct epoll_event ev = {.events = EPOLLIN};

	pi->imp = calloc(1, sizeof(*pi->imp));
	if (!pi->imp || nf_impair_init(pi->imp, cfg) < 0) {
		free(pi->imp);
		pi->imp = NULL;
		snprintf(err, errlen, "impair: no memory for the frame queues");
		return -ENOMEM;
	}
	pthread_mutex_init(&pi->mu, NULL);
	/* one fd for the main loop: frames in, and the queue's next release */
	pi->timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	pi->ep_fd = epoll_create1(EPOLL_CLOEXEC);
	if (pi->timer_fd < 0 || pi->ep_fd < 0 ||
	    epoll_ctl(pi->ep_fd, EPOLL_CTL_ADD, pi->timer_fd, &ev) < 0 ||
	    epoll_ctl(pi->ep_fd, EPOLL_CTL_ADD, pcap_get_selectable_fd(pi->rx), &ev) < 0) {
		int rc = -errno;
		snprintf(err, errlen, "impair: timer or epoll set-up: %s", strerror(errno));
		return rc;
	}
	return 0;
}

/* under mu: the timer at the queue's next release (disarmed when empty) */
static void arm(struct pcapif *pi)
{
	int64_t t = nf_impair_deadline(pi->imp);
	struct itimerspec its = {0};

	if (t >= 0)
		its.it_value = (struct timespec){.tv_sec = t / 1000000, .tv_nsec = t % 1000000 * 1000};
	if (t == 0)
		its.it_value.tv_nsec = 1; /* 0 would disarm it */
	timerfd_settime(pi->timer_fd, TFD_TIMER_ABSTIME, &its, NULL);
}

static void deliver(struct pcapif *pi, struct netif *netif, const uint8_t *bytes, size_t len)
{
	struct pbuf *p = pbuf_alloc(PBUF_RAW, (u16_t)len, PBUF_POOL);

	if (!p) {
		atomic_fetch_add(&pi->n_rx_drop, 1);
		return;
	}
	pbuf_take(p, bytes, (u16_t)len);
	if (netif->input(p, netif) != ERR_OK) {
		pbuf_free(p);
		atomic_fetch_add(&pi->n_rx_drop, 1);
		return;
	}
	atomic_fetch_add(&pi->n_rx, 1);
}

static void rx_frame(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
	struct netif *netif = (struct netif *)user;
	struct pcapif *pi = netif->state;

	if (h->caplen != h->len || h->caplen > FRAME_MAX || atomic_load(&pi->blackout)) {
		atomic_fetch_add(&pi->n_rx_drop, 1);
		return;
	}
	if (!pi->imp) {
		deliver(pi, netif, bytes, h->caplen);
		return;
	}
	pthread_mutex_lock(&pi->mu);
	nf_impair_offer(pi->imp, NF_IMPAIR_RX, bytes, h->caplen, now_us());
	pthread_mutex_unlock(&pi->mu);
}

/* 0 sent, -1 refused: a veth without carrier refuses the frame; the wire lost it */
static int inject(struct pcapif *pi, const uint8_t *frame, size_t len)
{
	int rc = pcap_inject(pi->tx, frame, len) < 0 ? -1 : 0;

	atomic_fetch_add(rc ? &pi->n_tx_drop : &pi->n_tx, 1);
	return rc;
}

/* main thread: every frame due now, each way, outside the lock (lwIP's
 * input may block on its mailbox while the tcpip thread offers a frame) */
static void release(struct pcapif *pi, struct netif *netif)
{
	uint8_t frame[FRAME_MAX];
	enum nf_impair_dir d;
	size_t len;
	uint64_t ticks;

	if (read(pi->timer_fd, &ticks, sizeof(ticks)) < 0 && errno != EAGAIN)
		fprintf(stderr, "netflap-device: impair timer: %s\n", strerror(errno));
	for (int guard = 0; guard < 4 * NF_IMPAIR_QUEUE; guard++) {
		pthread_mutex_lock(&pi->mu);
		int got = nf_impair_pop(pi->imp, now_us(), &d, frame, &len);
		if (!got)
			arm(pi);
		pthread_mutex_unlock(&pi->mu);
		if (!got)
			return;
		if (d == NF_IMPAIR_RX)
			deliver(pi, netif, frame, len);
		else
			inject(pi, frame, len);
	}
	pthread_mutex_lock(&pi->mu); /* more than the queues hold: the rest on the next wake */
	arm(pi);
	pthread_mutex_unlock(&pi->mu);
}

void pcapif_blackout(struct pcapif *pi, bool on)
{
	atomic_store(&pi->blackout, on);
}

int pcapif_rx(struct pcapif *pi, struct netif *netif)
{
	int n = pcap_dispatch(pi->rx, -1, rx_frame, (u_char *)netif);

	if (pi->imp)
		release(pi, netif);
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
	if (pi->imp) { /* the main loop sends it when the link would have */
		pthread_mutex_lock(&pi->mu);
		nf_impair_offer(pi->imp, NF_IMPAIR_TX, frame, p->tot_len, now_us());
		arm(pi);
		pthread_mutex_unlock(&pi->mu);
		return ERR_OK;
	}
	return inject(pi, frame, p->tot_len) ? ERR_IF : ERR_OK;
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

void pcapif_link(struct pcapif *pi, bool up)
{
	if (!pi->imp || up)
		return;
	pthread_mutex_lock(&pi->mu); /* what was on the air went with the AP */
	nf_impair_flush(pi->imp);
	arm(pi);
	pthread_mutex_unlock(&pi->mu);
}

int pcapif_impair_counts(struct pcapif *pi, struct nf_impair_counts *out)
{
	if (!pi->imp)
		return -ENOTSUP;
	pthread_mutex_lock(&pi->mu);
	nf_impair_counts(pi->imp, out);
	pthread_mutex_unlock(&pi->mu);
	return 0;
}

void pcapif_stats(const struct pcapif *pi, struct pcapif_stats *out)
{
	out->rx = atomic_load(&pi->n_rx);
	out->tx = atomic_load(&pi->n_tx);
	out->rx_drop = atomic_load(&pi->n_rx_drop);
	out->tx_drop = atomic_load(&pi->n_tx_drop);
}
