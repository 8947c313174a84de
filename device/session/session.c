/* The device's reconnect state machine and MQTT session (see session.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "clock.h"
#include "nf_icmp.h"
#include "nf_mqtt.h"
#include "proto.h"
#include "figures.h"
#include "board.h"
#include "session_int.h"

enum { CNT_TOTAL, CNT_OK, CNT_FAIL };


void nf_session_init(struct nf_session *s, const struct nf_session_cfg *cfg,
		     const struct nf_stack_ops *ops, struct nf_stack *st, struct nf_shared *sh,
		     struct nf_chan *chan)
{
	memset(s, 0, sizeof(*s));
	s->cfg = cfg;
	s->ops = ops;
	s->st = st;
	s->sh = sh;
	s->chan = chan;
	s->fd = -1;
	s->app_fd = -1;
	for (int i = 0; i < NF_APP_COUNTERS; i++)
		s->app_counter[i] = NF_UNSET;
	s->next_id = 1;
	s->cut_at = s->cut_landed = -1;
	nf_netio_init(&s->io, ops, st, sh);
	nf_report_clear(&s->last_teardown);
	nf_report_clear(&s->last);
	pthread_mutex_init(&s->report_mu, NULL);
}

void nf_session_destroy(struct nf_session *s)
{
	nf_netio_destroy(&s->io);
	pthread_mutex_destroy(&s->report_mu);
}

/* conditions the session waits on */

static bool carrier_lost(const struct nf_session *s)
{
	return s->sh->carrier_downs != s->io.downs_seen || s->sh->quit;
}

static bool pred_up_or_quit(const struct nf_shared *sh, const void *arg)
{
	(void)arg;
	return sh->carrier || sh->quit;
}



/* IPv6's addressing stages: the link-local address through its DAD (a
 * router may be solicited), then a global address made (its DAD under way) */
static bool pred_ll_or_lost(const struct nf_shared *sh, const void *arg)
{
	return sh->ll6 || sh->tent6 || sh->bound6 || sh->dup6 || nf_sess_pred_lost(sh, arg);
}

static bool pred_global_or_lost(const struct nf_shared *sh, const void *arg)
{
	return sh->tent6 || sh->bound6 || sh->dup6 || nf_sess_pred_lost(sh, arg);
}

/* the ra and dad phases of a device with IPv6 (a cut lands entering
 * them); the static address needs no router: no ra */
static enum nf_status ip6_stages(struct nf_session *s, int64_t deadline)
{
	static const struct {
		enum nf_phase ph;
		bool (*pred)(const struct nf_shared *, const void *);
	} stages[] = {{NF_PH_ra, pred_ll_or_lost}, {NF_PH_dad, pred_global_or_lost}};

	for (size_t i = s->cfg->ip6_static; i < sizeof(stages) / sizeof(stages[0]); i++) {
		if (nf_shared_wait(s->sh, stages[i].pred, s, deadline) < 0)
			return NF_ST_ip6_timeout;
		if (nf_sess_enter(s, stages[i].ph))
			return NF_ST_carrier_lost;
	}
	return NF_ST_ok;
}

static bool is_lost(struct nf_session *s)
{
	return nf_netio_lost(&s->io);
}


static void fill_common(struct nf_session *s, struct nf_report *r)
{
	static const enum nf_report_field carried[] = {
	    NF_R_t_carrier_down, NF_R_t_teardown,  NF_R_shutdown_rc,          NF_R_shutdown_errno,
	    NF_R_close_rc,       NF_R_close_errno, NF_R_slots_after_teardown,
	    NF_R_unacked_bytes,  NF_R_inflight,    NF_R_rx_blocked,          NF_R_rx_exit_ms,
	    NF_R_tls_heap_after_teardown,
	};

	for (size_t i = 0; i < sizeof(carried) / sizeof(carried[0]); i++)
		r->v[carried[i]] = s->last_teardown.v[carried[i]];
	r->v[NF_R_reconnect_total] = s->counters[CNT_TOTAL];
	r->v[NF_R_reconnect_ok] = s->counters[CNT_OK];
	r->v[NF_R_reconnect_fail] = s->counters[CNT_FAIL];
	r->v[NF_R_publishes] = s->publishes;
	for (int i = 0; i < NF_APP_COUNTERS; i++)
		r->v[NF_R_app_1 + i] = s->app_counter[i];
	if (s->tls) {
		struct nf_heap_figures h;
		nf_tls_heap(s->tls, &h);
		r->v[NF_R_tls_heap_used] = h.used;
		r->v[NF_R_tls_heap_peak] = h.peak;
		r->v[NF_R_tls_heap_fails] = h.fails;
	}
	nf_figures_probe(s, r);
}

