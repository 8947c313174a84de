/* The IPv6 probe: what neighbour discovery, SLAAC and MLD hold on the
 * device's netif, read from lwIP's own tables (nd6_priv.h) and pool
 * statistics under the core lock. Compiled into every variant library;
 * -ENOTSUP where the stack's options have no IPv6. */
#include <errno.h>
#include <string.h>

#include "lwip/memp.h"
#include "lwip/netif.h"
#include "lwip/stats.h"
#include "lwip/tcpip.h"
#if LWIP_IPV6
#include "lwip/priv/nd6_priv.h"
#endif

#include "nf_probe.h"

#if LWIP_IPV6
static int pool_used(const char *name)
{
	for (int i = 0; i < MEMP_MAX; i++)
		if (lwip_stats.memp[i]->name && strcmp(lwip_stats.memp[i]->name, name) == 0)
			return (int)lwip_stats.memp[i]->used;
	return 0; /* a pool the options leave out holds nothing */
}

static int state_of(u8_t st)
{
	if (ip6_addr_istentative(st))
		return NF_IP6_TENTATIVE;
	if (ip6_addr_ispreferred(st))
		return NF_IP6_PREFERRED;
	if (ip6_addr_isdeprecated(st))
		return NF_IP6_DEPRECATED;
	if (ip6_addr_isduplicated(st))
		return NF_IP6_DUPLICATED;
	return NF_IP6_NONE;
}

static void read_addrs(struct netif *n, struct nf_probe_ip6 *out)
{
	out->state = NF_IP6_NONE;
	for (int i = 0; i < LWIP_IPV6_NUM_ADDRESSES; i++) {
		u8_t st = netif_ip6_addr_state(n, i);
		if (ip6_addr_isinvalid(st))
			continue;
		out->addrs++;
		/* a duplicated one counts too: the one the device could not use */
		if (out->state == NF_IP6_NONE && !ip6_addr_islinklocal(netif_ip6_addr(n, i)))
			out->state = state_of(st);
	}
}

static void read_nd6(struct netif *n, struct nf_probe_ip6 *out)
{
	for (int i = 0; i < LWIP_ND6_NUM_NEIGHBORS; i++) {
		if (neighbor_cache[i].state == ND6_NO_ENTRY || neighbor_cache[i].netif != n)
			continue;
		out->neighbors++;
		out->incomplete += neighbor_cache[i].state == ND6_INCOMPLETE;
	}
	for (int i = 0; i < LWIP_ND6_NUM_DESTINATIONS; i++)
		out->dests += !ip6_addr_isany(&destination_cache[i].destination_addr);
	for (int i = 0; i < LWIP_ND6_NUM_ROUTERS; i++)
		out->routers += default_router_list[i].neighbor_entry != NULL &&
				default_router_list[i].neighbor_entry->netif == n;
	for (int i = 0; i < LWIP_ND6_NUM_PREFIXES; i++)
		out->prefixes += prefix_list[i].netif == n && prefix_list[i].invalidation_timer > 0;
}

int nf_probe_read_ip6(struct nf_probe_ip6 *out)
{
	struct netif *n;
	int rc = -ENODEV;

	memset(out, 0, sizeof(*out));
	LOCK_TCPIP_CORE();
	n = netif_default;
	if (n) {
		read_addrs(n, out);
		read_nd6(n, out);
		out->mld_groups = pool_used("MLD6_GROUP");
		out->nd6_queue = pool_used("ND6_QUEUE");
		out->reass = pool_used("IP6_REASSDATA");
		rc = 0;
	}
	UNLOCK_TCPIP_CORE();
	return rc;
}
#else
int nf_probe_read_ip6(struct nf_probe_ip6 *out)
{
	memset(out, 0, sizeof(*out));
	return -ENOTSUP;
}
#endif
