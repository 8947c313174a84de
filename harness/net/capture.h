/* Capture on the AP bridge into ap.pcap, counting the broker port's SYN,
 * FIN and RST per device (by the devices' MACs): what the wire says about
 * whether the device really closed. */
#ifndef NETFLAP_CAPTURE_H
#define NETFLAP_CAPTURE_H

#include <stdint.h>

#include "csv.h"
#include "scenario.h"

struct nf_capture;

/* Opens br0 in the AP namespace (nsfd) and ap.pcap. 0 or -errno + message. */
int nf_capture_open(struct nf_capture **out, int nsfd, const char *pcap_path, int64_t limit,
		    int port, const uint8_t (*macs)[6], int ndev, char *err, unsigned errlen);
void nf_capture_close(struct nf_capture *c);
/* frames the kernel dropped before the capture read them (pcap_stats), -1 unknown */
long long nf_capture_dropped(struct nf_capture *c);
int nf_capture_fd(const struct nf_capture *c);
/* Reads what is pending. */
void nf_capture_read(struct nf_capture *c);
/* Device i's counts since the last take, then zeroes them. */
void nf_capture_take(struct nf_capture *c, int i, struct nf_wire *out);

#endif
