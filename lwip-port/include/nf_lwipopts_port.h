/* What netflap's port needs from a stack's options, checked after the
 * stack's own lwipopts.h (a profile or the firmware's file) and before
 * lwIP's opt.h fills in its defaults.
 *
 * - A value that breaks the harness stops the build with #error, naming
 *   the option, the value and why.
 * - What the probe or the host port only needs added (statistics, the
 *   pthread port's lock macros, host names for sockets) is set here; each
 *   such change defines NF_ADDED_<OPTION> with a sentence, which the
 *   configure step prints (lwip-port/cmake/lwip_variant.cmake).
 * Everything else stays the stack's own: pool sizes, MEMP_MEM_MALLOC, TCP
 * timers, FULLDUPLEX, hooks. */
#ifndef NETFLAP_LWIPOPTS_PORT_H
#define NETFLAP_LWIPOPTS_PORT_H

/* ---- values that break the harness ---- */
#if defined(NO_SYS) && NO_SYS != 0
#error "netflap: NO_SYS is 1 in this stack's lwipopts.h: netflap needs NO_SYS 0: the device calls lwIP's socket API from its own threads beside tcpip_thread"
#endif
#if defined(LWIP_SOCKET) && LWIP_SOCKET == 0
#error "netflap: LWIP_SOCKET is 0 in this stack's lwipopts.h: netflap needs LWIP_SOCKET 1: the device's MQTT client, DNS and ping use lwIP's socket API, and the probe reads the socket table"
#endif
#if defined(LWIP_NETCONN) && LWIP_NETCONN == 0
#error "netflap: LWIP_NETCONN is 0 in this stack's lwipopts.h: netflap needs LWIP_NETCONN 1: lwIP's sockets are built on netconns"
#endif
#if defined(LWIP_TCPIP_CORE_LOCKING) && LWIP_TCPIP_CORE_LOCKING == 0
#error "netflap: LWIP_TCPIP_CORE_LOCKING is 0 in this stack's lwipopts.h: netflap needs 1: the probe reads the socket table, heap and pools under the core lock"
#endif
#if defined(MEM_LIBC_MALLOC) && MEM_LIBC_MALLOC != 0
#error "netflap: MEM_LIBC_MALLOC is 1 in this stack's lwipopts.h: netflap needs 0: the heap figures (heap_free, heap_min_free, heap_largest_free) are lwIP's own heap, not the host's malloc (MEMP_MEM_MALLOC 1 is fine)"
#endif
#if defined(MEM_USE_POOLS) && MEM_USE_POOLS != 0
#error "netflap: MEM_USE_POOLS is 1 in this stack's lwipopts.h: netflap needs 0: the probe reads lwIP's heap statistics, which a pool-backed mem_malloc does not keep"
#endif
#if defined(LWIP_SOCKET_POLL) && LWIP_SOCKET_POLL == 0
#error "netflap: LWIP_SOCKET_POLL is 0 in this stack's lwipopts.h: netflap needs 1: the device waits on its sockets with lwip_poll()"
#endif
#if (defined(LWIP_TCP) && LWIP_TCP == 0) || (defined(LWIP_UDP) && LWIP_UDP == 0) ||                \
	(defined(LWIP_IPV4) && LWIP_IPV4 == 0)
#error "netflap: LWIP_TCP, LWIP_UDP or LWIP_IPV4 is 0 in this stack's lwipopts.h: netflap needs all three: MQTT over TCP, DHCP and DNS over UDP, on IPv4"
#endif
#if (defined(LWIP_ARP) && LWIP_ARP == 0) || (defined(LWIP_ETHERNET) && LWIP_ETHERNET == 0)
#error "netflap: LWIP_ARP or LWIP_ETHERNET is 0 in this stack's lwipopts.h: netflap needs both: the device's netif is an Ethernet frame pipe (Wi-Fi drivers hand lwIP Ethernet frames too)"
#endif
#if defined(LWIP_DHCP) && LWIP_DHCP == 0
#error "netflap: LWIP_DHCP is 0 in this stack's lwipopts.h: netflap needs 1: the device takes a lease after every reconnect (device.ip = static still compiles DHCP in)"
#endif
#if defined(LWIP_DNS) && LWIP_DNS == 0
#error "netflap: LWIP_DNS is 0 in this stack's lwipopts.h: netflap needs 1: the device resolves broker.netflap on every reconnect"
#endif
#if defined(LWIP_RAW) && LWIP_RAW == 0
#error "netflap: LWIP_RAW is 0 in this stack's lwipopts.h: netflap needs 1: the device pings its gateway with a raw ICMP socket after each reconnect"
#endif
#if defined(LWIP_NETIF_STATUS_CALLBACK) && LWIP_NETIF_STATUS_CALLBACK == 0
#error "netflap: LWIP_NETIF_STATUS_CALLBACK is 0 in this stack's lwipopts.h: netflap needs 1: the device learns of its lease from the netif status callback"
#endif

