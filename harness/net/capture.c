/* Capture on the AP bridge (see capture.h). */
#include <errno.h>
#include <stdbool.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "netns.h"
#include "topo.h"

struct nf_capture {
	pcap_t *p;
	pcap_dumper_t *dump;
	int port, ndev;
	int64_t limit, written; /* ap.pcap's byte budget and use */
	bool full;
	uint8_t macs[NF_MAX_DEVICES][6];
	struct nf_wire count[NF_MAX_DEVICES];
};

int nf_capture_open(struct nf_capture **out, int nsfd, const char *pcap_path, int64_t limit,
		    int port, const uint8_t (*macs)[6], int ndev, char *err, unsigned errlen)
{
	struct nf_capture *c = calloc(1, sizeof(*c));
	char ebuf[PCAP_ERRBUF_SIZE] = "";
	int saved, rc;

	if (!c)
		return -ENOMEM;
	c->port = port;
	c->ndev = ndev;
	c->limit = limit;
	c->written = 24; /* the file header */
	memcpy(c->macs, macs, (size_t)ndev * 6);
	rc = nf_netns_enter(nsfd, &saved);
	if (rc) {
		free(c);
		return rc;
	}
	/* the packet socket binds to br0 of the namespace it is made in */
	c->p = pcap_create(NF_BRIDGE, ebuf);
	if (c->p && (pcap_set_snaplen(c->p, 256) || pcap_set_immediate_mode(c->p, 1) ||
		     pcap_activate(c->p) < 0)) {
		snprintf(ebuf, sizeof(ebuf), "%s", pcap_geterr(c->p));
		pcap_close(c->p);
		c->p = NULL;
	}
	nf_netns_leave(saved);
	if (!c->p) {
		snprintf(err, errlen, "capture on %s: %s", NF_BRIDGE, ebuf);
		free(c);
		return -EIO;
	}
	pcap_setnonblock(c->p, 1, ebuf);
	c->dump = limit ? pcap_dump_open(c->p, pcap_path) : NULL; /* 0: count only */
	if (limit && !c->dump) {
		snprintf(err, errlen, "%s: %s", pcap_path, pcap_geterr(c->p));
		pcap_close(c->p);
		free(c);
		return -EIO;
	}
	*out = c;
	return 0;
}

void nf_capture_close(struct nf_capture *c)
{
	if (!c)
		return;
	if (c->dump)
		pcap_dump_close(c->dump);
	pcap_close(c->p);
	free(c);
}

int nf_capture_fd(const struct nf_capture *c)
{
	return pcap_get_selectable_fd(c->p);
}

static int dev_of(struct nf_capture *c, const uint8_t *mac)
{
	for (int i = 0; i < c->ndev; i++)
		if (memcmp(c->macs[i], mac, 6) == 0)
			return i;
	return -1;
}

static void on_packet(u_char *user, const struct pcap_pkthdr *h, const u_char *b)
{
	struct nf_capture *c = (struct nf_capture *)user;
	size_t ihl;
	const u_char *tcp;
	int dev;

	if (c->dump && !c->full) {
		if (c->written + 16 + h->caplen > c->limit) {
			c->full = true; /* a soak's capture stops growing; counting goes on */
			fprintf(stderr, "netflap: ap.pcap reached run.pcap_limit (%lld MiB); it keeps "
					"what it has, the syn/fin/rst counts go on\n",
				(long long)(c->limit >> 20));
		} else {
			pcap_dump((u_char *)c->dump, h, b);
			c->written += 16 + h->caplen;
		}
	}
	/* Ethernet, IPv4, TCP, to or from the broker port */
	if (h->caplen < 14 + 20 || b[12] != 0x08 || b[13] != 0x00 || (b[14] >> 4) != 4 ||
	    b[14 + 9] != 6)
		return;
	ihl = (size_t)(b[14] & 0x0f) * 4;
	if (h->caplen < 14 + ihl + 14)
		return;
	tcp = b + 14 + ihl;
	int sport = tcp[0] << 8 | tcp[1], dport = tcp[2] << 8 | tcp[3];
	if (sport != c->port && dport != c->port)
		return;
	dev = dev_of(c, b + 6); /* source MAC */
	if (dev < 0)
		dev = dev_of(c, b); /* destination MAC */
	if (dev < 0)
		return;
	uint8_t flags = tcp[13];
	c->count[dev].syn += (flags & 0x02) && !(flags & 0x10); /* connection attempts */
	c->count[dev].fin += (flags & 0x01) != 0;
	c->count[dev].rst += (flags & 0x04) != 0;
}

void nf_capture_read(struct nf_capture *c)
{
	pcap_dispatch(c->p, -1, on_packet, (u_char *)c);
	if (c->dump)
		pcap_dump_flush(c->dump);
}

void nf_capture_take(struct nf_capture *c, int i, struct nf_wire *out)
{
	*out = c->count[i];
	memset(&c->count[i], 0, sizeof(c->count[i]));
}

long long nf_capture_dropped(struct nf_capture *c)
{
	struct pcap_stat st;

	if (!c || !c->p || pcap_stats(c->p, &st) < 0)
		return -1;
	return (long long)st.ps_drop + (long long)st.ps_ifdrop;
}
