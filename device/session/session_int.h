/* Inside the session: what session.c (the reconnect state machine) and
 * mqtt_session.c (MQTT over the socket) share. Not for other files. */
#ifndef NETFLAP_SESSION_INT_H
#define NETFLAP_SESSION_INT_H

#include <stdarg.h>

#include "session.h"

#define NF_RXBUF 4096

/* received bytes not yet decoded, and the packet last returned */
struct nf_rx {
	uint8_t buf[NF_RXBUF];
	size_t len;
	uint8_t cur[NF_RXBUF]; /* the packet last returned; its pointers point here */
};

void nf_sess_log(const struct nf_session *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* the same line, said by who (an app's name; NULL: the session) */
void nf_sess_vlog(const struct nf_session *s, const char *who, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));
/* enters phase ph (says it; cuts the link when armed); true: the carrier is gone */
bool nf_sess_enter(struct nf_session *s, enum nf_phase ph);
/* the carrier went since this phase began, or quit (under sh->mu) */
bool nf_sess_pred_lost(const struct nf_shared *sh, const void *arg);

/* CONNECT, CONNACK, SUBSCRIBE on the connected s->fd; starts the receive
 * task when the firmware has one */
enum nf_status nf_mqtt_open(struct nf_session *s, struct nf_report *r, struct nf_rx *rx,
			    int64_t deadline);
/* Connected: publish, keep alive, answer the broker, until the carrier
 * goes, the broker closes, or something fails. Returns why. */
enum nf_status nf_mqtt_connected(struct nf_session *s, struct nf_rx *rx);
/* the open session for STATUS: phase 0 none; rx the last broker packet */
void nf_sess_set_open(struct nf_session *s, int64_t phase, int64_t attempt);
void nf_sess_heard(struct nf_session *s);
/* DISCONNECT, on the way out */
void nf_mqtt_disconnect(struct nf_session *s);

/* app_host.c: the app's three calls, what it said put in the rows. After
 * the lease: one attempt (its figures into r); the open session; closing
 * what the attempt opened (into s->last_teardown). */
enum nf_status nf_app_connect(struct nf_session *s, struct nf_report *r, int64_t deadline);
enum nf_status nf_app_serve(struct nf_session *s);
void nf_app_close(struct nf_session *s, bool leaving);
/* an app's result as a row status, and back (one table) */
enum nf_status nf_app_status(enum nf_app_result res);
enum nf_app_result nf_app_result_of(enum nf_status st);

#endif
