/* A host interface netflap did not create (ap.iface: a USB Ethernet port
 * wired to a board, a NIC, a test's veth end), lent to the run: checked
 * before anything changes, moved into the AP namespace and its bridge,
 * given back to the namespace it came from, up or down as it was, on every
 * exit path (the undo registered before the move). */
#ifndef NETFLAP_HWPORT_H
#define NETFLAP_HWPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "topo.h"
#include "undo.h"

struct nf_hwport {
	char name[16];
	int home_nsfd;  /* the namespace it came from (the harness's own) */
	int ifindex;    /* in the AP namespace */
	bool was_up;
	struct nf_topo *topo;
};

/* Can name be lent? -ENODEV missing, -EINVAL loopback (both usage errors),
 * -EBUSY already in a bridge or carrying an IPv4 address (in use). The
 * message names it. Changes nothing. */
int nf_hwport_check(const char *name, char *err, size_t len);

/* Moves it into t's AP namespace, onto the bridge, down (the AP starts
 * off); its return is in u. 0 or -errno with a message. */
int nf_hwport_adopt(struct nf_hwport *p, const char *name, struct nf_topo *t, struct nf_undo *u,
		    char *err, size_t len);

/* Up (the board sees carrier) or down. 0 or -errno. */
int nf_hwport_set(struct nf_hwport *p, bool up);

/* `netflap cleanup`: every link in namespace nsfd that netflap did not
 * make (not lo, br0 or the run's nf<runid> veths) goes back to the
 * caller's namespace, up. The number given back, or -errno. */
int nf_hwport_return_all(int nsfd, const char *runid, bool quiet);

#endif
