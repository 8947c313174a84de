/* The device's TLS over mbedTLS 2.28 (see tls.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mbedtls/ctr_drbg.h"
#include "mbedtls/entropy.h"
#include "mbedtls/error.h"
#include "mbedtls/net_sockets.h"
#include "mbedtls/platform.h"
#include "mbedtls/ssl.h"
#include "mbedtls/ssl_internal.h" /* the handshake's resume flag */
#include "mbedtls/x509_crt.h"

#include "clock.h"
#include "tls.h"

struct nf_tls {
	const struct nf_tls_cfg *cfg;
	const struct nf_tls_net *net;
	struct nf_heap heap;
	mbedtls_entropy_context entropy;
	mbedtls_ctr_drbg_context drbg;
	mbedtls_x509_crt ca;
	mbedtls_ssl_config conf;
	mbedtls_ssl_session saved; /* the last session, offered back with resume */
	bool have_saved;
	/* the connection */
	bool active, established; /* a context set up; its handshake done */
	int64_t t0;               /* the handshake's start */
	mbedtls_ssl_context ssl;
	mbedtls_net_context net_ctx;
};

/* mbedTLS has one allocator per process (mbedtls_platform_set_calloc_free
 * takes no context): the device's one counted heap, set by nf_tls_init */
static struct nf_heap *tls_heap;

static void *tls_calloc(size_t n, size_t size)
{
	return nf_heap_calloc(tls_heap, n, size);
}

static void tls_free(void *p)
{
	nf_heap_free(tls_heap, p);
}

static int fail(int rc, const char *what, char *err, size_t errlen)
{
	char msg[128];

	mbedtls_strerror(rc, msg, sizeof(msg));
	snprintf(err, errlen, "%s: %s (mbedTLS -0x%04x)", what, msg, (unsigned)-rc);
	return rc == MBEDTLS_ERR_X509_FILE_IO_ERROR ? -ENOENT : -EINVAL;
}

int nf_tls_init(struct nf_tls **out, const struct nf_tls_cfg *cfg, const struct nf_tls_net *net,
		char *err, size_t errlen)
{
	static const char pers[] = "netflap-device";
	struct nf_tls *t = calloc(1, sizeof(*t));
	int rc;

	if (!t)
		return -ENOMEM;
	t->cfg = cfg;
	t->net = net;
	nf_heap_init(&t->heap, cfg->heap == NF_TLS_HEAP_LWIP ? &nf_heap_lwip : &nf_heap_host, 0);
	tls_heap = &t->heap;
	mbedtls_platform_set_calloc_free(tls_calloc, tls_free);
	mbedtls_entropy_init(&t->entropy);
	mbedtls_ctr_drbg_init(&t->drbg);
	mbedtls_x509_crt_init(&t->ca);
	mbedtls_ssl_config_init(&t->conf);
	mbedtls_ssl_session_init(&t->saved);
	if ((rc = mbedtls_ctr_drbg_seed(&t->drbg, mbedtls_entropy_func, &t->entropy,
					(const unsigned char *)pers, sizeof(pers) - 1)) != 0) {
		rc = fail(rc, "seeding the generator", err, errlen);
		goto out;
	}
	if ((rc = mbedtls_x509_crt_parse_file(&t->ca, cfg->ca_file)) != 0) {
		char what[300];
		snprintf(what, sizeof(what), "the CA %s", cfg->ca_file);
		rc = fail(rc, what, err, errlen);
		goto out;
	}
	if ((rc = mbedtls_ssl_config_defaults(&t->conf, MBEDTLS_SSL_IS_CLIENT,
					      MBEDTLS_SSL_TRANSPORT_STREAM,
					      MBEDTLS_SSL_PRESET_DEFAULT)) != 0) {
		rc = fail(rc, "the TLS configuration", err, errlen);
		goto out;
	}
	/* production firmware verifies: the chain to the CA, the name, the dates */
	mbedtls_ssl_conf_authmode(&t->conf, MBEDTLS_SSL_VERIFY_REQUIRED);
	mbedtls_ssl_conf_ca_chain(&t->conf, &t->ca, NULL);
	mbedtls_ssl_conf_rng(&t->conf, mbedtls_ctr_drbg_random, &t->drbg);
	mbedtls_ssl_conf_session_tickets(&t->conf, cfg->resume
						       ? MBEDTLS_SSL_SESSION_TICKETS_ENABLED
						       : MBEDTLS_SSL_SESSION_TICKETS_DISABLED);
	*out = t;
	return 0;
out:
	nf_tls_destroy(t);
	return rc;
}

