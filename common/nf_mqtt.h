/* MQTT 3.1.1 packets the simulated device sends and receives. Pure
 * functions over byte buffers: no I/O, no allocation. */
#ifndef NETFLAP_MQTT_CODEC_H
#define NETFLAP_MQTT_CODEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

enum nf_mqtt_type {
	NF_MQTT_CONNECT = 1,
	NF_MQTT_CONNACK = 2,
	NF_MQTT_PUBLISH = 3,
	NF_MQTT_PUBACK = 4,
	NF_MQTT_SUBSCRIBE = 8,
	NF_MQTT_SUBACK = 9,
	NF_MQTT_UNSUBACK = 11,
	NF_MQTT_PINGREQ = 12,
	NF_MQTT_PINGRESP = 13,
	NF_MQTT_DISCONNECT = 14,
};

/* The largest remaining length the protocol can express. */
#define NF_MQTT_MAX_REMAINING 268435455u

struct nf_mqtt_connect {
	const char *client_id;
	uint16_t keepalive_s;
	bool clean_session;
};

/* A decoded packet; pointers point into the decoded buffer. */
struct nf_mqtt_packet {
	uint8_t type, flags;
	uint16_t id;         /* PUBLISH (QoS>0), PUBACK, SUBACK, UNSUBACK */
	uint8_t return_code; /* CONNACK; SUBACK: the first granted QoS or 0x80 */
	bool session_present;
	uint8_t qos; /* PUBLISH */
	const uint8_t *topic, *payload;
	size_t topic_len, payload_len;
};

/* Encoders return the packet length, or -ENOSPC when cap is too small,
 * -EINVAL for arguments MQTT cannot carry. */
ssize_t nf_mqtt_encode_connect(uint8_t *buf, size_t cap, const struct nf_mqtt_connect *c);
ssize_t nf_mqtt_encode_subscribe(uint8_t *buf, size_t cap, uint16_t id, const char *topic,
			      uint8_t qos);
ssize_t nf_mqtt_encode_publish(uint8_t *buf, size_t cap, const char *topic, const void *payload,
			    size_t len, uint8_t qos, uint16_t id);
ssize_t nf_mqtt_encode_puback(uint8_t *buf, size_t cap, uint16_t id);
ssize_t nf_mqtt_encode_pingreq(uint8_t *buf, size_t cap);
ssize_t nf_mqtt_encode_disconnect(uint8_t *buf, size_t cap);

/* Decodes one packet a broker may send a client (CONNACK, PUBLISH, PUBACK,
 * SUBACK, UNSUBACK, PINGRESP) from the start of buf. Returns the bytes it
 * takes (> 0); -EAGAIN when more bytes are needed; -EMSGSIZE when the
 * packet is larger than max_packet; -EPROTO when it is malformed or of a
 * type a broker must not send. */
ssize_t nf_mqtt_decode(const uint8_t *buf, size_t len, size_t max_packet, struct nf_mqtt_packet *out);

/* A short name for a decode or encode error, for logs. */
const char *nf_mqtt_strerror(ssize_t err);

#endif
