/* MQTT over the stack's socket (or the TLS session over it): the session's open (CONNECT, CONNACK,
 * SUBSCRIBE) and its connected loop (publish with up to device.inflight
 * QoS 1 publishes outstanding, keep alive, answer the broker), reading
 * either itself or through the receive task (rx_task.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "clock.h"
#include "nf_mqtt.h"
#include "board.h"
#include "session_int.h"

/* the next packet identifier: MQTT forbids 0, so it wraps 65535 -> 1 (a
 * 10^6-cycle soak once failed its SUBSCRIBE every 65,536 cycles) */
static uint16_t packet_id(struct nf_session *s)
{
	uint16_t id = s->next_id++;

	if (!s->next_id)
		s->next_id = 1;
	return id;
}

static int send_packet(struct nf_session *s, const uint8_t *p, ssize_t n)
{
	int64_t deadline = nf_now_ms() + s->cfg->attempt_timeout_ms;

	if (n < 0)
		return (int)n;
	if (nf_tls_active(s->tls))
		return nf_tls_send_all(s->tls, &s->io, p, (size_t)n, deadline);
	return nf_netio_send_all(&s->io, s->fd, p, (size_t)n, deadline);
}

/* One packet, waiting at most until deadline (a carrier loss ends the
 * wait). 0; -ETIMEDOUT; -ENETDOWN (carrier lost); -ECONNRESET (broker
 * closed); -EPROTO; -errno. The bytes come from the socket, or from the
 * receive task once it runs. */
static int next_packet(struct nf_session *s, struct nf_rx *rx, struct nf_mqtt_packet *pk,
		       int64_t deadline)
{
	for (;;) {
		ssize_t n = nf_mqtt_decode(rx->buf, rx->len, sizeof(rx->buf), pk);
		if (n > 0) {
			memcpy(rx->cur, rx->buf, (size_t)n);
			nf_mqtt_decode(rx->cur, (size_t)n, sizeof(rx->cur), pk);
			rx->len -= (size_t)n;
			memmove(rx->buf, rx->buf + n, rx->len);
			return 0;
		}
		if (n != -EAGAIN)
			return (int)n;
		if (s->rxt)
			n = nf_rx_task_take(s->rxt, rx->buf + rx->len, sizeof(rx->buf) - rx->len,
					    deadline, nf_sess_pred_lost, s);
		else if (nf_tls_active(s->tls))
			n = nf_tls_recv(s->tls, &s->io, rx->buf + rx->len, sizeof(rx->buf) - rx->len,
					deadline);
		else
			n = nf_netio_recv(&s->io, s->fd, rx->buf + rx->len,
					  sizeof(rx->buf) - rx->len, deadline);
		if (n < 0)
			return (int)n;
		rx->len += (size_t)n;
	}
}

/* The row is taken once the broker confirmed the subscription: the
 * SUBSCRIBE's segment acknowledged (its heap freed) and the SUBACK read
 * (its pbuf freed), so the row's heap and PBUF_POOL do not depend on
 * which came first; on a loaded machine either could, and the verdict
 * read the difference as a trend. A broker that does not answer within
 * SUBACK_WAIT_MS leaves the session up, as before. */
#define SUBACK_WAIT_MS 2000

static enum nf_status wait_suback(struct nf_session *s, struct nf_rx *rx, int64_t deadline)
{
	struct nf_mqtt_packet pk;
	int64_t until = nf_now_ms() + SUBACK_WAIT_MS;
	int rc = next_packet(s, rx, &pk, until < deadline ? until : deadline);

	if (rc == -ENETDOWN)
		return NF_ST_carrier_lost;
	if (rc == 0 && pk.type != NF_MQTT_SUBACK) /* MQTT 3.1.1: SUBACK comes first */
		return NF_ST_protocol_error;
	if (rc == 0 && pk.return_code == 0x80)
		nf_sess_log(s, "broker refused the cmd subscription");
	return rc == 0 || rc == -ETIMEDOUT ? NF_ST_ok : NF_ST_connect_failed;
}

