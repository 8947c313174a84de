/* A minimal firmware network task on nf_app.h, to copy and make yours.
 *
 * It does what an MQTT-over-sockets firmware does on every reconnect, with
 * lwIP's own socket API and no netflap code: resolve the broker
 * (lwip_getaddrinfo), a non-blocking connect, CONNECT and CONNACK (MQTT
 * 3.1.1, clean session), then a QoS 0 publish every publish interval and a
 * PINGREQ every half keepalive until the link goes; on a loss, close the
 * socket. Every wait is a select() of at most WAIT_MS, so the link's loss
 * (host->lost()) ends it, as a firmware's event group would.
 *
 * Build it into a stack: scripts/add-stack.sh NAME --lwip ... --app FILE.c
 * (the file's name is the app's: device.client = FILE). This one is built
 * into every lwIP stack as device.client = example. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "lwip/netdb.h"
#include "lwip/sockets.h"

#include "nf_app.h"

#define WAIT_MS 20
#define CLIENT_ID_MAX 64

struct example {
	int fd;
	int64_t publishes, opened, closed; /* the row's publishes, app_1, app_2 */
};

static void figures(const struct example *e, struct nf_app_figures *f)
{
	f->publishes = e->publishes;
	f->counter[0] = e->opened;
	f->counter[1] = e->closed;
}

/* select() on fd for reading or writing, WAIT_MS at most: 1 ready, 0 not */
static int ready(int fd, bool write)
{
	fd_set set;
	struct timeval tv = {.tv_sec = 0, .tv_usec = WAIT_MS * 1000};

	FD_ZERO(&set);
	FD_SET(fd, &set);
	int n = lwip_select(fd + 1, write ? NULL : &set, write ? &set : NULL, NULL, &tv);
	return n > 0;
}

static bool send_all(int fd, const uint8_t *p, size_t n)
{
	while (n) {
		int w = (int)lwip_send(fd, p, n, 0);
		if (w < 0 && errno != EWOULDBLOCK && errno != EAGAIN)
			return false;
		if (w < 0 && !ready(fd, true))
			continue;
		if (w > 0) {
			p += w;
			n -= (size_t)w;
		}
	}
	return true;
}

static enum nf_app_result resolve(struct nf_app_host *h, struct sockaddr_in *to)
{
	struct addrinfo hints, *res = NULL;
	char port[8];

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_INET;
	hints.ai_socktype = SOCK_STREAM;
	snprintf(port, sizeof(port), "%u", (unsigned)h->port);
	if (h->enter(h, NF_APP_PH_DNS))
		return NF_APP_LOST;
	if (lwip_getaddrinfo(h->broker, port, &hints, &res) != 0 || !res)
		return h->lost(h) ? NF_APP_LOST : NF_APP_DNS_FAILED;
	memcpy(to, res->ai_addr, sizeof(*to));
	lwip_freeaddrinfo(res);
	return NF_APP_OK;
}

/* the TCP connect, non-blocking so a lost link ends the wait */
static enum nf_app_result tcp_connect(struct example *e, struct nf_app_host *h,
				      const struct sockaddr_in *to, int64_t deadline)
{
	int err = 0;
	socklen_t len = sizeof(err);

	lwip_fcntl(e->fd, F_SETFL, O_NONBLOCK);
	int rc = lwip_connect(e->fd, (const struct sockaddr *)to, sizeof(*to));
	if (rc < 0 && errno != EINPROGRESS)
		return NF_APP_CONNECT_FAILED;
	if (h->enter(h, NF_APP_PH_CONNECT))
		return NF_APP_LOST;
	while (rc < 0 && !ready(e->fd, true)) {
		if (h->lost(h))
			return NF_APP_LOST;
		if (h->now_ms() >= deadline)
			return NF_APP_TIMEOUT;
	}
	lwip_getsockopt(e->fd, SOL_SOCKET, SO_ERROR, &err, &len);
	return err ? NF_APP_CONNECT_FAILED : NF_APP_OK;
}

/* CONNECT, then the CONNACK: 0x20 0x02 flags code */
static enum nf_app_result mqtt_connect(struct example *e, struct nf_app_host *h, int64_t deadline)
{
	uint8_t p[16 + CLIENT_ID_MAX], ack[4];
	size_t id = strlen(h->client_id), got = 0;