static void emit(struct nf_session *s, enum nf_verb verb, struct nf_report *r)
{
	char line[NF_LINE_MAX];
	int n;

	/* STATUS may be asked the moment the line is out: keep it first */
	pthread_mutex_lock(&s->report_mu);
	if (verb == NF_VERB_REPORT)
		nf_figures_link(s, r);
	n = nf_report_format(r, verb, line, sizeof(line));
	s->last = *r;
	pthread_mutex_unlock(&s->report_mu);
	if (s->cfg->telemetry != NF_TEL_NONE) { /* a stand-in board speaks as a firmware */
		if (verb == NF_VERB_REPORT)
			nf_board_report(s, r);
		return;
	}
	if (n > 0 && nf_chan_write(s->chan, line, (size_t)n) < 0)
		nf_sess_log(s, "control channel write failed");
}



/* STATUS: the last report, the figures now, and whether a session is open
 * (which one, when the broker last spoke in it) */
int nf_session_status(struct nf_session *s, char *buf, size_t cap)
{
	struct nf_report r;

	pthread_mutex_lock(&s->report_mu);
	r = s->last;
	nf_figures_link(s, &r);
	r.v[NF_R_session] = s->open_phase > 0;
	r.v[NF_R_session_phase] = s->open_phase > 0 ? s->open_phase : NF_UNSET;
	r.v[NF_R_session_attempt] = s->open_phase > 0 ? s->open_attempt : NF_UNSET;
	r.v[NF_R_session_rx] = s->open_phase > 0 ? s->open_rx : NF_UNSET;
	pthread_mutex_unlock(&s->report_mu);
	nf_figures_probe(s, &r);
	return nf_report_format(&r, NF_VERB_STATUS, buf, cap);
}

static bool pred_ip4_or_lost(const struct nf_shared *sh, const void *arg)
{
	return sh->bound || nf_sess_pred_lost(sh, arg);
}

static bool pred_ip6_or_lost(const struct nf_shared *sh, const void *arg)
{
	return sh->bound6 || sh->dup6 || nf_sess_pred_lost(sh, arg);
}

/* IPv6's address by deadline: ok, ip6_timeout, dad_failed (another node
 * answered for it: not used), carrier_lost */
static enum nf_status lease_ip6(struct nf_session *s, int64_t deadline)
{
	enum nf_status st = ip6_stages(s, deadline);

	if (st != NF_ST_ok)
		return st;
	if (nf_shared_wait(s->sh, pred_ip6_or_lost, s, deadline) < 0)
		return NF_ST_ip6_timeout;
	pthread_mutex_lock(&s->sh->mu);
	bool lost = carrier_lost(s), dup = !s->sh->bound6 && s->sh->dup6;
	pthread_mutex_unlock(&s->sh->mu);
	return lost ? NF_ST_carrier_lost : dup ? NF_ST_dad_failed : NF_ST_ok;
}

/* 8 bytes as one big-endian number */
static int64_t be64(const uint8_t *b)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | b[i];
	return (int64_t)v;
}

/* The platform's part of an attempt: an address in each family the device
 * has. A dual-stack device gives IPv6 three quarters of the attempt, then
 * goes on over IPv4 without it (the row says what IPv6 did), as firmware
 * that connects on whichever address it holds does. */
static enum nf_status lease_steps(struct nf_session *s, struct nf_report *r, int64_t deadline)
{
	enum nf_status st = NF_ST_ok;

