/* AP backend "veth": the AP-side veth ends go down and up over netlink; the
 * device-side ends lose carrier as a station loses its AP. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "ap.h"

static int veth_start(struct nf_ap *ap, const char *run_dir, struct nf_undo *u, char *err,
		      unsigned errlen)
{
	(void)run_dir;
	(void)u;
	(void)err;
	(void)errlen;
	/* ports not flapped stay up for the whole run */
	for (int i = 0; i < ap->topo->ndev; i++)
		if (!nf_devset_has(&ap->ports, i))
			nf_topo_ap_port(ap->topo, i, true);
	return 0;
}

int nf_ap_ports_set(struct nf_ap *ap, bool on)
{
	int rc = 0;

	for (int i = 0; i < ap->topo->ndev; i++) {
		if (!nf_devset_has(&ap->ports, i))
			continue;
		int r = nf_topo_ap_port(ap->topo, i, on);
		if (r && !rc)
			rc = r;
	}
	return rc;
}

void nf_ap_undo_free_priv(void *ctx, const char *name, long x)
{
	struct nf_ap *ap = ctx;

	(void)name;
	(void)x;
	free(ap->priv);
	ap->priv = NULL;
}

const struct nf_ap_ops nf_ap_veth = {.name = "veth", .start = veth_start, .set = nf_ap_ports_set};

static const struct nf_ap_ops *const backends[] = {&nf_ap_veth, &nf_ap_hostapd, &nf_ap_iface,
							    &nf_ap_command};

const struct nf_ap_ops *nf_ap_find(const char *name)
{
	for (size_t i = 0; i < sizeof(backends) / sizeof(backends[0]); i++)
		if (strcmp(backends[i]->name, name) == 0)
			return backends[i];
	return NULL;
}
