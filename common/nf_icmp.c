/* ICMP echo (RFC 792) for the device's ping. */
#include <string.h>

#include "nf_icmp.h"

static uint16_t csum(const uint8_t *p, size_t n)
{
	uint32_t s = 0;

	for (size_t i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

void nf_icmp_echo_request(uint8_t *buf, uint16_t id, uint16_t seq)
{
	uint16_t c;

	memset(buf, 0, NF_ICMP_ECHO_LEN);
	buf[0] = 8; /* echo request */
	buf[4] = (uint8_t)(id >> 8);
	buf[5] = (uint8_t)id;
	buf[6] = (uint8_t)(seq >> 8);
	buf[7] = (uint8_t)seq;
	memcpy(buf + 8, "netflap-ping-16b", 16);
	c = csum(buf, NF_ICMP_ECHO_LEN);
	buf[2] = (uint8_t)(c >> 8);
	buf[3] = (uint8_t)c;
}

int nf_icmp_echo_reply_seq(const uint8_t *buf, size_t len, uint16_t id, uint16_t *seq)
{
	size_t ihl;
	const uint8_t *icmp;

	if (len < 20 || (buf[0] >> 4) != 4 || buf[9] != 1)
		return 0;
	ihl = (size_t)(buf[0] & 0x0f) * 4;
	if (ihl < 20 || len < ihl + 8)
		return 0;
	icmp = buf + ihl;
	if (csum(icmp, len - ihl) != 0)
		return 0;
	if (icmp[0] != 0 || icmp[1] != 0 || (icmp[4] << 8 | icmp[5]) != id)
		return 0;
	*seq = (uint16_t)(icmp[6] << 8 | icmp[7]);
	return 1;
}

int nf_icmp_is_echo_reply(const uint8_t *buf, size_t len, uint16_t id, uint16_t seq)
{
	uint16_t got;

	return nf_icmp_echo_reply_seq(buf, len, id, &got) && got == seq;
}
