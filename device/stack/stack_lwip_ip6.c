/* IPv6 addressing on the lwIP backend, as a firmware's port does it: a
 * link-local address that passes duplicate address detection on every
 * association, then SLAAC from the router's advertisements (with stateless
 * DHCPv6 for dhcp6), or the static address; on carrier loss every address
 * goes and, as netif_set_down() does, neighbour discovery forgets what it
 * learnt on that network (nd6_cleanup_netif(): neighbours with their
 * queued packets, destinations, routers, prefixes): netif_set_link_down()
 * alone leaves them, and a port that reports only link-down keeps stale
 * routers across an AP change. The session learns that an address became
 * preferred (DAD done) from lwIP's extended status callback. */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "lwip/netif.h"
#include "lwip/tcpip.h"
#include "lwip/dns.h" /* after netif.h: 2.0.x's dns.h includes no err.h */
#if LWIP_IPV6
#include "lwip/dhcp6.h"
#include "lwip/nd6.h"
#endif

#include "stack_lwip.h"

void nf_lwip_addr_out(const ip_addr_t *in, struct nf_ip *out)
{
	memset(out, 0, sizeof(*out));
#if LWIP_IPV6
	if (IP_IS_V6(in)) {
		out->family = 6;
		memcpy(out->a, ip_2_ip6(in)->addr, 16);
		return;
	}
#endif
	out->family = 4;
	u32_t v4 = ip4_addr_get_u32(ip_2_ip4(in));
	memcpy(out->a, &v4, 4);
}

#if LWIP_IPV6
/* the first global address that is preferred, if any, and how far the
 * others got: to the session */
static void publish(struct nf_stack *st)
{
	struct netif *n = &st->netif;
	struct nf_ip6_seen seen = {0};

	for (int i = 0; i < LWIP_IPV6_NUM_ADDRESSES; i++) {
		const ip6_addr_t *a = netif_ip6_addr(n, i);
		u8_t state = netif_ip6_addr_state(n, i);
		if (ip6_addr_islinklocal(a)) {
			seen.ll = seen.ll || ip6_addr_isvalid(state);
			continue;
		}
		seen.dup = seen.dup || ip6_addr_isduplicated(state);
		seen.tentative = seen.tentative || ip6_addr_istentative(state);
		if (ip6_addr_ispreferred(state) && !seen.preferred) {
			seen.preferred = true;
			seen.addr = (const uint8_t *)a->addr;
		}
	}
	nf_shared_set_ip6(st->sh, &seen);
}

/* tcpip thread: an address came, went, or changed state */
static void on_ext(struct netif *netif, netif_nsc_reason_t reason,
		   const netif_ext_callback_args_t *args)
{
	(void)args;
	if (!(reason & (LWIP_NSC_IPV6_SET | LWIP_NSC_IPV6_ADDR_STATE_CHANGED)) ||
	    !(netif->flags & NETIF_FLAG_ETHERNET))
		return;
	publish((struct nf_stack *)((char *)netif - offsetof(struct nf_stack, netif)));
}

NETIF_DECLARE_EXT_CALLBACK(ext_cb)

void nf_lwip_ip6_open(struct nf_stack *st)
{
	if (st->cfg.ip6 == NF_IP6_OFF)
		return; /* an IPv4 device: no address, no IPv6 frame sent */
	st->netif.flags |= NETIF_FLAG_MLD6;
	netif_add_ext_callback(&ext_cb, on_ext);
}

int nf_lwip_ip6_start(struct nf_stack *st)
{
	struct netif *n = &st->netif;
	err_t e = ERR_OK;

	if (st->cfg.ip6 == NF_IP6_OFF)
		return 0;
	if (st->ip6_kept) { /* ip6_keep: lwIP's link-up solicits a router; the rest stays */
		publish(st);
		return 0;
	}
	netif_create_ip6_linklocal_address(n, 1); /* tentative: DAD again */
	if (st->cfg.ip6 == NF_IP6_STATIC) {
		ip6_addr_t a;
		s8_t idx;
		memcpy(a.addr, st->cfg.ip6_static, 16);
		ip6_addr_assign_zone(&a, IP6_UNICAST, n);
		e = netif_add_ip6_address(n, &a, &idx);
		if (!st->cfg.ip4) { /* no DHCP names the server: the one configured */
			ip_addr_t d = IPADDR6_INIT(0, 0, 0, 0);
			memcpy(ip_2_ip6(&d)->addr, st->cfg.dns6, 16);
			dns_setserver(0, &d);
		}
	} else {
		netif_set_ip6_autoconfig_enabled(n, 1);
	}
	if (st->cfg.ip6 == NF_IP6_DHCP6)
		e = dhcp6_enable_stateless(n);
	return e == ERR_OK ? 0 : -EIO;
}

void nf_lwip_ip6_stop(struct nf_stack *st)
{
	struct netif *n = &st->netif;

	if (st->cfg.ip6 == NF_IP6_OFF)
		return;
	nf_shared_set_ip6(st->sh, &(struct nf_ip6_seen){0}); /* no address without a link */
	if (st->cfg.ip6_keep) {
		st->ip6_kept = true; /* netif_set_link_down alone: everything stays */
		return;
	}
	if (st->cfg.ip6 == NF_IP6_DHCP6)
		dhcp6_disable(n);
	netif_set_ip6_autoconfig_enabled(n, 0);
	for (int i = 0; i < LWIP_IPV6_NUM_ADDRESSES; i++)
		netif_ip6_addr_set_state(n, i, IP6_ADDR_INVALID);
	nd6_cleanup_netif(n);
}
#else
void nf_lwip_ip6_open(struct nf_stack *st)
{
	(void)st;
}

int nf_lwip_ip6_start(struct nf_stack *st)
{
	return st->cfg.ip6 == NF_IP6_OFF ? 0 : -EAFNOSUPPORT;
}

void nf_lwip_ip6_stop(struct nf_stack *st)
{
	(void)st;
}
#endif