enum nf_status nf_mqtt_open(struct nf_session *s, struct nf_report *r, struct nf_rx *rx,
			    int64_t deadline)
{
	uint8_t pkt[512];
	struct nf_mqtt_packet pk;
	int rc;

	struct nf_mqtt_connect c = {.client_id = s->cfg->client_id,
				 .keepalive_s = s->cfg->keepalive_s,
				 .clean_session = true};
	rx->len = 0;
	/* the firmware's receive task reads the socket from the connect on:
	 * a cut at connack closes it under a task waiting for the CONNACK */
	if (s->cfg->rx_task && (rc = nf_rx_task_start(&s->rxt, s->ops, s->st, s->sh, s->fd,
						      s->cfg->rx_wait, s->cfg->rx_timeout_ms)) < 0) {
		nf_sess_log(s, "the receive task did not start: %s", strerror(-rc));
		return NF_ST_connect_failed;
	}
	if (send_packet(s, pkt, nf_mqtt_encode_connect(pkt, sizeof(pkt), &c)) < 0)
		return NF_ST_connect_failed;
	if (nf_sess_enter(s, NF_PH_connack))
		return NF_ST_carrier_lost;
	rc = next_packet(s, rx, &pk, deadline);
	if (rc == -ETIMEDOUT)
		return NF_ST_timeout;
	if (rc == -ENETDOWN)
		return NF_ST_carrier_lost;
	if (rc < 0 || pk.type != NF_MQTT_CONNACK)
		return NF_ST_connack_failed;
	if (pk.return_code != 0)
		return NF_ST_connack_refused;
	r->v[NF_R_t_connack] = nf_now_ms();

	char topic[160];
	snprintf(topic, sizeof(topic), "netflap/%s/cmd", s->cfg->client_id);
	if (send_packet(s, pkt, nf_mqtt_encode_subscribe(pkt, sizeof(pkt), packet_id(s), topic, 1)) <
	    0)
		return NF_ST_connect_failed;
	return wait_suback(s, rx, deadline);
}

/* the connected loop's state: publishes awaiting their PUBACK, oldest first */
struct loop {
	int64_t next_pub, last_tx, ping_sent;
	uint16_t ids[NF_INFLIGHT_MAX];
	int64_t since[NF_INFLIGHT_MAX];
};

/* When the connected loop has something to do next without input: the
 * next publish (if the window has room), the next PINGREQ, or a
 * PINGRESP/PUBACK overdue. */
static int64_t next_timer(const struct nf_session *s, const struct loop *l, int64_t now)
{
	int64_t ka_ms = (int64_t)s->cfg->keepalive_s * 1000, t = now + 60000;
	bool room = s->inflight < s->cfg->inflight;

	if (s->cfg->publish_interval_ms > 0 && room && l->next_pub < t)
		t = l->next_pub;
	if (ka_ms && l->ping_sent < 0 && l->last_tx + ka_ms / 2 < t)
		t = l->last_tx + ka_ms / 2;
	if (ka_ms && l->ping_sent >= 0 && l->ping_sent + ka_ms + 1 < t)
		t = l->ping_sent + ka_ms + 1;
	if (ka_ms && s->inflight && l->since[0] + ka_ms + 1 < t)
		t = l->since[0] + ka_ms + 1;
	return t;
}

/* one telemetry PUBLISH of device.payload bytes (at least the JSON line);
 * a QoS 1 one joins the window of those awaiting their PUBACK */
static int publish(struct nf_session *s, struct loop *l, int64_t now)
{
	static const char topic_fmt[] = "netflap/%s/telemetry";
	uint8_t pkt[NF_PAYLOAD_MAX + 256];
	char topic[160], payload[NF_PAYLOAD_MAX];
	uint16_t id = s->cfg->qos ? packet_id(s) : 0;

	snprintf(topic, sizeof(topic), topic_fmt, s->cfg->client_id);
	int n = snprintf(payload, sizeof(payload), "{\"t\":%lld,\"publishes\":%lld}",
			 (long long)now, (long long)s->publishes);
	if (s->cfg->payload > n) { /* padding: bytes that sit in the send buffer */
		memset(payload + n, '.', (size_t)(s->cfg->payload - n));
		n = s->cfg->payload;
	}
	if (send_packet(s, pkt,
			nf_mqtt_encode_publish(pkt, sizeof(pkt), topic, payload, (size_t)n,
					       s->cfg->qos, id)) < 0)
		return -EIO;
	s->publishes++;
	l->last_tx = now;
	if (id) {
		l->ids[s->inflight] = id;
		l->since[s->inflight++] = now;
	}
	return 0;
}