/* ---- what the stack's file may leave out: netflap adds it ---- */
#ifndef LWIP_DHCP
#define LWIP_DHCP 1
#define NF_ADDED_LWIP_DHCP "LWIP_DHCP 1 (the device takes a lease on every reconnect)"
#endif
#ifndef LWIP_DNS
#define LWIP_DNS 1
#define NF_ADDED_LWIP_DNS "LWIP_DNS 1 (the device resolves broker.netflap)"
#endif
#ifndef LWIP_RAW
#define LWIP_RAW 1
#define NF_ADDED_LWIP_RAW "LWIP_RAW 1 (the device pings its gateway)"
#endif
#ifndef LWIP_NETIF_STATUS_CALLBACK
#define LWIP_NETIF_STATUS_CALLBACK 1
#define NF_ADDED_LWIP_NETIF_STATUS_CALLBACK "LWIP_NETIF_STATUS_CALLBACK 1 (lease events)"
#endif

/* IPv6: the device follows its addresses' states (DAD done) through the
 * netif extended status callback (2.1 on) */
#if defined(LWIP_IPV6) && LWIP_IPV6 && !defined(NF_TREE_LWIP_2_0) &&                             \
	(!defined(LWIP_NETIF_EXT_STATUS_CALLBACK) || !LWIP_NETIF_EXT_STATUS_CALLBACK)
#undef LWIP_NETIF_EXT_STATUS_CALLBACK
#define LWIP_NETIF_EXT_STATUS_CALLBACK 1
#define NF_ADDED_LWIP_NETIF_EXT_STATUS_CALLBACK "LWIP_NETIF_EXT_STATUS_CALLBACK 1 (IPv6 address states: DAD done)"
#endif

/* 64-bit host pointers: lwIP's IPv6 reassembly keeps a pointer in the
 * fragment header's 8 bytes unless it copies the header aside */
#if defined(LWIP_IPV6) && LWIP_IPV6 && (!defined(IPV6_FRAG_COPYHEADER) || !IPV6_FRAG_COPYHEADER)
#undef IPV6_FRAG_COPYHEADER
#define IPV6_FRAG_COPYHEADER 1
#define NF_ADDED_IPV6_FRAG_COPYHEADER "IPV6_FRAG_COPYHEADER 1 (the host's 8-byte pointers do not fit IPv6's fragment header)"
#endif

/* Statistics change no behaviour: the probe needs them, so they are set
 * whatever the stack's file says. STATS_DISPLAY gives the pools names. */
#if !defined(LWIP_STATS) || LWIP_STATS != 1
#undef LWIP_STATS
#define LWIP_STATS 1
#define NF_ADDED_LWIP_STATS "LWIP_STATS 1 (the probe reads lwIP's statistics)"
#endif
#if !defined(MEM_STATS) || MEM_STATS != 1
#undef MEM_STATS
#define MEM_STATS 1
#define NF_ADDED_MEM_STATS "MEM_STATS 1 (heap_free, heap_min_free)"
#endif
#if !defined(MEMP_STATS) || MEMP_STATS != 1
#undef MEMP_STATS
#define MEMP_STATS 1
#define NF_ADDED_MEMP_STATS "MEMP_STATS 1 (pool use per cycle)"
#endif
/* 32-bit counters: a night's allocation failures pass 65,535 (16-bit ones wrap) */
#if !defined(LWIP_STATS_LARGE) || LWIP_STATS_LARGE != 1
#undef LWIP_STATS_LARGE
#define LWIP_STATS_LARGE 1
#define NF_ADDED_LWIP_STATS_LARGE "LWIP_STATS_LARGE 1 (32-bit counters: *_err columns do not wrap)"
#endif
#if !defined(LWIP_STATS_DISPLAY) || LWIP_STATS_DISPLAY != 1
#undef LWIP_STATS_DISPLAY
#define LWIP_STATS_DISPLAY 1
#define NF_ADDED_LWIP_STATS_DISPLAY "LWIP_STATS_DISPLAY 1 (pool names in the statistics)"
#endif

