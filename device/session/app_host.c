/* The host side of nf_app.h: the services an app is handed, picking the
 * app device.client names, and its connect, serve and close with what they
 * said put in the rows (session_int.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "session_int.h"

#define LEN(a) (sizeof(a) / sizeof((a)[0]))

/* an app's result and the row status it is: one table, both ways */
static const struct {
	enum nf_app_result res;
	enum nf_status st;
} results[] = {
    {NF_APP_OK, NF_ST_ok},
    {NF_APP_LOST, NF_ST_carrier_lost},
    {NF_APP_DNS_FAILED, NF_ST_dns_failed},
    {NF_APP_SOCKET_FAILED, NF_ST_socket_failed},
    {NF_APP_CONNECT_FAILED, NF_ST_connect_failed},
    {NF_APP_TIMEOUT, NF_ST_timeout},
    {NF_APP_TLS_FAILED, NF_ST_tls_failed},
    {NF_APP_REFUSED, NF_ST_connack_refused},
    {NF_APP_CLOSED, NF_ST_broker_closed},
    {NF_APP_KEEPALIVE, NF_ST_keepalive_timeout},
    {NF_APP_SEND_FAILED, NF_ST_send_failed},
    {NF_APP_RECV_FAILED, NF_ST_recv_failed},
    {NF_APP_PROTOCOL, NF_ST_protocol_error},
    {NF_APP_FAILED, NF_ST_connack_failed},
};

enum nf_status nf_app_status(enum nf_app_result res)
{
	for (size_t i = 0; i < LEN(results); i++)
		if (results[i].res == res)
			return results[i].st;
	return NF_ST_connack_failed; /* a result nf_app.h does not have: failed */
}

enum nf_app_result nf_app_result_of(enum nf_status st)
{
	for (size_t i = 0; i < LEN(results); i++)
		if (results[i].st == st)
			return results[i].res;
	return NF_APP_FAILED;
}

/* the services */

static bool host_enter(struct nf_app_host *h, enum nf_app_phase ph)
{
	static const enum nf_phase phases[] = {
	    [NF_APP_PH_DNS] = NF_PH_dns,
	    [NF_APP_PH_CONNECT] = NF_PH_connect,
	    [NF_APP_PH_TLS] = NF_PH_tls,
	    [NF_APP_PH_CONNACK] = NF_PH_connack,
	};
	struct nf_session *s = h->priv;

	if ((unsigned)ph >= LEN(phases))
		return nf_netio_lost(&s->io);
	return nf_sess_enter(s, phases[ph]);
}

static bool host_lost(struct nf_app_host *h)
{
	struct nf_session *s = h->priv;
	return nf_netio_lost(&s->io);
}

static bool host_wait(struct nf_app_host *h, int64_t deadline_ms)
{
	struct nf_session *s = h->priv;

	nf_shared_wait(s->sh, nf_sess_pred_lost, s, deadline_ms);
	return nf_netio_lost(&s->io);
}

static void host_heard(struct nf_app_host *h)
{
	nf_sess_heard(h->priv);
}

static int64_t host_now(void)
{
	return nf_now_ms();
}

static void host_log(struct nf_app_host *h, const char *fmt, ...)
{
	const struct nf_session *s = h->priv;
	va_list ap;

	va_start(ap, fmt);
	nf_sess_vlog(s, s->app->name, fmt, ap);
	va_end(ap);
}

/* the app device.client names, by name; -ENOENT says the ones there are */
static const struct nf_app *find_app(const char *name)
{
	for (size_t i = 0; nf_apps[i]; i++)
		if (strcmp(nf_apps[i]->name, name) == 0)
			return nf_apps[i];
	fprintf(stderr, "netflap-device: --app %s: this device has no such app; it has:", name);
	for (size_t i = 0; nf_apps[i]; i++)
		fprintf(stderr, " %s", nf_apps[i]->name);
	fputc('\n', stderr);
	return NULL;
}