	if (nf_sess_enter(s, NF_PH_lease))
		return NF_ST_carrier_lost;
	if (s->cfg->ip4 && nf_shared_wait(s->sh, pred_ip4_or_lost, s, deadline) < 0)
		return NF_ST_dhcp_timeout;
	if (s->cfg->ip6) {
		int64_t left = deadline - nf_now_ms();
		st = lease_ip6(s, s->cfg->ip4 ? deadline - left / 4 : deadline);
		if (st == NF_ST_dad_failed)
			nf_sess_log(s, "IPv6: duplicate address detection failed: the address is not used");
		if (s->cfg->ip4 && (st == NF_ST_ip6_timeout || st == NF_ST_dad_failed))
			st = NF_ST_ok; /* over IPv4 */
	}
	pthread_mutex_lock(&s->sh->mu);
	bool lost = carrier_lost(s);
	if (s->cfg->ip4) {
		r->v[NF_R_t_lease] = s->sh->t_lease;
		r->v[NF_R_ip] = ntohl(s->sh->ip);
	}
	if (s->cfg->ip6 && s->sh->bound6) {
		r->v[NF_R_t_ip6] = s->sh->t_ip6;
		r->v[NF_R_ip6_hi] = be64(s->sh->ip6); /* the prefix */
		r->v[NF_R_ip6_lo] = be64(s->sh->ip6 + 8); /* the interface id */
	}
	pthread_mutex_unlock(&s->sh->mu);
	return lost ? NF_ST_carrier_lost : st;
}

/* The platform's part of an attempt (the lease), then the app's */
static enum nf_status attempt_steps(struct nf_session *s, struct nf_report *r)
{
	int64_t deadline = nf_now_ms() + s->cfg->attempt_timeout_ms;
	enum nf_status st = lease_steps(s, r, deadline);

	return st != NF_ST_ok ? st : nf_app_connect(s, r, deadline);
}

/* An attempt's outcome: whatever failed once the carrier was gone (a
 * resolver or connect giving up on a link that went down) is the loss. */
static enum nf_status attempt(struct nf_session *s, struct nf_report *r)
{
	if (s->tls)
		nf_tls_heap_mark(s->tls); /* tls_heap_peak: this attempt's */
	enum nf_status st = attempt_steps(s, r);

	return st != NF_ST_ok && st != NF_ST_socket_failed && is_lost(s) ? NF_ST_carrier_lost : st;
}

static void wait_backoff(struct nf_session *s, int64_t ms)
{
	nf_shared_wait(s->sh, nf_sess_pred_lost, s, nf_now_ms() + ms);
}

static void emit_teardown(struct nf_session *s, int64_t phase_no, enum nf_status why);

/* the attempt's outcome, with a cut made on purpose said as such */
static enum nf_status cut_outcome(struct nf_session *s, struct nf_report *r, enum nf_status st)
{
	if (s->cut_landed >= 0 && st == NF_ST_carrier_lost && r->v[NF_R_attempt] != NF_UNSET) {
		r->v[NF_R_cut_phase] = s->cut_landed;
		return NF_ST_cut;
	}
	return st;
}

/* One carrier-up phase: attempts until one holds, the carrier goes, or
 * quit. A session that ends by itself (keepalive, broker gone) is torn
 * down and said with its cause before the next attempt. */