/* The loopback netif carries netflap's socket-cycles suite (never the
 * device's traffic, which goes out of its one Ethernet netif). */
#if !defined(LWIP_HAVE_LOOPIF) || LWIP_HAVE_LOOPIF != 1
#undef LWIP_HAVE_LOOPIF
#define LWIP_HAVE_LOOPIF 1
#define NF_ADDED_LWIP_HAVE_LOOPIF "LWIP_HAVE_LOOPIF 1 (the socket-cycles suite runs over loopback)"
#endif
#if !defined(LWIP_NETIF_LOOPBACK) || LWIP_NETIF_LOOPBACK != 1
#undef LWIP_NETIF_LOOPBACK
#define LWIP_NETIF_LOOPBACK 1
#define NF_ADDED_LWIP_NETIF_LOOPBACK "LWIP_NETIF_LOOPBACK 1 (the socket-cycles suite runs over loopback)"
#endif

/* Host port: lwIP's names stay prefixed (lwip_socket(), ...) beside the
 * host's libc, and struct timeval is the host's. */
#if !defined(LWIP_COMPAT_SOCKETS) || LWIP_COMPAT_SOCKETS != 0
#undef LWIP_COMPAT_SOCKETS
#define LWIP_COMPAT_SOCKETS 0
#define NF_ADDED_LWIP_COMPAT_SOCKETS "LWIP_COMPAT_SOCKETS 0 (lwip_* names beside the host's libc)"
#endif
#if !defined(LWIP_POSIX_SOCKETS_IO_NAMES) || LWIP_POSIX_SOCKETS_IO_NAMES != 0
#undef LWIP_POSIX_SOCKETS_IO_NAMES
#define LWIP_POSIX_SOCKETS_IO_NAMES 0
#define NF_ADDED_LWIP_POSIX_SOCKETS_IO_NAMES "LWIP_POSIX_SOCKETS_IO_NAMES 0 (no read/write/close macros on the host)"
#endif
#if !defined(LWIP_TIMEVAL_PRIVATE) || LWIP_TIMEVAL_PRIVATE != 0
#undef LWIP_TIMEVAL_PRIVATE
#define LWIP_TIMEVAL_PRIVATE 0
#define NF_ADDED_LWIP_TIMEVAL_PRIVATE "LWIP_TIMEVAL_PRIVATE 0 (the host's struct timeval)"
#endif
/* 64-bit host pointers: lwIP's heap and pool headers hold pointers. */
#if !defined(MEM_ALIGNMENT) || MEM_ALIGNMENT < 8
#undef MEM_ALIGNMENT
#define MEM_ALIGNMENT 8
#define NF_ADDED_MEM_ALIGNMENT "MEM_ALIGNMENT 8 (the host's pointers are 8 bytes, so heap blocks align as on every stack here)"
#endif

/* The pthread port's core lock and thread checks replace the RTOS's. */
#ifdef LOCK_TCPIP_CORE
#define NF_ADDED_LOCK_TCPIP_CORE "LOCK_TCPIP_CORE/UNLOCK_TCPIP_CORE: netflap's pthread port's instead of the stack file's"
#endif
#undef LOCK_TCPIP_CORE
#undef UNLOCK_TCPIP_CORE
#undef LWIP_ASSERT_CORE_LOCKED
#undef LWIP_MARK_TCPIP_THREAD
#define LOCK_TCPIP_CORE() sys_arch_lock_tcpip_core()
#define UNLOCK_TCPIP_CORE() sys_arch_unlock_tcpip_core()
#define LWIP_ASSERT_CORE_LOCKED() sys_arch_check_core_locking()
#define LWIP_MARK_TCPIP_THREAD() sys_arch_mark_tcpip_thread()
#if !defined(SYS_LIGHTWEIGHT_PROT) || SYS_LIGHTWEIGHT_PROT != 1
#undef SYS_LIGHTWEIGHT_PROT
#define SYS_LIGHTWEIGHT_PROT 1
#define NF_ADDED_SYS_LIGHTWEIGHT_PROT "SYS_LIGHTWEIGHT_PROT 1 (the pthread port guards the socket table)"
#endif

#endif
