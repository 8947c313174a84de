/* A stand-in board (netflap's device.kind = external): each REPORT the
 * session makes becomes firmware/netflap_report.c's line, as a firmware
 * with that file would send it. The file formats it from what a firmware
 * knows (the attempt, its socket, its closes) and lwIP's public statistics,
 * never from the probe's view of lwIP's internals: what the harness judges
 * is what a real board can say. Over serial the line goes to the console
 * at once; over MQTT the newest waits for the next session, whose first
 * packet publishes it (a board has no other way out). */
#include <stdio.h>
#include <string.h>

#include "board.h"
#include "netflap_report.h"
#include "session_int.h"

static long fig(const struct nf_report *r, enum nf_report_field f)
{
	return r->v[f] == NF_UNSET ? NETFLAP_NONE : (long)r->v[f];
}

static void to_attempt(const struct nf_session *s, const struct nf_report *r,
		       struct netflap_attempt *a)
{
	netflap_attempt_init(a);
	a->status = r->status;
	a->phase = fig(r, NF_R_phase);
	a->attempt = fig(r, NF_R_attempt);
	a->t_carrier_up = fig(r, NF_R_t_carrier_up);
	a->t_lease = fig(r, NF_R_t_lease);
	a->t_dns = fig(r, NF_R_t_dns);
	a->t_tcp = fig(r, NF_R_t_tcp);
	a->t_connack = fig(r, NF_R_t_connack);
	a->socket_fd = fig(r, NF_R_socket_fd);
	a->socket_errno = fig(r, NF_R_socket_errno);
	a->shutdown_rc = fig(r, NF_R_shutdown_rc);
	a->shutdown_errno = fig(r, NF_R_shutdown_errno);
	a->close_rc = fig(r, NF_R_close_rc);
	a->close_errno = fig(r, NF_R_close_errno);
	a->reconnect_total = fig(r, NF_R_reconnect_total);
	a->reconnect_ok = fig(r, NF_R_reconnect_ok);
	a->reconnect_fail = fig(r, NF_R_reconnect_fail);
	if (s->cfg->socket_limit > 0)
		a->socket_limit = s->cfg->socket_limit;
}

static void sink(const char *line, size_t len, void *arg)
{
	struct nf_session *s = arg;

	if (s->cfg->telemetry == NF_TEL_SERIAL) {
		if (nf_chan_printf(s->chan, "NETFLAP %.*s\n", (int)len, line) < 0)
			nf_sess_log(s, "console write failed");
		return;
	}
	/* one report per connect: the newest, this session's own (a failed
	 * attempt could not be sent when it happened; its counters say it) */
	snprintf(s->pending, sizeof(s->pending), "%.*s", (int)len, line);
}

void nf_board_report(struct nf_session *s, const struct nf_report *r)
{
	struct netflap_attempt a;

	to_attempt(s, r, &a);
	if (netflap_report_send(&a, sink, s) < 0)
		nf_sess_log(s, "netflap_report: the line did not fit");
}

bool nf_board_take(struct nf_session *s, char *topic, size_t tlen, char *line, size_t llen)
{
	if (s->cfg->telemetry != NF_TEL_MQTT || !s->pending[0])
		return false;
	snprintf(topic, tlen, "netflap/%s/report", s->cfg->client_id);
	snprintf(line, llen, "%s", s->pending);
	s->pending[0] = '\0';
	return true;
}
