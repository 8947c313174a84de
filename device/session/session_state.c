/* What the session's two halves share (session_int.h): its log, entering
 * a phase (and the cut armed for it), the carrier-lost predicate, and the
 * open session STATUS reports. session.c (the reconnect) and
 * mqtt_session.c (MQTT over the socket) both call these; these call
 * neither. */
#include <stdarg.h>
#include <stdio.h>

#include "clock.h"
#include "session_int.h"

void nf_sess_vlog(const struct nf_session *s, const char *who, const char *fmt, va_list ap)
{
	fprintf(stderr, "netflap-device[%s] %lld: %s%s", s->cfg->client_id, (long long)nf_now_ms(),
		who ? who : "", who ? ": " : "");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void nf_sess_log(const struct nf_session *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	nf_sess_vlog(s, NULL, fmt, ap);
	va_end(ap);
}

bool nf_sess_pred_lost(const struct nf_shared *sh, const void *arg)
{
	const struct nf_session *s = arg;
	return sh->carrier_downs != s->io.downs_seen || sh->quit;
}

/* Enters phase ph: says so on the channel, and cuts the link when ph is
 * the phase armed for this carrier-up phase (once). The cut is made here,
 * by the thread entering the phase, so it lands in it every time. True
 * when the carrier is gone: the phase ends there, even if its answer (a
 * CONNACK the kernel stack already holds) is in. */
bool nf_sess_enter(struct nf_session *s, enum nf_phase ph)
{
	s->phase = ph;
	nf_chan_printf(s->chan, "%s %s t=%lld\n", nf_verb_name(NF_VERB_PHASE), nf_phase_name(ph),
		       (long long)nf_now_ms());
	if ((int)ph == s->cut_at && s->cut_landed < 0 && s->cut) {
		s->cut_landed = (int)ph;
		s->cut(s->cut_arg);
	}
	return nf_netio_lost(&s->io);
}

void nf_sess_set_open(struct nf_session *s, int64_t phase, int64_t attempt)
{
	pthread_mutex_lock(&s->report_mu);
	s->open_phase = phase;
	s->open_attempt = attempt;
	s->open_rx = NF_UNSET;
	pthread_mutex_unlock(&s->report_mu);
}

void nf_sess_heard(struct nf_session *s)
{
	int64_t now = nf_now_ms();

	pthread_mutex_lock(&s->report_mu);
	s->open_rx = now;
	pthread_mutex_unlock(&s->report_mu);
}