int nf_session_app_start(struct nf_session *s)
{
	const struct nf_app *a = find_app(s->cfg->app);

	if (!a)
		return -ENOENT;
	if (a->api != NF_APP_API || !a->connect || !a->serve || !a->close) {
		fprintf(stderr, "netflap-device: app %s: built for nf_app.h API %d (this is %d) or "
				"without connect, serve and close\n", a->name, a->api, NF_APP_API);
		return -EINVAL;
	}
	s->host = (struct nf_app_host){
	    .broker = s->cfg->broker, .port = s->cfg->port, .client_id = s->cfg->client_id,
	    .keepalive_s = s->cfg->keepalive_s, .publish_interval_ms = s->cfg->publish_interval_ms,
	    .tls_ca = s->cfg->tls.ca_file, .enter = host_enter, .lost = host_lost,
	    .wait = host_wait, .heard = host_heard, .now_ms = host_now, .log = host_log,
	    .priv = s};
	s->app = a;
	if (a->state_size && !(s->app_state = calloc(1, a->state_size)))
		return -ENOMEM;
	for (int i = 0; i < NF_APP_COUNTERS; i++)
		if (a->counters[i])
			host_log(&s->host, "app_%d counts %s", i + 1, a->counters[i]);
	int rc = a->init ? a->init(s->app_state, &s->host) : 0;
	if (rc < 0) {
		host_log(&s->host, "init failed: %s", strerror(-rc));
		free(s->app_state);
		s->app_state = NULL;
		s->app = NULL;
	}
	return rc;
}

void nf_session_app_stop(struct nf_session *s)
{
	if (!s->app)
		return;
	if (s->app->fini)
		s->app->fini(s->app_state, &s->host);
	free(s->app_state);
	s->app_state = NULL;
	s->app = NULL;
}

/* the calls, and what they said */

static void figures_clear(struct nf_app_figures *f)
{
	f->socket_fd = f->socket_errno = NF_APP_UNSET;
	f->shutdown_rc = f->shutdown_errno = f->close_rc = f->close_errno = NF_APP_UNSET;
	f->publishes = NF_APP_UNSET;
	for (int i = 0; i < NF_APP_COUNTERS; i++)
		f->counter[i] = NF_APP_UNSET;
}

/* what an app says at any call: its publishes and counters so far */
static void figures_running(struct nf_session *s)
{
	if (s->fig.publishes != NF_APP_UNSET)
		s->publishes = s->fig.publishes;
	for (int i = 0; i < NF_APP_COUNTERS; i++)
		if (s->fig.counter[i] != NF_APP_UNSET)
			s->app_counter[i] = s->fig.counter[i];
}

enum nf_status nf_app_connect(struct nf_session *s, struct nf_report *r, int64_t deadline)
{
	figures_clear(&s->fig);
	s->cur = r;
	enum nf_status st = nf_app_status(s->app->connect(s->app_state, &s->host, &s->fig, deadline));
	s->cur = NULL;
	figures_running(s);
	if (s->fig.socket_fd != NF_APP_UNSET) {
		r->v[NF_R_socket_fd] = s->fig.socket_fd;
		s->app_fd = s->fig.socket_fd;
	}
	if (s->fig.socket_errno != NF_APP_UNSET)
		r->v[NF_R_socket_errno] = s->fig.socket_errno;
	if (st == NF_ST_ok && r->v[NF_R_t_connack] == NF_UNSET)
		r->v[NF_R_t_connack] = nf_now_ms();
	return st;
}

enum nf_status nf_app_serve(struct nf_session *s)
{
	figures_clear(&s->fig);
	enum nf_status st = nf_app_status(s->app->serve(s->app_state, &s->host, &s->fig));
	figures_running(s);
	return st;
}

/* The close's figures into the last teardown: what was unacknowledged on
 * the socket the app said it made (read before the close), then its
 * shutdown and close results; an app that closed nothing leaves the last
 * ones (the teardown with nothing open says none, session.c). */
void nf_app_close(struct nf_session *s, bool leaving)
{
	struct nf_report *t = &s->last_teardown;

	if (s->app_fd >= 0) {
		long unacked = s->ops->unacked(s->st, (int)s->app_fd);
		t->v[NF_R_unacked_bytes] = unacked < 0 ? NF_UNSET : unacked;
	}
	figures_clear(&s->fig);
	s->app->close(s->app_state, &s->host, &s->fig, leaving);
	figures_running(s);
	const struct nf_app_figures *f = &s->fig;
	if (f->close_rc != NF_APP_UNSET || f->shutdown_rc != NF_APP_UNSET) {
		t->v[NF_R_shutdown_rc] = f->shutdown_rc;
		t->v[NF_R_shutdown_errno] = f->shutdown_errno;
		t->v[NF_R_close_rc] = f->close_rc;
		t->v[NF_R_close_errno] = f->close_errno;
	}
	s->app_fd = -1;
}
