/* MQTT codec: byte-exact packets out, and whatever a broker (or something
 * pretending to be one) sends in: a clean error, never a crash. */
#include <check.h>

#include "nf_check.h"
#include <errno.h>
#include <string.h>

#include "nf_mqtt.h"

#define BIG 1024

static void assert_bytes(const uint8_t *got, ssize_t n, const uint8_t *want, size_t wn)
{
	ck_assert_int_eq(n, (ssize_t)wn);
	for (size_t i = 0; i < wn; i++)
		ck_assert_msg(got[i] == want[i], "byte %zu: got 0x%02x, want 0x%02x", i, got[i],
			      want[i]);
}

START_TEST(test_connect_bytes)
{
	uint8_t b[BIG];
	struct nf_mqtt_connect c = {.client_id = "dev0", .keepalive_s = 10, .clean_session = true};
	const uint8_t want[] = {0x10, 16, 0,  4, 'M', 'Q', 'T', 'T', 4,
				0x02, 0,  10, 0, 4,   'd', 'e', 'v', '0'};

	assert_bytes(b, nf_mqtt_encode_connect(b, sizeof(b), &c), want, sizeof(want));
	ck_assert_int_eq(nf_mqtt_encode_connect(b, sizeof(want) - 1, &c), -ENOSPC);
	c.client_id = NULL;
	ck_assert_int_eq(nf_mqtt_encode_connect(b, sizeof(b), &c), -EINVAL);
}
END_TEST

START_TEST(test_subscribe_publish_bytes)
{
	uint8_t b[BIG];
	const uint8_t sub[] = {0x82, 8, 0x12, 0x34, 0, 3, 'a', '/', 'b', 1};
	const uint8_t pub0[] = {0x30, 7, 0, 3, 'a', '/', 'b', 'h', 'i'};
	const uint8_t pub1[] = {0x32, 9, 0, 3, 'a', '/', 'b', 0, 7, 'h', 'i'};

	assert_bytes(b, nf_mqtt_encode_subscribe(b, sizeof(b), 0x1234, "a/b", 1), sub, sizeof(sub));
	assert_bytes(b, nf_mqtt_encode_publish(b, sizeof(b), "a/b", "hi", 2, 0, 0), pub0,
		     sizeof(pub0));
	assert_bytes(b, nf_mqtt_encode_publish(b, sizeof(b), "a/b", "hi", 2, 1, 7), pub1,
		     sizeof(pub1));
	ck_assert_int_eq(nf_mqtt_encode_publish(b, sizeof(b), "a/b", "hi", 2, 1, 0), -EINVAL);
	ck_assert_int_eq(nf_mqtt_encode_publish(b, sizeof(b), "a/b", "hi", 2, 3, 1), -EINVAL);
	ck_assert_int_eq(nf_mqtt_encode_subscribe(b, sizeof(b), 0, "a", 0), -EINVAL);
	ck_assert_int_eq(nf_mqtt_encode_publish(b, 5, "a/b", "hi", 2, 0, 0), -ENOSPC);
}
END_TEST

START_TEST(test_small_packets_bytes)
{
	uint8_t b[8];
	const uint8_t puback[] = {0x40, 2, 0xbe, 0xef};
	const uint8_t ping[] = {0xc0, 0};
	const uint8_t disc[] = {0xe0, 0};

	assert_bytes(b, nf_mqtt_encode_puback(b, sizeof(b), 0xbeef), puback, sizeof(puback));
	assert_bytes(b, nf_mqtt_encode_pingreq(b, sizeof(b)), ping, sizeof(ping));
	assert_bytes(b, nf_mqtt_encode_disconnect(b, sizeof(b)), disc, sizeof(disc));
	ck_assert_int_eq(nf_mqtt_encode_pingreq(b, 1), -ENOSPC);
}
END_TEST