void nf_tls_destroy(struct nf_tls *t)
{
	if (!t)
		return;
	if (t->active) {
		mbedtls_ssl_free(&t->ssl);
		t->active = false;
	}
	mbedtls_ssl_session_free(&t->saved);
	mbedtls_ssl_config_free(&t->conf);
	mbedtls_x509_crt_free(&t->ca);
	mbedtls_ctr_drbg_free(&t->drbg);
	mbedtls_entropy_free(&t->entropy);
	nf_heap_destroy(&t->heap);
	free(t);
}

bool nf_tls_active(const struct nf_tls *t)
{
	return t && t->active;
}

/* mbedTLS wants the socket readable or writable: netio's wait (a carrier
 * loss or the deadline ends it); 0 or netio's -errno */
static int want(struct nf_tls *t, struct nf_netio *io, int rc, int64_t deadline)
{
	return nf_netio_wait(io, t->net_ctx.fd,
			     rc == MBEDTLS_ERR_SSL_WANT_WRITE ? NF_POLL_OUT : NF_POLL_IN, deadline);
}

static bool is_want(int rc)
{
	return rc == MBEDTLS_ERR_SSL_WANT_READ || rc == MBEDTLS_ERR_SSL_WANT_WRITE;
}

/* Steps the handshake, as mbedtls_ssl_handshake() does, until the
 * ClientHello is written (hello_only) or to its end, reading what
 * only the handshake's own state knows: whether the broker took the
 * offered session back (its ServerHello echoed the id, RFC 5246 7.4.1.3;
 * with a ticket the id the client made up, RFC 5077 3.4). That state is
 * freed when the handshake ends. */
static int steps(struct nf_tls *t, struct nf_netio *io, bool hello_only, int64_t deadline,
		 struct nf_tls_result *res)
{
	int rc;

	/* not an order of states: NewSessionTicket (a ticket coming) is
	 * numbered after HANDSHAKE_OVER */
	while (hello_only ? t->ssl.state <= MBEDTLS_SSL_CLIENT_HELLO
			  : t->ssl.state != MBEDTLS_SSL_HANDSHAKE_OVER) {
		rc = mbedtls_ssl_handshake_step(&t->ssl);
		if (t->ssl.handshake && t->ssl.handshake->resume)
			res->resumed = true;
		if (rc == 0)
			continue;
		if (!is_want(rc)) {
			res->error = rc;
			res->verify = mbedtls_ssl_get_verify_result(&t->ssl);
			return rc == MBEDTLS_ERR_SSL_ALLOC_FAILED ? -ENOMEM : -EPROTO;
		}
		int w = want(t, io, rc, deadline);
		if (w < 0)
			return w;
	}
	return 0;
}

int nf_tls_start(struct nf_tls *t, struct nf_netio *io, int fd, int64_t deadline,
		 struct nf_tls_result *res)
{
	int rc;

	*res = (struct nf_tls_result){.ms = -1};
	t->t0 = nf_now_ms();
	mbedtls_ssl_init(&t->ssl);
	t->net_ctx.fd = fd;
	t->active = true;
	if ((rc = mbedtls_ssl_setup(&t->ssl, &t->conf)) != 0 ||
	    (rc = mbedtls_ssl_set_hostname(&t->ssl, t->cfg->name)) != 0 ||
	    (t->have_saved && (rc = mbedtls_ssl_set_session(&t->ssl, &t->saved)) != 0)) {
		res->error = rc;
		return rc == MBEDTLS_ERR_SSL_ALLOC_FAILED ? -ENOMEM : -EPROTO;
	}
	mbedtls_ssl_set_bio(&t->ssl, &t->net_ctx, t->net->send, t->net->recv, NULL);
	/* the ClientHello written (the state moved past it) and on the wire
	 * (a send that would block leaves it in mbedTLS's buffer) */
	if ((rc = steps(t, io, true, deadline, res)) != 0)
		return rc;
	while ((rc = mbedtls_ssl_flush_output(&t->ssl)) != 0) {
		if (!is_want(rc)) {
			res->error = rc;
			return -EPROTO;
		}
		int w = want(t, io, rc, deadline);
		if (w < 0)
			return w;
	}
	return 0;
}

