/* The `esp` option profile: the `heap` profile (pools on lwIP's heap, as
 * ESP-IDF builds lwIP) with the ESP_LWIP options Espressif's esp-lwip reads
 * set as ESP-IDF 5's lwipopts.h sets them by default (CONFIG_LWIP_TIMERS_
 * ONDEMAND is on by default there). For Espressif's fork; on another tree
 * these names are read by nothing. Written from the option names the fork
 * tests and ESP-IDF's defaults, not copied from ESP-IDF.
 *
 *   option                                   value  what it changes
 *   ESP_LWIP                                 1      Espressif's changes in sockets.c, api_msg.c,
 *                                                   tcp.c, netif.c, dhcp.c (socket and pcb
 *                                                   lifetime: see docs/your-stack.md)
 *   ESP_LWIP_ARP                             1      its ARP changes
 *   ESP_DNS                                  1      its DNS changes (server list, fallback)
 *   ESP_LWIP_IGMP_TIMERS_ONDEMAND            1      timers started only when used
 *   ESP_LWIP_MLD6_TIMERS_ONDEMAND            1        (one row each: IGMP, MLD6,
 *   ESP_LWIP_DHCP_FINE_TIMERS_ONDEMAND       1        the DHCP fine timer, DNS,
 *   ESP_LWIP_DNS_TIMERS_ONDEMAND             1        IPv4 and IPv6 reassembly)
 *   ESP_LWIP_IP4_REASSEMBLY_TIMERS_ONDEMAND  1
 *   ESP_LWIP_IP6_REASSEMBLY_TIMERS_ONDEMAND  1
 *   ESP_LWIP_FALLBACK_DNS_PREFER_IPV4        0      IPv4-only here
 *   ESP_ND6_QUEUEING                         LWIP_IPV6 (opt.h's own default)
 *   DNS_FALLBACK_SERVER_INDEX                DNS_MAX_SERVERS - 1, as ESP-IDF: ESP_DNS keeps
 *                                                   the last server slot for a fallback server,
 *                                                   so DHCP's servers fill the others */
#ifndef NETFLAP_PROFILE_ESP_H
#define NETFLAP_PROFILE_ESP_H

#define NF_PROFILE_IPV4_ONLY 1 /* what netflap's esp runs were judged with */
#include "heap.h"

#define ESP_LWIP 1
#define ESP_LWIP_ARP 1
#define ESP_DNS 1
#define ESP_LWIP_IGMP_TIMERS_ONDEMAND 1
#define ESP_LWIP_MLD6_TIMERS_ONDEMAND 1
#define ESP_LWIP_DHCP_FINE_TIMERS_ONDEMAND 1
#define ESP_LWIP_DNS_TIMERS_ONDEMAND 1
#define ESP_LWIP_IP4_REASSEMBLY_TIMERS_ONDEMAND 1
#define ESP_LWIP_IP6_REASSEMBLY_TIMERS_ONDEMAND 1
#define ESP_LWIP_FALLBACK_DNS_PREFER_IPV4 0
#define DNS_FALLBACK_SERVER_INDEX (DNS_MAX_SERVERS - 1)

/* newlib's sys/cdefs.h has __containerof (ESP-IDF's toolchain); glibc
 * has none, and the fork's api_msg.c uses it under ESP_LWIP */
#ifndef __containerof
#define __containerof(ptr, type, member) ((type *)((char *)(ptr) - offsetof(type, member)))
#endif

#endif
