/* ICMP echo request/reply bytes for the device's ping, shared by both
 * stacks. Pure functions. */
#ifndef NETFLAP_ICMP_ECHO_H
#define NETFLAP_ICMP_ECHO_H

#include <stddef.h>
#include <stdint.h>

#define NF_ICMP_ECHO_LEN 24 /* 8-byte header + 16 bytes of payload */

/* Fills buf[NF_ICMP_ECHO_LEN] with an echo request. */
void nf_icmp_echo_request(uint8_t *buf, uint16_t id, uint16_t seq);

/* 1 when buf (an IPv4 packet as a raw socket delivers it) is the echo
 * reply to id/seq, 0 when it is something else. */
int nf_icmp_is_echo_reply(const uint8_t *buf, size_t len, uint16_t id, uint16_t seq);

/* 1 and *seq when buf is an echo reply to id, whatever its sequence. */
int nf_icmp_echo_reply_seq(const uint8_t *buf, size_t len, uint16_t id, uint16_t *seq);

#endif
