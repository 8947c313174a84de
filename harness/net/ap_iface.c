/* AP backend "iface": ap.iface, a host interface wired to the boards (a USB
 * Ethernet port, a NIC), lent to the AP's bridge for the run; each cycle it
 * goes down and up, so a board on its far end loses carrier as a station
 * loses its AP. */
#include "ap.h"

static int iface_start(struct nf_ap *ap, const char *run_dir, struct nf_undo *u, char *err,
		       unsigned errlen)
{
	(void)run_dir;
	/* adopted down: the AP starts off */
	return nf_hwport_adopt(&ap->hw, ap->sc->ap_iface, ap->topo, u, err, errlen);
}

static int iface_set(struct nf_ap *ap, bool on)
{
	return nf_hwport_set(&ap->hw, on);
}

const struct nf_ap_ops nf_ap_iface = {.name = "iface", .start = iface_start, .set = iface_set};
