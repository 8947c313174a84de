/* libFuzzer: the device's MQTT decoder, fed what a hostile broker could
 * send: every packet in the stream decoded in turn, as the session does. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nf_mqtt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nf_mqtt_packet pk;
	size_t off = 0;
	/* the first byte picks the size cap, so small caps are explored too */
	size_t cap = size ? (size_t)data[0] * 64 + 2 : 4096;

	while (off < size) {
		ssize_t n = nf_mqtt_decode(data + off, size - off, cap, &pk);
		if (n <= 0)
			break;
		if ((size_t)n > size - off)
			abort(); /* claimed more than it was given */
		if (pk.topic && (pk.topic < data || pk.topic + pk.topic_len > data + size))
			abort();
		if (pk.payload && pk.payload_len &&
		    (pk.payload < data || pk.payload + pk.payload_len > data + size))
			abort();
		off += (size_t)n;
	}
	return 0;
}
