/* A firmware's own lwipopts.h as add-stack.sh --lwipopts takes it, shaped
 * like a small Wi-Fi MCU's: 8 sockets, a 24 KiB heap with the pools on it
 * (MEMP_MEM_MALLOC), no full duplex, no receive timeouts, and none of the
 * statistics netflap's probe reads (netflap adds those and says so). */
#ifndef FIRMWARE_LWIPOPTS_H
#define FIRMWARE_LWIPOPTS_H

#define NO_SYS 0
#define LWIP_TCPIP_CORE_LOCKING 1
#define TCPIP_MBOX_SIZE 16
#define DEFAULT_TCP_RECVMBOX_SIZE 8
#define DEFAULT_UDP_RECVMBOX_SIZE 8
#define DEFAULT_RAW_RECVMBOX_SIZE 8
#define DEFAULT_ACCEPTMBOX_SIZE 4

#define MEM_LIBC_MALLOC 0
#define MEMP_MEM_MALLOC 1
#define MEM_ALIGNMENT 4
#define MEM_SIZE (24 * 1024)
#define MEMP_NUM_NETCONN 8
#define MEMP_NUM_TCP_PCB 8
#define MEMP_NUM_UDP_PCB 6
#define MEMP_NUM_SYS_TIMEOUT (LWIP_NUM_SYS_TIMEOUT_INTERNAL + 4)
#define PBUF_POOL_SIZE 16

#define LWIP_TCP_KEEPALIVE 1
#define TCP_MSS 1436
#define TCP_WND (4 * TCP_MSS)
#define TCP_SND_BUF (4 * TCP_MSS)
#define TCP_MSL 10000UL
#define LWIP_DHCP_DOES_ACD_CHECK 0
#define DHCP_DOES_ARP_CHECK 0
#define LWIP_NETIF_HOSTNAME 1
#define LWIP_NETIF_STATUS_CALLBACK 1

#define LWIP_STATS 0

#endif