START_TEST(test_remaining_length_multibyte)
{
	static uint8_t b[20000], payload[16384];
	struct nf_mqtt_packet p;
	ssize_t n = nf_mqtt_encode_publish(b, sizeof(b), "t", payload, sizeof(payload), 0, 0);

	/* 2 + 1 + 16384 = 16387 = 0x4003: 0x83 0x80 0x01 */
	ck_assert_int_eq(n, 1 + 3 + 16387);
	ck_assert_int_eq(b[1], 0x83);
	ck_assert_int_eq(b[2], 0x80);
	ck_assert_int_eq(b[3], 0x01);
	ck_assert_int_eq(nf_mqtt_decode(b, (size_t)n, sizeof(b), &p), n);
	ck_assert_int_eq(p.payload_len, sizeof(payload));
	ck_assert_int_eq(nf_mqtt_decode(b, (size_t)n, 1000, &p), -EMSGSIZE);
}
END_TEST

START_TEST(test_decode_broker_packets)
{
	struct nf_mqtt_packet p;
	const uint8_t connack[] = {0x20, 2, 0x01, 0x00};
	const uint8_t refused[] = {0x20, 2, 0x00, 0x05};
	const uint8_t suback[] = {0x90, 3, 0x00, 0x01, 0x01};
	const uint8_t pingresp[] = {0xd0, 0};
	const uint8_t puback[] = {0x40, 2, 0x00, 0x09};
	const uint8_t pub[] = {0x32, 8, 0, 2, 'c', 'd', 0, 5, 'x', 'y', 0xff};

	ck_assert_int_eq(nf_mqtt_decode(connack, sizeof(connack), BIG, &p), 4);
	ck_assert_int_eq(p.type, NF_MQTT_CONNACK);
	ck_assert(p.session_present);
	ck_assert_int_eq(p.return_code, 0);
	ck_assert_int_eq(nf_mqtt_decode(refused, sizeof(refused), BIG, &p), 4);
	ck_assert_int_eq(p.return_code, 5);
	ck_assert_int_eq(nf_mqtt_decode(suback, sizeof(suback), BIG, &p), 5);
	ck_assert_int_eq(p.type, NF_MQTT_SUBACK);
	ck_assert_int_eq(p.id, 1);
	ck_assert_int_eq(p.return_code, 1);
	ck_assert_int_eq(nf_mqtt_decode(pingresp, sizeof(pingresp), BIG, &p), 2);
	ck_assert_int_eq(p.type, NF_MQTT_PINGRESP);
	ck_assert_int_eq(nf_mqtt_decode(puback, sizeof(puback), BIG, &p), 4);
	ck_assert_int_eq(p.id, 9);
	/* a PUBLISH followed by the next packet's first byte: only the first */
	ck_assert_int_eq(nf_mqtt_decode(pub, sizeof(pub), BIG, &p), 10);
	ck_assert_int_eq(p.type, NF_MQTT_PUBLISH);
	ck_assert_int_eq(p.qos, 1);
	ck_assert_int_eq(p.id, 5);
	ck_assert_int_eq(p.topic_len, 2);
	ck_assert(memcmp(p.topic, "cd", 2) == 0);
	ck_assert_int_eq(p.payload_len, 2);
	ck_assert(memcmp(p.payload, "xy", 2) == 0);
}
END_TEST

START_TEST(test_decode_truncated)
{
	struct nf_mqtt_packet p;
	const uint8_t pub[] = {0x30, 7, 0, 3, 'a', '/', 'b', 'h', 'i'};

	/* every proper prefix needs more bytes, none decodes or crashes */
	for (size_t n = 0; n < sizeof(pub); n++)
		ck_assert_int_eq(nf_mqtt_decode(pub, n, BIG, &p), -EAGAIN);
	const uint8_t half_len[] = {0x30, 0x80};
	ck_assert_int_eq(nf_mqtt_decode(half_len, sizeof(half_len), BIG, &p), -EAGAIN);
}
END_TEST