int nf_tls_finish(struct nf_tls *t, struct nf_netio *io, int64_t deadline,
		  struct nf_tls_result *res)
{
	int rc = steps(t, io, false, deadline, res);

	t->established = rc == 0;
	if (rc)
		return rc;
	res->ms = nf_now_ms() - t->t0;
	if (t->cfg->resume) {
		mbedtls_ssl_session_free(&t->saved);
		mbedtls_ssl_session_init(&t->saved);
		t->have_saved = mbedtls_ssl_get_session(&t->ssl, &t->saved) == 0;
	}
	return 0;
}

/* mbedTLS's error inside a session, in netio's terms */
static int session_error(int rc)
{
	if (rc == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY || rc == MBEDTLS_ERR_NET_CONN_RESET || rc == 0)
		return -ECONNRESET;
	if (rc == MBEDTLS_ERR_SSL_ALLOC_FAILED)
		return -ENOMEM;
	return -EIO;
}

int nf_tls_send_all(struct nf_tls *t, struct nf_netio *io, const void *buf, size_t len,
		    int64_t deadline)
{
	const unsigned char *p = buf;

	while (len) {
		int rc = mbedtls_ssl_write(&t->ssl, p, len);
		if (rc > 0) {
			p += rc;
			len -= (size_t)rc;
			continue;
		}
		if (!is_want(rc))
			return session_error(rc);
		if ((rc = want(t, io, rc, deadline)) < 0)
			return rc;
	}
	return 0;
}

ssize_t nf_tls_recv(struct nf_tls *t, struct nf_netio *io, void *buf, size_t len, int64_t deadline)
{
	for (;;) {
		int rc = mbedtls_ssl_read(&t->ssl, buf, len);
		if (rc > 0)
			return rc;
		if (!is_want(rc))
			return session_error(rc);
		if ((rc = want(t, io, rc, deadline)) < 0)
			return rc;
	}
}

#define NOTIFY_MS 1000 /* a close_notify waits this long for room at most */

void nf_tls_close(struct nf_tls *t, struct nf_netio *io, int fd, enum nf_tls_close how,
		  struct nf_tls_net_calls *calls)
{
	int e;

	*calls = (struct nf_tls_net_calls){0};
	t->net_ctx.fd = fd;
	if (t->active && how == NF_TLS_NOTIFY_FREE) {
		int64_t deadline = nf_now_ms() + NOTIFY_MS;
		int rc;
		while (is_want(rc = mbedtls_ssl_close_notify(&t->ssl)) &&
		       want(t, io, rc, deadline) == 0)
			;
	}
	if (how == NF_TLS_CLOSE) {
		calls->close.called = 1;
		calls->close.rc = nf_netio_close(io, fd, &e);
		calls->close.err = e;
		t->net_ctx.fd = -1;
	} else {
		t->net->take_calls(calls); /* nothing of an earlier close stays */
		t->net->free(&t->net_ctx);
		t->net->take_calls(calls);
	}
	/* device.tls_free = skip_on_error: the firmware's error path forgets
	 * mbedtls_ssl_free() for a context whose handshake never finished;
	 * its memory stays taken and out of reach, as on the device */
	if (t->active && (t->established || !t->cfg->skip_free_on_error))
		mbedtls_ssl_free(&t->ssl);
	t->active = t->established = false;
}

void nf_tls_heap(struct nf_tls *t, struct nf_heap_figures *out)
{
	nf_heap_figures(&t->heap, out);
}

void nf_tls_heap_mark(struct nf_tls *t)
{
	nf_heap_mark(&t->heap);
}