static void phase(struct nf_session *s, int64_t phase_no, int64_t t_up)
{
	int64_t backoff = s->cfg->backoff_min_ms;

	nf_sess_enter(s, NF_PH_up);
	if (s->ops->ip_start(s->st) < 0)
		nf_sess_log(s, "bringing the address up failed");
	if (s->app->link)
		s->app->link(s->app_state, &s->host, true);
	/* a cut at `up` still gets its attempt: the report says where it landed */
	for (int64_t n = 1; (n == 1 && s->cut_landed >= 0) || !is_lost(s); n++) {
		struct nf_report r;
		enum nf_status status;

		nf_report_clear(&r);
		r.v[NF_R_phase] = phase_no;
		r.v[NF_R_attempt] = n;
		r.v[NF_R_t_carrier_up] = t_up;
		status = cut_outcome(s, &r, attempt(s, &r));
		s->counters[CNT_TOTAL]++;
		s->counters[status == NF_ST_ok || status == NF_ST_cut ? CNT_OK : CNT_FAIL]++;
		snprintf(r.status, sizeof(r.status), "%s", nf_status_name(status));
		fill_common(s, &r);
		bool was_up = status == NF_ST_ok;
		r.v[NF_R_session] = was_up;
		if (was_up) /* open before the REPORT is out: a STATUS after it sees it */
			nf_sess_set_open(s, phase_no, n);
		emit(s, NF_VERB_REPORT, &r);
		if (was_up) {
			status = nf_app_serve(s);
			nf_sess_set_open(s, 0, 0);
			nf_sess_log(s, "session ended: %s", nf_status_name(status));
			backoff = s->cfg->backoff_min_ms;
		} else {
			nf_sess_log(s, "reconnect attempt %lld failed: %s", (long long)n,
			      nf_status_name(status));
		}
		if (status == NF_ST_carrier_lost || status == NF_ST_cut || is_lost(s)) {
			s->lost_in = s->phase;
			break;
		}
		nf_app_close(s, false);
		if (was_up)
			emit_teardown(s, phase_no, status);
		nf_sess_enter(s, NF_PH_backoff);
		wait_backoff(s, backoff);
		backoff =
		    backoff * 2 > s->cfg->backoff_max_ms ? s->cfg->backoff_max_ms : backoff * 2;
	}
}

/* TEARDOWN: the session's socket closed with the close mode, why (the
 * carrier, or the session's own end), and what the stack holds after */
static void emit_teardown(struct nf_session *s, int64_t phase_no, enum nf_status why)
{
	struct nf_report r;
	struct nf_probe p;

	s->last_teardown.v[NF_R_t_teardown] = nf_now_ms();
	s->last_teardown.v[NF_R_slots_after_teardown] =
	    s->ops->probe(s->st, &p) == 0 ? p.slots_in_use + p.slots_stuck : NF_UNSET;
	nf_report_clear(&r);
	r.v[NF_R_phase] = phase_no;
	r.v[NF_R_lost_in] = why == NF_ST_carrier_lost ? s->lost_in : s->phase;
	snprintf(r.status, sizeof(r.status), "%s", nf_status_name(why));
	fill_common(s, &r);
	emit(s, NF_VERB_TEARDOWN, &r);
}

static void teardown(struct nf_session *s, int64_t phase_no)
{
	if (s->app->link)
		s->app->link(s->app_state, &s->host, false);
	if (s->app_fd < 0) { /* nothing was open: this teardown closed nothing */
		static const enum nf_report_field none[] = {NF_R_shutdown_rc, NF_R_shutdown_errno,
							    NF_R_close_rc, NF_R_close_errno};
		for (size_t i = 0; i < sizeof(none) / sizeof(none[0]); i++)
			s->last_teardown.v[none[i]] = NF_UNSET;
	}
	nf_app_close(s, false);
	s->ops->ip_stop(s->st);
	pthread_mutex_lock(&s->sh->mu);
	s->last_teardown.v[NF_R_t_carrier_down] = s->sh->t_carrier_down;
	pthread_mutex_unlock(&s->sh->mu);
	emit_teardown(s, phase_no, NF_ST_carrier_lost);
}

void *nf_session_run(void *arg)
{
	struct nf_session *s = arg;
	int64_t phase_no = 0;

	for (;;) {
		nf_shared_wait(s->sh, pred_up_or_quit, NULL, -1);
		nf_netio_rearm(&s->io);
		pthread_mutex_lock(&s->sh->mu);
		bool quit = s->sh->quit;
		int64_t t_up = s->sh->t_carrier_up;
		/* gone again already: this phase starts lost, and tears down */
		s->io.downs_seen = s->sh->carrier_downs - !s->sh->carrier;
		s->cut_at = s->sh->cut_armed; /* the harness's CUT for this reconnect */
		s->cut_landed = -1;
		pthread_mutex_unlock(&s->sh->mu);
		if (quit)
			break;
		phase(s, ++phase_no, t_up);
		pthread_mutex_lock(&s->sh->mu);
		quit = s->sh->quit;
		pthread_mutex_unlock(&s->sh->mu);
		if (quit)
			break;
		teardown(s, phase_no);
	}
	nf_app_close(s, true); /* the device is leaving: a session still open says goodbye */
	return NULL;
}
