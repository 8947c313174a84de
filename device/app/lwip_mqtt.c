/* device.client = lwip-mqtt: lwIP's own MQTT client (src/apps/mqtt, the
 * raw API over altcp_tcp) reconnecting the way lwIP's example does: on
 * each link up a new client and mqtt_client_connect(); a QoS 0 publish
 * every publish interval to a topic it subscribes to (the broker's echo is
 * the evidence it still speaks); on the link's loss or a failed attempt
 * mqtt_disconnect() and the client freed (mqtt_client_free() from 2.1;
 * 2.0 has none, and its firmware called mem_free() on the client itself).
 *
 * Raw-API calls are made under the core lock (LOCK_TCPIP_CORE), as lwIP
 * asks of any thread but its own; the client's callbacks run in the tcpip
 * thread and leave their news in the state, read under the same lock.
 * Which step the client is in (TCP connect, CONNECT sent) is read from its
 * conn_state (mqtt.c's private order, the same from 2.0 to 2.2) so a cut
 * at connect or connack lands where it should. With device.tls = on the
 * client's altcp is altcp_tls over netflap's mbedTLS (lwIP's own
 * altcp_tls_mbedtls.c, its allocations on lwIP's heap): one config made at
 * start from the run's CA, as lwIP's example does; a release without
 * altcp (2.0) is refused at scenario check. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#if __has_include("lwip/altcp_tls.h") /* 2.1 on */
#include "lwip/altcp_tls.h"
#endif
#include "lwip/api.h"
#include "lwip/apps/mqtt.h"
#if __has_include("lwip/apps/mqtt_priv.h")
#include "lwip/apps/mqtt_priv.h" /* 2.1 on: the client's fields */
#endif
#include "lwip/mem.h"
#include "lwip/tcpip.h"

#include "nf_app.h"

#define WAIT_MS 50        /* serve's look at the client's news */
#define CONNACK_POLL_MS 2 /* connect's: CONNACK's time in the row is this close */
#define TOPIC_MAX 128
#define CONN_MQTT_CONNECTING 2 /* mqtt.c: TCP connected, CONNECT sent */
#define STATUS_NONE -1

struct lwip_mqtt {
	mqtt_client_t *client;
	struct mqtt_connect_client_info_t ci;
	void *tls; /* device.tls: the altcp_tls config */
	char topic[TOPIC_MAX];
	/* the tcpip thread's news, under the core lock */
	int status;  /* the connection callback's last mqtt_connection_status_t */
	int echoes;  /* publishes the broker sent back since the last look */
	int64_t publishes, refused_pubs, clients;
};

static void on_connection(mqtt_client_t *c, void *arg, mqtt_connection_status_t status)
{
	struct lwip_mqtt *m = arg;

	(void)c;
	m->status = (int)status;
}

static void on_publish(void *arg, const char *topic, u32_t tot_len)
{
	struct lwip_mqtt *m = arg;

	(void)topic, (void)tot_len;
	m->echoes++;
}

static void on_data(void *arg, const u8_t *data, u16_t len, u8_t flags)
{
	(void)arg, (void)data, (void)len, (void)flags;
}

static void figures(const struct lwip_mqtt *m, struct nf_app_figures *f)
{
	f->publishes = m->publishes;
	f->counter[0] = m->clients;
	f->counter[1] = m->refused_pubs;
}

/* the broker's address through lwIP's resolver (a sequential-API call) */
static enum nf_app_result resolve(struct nf_app_host *h, ip_addr_t *ip)
{
	if (h->enter(h, NF_APP_PH_DNS))
		return NF_APP_LOST;
	if (netconn_gethostbyname(h->broker, ip) != ERR_OK)
		return h->lost(h) ? NF_APP_LOST : NF_APP_DNS_FAILED;
	return NF_APP_OK;
}

static enum nf_app_result start(struct lwip_mqtt *m, struct nf_app_host *h, const ip_addr_t *ip)
{
	err_t err = ERR_MEM;

