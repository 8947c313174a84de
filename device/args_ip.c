/* netflap-device's addressing options as the stack's configuration: IPv4
 * (--ip dhcp | static | off), IPv6 (--ip6 off | slaac | dhcp6 | static),
 * the MAC, and which families the session waits for. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"

static int parse_ipv4(const char *s, uint32_t *out)
{
	return s && inet_pton(AF_INET, s, out) == 1 ? 0 : -EINVAL;
}

static int static_ip4(const struct nf_dev_opts *o, struct nf_stack_cfg *sc)
{
	char buf[32], *slash, *end;
	long prefix;

	if (!o->address || strlen(o->address) >= sizeof(buf) || !o->gateway) {
		fprintf(stderr, "netflap-device: --ip static needs --address A/N and --gateway\n");
		return -EINVAL;
	}
	strcpy(buf, o->address);
	slash = strchr(buf, '/');
	prefix = slash ? strtol(slash + 1, &end, 10) : 0;
	if (!slash || *end || end == slash + 1 || prefix < 1 || prefix > 32) {
		fprintf(stderr, "netflap-device: --address %s: want A.B.C.D/N\n", o->address);
		return -EINVAL;
	}
	*slash = '\0';
	if (parse_ipv4(buf, &sc->ip) || parse_ipv4(o->gateway, &sc->gw) ||
	    parse_ipv4(o->dns ? o->dns : o->gateway, &sc->dns)) {
		fprintf(stderr, "netflap-device: bad static address, gateway or dns\n");
		return -EINVAL;
	}
	sc->netmask = htonl((uint32_t)(0xffffffffULL << (32 - prefix)));
	return 0;
}

static int ip4_cfg(const struct nf_dev_opts *o, struct nf_stack_cfg *sc)
{
	sc->ip4 = strcmp(o->ip_mode, "off") != 0;
	if (strcmp(o->ip_mode, "dhcp") == 0)
		sc->dhcp = true;
	else if (strcmp(o->ip_mode, "static") == 0)
		return static_ip4(o, sc);
	else if (sc->ip4) {
		fprintf(stderr, "netflap-device: --ip %s: want dhcp, static or off\n", o->ip_mode);
		return -EINVAL;
	}
	return 0;
}

static int ip6_cfg(const struct nf_dev_opts *o, struct nf_stack_cfg *sc)
{
	static const char *const modes[] = {[NF_IP6_OFF] = "off", [NF_IP6_SLAAC] = "slaac",
					    [NF_IP6_DHCP6] = "dhcp6", [NF_IP6_STATIC] = "static"};
	int m = -1;

	for (int i = 0; i < (int)(sizeof(modes) / sizeof(modes[0])); i++)
		if (strcmp(o->ip6_mode, modes[i]) == 0)
			m = i;
	if (m < 0) {
		fprintf(stderr, "netflap-device: --ip6 %s: want off, slaac, dhcp6 or static\n",
			o->ip6_mode);
		return -EINVAL;
	}
	sc->ip6 = (enum nf_ip6_mode)m;
	sc->ip6_keep = o->ip6_keep;
	if (m == NF_IP6_STATIC && (!o->address6 || inet_pton(AF_INET6, o->address6, sc->ip6_static) != 1)) {
		fprintf(stderr, "netflap-device: --ip6 static needs --address6 ADDR (an IPv6 address)\n");
		return -EINVAL;
	}
	if (o->dns6 && inet_pton(AF_INET6, o->dns6, sc->dns6) != 1) {
		fprintf(stderr, "netflap-device: --dns6 %s: not an IPv6 address\n", o->dns6);
		return -EINVAL;
	}
	if (!sc->ip4 && m == NF_IP6_OFF) {
		fprintf(stderr, "netflap-device: --ip off needs --ip6: the device would have no address\n");
		return -EINVAL;
	}
	return 0;
}

static int mac_cfg(const struct nf_dev_opts *o, struct nf_stack_cfg *sc)
{
	if (o->mac) {
		unsigned m[6];
		if (sscanf(o->mac, "%2x:%2x:%2x:%2x:%2x:%2x", &m[0], &m[1], &m[2], &m[3], &m[4],
			   &m[5]) != 6) {
			fprintf(stderr, "netflap-device: --mac %s: want XX:XX:XX:XX:XX:XX\n",
				o->mac);
			return -EINVAL;
		}
		for (int i = 0; i < 6; i++)
			sc->mac[i] = (uint8_t)m[i];
		return 0;
	}
	/* locally administered, stable per client id: dnsmasq hands the same
	 * lease back after every flap, as an AP's DHCP server would (and SLAAC
	 * makes the same address from it) */
	uint32_t h = 2166136261u;
	for (const char *p = o->s.client_id; *p; p++)
		h = (h ^ (uint8_t)*p) * 16777619u;
	uint8_t mac[6] = {0x02, 0x6e, (uint8_t)(h >> 24), (uint8_t)(h >> 16), (uint8_t)(h >> 8),
			  (uint8_t)h};
	memcpy(sc->mac, mac, 6);
	return 0;
}

int nf_dev_stack_cfg(struct nf_dev_opts *o, struct nf_stack_cfg *sc)
{
	int rc;

	*sc = (struct nf_stack_cfg){
	    .ifname = o->ifname, .hostname = o->s.client_id, .socket_limit = (int)o->socket_limit,
	    .impair = o->impair};
	if ((rc = ip4_cfg(o, sc)) || (rc = ip6_cfg(o, sc)) || (rc = mac_cfg(o, sc)))
		return rc;
	o->s.ip4 = sc->ip4;
	o->s.ip6 = sc->ip6 != NF_IP6_OFF;
	o->s.ip6_static = sc->ip6 == NF_IP6_STATIC;
	return 0;
}