/* a stand-in board's kept report, first in its session (QoS 0) */
static int publish_report(struct nf_session *s)
{
	uint8_t pkt[NF_BOARD_LINE + 256];
	char topic[160], line[NF_BOARD_LINE];

	if (!nf_board_take(s, topic, sizeof(topic), line, sizeof(line)))
		return 0;
	return send_packet(s, pkt, nf_mqtt_encode_publish(pkt, sizeof(pkt), topic, line,
							  strlen(line), 0, 0));
}

static void acked(struct nf_session *s, struct loop *l, uint16_t id)
{
	for (int i = 0; i < s->inflight; i++)
		if (l->ids[i] == id) {
			memmove(&l->ids[i], &l->ids[i + 1], (size_t)(s->inflight - i - 1) * sizeof(l->ids[0]));
			memmove(&l->since[i], &l->since[i + 1],
				(size_t)(s->inflight - i - 1) * sizeof(l->since[0]));
			s->inflight--;
			return;
		}
}

/* what a received packet asks of the session: NF_ST_ok to go on */
static enum nf_status on_packet(struct nf_session *s, struct loop *l,
				const struct nf_mqtt_packet *pk)
{
	uint8_t pkt[16];

	switch (pk->type) {
	case NF_MQTT_PINGRESP:
		l->ping_sent = -1;
		return NF_ST_ok;
	case NF_MQTT_PUBACK:
		acked(s, l, pk->id);
		return NF_ST_ok;
	case NF_MQTT_PUBLISH:
		if (pk->qos == 1 &&
		    send_packet(s, pkt, nf_mqtt_encode_puback(pkt, sizeof(pkt), pk->id)) < 0)
			return NF_ST_send_failed;
		return NF_ST_ok;
	case NF_MQTT_SUBACK:
		if (pk->return_code == 0x80)
			nf_sess_log(s, "broker refused the cmd subscription");
		return NF_ST_ok;
	default:
		return NF_ST_protocol_error;
	}
}

enum nf_status nf_mqtt_connected(struct nf_session *s, struct nf_rx *rx)
{
	int64_t now = nf_now_ms();
	int64_t ka_ms = (int64_t)s->cfg->keepalive_s * 1000;
	struct loop l = {.next_pub = now, .last_tx = now, .ping_sent = -1};
	uint8_t pkt[16];
	struct nf_mqtt_packet pk;

	s->inflight = 0;
	nf_sess_enter(s, NF_PH_session);
	if (publish_report(s) < 0)
		return NF_ST_send_failed;
	for (;;) {
		now = nf_now_ms();
		/* each tick fills the window: up to device.inflight QoS 1
		 * publishes back to back, their bytes in the send buffer */
		if (s->cfg->publish_interval_ms > 0 && now >= l.next_pub &&
		    s->inflight < s->cfg->inflight) {
			int burst = s->cfg->qos ? s->cfg->inflight - s->inflight : 1;
			for (int k = 0; k < burst; k++)
				if (publish(s, &l, now) < 0)
					return NF_ST_send_failed;
			l.next_pub = now + s->cfg->publish_interval_ms;
		}
		if (ka_ms && l.ping_sent < 0 && now - l.last_tx >= ka_ms / 2) {
			if (send_packet(s, pkt, nf_mqtt_encode_pingreq(pkt, sizeof(pkt))) < 0)
				return NF_ST_send_failed;
			l.ping_sent = l.last_tx = now;
		}
		if (ka_ms && ((l.ping_sent >= 0 && now - l.ping_sent > ka_ms) ||
			      (s->inflight && now - l.since[0] > ka_ms)))
			return NF_ST_keepalive_timeout;

		int rc = next_packet(s, rx, &pk, next_timer(s, &l, now));
		if (rc == -ETIMEDOUT)
			continue;
		if (rc == -ENETDOWN)
			return NF_ST_carrier_lost;
		if (rc == -ECONNRESET)
			return NF_ST_broker_closed;
		if (rc < 0)
			return rc == -EPROTO || rc == -EMSGSIZE ? NF_ST_protocol_error
								: NF_ST_recv_failed;
		nf_sess_heard(s);
		enum nf_status st = on_packet(s, &l, &pk);
		if (st != NF_ST_ok)
			return st;
	}
}

void nf_mqtt_disconnect(struct nf_session *s)
{
	uint8_t pkt[4];

	send_packet(s, pkt, nf_mqtt_encode_disconnect(pkt, sizeof(pkt)));
}
