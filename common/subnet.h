/* The network every run builds (one place): the AP's LAN, its DHCP pool,
 * the static addresses devices get without DHCP, and the broker's name
 * that dnsmasq answers. Nothing routes out of it. */
#ifndef NETFLAP_SUBNET_H
#define NETFLAP_SUBNET_H

#define NF_SUBNET "10.213.0"
#define NF_PREFIX_LEN 24
#define NF_NETMASK "255.255.255.0"
#define NF_AP_ADDR NF_SUBNET ".1"
#define NF_DHCP_FIRST NF_SUBNET ".100"
#define NF_DHCP_LAST NF_SUBNET ".199"
#define NF_DHCP_LEASE "2m"
#define NF_STATIC_BASE 10 /* device i gets NF_SUBNET.(10 + i) with device.ip = static */
#define NF_BROKER_NAME "broker.netflap"

#endif
