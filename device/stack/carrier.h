/* Carrier of one interface, from the kernel over rtnetlink (libnl-route-3):
 * IFF_LOWER_UP, which a veth clears when its peer goes down, as a station
 * loses its AP. */
#ifndef NETFLAP_CARRIER_H
#define NETFLAP_CARRIER_H

#include <stdbool.h>

struct carrier;

typedef void (*carrier_cb)(void *arg, bool up);

/* Subscribes to link notifications, then reads the current state. cb runs
 * from carrier_poll() once per transition, so a down-up burst read in one
 * go is still seen as two. 0 or -errno, with a message in err. */
int carrier_open(struct carrier **out, const char *ifname, carrier_cb cb, void *arg, char *err,
		 unsigned errlen);
void carrier_close(struct carrier *c);

int carrier_fd(const struct carrier *c);
int carrier_ifindex(const struct carrier *c);
bool carrier_up(const struct carrier *c);

/* Reads pending notifications. The number of transitions seen, or -errno
 * on a socket error. */
int carrier_poll(struct carrier *c);

#endif
