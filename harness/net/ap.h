/* AP backends behind one small ops struct: how "the AP goes off" is done. */
#ifndef NETFLAP_AP_H
#define NETFLAP_AP_H

#include <stdbool.h>
#include <stdint.h>

#include "hwport.h"
#include "scenario.h"
#include "topo.h"

struct nf_ap;

struct nf_ap_ops {
	const char *name;
	/* 0 or -errno with a message; the AP starts off */
	int (*start)(struct nf_ap *ap, const char *run_dir, struct nf_undo *u, char *err,
		     unsigned errlen);
	int (*set)(struct nf_ap *ap, bool on);
};

struct nf_ap {
	const struct nf_ap_ops *ops;
	struct nf_topo *topo;
	struct nf_devset ports; /* which devices' AP ports flap (ap.adapters) */
	int daemon;     /* the backend's daemon pid, 0 if none (watched for deaths) */
	void *priv;
	const struct nf_scenario *sc; /* the backend's keys (ap.*) */
	const char *run_dir;
	int64_t cycle;          /* the cycle being switched (ap.backend = command's NETFLAP_CYCLE) */
	struct nf_hwport hw;    /* ap.iface, lent to the run (hwport.h) */
	char why[512];          /* a failed set()'s own words, "" none */
};

extern const struct nf_ap_ops nf_ap_veth;
extern const struct nf_ap_ops nf_ap_hostapd;
extern const struct nf_ap_ops nf_ap_iface;
extern const struct nf_ap_ops nf_ap_command;

/* Takes the AP ports in ap->ports up or down (the carrier the stations see).
 * 0 or the first -errno. */
int nf_ap_ports_set(struct nf_ap *ap, bool on);

/* An undo step (undo.h) that frees ap->priv (ctx: the struct nf_ap):
 * registered first by a backend with state, before anything uses it. */
void nf_ap_undo_free_priv(void *ctx, const char *name, long x);

/* The backend named name, or NULL. */
const struct nf_ap_ops *nf_ap_find(const char *name);

#endif