START_TEST(test_decode_hostile)
{
	struct nf_mqtt_packet p;
	static const struct {
		const char *what;
		uint8_t bytes[8];
		size_t n;
		ssize_t want;
	} cases[] = {
	    {"five length bytes", {0x30, 0xff, 0xff, 0xff, 0xff, 0x01}, 6, -EPROTO},
	    {"largest length, over the cap", {0x30, 0xff, 0xff, 0xff, 0x7f}, 5, -EMSGSIZE},
	    {"type 0 (reserved)", {0x00, 0}, 2, -EPROTO},
	    {"type 15 (reserved)", {0xf0, 0}, 2, -EPROTO},
	    {"CONNECT from a broker", {0x10, 0}, 2, -EPROTO},
	    {"PINGREQ from a broker", {0xc0, 0}, 2, -EPROTO},
	    {"SUBSCRIBE from a broker", {0x82, 0}, 2, -EPROTO},
	    {"CONNACK with flags", {0x21, 2, 0, 0}, 4, -EPROTO},
	    {"CONNACK too long", {0x20, 3, 0, 0, 0}, 5, -EPROTO},
	    {"CONNACK reserved ack bits", {0x20, 2, 0x02, 0}, 4, -EPROTO},
	    {"PINGRESP with a body", {0xd0, 1, 0}, 3, -EPROTO},
	    {"PUBLISH QoS 3", {0x36, 3, 0, 1, 'a'}, 5, -EPROTO},
	    {"PUBLISH topic past the end", {0x30, 3, 0, 9, 'a'}, 5, -EPROTO},
	    {"PUBLISH empty topic", {0x30, 2, 0, 0}, 4, -EPROTO},
	    {"PUBLISH QoS 1 id 0", {0x32, 5, 0, 1, 'a', 0, 0}, 7, -EPROTO},
	    {"PUBLISH QoS 1 no id", {0x32, 3, 0, 1, 'a'}, 5, -EPROTO},
	    {"SUBACK bad grant", {0x90, 3, 0, 1, 0x03}, 5, -EPROTO},
	    {"SUBACK no grant", {0x90, 2, 0, 1}, 4, -EPROTO},
	    {"PUBACK short", {0x40, 1, 0}, 3, -EPROTO},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ssize_t got = nf_mqtt_decode(cases[i].bytes, cases[i].n, BIG, &p);
		ck_assert_msg(got == cases[i].want, "%s: got %zd (%s), want %zd", cases[i].what,
			      got, nf_mqtt_strerror(got), cases[i].want);
	}
}
END_TEST

START_TEST(test_decode_every_byte_pair)
{
	/* all 2-byte and 3-byte inputs of a header byte and lengths: no crash,
	 * and a success never claims more bytes than given */
	uint8_t b[4];
	struct nf_mqtt_packet p;
	long bad = 0;

	/* assert once at the end: Check's per-assertion bookkeeping is slow */
	for (int t = 0; t < 256; t++)
		for (int l = 0; l < 256; l++)
			for (int x = 0; x < 256; x += 17) {
				b[0] = (uint8_t)t;
				b[1] = (uint8_t)l;
				b[2] = (uint8_t)x;
				b[3] = (uint8_t)(x ^ 0x5a);
				ssize_t n = nf_mqtt_decode(b, sizeof(b), BIG, &p);
				bad += !(n == -EAGAIN || n == -EPROTO || n == -EMSGSIZE ||
					 (n > 0 && n <= 4));
			}
	ck_assert_int_eq(bad, 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("nf_mqtt_codec");
	TCase *tc = tcase_create("codec");

	tcase_add_test(tc, test_connect_bytes);
	tcase_add_test(tc, test_subscribe_publish_bytes);
	tcase_add_test(tc, test_small_packets_bytes);
	tcase_add_test(tc, test_remaining_length_multibyte);
	tcase_add_test(tc, test_decode_broker_packets);
	tcase_add_test(tc, test_decode_truncated);
	tcase_add_test(tc, test_decode_hostile);
	tcase_add_test(tc, test_decode_every_byte_pair);
	suite_add_tcase(s, tc);
	return nf_check_run(s);
}
