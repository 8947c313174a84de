/* The `static` option profile (lwipopts.h) of netflap's built-in stacks.
 *
 * Sized after the field report's device: a socket table of 38
 * (MEMP_NUM_NETCONN, which lwIP uses as NUM_SOCKETS), lwIP's own heap and
 * pools with statistics on (the heap and pool figures are what the harness
 * reads), an OS (NO_SYS 0) with core locking. */
#ifndef NETFLAP_PROFILE_STATIC_H
#define NETFLAP_PROFILE_STATIC_H

/* OS integration */
#define NO_SYS 0
#define SYS_LIGHTWEIGHT_PROT 1
#define LWIP_TCPIP_CORE_LOCKING 1
#define LWIP_TCPIP_CORE_LOCKING_INPUT 0
#define TCPIP_MBOX_SIZE 64
#define TCPIP_THREAD_STACKSIZE 0
#define TCPIP_THREAD_PRIO 1
#define DEFAULT_THREAD_STACKSIZE 0
#define DEFAULT_TCP_RECVMBOX_SIZE 32
#define DEFAULT_UDP_RECVMBOX_SIZE 16
#define DEFAULT_RAW_RECVMBOX_SIZE 16
#define DEFAULT_ACCEPTMBOX_SIZE 8

/* Memory: lwIP's own heap and static pools, never libc malloc, so the
 * heap and pool statistics mean what they mean on the device. */
#define MEM_LIBC_MALLOC 0
#define MEMP_MEM_MALLOC 0
#define MEM_ALIGNMENT 8
#define MEM_SIZE (64 * 1024)
#define MEMP_NUM_NETCONN 38 /* = NUM_SOCKETS: the field report's 38 slots */
#define MEMP_NUM_TCP_PCB 16
#define MEMP_NUM_TCP_PCB_LISTEN 4
#define MEMP_NUM_UDP_PCB 8
#define MEMP_NUM_RAW_PCB 4
#define MEMP_NUM_TCP_SEG 64
#define MEMP_NUM_NETBUF 16
#define MEMP_NUM_PBUF 32
#ifdef NF_TREE_LWIP_2_0 /* no LWIP_NUM_SYS_TIMEOUT_INTERNAL before 2.1: its ~8 timers, and 8 */
#define MEMP_NUM_SYS_TIMEOUT 16
#else
#define MEMP_NUM_SYS_TIMEOUT (LWIP_NUM_SYS_TIMEOUT_INTERNAL + 8)
#endif
#define PBUF_POOL_SIZE 64

/* Statistics: what the probe reads. STATS_DISPLAY gives the pools names. */
#define LWIP_STATS 1
#define LWIP_STATS_DISPLAY 1
#define MEM_STATS 1
#define MEMP_STATS 1
#define SYS_STATS 1
#define TCP_STATS 1
#define LINK_STATS 1

/* Protocols */
#define LWIP_IPV4 1
#define LWIP_ARP 1
#define LWIP_ETHERNET 1
#define LWIP_ICMP 1
#define LWIP_RAW 1
#define LWIP_UDP 1
#define LWIP_TCP 1
#define LWIP_DHCP 1
#define LWIP_DHCP_DOES_ACD_CHECK 0
#define DHCP_DOES_ARP_CHECK 0
#define LWIP_DNS 1
#define DNS_MAX_SERVERS 2
#define LWIP_IGMP 0
#define LWIP_TCP_KEEPALIVE 1
#define TCP_MSS 1460
#define TCP_WND (8 * TCP_MSS)
#define TCP_SND_BUF (8 * TCP_MSS)
#define TCP_SND_QUEUELEN (4 * TCP_SND_BUF / TCP_MSS)
#define SO_REUSE 1

/* IPv6, dual-stack (device.ip6; off by default, when the device makes no
 * address and sends nothing): SLAAC from router advertisements, their DNS
 * servers (RDNSS), MLD, router solicitations, and stateless DHCPv6 (the
 * one lwIP 2.1 and 2.2 have: options such as the DNS server; addresses
 * stay SLAAC's). The neighbour cache, destination cache, router and
 * prefix lists keep lwIP's sizes. IPv4 only on lwIP 2.0.x (netflap follows
 * address states through 2.1's netif extended status callback) and in the
 * esp profile. */
#if !defined(NF_PROFILE_IPV4_ONLY) && !defined(NF_TREE_LWIP_2_0)
#define LWIP_IPV6 1
#define LWIP_IPV6_AUTOCONFIG 1
#define LWIP_IPV6_MLD 1
#define LWIP_IPV6_SEND_ROUTER_SOLICIT 1
#define LWIP_ND6_RDNSS_MAX_DNS_SERVERS 1
#define LWIP_IPV6_DHCP6 1
#define LWIP_NETIF_EXT_STATUS_CALLBACK 1 /* address state changes: DAD done */
#else
#define LWIP_IPV6 0
#endif

/* Interfaces: loopback for the regression suite, link and status
 * callbacks for carrier-driven reconnects. */
#define LWIP_HAVE_LOOPIF 1
#define LWIP_NETIF_LOOPBACK 1
#define LWIP_NETIF_LINK_CALLBACK 1
#define LWIP_NETIF_STATUS_CALLBACK 1
#define LWIP_NETIF_HOSTNAME 1

/* Sequential and socket APIs. Full duplex (with a semaphore per thread)
 * gives every slot an fd_used count: the probe reports slots it pins. */
#define LWIP_NETCONN 1
#define LWIP_SOCKET 1
#define LWIP_COMPAT_SOCKETS 0
#define LWIP_POSIX_SOCKETS_IO_NAMES 0
#define LWIP_NETCONN_FULLDUPLEX 1
#define LWIP_NETCONN_SEM_PER_THREAD 1
#define LWIP_SO_RCVTIMEO 1
#define LWIP_SO_SNDTIMEO 1
#define LWIP_SO_RCVBUF 1
#define LWIP_SOCKET_SELECT 1
#define LWIP_SOCKET_POLL 1
#define LWIP_TIMEVAL_PRIVATE 0

/* Application layered TCP (2.1 on): lwIP's MQTT client (device.client =
 * lwip-mqtt) over altcp_tcp, and over altcp_tls with netflap's mbedTLS
 * (2.28) when device.tls = on; sockets do not use it. Only where the
 * build has netflap's mbedTLS (not in lwIP-only builds). */
#if !defined(NF_TREE_LWIP_2_0) && defined(NF_STACK_MBEDTLS)
#define LWIP_ALTCP 1
#define LWIP_ALTCP_TLS 1
#define LWIP_ALTCP_TLS_MBEDTLS 1
#endif

#endif