	LOCK_TCPIP_CORE();
	m->status = STATUS_NONE;
	m->echoes = 0;
	m->client = mqtt_client_new();
	if (m->client) {
		m->clients++;
		mqtt_set_inpub_callback(m->client, on_publish, on_data, m);
		err = mqtt_client_connect(m->client, ip, h->port, on_connection, m, &m->ci);
	}
	UNLOCK_TCPIP_CORE();
	if (!m->client)
		return NF_APP_SOCKET_FAILED; /* no heap for the client */
	if (err != ERR_OK)
		h->log(h, "mqtt_client_connect: %s", lwip_strerr(err));
	return err == ERR_OK ? NF_APP_OK : err == ERR_MEM ? NF_APP_SOCKET_FAILED : NF_APP_CONNECT_FAILED;
}

/* the connection callback's word as a result (STATUS_NONE: none yet) */
static enum nf_app_result outcome(int status)
{
	switch (status) {
	case MQTT_CONNECT_ACCEPTED:
		return NF_APP_OK;
	case MQTT_CONNECT_DISCONNECTED:
		return NF_APP_CLOSED;
	case MQTT_CONNECT_TIMEOUT:
		return NF_APP_TIMEOUT;
	default:
		return NF_APP_REFUSED;
	}
}

static enum nf_app_result wait_connack(struct lwip_mqtt *m, struct nf_app_host *h,
				       int64_t deadline)
{
	bool sent = false;

	for (;;) {
		LOCK_TCPIP_CORE();
		int status = m->status;
		bool connecting = m->client->conn_state >= CONN_MQTT_CONNECTING;
		UNLOCK_TCPIP_CORE();
		if (connecting && !sent) { /* TCP is up and CONNECT went */
			sent = true;
			if (h->enter(h, NF_APP_PH_CONNACK))
				return NF_APP_LOST;
		}
		if (status != STATUS_NONE) {
			enum nf_app_result r = outcome(status);
			/* the TCP connect failed before any CONNECT */
			return r == NF_APP_CLOSED && !sent ? NF_APP_CONNECT_FAILED : r;
		}
		if (h->wait(h, h->now_ms() + CONNACK_POLL_MS))
			return NF_APP_LOST;
		if (h->now_ms() >= deadline)
			return NF_APP_TIMEOUT;
	}
}

static enum nf_app_result lm_connect(void *state, struct nf_app_host *h, struct nf_app_figures *f,
				     int64_t deadline)
{
	struct lwip_mqtt *m = state;
	ip_addr_t ip;
	enum nf_app_result r = resolve(h, &ip);

	if (r == NF_APP_OK)
		r = start(m, h, &ip);
	if (r == NF_APP_OK && h->enter(h, NF_APP_PH_CONNECT)) /* the SYN is out */
		r = NF_APP_LOST;
	if (r == NF_APP_OK)
		r = wait_connack(m, h, deadline);
	if (r == NF_APP_OK) {
		LOCK_TCPIP_CORE();
		err_t err = mqtt_subscribe(m->client, m->topic, 0, NULL, NULL);
		UNLOCK_TCPIP_CORE();
		if (err != ERR_OK)
			h->log(h, "mqtt_subscribe: %s", lwip_strerr(err));
		h->heard(h);
	}
	figures(m, f);
	return r;
}

static void publish(struct lwip_mqtt *m, struct nf_app_host *h)
{
	static const char msg[] = "{\"app\":\"lwip-mqtt\"}";

	LOCK_TCPIP_CORE();
	err_t err = mqtt_publish(m->client, m->topic, msg, sizeof(msg) - 1, 0, 0, NULL, NULL);
	UNLOCK_TCPIP_CORE();
	if (err == ERR_OK)
		m->publishes++;
	else if (m->refused_pubs++ == 0)
		h->log(h, "mqtt_publish: %s (counted in app_2)", lwip_strerr(err));
}

