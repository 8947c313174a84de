/* Minimal DNS A and AAAA lookup bytes (see nf_dns.h). */
#include <errno.h>
#include <string.h>

#include "nf_dns.h"

int nf_dns_build_query(uint8_t *buf, size_t cap, uint16_t id, const char *name)
{
	return nf_dns_build_query_type(buf, cap, id, name, NF_DNS_A);
}

int nf_dns_build_query_type(uint8_t *buf, size_t cap, uint16_t id, const char *name,
			    unsigned qtype)
{
	size_t n = strlen(name), len = 12;
	const char *p = name;

	if (n == 0 || n > 253)
		return -EINVAL;
	if (cap < 12 + n + 2 + 4)
		return -ENOSPC;
	memset(buf, 0, 12);
	buf[0] = (uint8_t)(id >> 8);
	buf[1] = (uint8_t)id;
	buf[2] = 0x01; /* RD */
	buf[5] = 1;    /* QDCOUNT */
	while (*p) {
		const char *dot = strchr(p, '.');
		size_t l = dot ? (size_t)(dot - p) : strlen(p);
		if (l == 0 || l > 63)
			return -EINVAL;
		buf[len++] = (uint8_t)l;
		memcpy(buf + len, p, l);
		len += l;
		p += l + (dot ? 1 : 0);
		if (dot && !*p)
			break; /* a trailing dot */
	}
	buf[len++] = 0;
	buf[len++] = (uint8_t)(qtype >> 8);
	buf[len++] = (uint8_t)qtype; /* QTYPE */
	buf[len++] = 0;
	buf[len++] = 1; /* QCLASS IN */
	return (int)len;
}

/* Skips a possibly compressed name at *off. 0 or -EPROTO. */
static int skip_name(const uint8_t *buf, size_t len, size_t *off)
{
	size_t o = *off;

	for (int labels = 0; labels < 128; labels++) {
		if (o >= len)
			return -EPROTO;
		uint8_t l = buf[o];
		if (l == 0) {
			*off = o + 1;
			return 0;
		}
		if ((l & 0xc0) == 0xc0) {
			if (o + 2 > len)
				return -EPROTO;
			*off = o + 2; /* a pointer ends the name here */
			return 0;
		}
		if (l & 0xc0)
			return -EPROTO;
		o += 1 + l;
	}
	return -EPROTO;
}

int nf_dns_parse_a(const uint8_t *buf, size_t len, uint16_t id, uint32_t *ip)
{
	return nf_dns_parse(buf, len, id, NF_DNS_A, ip);
}

int nf_dns_parse(const uint8_t *buf, size_t len, uint16_t id, unsigned qtype, void *addr)
{
	size_t want = qtype == NF_DNS_AAAA ? 16 : 4;
	size_t off = 12;
	unsigned qd, an;

	if (len < 12 || (buf[0] << 8 | buf[1]) != id || !(buf[2] & 0x80))
		return -EPROTO;
	if ((buf[3] & 0x0f) != 0)
		return -ENOENT;
	qd = (unsigned)(buf[4] << 8 | buf[5]);
	an = (unsigned)(buf[6] << 8 | buf[7]);
	for (unsigned i = 0; i < qd; i++) {
		if (skip_name(buf, len, &off) < 0 || off + 4 > len)
			return -EPROTO;
		off += 4;
	}
	for (unsigned i = 0; i < an; i++) {
		if (skip_name(buf, len, &off) < 0 || off + 10 > len)
			return -EPROTO;
		unsigned type = (unsigned)(buf[off] << 8 | buf[off + 1]);
		unsigned cls = (unsigned)(buf[off + 2] << 8 | buf[off + 3]);
		size_t rdlen = (size_t)(buf[off + 8] << 8 | buf[off + 9]);
		off += 10;
		if (off + rdlen > len)
			return -EPROTO;
		if (type == qtype && cls == 1 && rdlen == want) {
			memcpy(addr, buf + off, want);
			return 0;
		}
		off += rdlen;
	}
	return -ENOENT;
}
