/* The network every run builds (one place): the AP's LAN, its DHCP pool,
 * the static addresses devices get without DHCP, and the broker's name
 * that dnsmasq answers. A /16, so a fleet of 256 fits both ways. Nothing
 * routes out of it. */
#ifndef NETFLAP_SUBNET_H
#define NETFLAP_SUBNET_H

#include <stdio.h>

#define NF_PREFIX_LEN 16
#define NF_NETMASK "255.255.0.0"
#define NF_AP_ADDR "10.213.0.1"
#define NF_AP_CIDR NF_AP_ADDR "/16"
#define NF_DHCP_FIRST "10.213.4.1" /* 508 leases */
#define NF_DHCP_LAST "10.213.5.254"
#define NF_DHCP_LEASE "2m"
/* address_change: device i's other address is 10.213.(6 + (i+1)/256).((i+1)%256) */
#define NF_ALT_NET "10.213"
#define NF_ALT_THIRD 6
#define NF_BROKER_NAME "broker.netflap"

/* IPv6 (device.ip6): a ULA /64 on the AP's LAN, advertised by dnsmasq's
 * router advertisements; the AP (broker, DNS) at ::1; device i's static
 * address fd6e:666c:6170::100:(i+1) */
#define NF_PREFIX6 "fd6e:666c:6170::"
#define NF_AP_ADDR6 NF_PREFIX6 "1"
#define NF_AP_CIDR6 NF_AP_ADDR6 "/64"
/* ra_renumber: the LAN's prefix while renumbered (the AP's services keep
 * their address in the first, no longer on the LAN) */
#define NF_PREFIX6_ALT "fd6e:666c:6171::"
#define NF_AP_CIDR6_ALT NF_PREFIX6_ALT "1/64"

static inline void nf_static_cidr6(int i, char *buf, size_t len)
{
	snprintf(buf, len, NF_PREFIX6 "100:%x/64", i + 1);
}

/* device i's address with device.ip = static: 10.213.1.1 upwards, as CIDR */
static inline void nf_static_cidr(int i, char *buf, size_t len)
{
	int host = 256 + 1 + i;

	snprintf(buf, len, "10.213.%d.%d/%d", host / 256, host % 256, NF_PREFIX_LEN);
}

#endif
