/* netflap's own session as the first app on nf_app.h: after the lease,
 * the field report's gateway check (an ICMP echo), the broker's name, TCP,
 * TLS with device.tls, CONNECT/CONNACK/SUBSCRIBE (mqtt_session.c); the
 * connected loop; the close sequence device.close_mode names. Being
 * netflap's, it writes the rest of its row (the ping, the socket options,
 * the TLS and receive-task figures) into the session's report itself. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "clock.h"
#include "nf_icmp.h"
#include "figures.h"
#include "session_int.h"

/* the received bytes of the open session, kept across its open and serve */
struct netflap_app {
	struct nf_rx rx;
};

#define RX_EXIT_SLACK_MS 2000

/* the TLS session's teardown (device.close_mode with TLS): its shutdown()
 * and close() as mbedtls_net_free() made them, and what mbedTLS still
 * holds after */
static void tls_teardown(struct nf_session *s, struct nf_report *t, struct nf_app_figures *f)
{
	struct nf_tls_net_calls c;
	struct nf_heap_figures h;

	nf_tls_close(s->tls, &s->io, s->fd, s->cfg->tls_close, &c);
	if (c.shutdown.called) {
		f->shutdown_rc = c.shutdown.rc;
		f->shutdown_errno = c.shutdown.err;
	}
	f->close_rc = c.close.called ? c.close.rc : NF_UNSET;
	f->close_errno = c.close.called ? c.close.err : NF_UNSET;
	nf_tls_heap(s->tls, &h);
	t->v[NF_R_tls_heap_after_teardown] = h.used;
}

/* net_free(): the teardown of the TLS layer the field report describes */

static void net_free(struct nf_session *s, struct nf_app_figures *f)
{
	struct nf_report *t = &s->last_teardown;
	int e = 0;

	if (s->fd < 0)
		return;
	/* what was in flight when the close came, and where the receive task
	 * was (the unacknowledged bytes: the host read them, app_host.c) */
	t->v[NF_R_inflight] = s->inflight;
	t->v[NF_R_rx_blocked] = s->rxt ? nf_rx_task_in_stack(s->rxt) : NF_UNSET;
	t->v[NF_R_rx_exit_ms] = NF_UNSET;
	int64_t t_close = nf_now_ms();
	if (s->tls) {
		tls_teardown(s, t, f);
		goto closed;
	}
	switch (s->cfg->close_mode) {
	case NF_SHUTDOWN_CLOSE:
		f->shutdown_rc = nf_netio_shutdown(&s->io, s->fd, NF_SHUT_RDWR, &e);
		f->shutdown_errno = e;
		f->close_rc = nf_netio_close(&s->io, s->fd, &e);
		f->close_errno = e;
		break;
	case NF_CLOSE_ONLY:
		f->close_rc = nf_netio_close(&s->io, s->fd, &e);
		f->close_errno = e;
		break;
	case NF_CLOSE_SHUTDOWN:
		f->close_rc = nf_netio_close(&s->io, s->fd, &e);
		f->close_errno = e;
		f->shutdown_rc = nf_netio_shutdown(&s->io, s->fd, NF_SHUT_RDWR, &e);
		f->shutdown_errno = e;
		break;
	default: /* the TLS-only modes: refused without TLS (args.c) */
		break;
	}
closed:
	if (s->rxt) { /* bounded by its receive timeout: the close may not wake it */
		t->v[NF_R_rx_exit_ms] = nf_rx_task_finish(
		    s->rxt, t_close, nf_now_ms() + s->cfg->rx_timeout_ms + RX_EXIT_SLACK_MS);
		if (t->v[NF_R_rx_exit_ms] < 0)
			nf_sess_log(s, "the receive task did not leave the stack after the close");
		s->rxt = NULL;
	}
	s->inflight = 0;
	s->fd = -1;
}

/* The field report's check: an ICMP echo to the gateway through the stack.
 * An echo goes out every PING_EVERY_MS until one is answered, so a first
 * one lost to a link still settling (ARP, qdisc) does not fail the check.
 * 1 answered, 0 not in time, -1 no socket (*err: the field report's
 * "ping: create socket failed"). */
#define PING_ID 0x6e66
#define PING_EVERY_MS 250

static int ping(struct nf_session *s, uint32_t gw, int64_t timeout_ms, int *err)
{
	struct nf_ip ip = {.family = 4};
	uint8_t req[NF_ICMP_ECHO_LEN], buf[256];
	int64_t deadline = nf_now_ms() + timeout_ms, next = 0;

	memcpy(ip.a, &gw, 4);
	uint16_t first = s->ping_seq + 1, got;
	int fd = nf_netio_socket(&s->io, NF_SOCK_ICMP, 4, err), answered = 0;

	if (fd < 0)
		return -1;
	while (!answered && nf_now_ms() < deadline && !nf_netio_lost(&s->io)) {
		if (nf_now_ms() >= next) {
			nf_icmp_echo_request(req, PING_ID, ++s->ping_seq);
			s->ops->sendto(fd, req, sizeof(req), &ip, 0);
			next = nf_now_ms() + PING_EVERY_MS;
		}
		ssize_t n = nf_netio_recv(&s->io, fd, buf, sizeof(buf), next < deadline ? next : deadline);
		answered = n > 0 && nf_icmp_echo_reply_seq(buf, (size_t)n, PING_ID, &got) &&
			   (uint16_t)(got - first) <= (uint16_t)(s->ping_seq - first);
	}
	int e;
	nf_netio_close(&s->io, fd, &e);
	return answered;
}

/* device.tls: the handshake on the connected socket; a refusal (the
 * certificate, an alert) is tls_failed with mbedTLS's code in the row */
