/* A minimal DNS A query and answer parser (RFC 1035) for the kernel-stack
 * device, which must ask the run's own dnsmasq and never the host's
 * resolver. Pure functions. */
#ifndef NETFLAP_DNS_QUERY_H
#define NETFLAP_DNS_QUERY_H

#include <stddef.h>
#include <stdint.h>

#define NF_DNS_A 1
#define NF_DNS_AAAA 28

/* A recursive query of qtype (NF_DNS_A or NF_DNS_AAAA) for name; as below. */
int nf_dns_build_query_type(uint8_t *buf, size_t cap, uint16_t id, const char *name,
			    unsigned qtype);
/* The first record of qtype in the answer to query id into addr (4 or 16
 * bytes, network order); as nf_dns_parse_a. */
int nf_dns_parse(const uint8_t *buf, size_t len, uint16_t id, unsigned qtype, void *addr);

/* Writes a recursive A query for name. Its length, -EINVAL for a name DNS
 * cannot carry, -ENOSPC. */
int nf_dns_build_query(uint8_t *buf, size_t cap, uint16_t id, const char *name);

/* The first A record of the answer to query id, in network byte order.
 * 0; -ENOENT (an error rcode or no A record); -EPROTO (not our answer, or
 * malformed). */
int nf_dns_parse_a(const uint8_t *buf, size_t len, uint16_t id, uint32_t *ip);

#endif