	if (id > CLIENT_ID_MAX)
		return NF_APP_FAILED;
	static const uint8_t head[] = {0, 4, 'M', 'Q', 'T', 'T', 4, 0x02};
	p[0] = 0x10;
	p[1] = (uint8_t)(sizeof(head) + 4 + id);
	memcpy(p + 2, head, sizeof(head));
	p[10] = (uint8_t)(h->keepalive_s >> 8), p[11] = (uint8_t)h->keepalive_s;
	p[12] = (uint8_t)(id >> 8), p[13] = (uint8_t)id;
	memcpy(p + 14, h->client_id, id);
	if (!send_all(e->fd, p, 14 + id))
		return NF_APP_SEND_FAILED;
	if (h->enter(h, NF_APP_PH_CONNACK))
		return NF_APP_LOST;
	while (got < sizeof(ack)) {
		if (h->lost(h))
			return NF_APP_LOST;
		if (h->now_ms() >= deadline)
			return NF_APP_TIMEOUT;
		if (!ready(e->fd, false))
			continue;
		int n = (int)lwip_recv(e->fd, ack + got, sizeof(ack) - got, 0);
		if (n == 0)
			return NF_APP_CLOSED;
		if (n < 0 && errno != EWOULDBLOCK && errno != EAGAIN)
			return NF_APP_RECV_FAILED;
		got += n > 0 ? (size_t)n : 0;
	}
	if (ack[0] != 0x20 || ack[1] != 2)
		return NF_APP_PROTOCOL;
	return ack[3] == 0 ? NF_APP_OK : NF_APP_REFUSED;
}

static enum nf_app_result example_connect(void *state, struct nf_app_host *h,
					  struct nf_app_figures *f, int64_t deadline)
{
	struct example *e = state;
	struct sockaddr_in to;
	enum nf_app_result r = resolve(h, &to);

	if (r != NF_APP_OK)
		return r;
	e->fd = lwip_socket(AF_INET, SOCK_STREAM, 0);
	f->socket_fd = e->fd;
	if (e->fd < 0) {
		f->socket_errno = errno;
		h->log(h, "socket() failed: errno %d", errno);
		return NF_APP_SOCKET_FAILED;
	}
	r = tcp_connect(e, h, &to, deadline);
	if (r == NF_APP_OK)
		r = mqtt_connect(e, h, deadline);
	if (r == NF_APP_OK) {
		e->opened++;
		h->heard(h);
	}
	figures(e, f);
	return r;
}

/* a QoS 0 PUBLISH to netflap/<client id>/example */
static bool publish(struct example *e, struct nf_app_host *h)
{
	uint8_t p[128];
	int n = snprintf((char *)p + 4, sizeof(p) - 4, "netflap/%s/example", h->client_id);

	if (n < 0 || n > 100)
		return false;
	static const char msg[] = "{\"app\":\"example\"}";
	p[0] = 0x30;
	p[1] = (uint8_t)(2 + n + sizeof(msg) - 1);
	p[2] = 0, p[3] = (uint8_t)n;
	memcpy(p + 4 + n, msg, sizeof(msg) - 1);
	e->publishes++;
	return send_all(e->fd, p, (size_t)(4 + n) + sizeof(msg) - 1);
}

/* the open session: publish and keep alive until the link goes */
static enum nf_app_result example_serve(void *state, struct nf_app_host *h,
					struct nf_app_figures *f)
{
	static const uint8_t pingreq[] = {0xc0, 0};
	struct example *e = state;
	int64_t now = h->now_ms(), heard = now;
	int64_t next_pub = now, next_ping = now + h->keepalive_s * 500;
	enum nf_app_result r = NF_APP_LOST;
	uint8_t buf[256];

	while (!h->lost(h)) {
		now = h->now_ms();
		if (h->publish_interval_ms > 0 && now >= next_pub) {
			if (!publish(e, h)) {
				r = NF_APP_SEND_FAILED;
				break;
			}
			next_pub = now + h->publish_interval_ms;
		}
		if (now >= next_ping) {
			if (!send_all(e->fd, pingreq, sizeof(pingreq))) {
				r = NF_APP_SEND_FAILED;
				break;
			}
			next_ping = now + h->keepalive_s * 500;
		}
		if (now - heard > h->keepalive_s * 1500) {
			r = NF_APP_KEEPALIVE;
			break;
		}
		if (!ready(e->fd, false))
			continue;
		int n = (int)lwip_recv(e->fd, buf, sizeof(buf), 0);
		if (n == 0) {
			r = NF_APP_CLOSED;
			break;
		}
		if (n < 0 && errno != EWOULDBLOCK && errno != EAGAIN) {
			r = NF_APP_RECV_FAILED;
			break;
		}
		if (n > 0) { /* PINGRESP, or anything the broker sends: it is there */
			heard = now;
			h->heard(h);
		}
	}
	figures(e, f);
	return r;
}

static void example_close(void *state, struct nf_app_host *h, struct nf_app_figures *f,
			  bool leaving)
{
	static const uint8_t disconnect[] = {0xe0, 0};
	struct example *e = state;

	(void)h;
	if (e->fd < 0)
		return;
	if (leaving)
		lwip_send(e->fd, disconnect, sizeof(disconnect), 0);
	errno = 0;
	f->close_rc = lwip_close(e->fd);
	f->close_errno = errno;
	e->fd = -1;
	e->closed++;
	figures(e, f);
}

static int example_init(void *state, struct nf_app_host *h)
{
	struct example *e = state;

	(void)h;
	e->fd = -1;
	return 0;
}

const struct nf_app nf_app_example = {
    .api = NF_APP_API,
    .name = "example",
    .counters = {"sessions opened", "sockets closed"},
    .state_size = sizeof(struct example),
    .init = example_init,
    .connect = example_connect,
    .serve = example_serve,
    .close = example_close,
};