static enum nf_status tls_handshake(struct nf_session *s, struct nf_report *r, int64_t deadline)
{
	struct nf_tls_result res;
	int rc = nf_tls_start(s->tls, &s->io, s->fd, deadline, &res);

	if (rc == 0 && nf_sess_enter(s, NF_PH_tls)) /* the ClientHello is out */
		return NF_ST_carrier_lost;
	if (rc == 0)
		rc = nf_tls_finish(s->tls, &s->io, deadline, &res);
	if (rc == 0) {
		r->v[NF_R_tls_handshake_ms] = res.ms;
		r->v[NF_R_tls_resumed] = res.resumed;
		return NF_ST_ok;
	}
	if (res.error) {
		r->v[NF_R_tls_error] = res.error;
		r->v[NF_R_tls_verify] = res.verify;
		nf_sess_log(s, "TLS handshake failed: mbedTLS -0x%04x, verify flags 0x%x",
			    (unsigned)-res.error, (unsigned)res.verify);
	}
	if (rc == -ETIMEDOUT)
		return NF_ST_timeout;
	return rc == -ENETDOWN ? NF_ST_carrier_lost : NF_ST_tls_failed;
}

/* the family the broker connect uses: device.prefer's when the device
 * holds an address in it, else the one it holds */
static int connect_family(struct nf_session *s)
{
	pthread_mutex_lock(&s->sh->mu);
	bool v4 = s->sh->bound, v6 = s->sh->bound6;
	pthread_mutex_unlock(&s->sh->mu);
	if (v6 && (s->cfg->prefer6 || !v4))
		return 6;
	return 4;
}

/* the field report's check: is the network there, can we make a socket
 * (the IPv4 gateway's echo; an IPv6-only device has none: ping_ok '-') */
static void ping_gateway(struct nf_session *s, struct nf_report *r)
{
	uint32_t gw;
	int rc, e = 0;

	if (!s->cfg->ip4)
		return;
	pthread_mutex_lock(&s->sh->mu);
	gw = s->sh->gw;
	pthread_mutex_unlock(&s->sh->mu);
	rc = ping(s, gw, s->cfg->ping_timeout_ms, &e);
	r->v[NF_R_ping_ok] = rc == 1;
	if (rc < 0) {
		r->v[NF_R_ping_errno] = e;
		nf_sess_log(s, "ping: create socket failed (errno %d)", e);
	}
}

static enum nf_status connect_steps(struct nf_session *s, struct netflap_app *a,
				    struct nf_report *r, struct nf_app_figures *f, int64_t deadline)
{
	struct nf_ip broker;
	enum nf_status st;
	int rc, e = 0, family = connect_family(s);

	ping_gateway(s, r);
	if (nf_sess_enter(s, NF_PH_dns))
		return NF_ST_carrier_lost;
	rc = nf_netio_resolve(&s->io, s->cfg->broker, family, &broker, deadline);
	if (rc == -ENETDOWN)
		return NF_ST_carrier_lost;
	if (rc < 0)
		return NF_ST_dns_failed;
	r->v[NF_R_t_dns] = nf_now_ms();
	r->v[NF_R_ip_family] = family;
	if (s->cfg->ip4 && s->cfg->ip6 && s->cfg->prefer6)
		r->v[NF_R_ip_fallback] = family == 4;

	s->fd = nf_netio_socket(&s->io, NF_SOCK_TCP, family, &e);
	f->socket_fd = s->fd;
	if (s->fd < 0) {
		f->socket_errno = e;
		nf_sess_log(s, "socket() failed: errno %d", e);
		return NF_ST_socket_failed;
	}
	nf_figures_sockopts(s, r);
	rc = nf_netio_connect_start(&s->io, s->fd, &broker, s->cfg->port);
	if (nf_sess_enter(s, NF_PH_connect)) /* the SYN is out: closed in flight */
		return NF_ST_carrier_lost;
	rc = nf_netio_connect_finish(&s->io, s->fd, rc, deadline);
	if (rc == -ENETDOWN)
		return NF_ST_carrier_lost;
	if (rc < 0)
		return rc == -ETIMEDOUT ? NF_ST_timeout : NF_ST_connect_failed;
	r->v[NF_R_t_tcp] = nf_now_ms();
	if (s->tls && (st = tls_handshake(s, r, deadline)) != NF_ST_ok)
		return st;
	return nf_mqtt_open(s, r, &a->rx, deadline);
}

static enum nf_app_result app_connect(void *state, struct nf_app_host *h,
				      struct nf_app_figures *f, int64_t deadline)
{
	struct nf_session *s = h->priv;

	return nf_app_result_of(connect_steps(s, state, s->cur, f, deadline));
}

static enum nf_app_result app_serve(void *state, struct nf_app_host *h, struct nf_app_figures *f)
{
	struct netflap_app *a = state;

	(void)f;
	return nf_app_result_of(nf_mqtt_connected(h->priv, &a->rx));
}

static void app_close(void *state, struct nf_app_host *h, struct nf_app_figures *f, bool leaving)
{
	struct netflap_app *a = state;
	struct nf_session *s = h->priv;

	if (leaving && s->fd >= 0)
		nf_mqtt_disconnect(s);
	net_free(s, f);
	a->rx.len = 0; /* what was left belonged to the socket just closed */
}

static void app_link(void *state, struct nf_app_host *h, bool up)
{
	struct netflap_app *a = state;

	(void)h;
	if (up)
		a->rx.len = 0;
}

const struct nf_app nf_app_netflap = {
    .api = NF_APP_API,
    .name = "netflap",
    .state_size = sizeof(struct netflap_app),
    .link = app_link,
    .connect = app_connect,
    .serve = app_serve,
    .close = app_close,
};
