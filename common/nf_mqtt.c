/* MQTT 3.1.1 codec (OASIS mqtt-v3.1.1, sections 2 and 3). */
#include <errno.h>
#include <string.h>

#include "nf_mqtt.h"

/* a bounded writer: every put checks room, the first failure sticks */
struct wr {
	uint8_t *p;
	size_t cap, len;
	int err;
};

static void put(struct wr *w, const void *src, size_t n)
{
	if (w->err)
		return;
	if (n > w->cap - w->len) {
		w->err = -ENOSPC;
		return;
	}
	memcpy(w->p + w->len, src, n);
	w->len += n;
}

static void put_u8(struct wr *w, uint8_t v)
{
	put(w, &v, 1);
}

static void put_u16(struct wr *w, uint16_t v)
{
	uint8_t b[2] = {(uint8_t)(v >> 8), (uint8_t)v};
	put(w, b, 2);
}

static void put_str(struct wr *w, const char *s, size_t n)
{
	put_u16(w, (uint16_t)n);
	put(w, s, n);
}

static void put_header(struct wr *w, uint8_t type_flags, size_t remaining)
{
	put_u8(w, type_flags);
	do {
		uint8_t b = remaining % 128;
		remaining /= 128;
		if (remaining)
			b |= 0x80;
		put_u8(w, b);
	} while (remaining);
}

static ssize_t finish(const struct wr *w)
{
	return w->err ? w->err : (ssize_t)w->len;
}

ssize_t nf_mqtt_encode_connect(uint8_t *buf, size_t cap, const struct nf_mqtt_connect *c)
{
	struct wr w = {buf, cap, 0, 0};
	size_t id_len;

	if (!c || !c->client_id || (id_len = strlen(c->client_id)) > 65535)
		return -EINVAL;
	put_header(&w, NF_MQTT_CONNECT << 4, 10 + 2 + id_len);
	put_str(&w, "MQTT", 4);
	put_u8(&w, 4); /* protocol level: 3.1.1 */
	put_u8(&w, c->clean_session ? 0x02 : 0x00);
	put_u16(&w, c->keepalive_s);
	put_str(&w, c->client_id, id_len);
	return finish(&w);
}

ssize_t nf_mqtt_encode_subscribe(uint8_t *buf, size_t cap, uint16_t id, const char *topic, uint8_t qos)
{
	struct wr w = {buf, cap, 0, 0};
	size_t tl;

	if (!topic || !id || qos > 2 || (tl = strlen(topic)) == 0 || tl > 65535)
		return -EINVAL;
	put_header(&w, NF_MQTT_SUBSCRIBE << 4 | 0x02, 2 + 2 + tl + 1);
	put_u16(&w, id);
	put_str(&w, topic, tl);
	put_u8(&w, qos);
	return finish(&w);
}

ssize_t nf_mqtt_encode_publish(uint8_t *buf, size_t cap, const char *topic, const void *payload,
			    size_t len, uint8_t qos, uint16_t id)
{
	struct wr w = {buf, cap, 0, 0};
	size_t tl, rem;

	if (!topic || qos > 2 || (qos && !id) || (tl = strlen(topic)) == 0 || tl > 65535 ||
	    (len && !payload))
		return -EINVAL;
	rem = 2 + tl + (qos ? 2 : 0);
	if (len > NF_MQTT_MAX_REMAINING - rem)
		return -EINVAL;
	put_header(&w, (uint8_t)(NF_MQTT_PUBLISH << 4 | qos << 1), rem + len);
	put_str(&w, topic, tl);
	if (qos)
		put_u16(&w, id);
	put(&w, payload, len);
	return finish(&w);
}

ssize_t nf_mqtt_encode_puback(uint8_t *buf, size_t cap, uint16_t id)
{
	struct wr w = {buf, cap, 0, 0};

	put_header(&w, NF_MQTT_PUBACK << 4, 2);
	put_u16(&w, id);
	return finish(&w);
}

ssize_t nf_mqtt_encode_pingreq(uint8_t *buf, size_t cap)
{
	struct wr w = {buf, cap, 0, 0};

	put_header(&w, NF_MQTT_PINGREQ << 4, 0);
	return finish(&w);
}

ssize_t nf_mqtt_encode_disconnect(uint8_t *buf, size_t cap)
{
	struct wr w = {buf, cap, 0, 0};

	put_header(&w, NF_MQTT_DISCONNECT << 4, 0);
	return finish(&w);
}