/* connected: publish, and hear the broker, until the link goes or the
 * client says the session ended (its keepalive, the broker's close) */
static enum nf_app_result lm_serve(void *state, struct nf_app_host *h, struct nf_app_figures *f)
{
	struct lwip_mqtt *m = state;
	int64_t next_pub = h->now_ms();
	enum nf_app_result r = NF_APP_LOST;

	while (!h->wait(h, h->now_ms() + WAIT_MS)) {
		LOCK_TCPIP_CORE();
		int status = m->status, echoes = m->echoes;
		m->echoes = 0;
		UNLOCK_TCPIP_CORE();
		if (echoes)
			h->heard(h);
		if (status != MQTT_CONNECT_ACCEPTED) {
			r = status == MQTT_CONNECT_TIMEOUT ? NF_APP_KEEPALIVE : NF_APP_CLOSED;
			break;
		}
		if (h->publish_interval_ms > 0 && h->now_ms() >= next_pub) {
			publish(m, h);
			next_pub = h->now_ms() + h->publish_interval_ms;
		}
	}
	figures(m, f);
	return r;
}

static void lm_close(void *state, struct nf_app_host *h, struct nf_app_figures *f, bool leaving)
{
	struct lwip_mqtt *m = state;

	(void)h, (void)leaving;
	if (!m->client)
		return;
	LOCK_TCPIP_CORE();
	mqtt_disconnect(m->client);
#ifdef NF_TREE_LWIP_2_0
	mem_free(m->client); /* 2.0 has no mqtt_client_free() */
#else
	mqtt_client_free(m->client);
#endif
	UNLOCK_TCPIP_CORE();
	m->client = NULL;
	figures(m, f);
}

#if LWIP_ALTCP && LWIP_ALTCP_TLS
/* the run's CA as altcp_tls wants it: PEM with its terminating NUL */
static int tls_config(struct lwip_mqtt *m, struct nf_app_host *h)
{
	FILE *f = fopen(h->tls_ca, "rb");
	u8_t buf[16384];
	size_t n;

	if (!f) {
		h->log(h, "%s: %s", h->tls_ca, strerror(errno));
		return -errno;
	}
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	LOCK_TCPIP_CORE();
	m->tls = altcp_tls_create_config_client(buf, n + 1);
	UNLOCK_TCPIP_CORE();
	m->ci.tls_config = m->tls;
	if (!m->tls)
		h->log(h, "altcp_tls_create_config_client failed (the CA, or lwIP's heap)");
	return m->tls ? 0 : -EINVAL;
}
#else
static int tls_config(struct lwip_mqtt *m, struct nf_app_host *h)
{
	(void)m;
	h->log(h, "device.tls = on: this stack has no altcp_tls (LWIP_ALTCP_TLS)");
	return -EOPNOTSUPP;
}
#endif

static int lm_init(void *state, struct nf_app_host *h)
{
	struct lwip_mqtt *m = state;

	snprintf(m->topic, sizeof(m->topic), "netflap/%s/lwip-mqtt", h->client_id);
	m->ci.client_id = h->client_id;
	m->ci.keep_alive = h->keepalive_s;
	return h->tls_ca ? tls_config(m, h) : 0;
}

static void lm_fini(void *state, struct nf_app_host *h)
{
	struct lwip_mqtt *m = state;

	(void)h;
#if LWIP_ALTCP && LWIP_ALTCP_TLS
	if (m->tls) {
		LOCK_TCPIP_CORE();
		altcp_tls_free_config(m->tls);
		UNLOCK_TCPIP_CORE();
	}
#endif
	m->tls = NULL;
}

const struct nf_app nf_app_lwip_mqtt = {
    .api = NF_APP_API,
    .name = "lwip-mqtt",
    .counters = {"clients made", "publishes the client refused"},
    .state_size = sizeof(struct lwip_mqtt),
    .init = lm_init,
    .connect = lm_connect,
    .serve = lm_serve,
    .close = lm_close,
    .fini = lm_fini,
};