static uint16_t get_u16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* body checks per packet type: the fixed-header flags each type must
 * carry (3.1.1 table 2.2) and the shape of its variable header */
static int decode_connack(const uint8_t *b, size_t n, struct nf_mqtt_packet *o)
{
	if (n != 2 || (b[0] & 0xfe))
		return -EPROTO;
	o->session_present = b[0] & 1;
	o->return_code = b[1];
	return 0;
}

static int decode_id_only(const uint8_t *b, size_t n, struct nf_mqtt_packet *o)
{
	if (n != 2)
		return -EPROTO;
	o->id = get_u16(b);
	return 0;
}

static int decode_suback(const uint8_t *b, size_t n, struct nf_mqtt_packet *o)
{
	if (n < 3)
		return -EPROTO;
	o->id = get_u16(b);
	for (size_t i = 2; i < n; i++)
		if (b[i] > 2 && b[i] != 0x80)
			return -EPROTO;
	o->return_code = b[2];
	return 0;
}

static int decode_empty(const uint8_t *b, size_t n, struct nf_mqtt_packet *o)
{
	(void)b;
	(void)o;
	return n == 0 ? 0 : -EPROTO;
}

static int decode_publish(const uint8_t *b, size_t n, struct nf_mqtt_packet *o)
{
	size_t tl, off;

	o->qos = (o->flags >> 1) & 3;
	if (o->qos == 3 || n < 2)
		return -EPROTO;
	tl = get_u16(b);
	off = 2 + tl + (o->qos ? 2 : 0);
	if (tl == 0 || off > n)
		return -EPROTO;
	o->topic = b + 2;
	o->topic_len = tl;
	if (o->qos) {
		o->id = get_u16(b + 2 + tl);
		if (!o->id)
			return -EPROTO;
	}
	o->payload = b + off;
	o->payload_len = n - off;
	return 0;
}

static const struct {
	uint8_t type;
	uint8_t flags_mask, flags; /* PUBLISH flags are data, not fixed */
	int (*body)(const uint8_t *b, size_t n, struct nf_mqtt_packet *o);
} from_broker[] = {
    {NF_MQTT_CONNACK, 0x0f, 0x00, decode_connack},  {NF_MQTT_PUBLISH, 0x00, 0x00, decode_publish},
    {NF_MQTT_PUBACK, 0x0f, 0x00, decode_id_only},   {NF_MQTT_SUBACK, 0x0f, 0x00, decode_suback},
    {NF_MQTT_UNSUBACK, 0x0f, 0x00, decode_id_only}, {NF_MQTT_PINGRESP, 0x0f, 0x00, decode_empty},
};

ssize_t nf_mqtt_decode(const uint8_t *buf, size_t len, size_t max_packet, struct nf_mqtt_packet *out)
{
	size_t rem = 0, hdr;
	unsigned shift = 0;
	int rc;

	if (!buf || !out)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	if (len < 2)
		return -EAGAIN;
	for (hdr = 1;; hdr++) {
		if (hdr > 4)
			return -EPROTO; /* a fifth length byte: malformed */
		if (hdr >= len)
			return -EAGAIN;
		rem |= (size_t)(buf[hdr] & 0x7f) << shift;
		shift += 7;
		if (!(buf[hdr] & 0x80))
			break;
	}
	hdr++;
	if (rem + hdr > max_packet)
		return -EMSGSIZE;
	out->type = buf[0] >> 4;
	out->flags = buf[0] & 0x0f;
	for (size_t i = 0; i < sizeof(from_broker) / sizeof(from_broker[0]); i++) {
		if (from_broker[i].type != out->type)
			continue;
		if ((out->flags & from_broker[i].flags_mask) != from_broker[i].flags)
			return -EPROTO;
		if (len - hdr < rem)
			return -EAGAIN;
		rc = from_broker[i].body(buf + hdr, rem, out);
		return rc ? rc : (ssize_t)(hdr + rem);
	}
	return -EPROTO; /* reserved, or a type only a client sends */
}

const char *nf_mqtt_strerror(ssize_t err)
{
	switch (err) {
	case -EAGAIN:
		return "incomplete packet";
	case -EMSGSIZE:
		return "packet too large";
	case -EPROTO:
		return "malformed or unexpected packet";
	case -ENOSPC:
		return "buffer too small";
	case -EINVAL:
		return "invalid argument";
	default:
		return err >= 0 ? "ok" : "unknown error";
	}
}
