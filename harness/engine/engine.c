/* The cycle engine (see engine.h). */
#include <string.h>

#include "engine.h"

static uint32_t next_rand(struct nf_engine *e)
{
	uint32_t x = e->rng; /* xorshift32: the jitter repeats with the seed */

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return e->rng = x;
}

static uint32_t path_rand(struct nf_engine *e)
{
	uint32_t x = e->path_rng;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return e->path_rng = x;
}

static int64_t with_jitter(struct nf_engine *e, int64_t ms)
{
	return e->jitter_ms ? ms + (int64_t)(next_rand(e) % (uint32_t)(e->jitter_ms + 1)) : ms;
}

void nf_engine_init(struct nf_engine *e, const struct nf_scenario *sc,
		    const struct nf_engine_ops *ops, void *ctx)
{
	memset(e, 0, sizeof(*e));
	e->ops = ops;
	e->ctx = ctx;
	e->loops = sc->loops;
	e->disable_ms = sc->disable_interval_ms;
	e->enable_ms = sc->enable_interval_ms;
	e->timeout_ms = sc->reconnect_timeout_ms;
	e->jitter_ms = sc->jitter_ms;
	e->event_pace = sc->pace == NF_PACE_EVENT;
	e->ndev = (int)sc->count;
	e->rng = (uint32_t)sc->seed * 2654435761u + 1;
	e->path_rng = (uint32_t)sc->seed * 40503u + 0x9e3779b9u;
	e->cut_at = (int)sc->cut_at;
	e->tls = sc->tls;
	e->ip6 = nf_scenario_ip6(sc);
	char why[96];
	if (nf_fault_mix_parse(sc->fault, &e->faults, why, sizeof(why)) < 0)
		nf_fault_mix_parse("flap", &e->faults, why, sizeof(why)); /* validated before */
	e->late_at = -1;
	e->stall_stop = sc->stop_on_stall ? sc->stall_cycles : 0;
	e->stop_on_crash = sc->on_crash == NF_CRASH_STOP;
	e->boards = sc->kind == NF_KIND_EXTERNAL;
	for (int i = 0; i < NF_MAX_DEVICES; i++) {
		e->dev[i].now_in = -1;
		e->dev[i].last_xmit = e->dev[i].last_total = NF_UNSET;
		nf_report_clear(&e->dev[i].seen);
	}
}

/* where each device cuts its link in this cycle's reconnect */
static void arm_cuts(struct nf_engine *e)
{
	static const int phase_of[] = {[NF_CUT_up] = NF_PH_up,
				       [NF_CUT_lease] = NF_PH_lease,
				       [NF_CUT_dns] = NF_PH_dns,
				       [NF_CUT_connect] = NF_PH_connect,
				       [NF_CUT_tls] = NF_PH_tls,
				       [NF_CUT_connack] = NF_PH_connack,
				       [NF_CUT_ra] = NF_PH_ra,
				       [NF_CUT_dad] = NF_PH_dad};
	/* random draws from the phases a reconnect walks: tls only over TLS,
	 * ra and dad only over IPv6 (the table's tail) */
	static const int plain[] = {NF_CUT_up, NF_CUT_lease, NF_CUT_dns, NF_CUT_connect,
				    NF_CUT_connack, NF_CUT_ra, NF_CUT_dad};
	static const int with_tls[] = {NF_CUT_up,      NF_CUT_lease, NF_CUT_dns, NF_CUT_connect,
				       NF_CUT_tls,     NF_CUT_connack, NF_CUT_ra, NF_CUT_dad};

	if (e->cut_at == NF_CUT_session || !e->ops->arm_cut)
		return;
	for (int i = 0; i < e->ndev; i++) {
		int c = e->cut_at;
		if (c == NF_CUT_random)
			c = e->tls ? with_tls[path_rand(e) % (6 + 2 * e->ip6)]
				   : plain[path_rand(e) % (5 + 2 * e->ip6)];
		e->ops->arm_cut(e->ctx, i, phase_of[c]);
	}
}

/* The carrier stays up through this cycle's fault. Not with a cut: a
 * device that cut its own link comes back only with a carrier, so such a
 * fault's cycle flaps the AP as well. */
static bool keeps_carrier(const struct nf_engine *e)
{
	return nf_fault_keeps_carrier(e->fault) && e->cut_at == NF_CUT_session;
}

static void fault_step(struct nf_engine *e, enum nf_fault_step step)
{
	int rc = e->ops->fault ? e->ops->fault(e->ctx, e->fault, step)
			       : (step == NF_FS_UP_LATE ? 0 : e->ops->ap_set(e->ctx, step == NF_FS_UP));
	if (rc == 0 && e->ops->fault && step != NF_FS_UP_LATE && e->fault != NF_FAULT_flap &&
	    nf_fault_keeps_carrier(e->fault) && !keeps_carrier(e))
		rc = e->ops->ap_set(e->ctx, step == NF_FS_UP);
	if (rc < 0)
		e->fault_errors++;
}

static void enter(struct nf_engine *e, enum nf_engine_phase ph, int64_t now, int64_t ms)
{
	e->phase = ph;
	e->phase_start = now;
	e->min_end = now + with_jitter(e, ms);
	e->max_end = e->min_end + e->timeout_ms;
	if (ph == NF_E_DOWN) {
		e->cycle_start = now;
		for (int i = 0; i < e->ndev; i++) {
			struct nf_engine_dev *d = &e->dev[i];
			d->torn_down = d->pre_torn; /* a cut already tore it down */
			d->saw_down = false;
			if (!d->pre_torn)
				d->cause[0] = '\0';
			d->pre_torn = d->cut_wait = false;
			d->lost_in = -1;
		}
		/* cycle 1 is the first association: nothing to fault yet */
		e->fault = e->cycle > 1 ? nf_fault_mix_pick(&e->faults, path_rand(e)) : NF_FAULT_flap;
		arm_cuts(e);
		fault_step(e, NF_FS_DOWN);
	} else if (ph == NF_E_UP) {
		e->up_start = now;
		for (int i = 0; i < e->ndev; i++) {
			struct nf_engine_dev *d = &e->dev[i];
			d->have = d->proven = d->have_status = false;
			d->entered = 0;
			d->survived = keeps_carrier(e) && !d->torn_down && !d->crashed;
			d->poll_at = d->survived ? now + NF_POLL_MS : -1;
		}
		fault_step(e, NF_FS_UP);
		e->late_at = nf_fault_has_late_step(e->fault) ? now + e->disable_ms : -1;
		/* the carrier stayed: the recovery is the device's retries and
		 * backoff, and the row wants the reconnect that held */
		if (keeps_carrier(e))
			e->max_end += NF_DEVICE_BACKOFF_MAX_MS;
	}
}

/* an outage that runs into UP ends a disable interval after UP began */
static void end_outage(struct nf_engine *e, int64_t now, bool force)
{
	if (e->late_at >= 0 && (force || now >= e->late_at)) {
		e->late_at = -1;
		fault_step(e, NF_FS_UP_LATE);
	}
}

void nf_engine_start(struct nf_engine *e, int64_t now)
{
	e->t0 = now;
	e->cycle = 1;
	enter(e, NF_E_DOWN, now, e->disable_ms);
}

/* A TEARDOWN: in DOWN, the device acted (and why: the carrier, its
 * keepalive, the broker); in UP after a cut, the cut's own teardown, whose
 * outcome goes into the cut's row. */
static void on_teardown(struct nf_engine *e, struct nf_engine_dev *d, const struct nf_report *r)
{
	static const enum nf_report_field tfields[] = {
	    NF_R_t_teardown, NF_R_shutdown_rc,        NF_R_shutdown_errno,
	    NF_R_close_rc,   NF_R_close_errno,        NF_R_slots_after_teardown,
	};

	if (e->phase == NF_E_UP && d->cut_wait) {
		for (size_t k = 0; k < sizeof(tfields) / sizeof(tfields[0]); k++)
			d->rep.v[tfields[k]] = r->v[tfields[k]];
		snprintf(d->cause, sizeof(d->cause), "%s", r->status);
		d->cut_wait = false;
		d->have = d->pre_torn = true;
		return;
	}
	/* a session that died after its fault ended (its keepalive ran out in
	 * UP): the row says why, as for one torn down in DOWN */
	if (e->phase == NF_E_UP && !d->cause[0]) {
		snprintf(d->cause, sizeof(d->cause), "%s", r->status);
		return;
	}
	if (e->phase != NF_E_DOWN || d->torn_down)
		return;
	d->torn_down = d->saw_down = true;
	d->lost_in = r->v[NF_R_lost_in] == NF_UNSET ? -1 : (int)r->v[NF_R_lost_in];
	snprintf(d->cause, sizeof(d->cause), "%s", r->status);
}

/* a STATUS showing a session open whose broker spoke at or after since:
 * the only evidence of a live session besides a REPORT of its connect */
static bool heard_since(const struct nf_report *r, int64_t since)
{
	return r->v[NF_R_session] == 1 && r->v[NF_R_session_rx] != NF_UNSET &&
	       r->v[NF_R_session_rx] >= since;
}

void nf_engine_on_line(struct nf_engine *e, int dev, enum nf_verb verb, const struct nf_report *r,
		       int64_t now)
{
	struct nf_engine_dev *d;

	(void)now;
	if (dev < 0 || dev >= e->ndev)
		return;
	d = &e->dev[dev];
	d->seen = *r;
	if (verb == NF_VERB_STATUS) {
		/* in UP only a survived device is asked: is its session alive? */
		if ((e->phase == NF_E_COLLECT && d->asked) || (e->phase == NF_E_UP && d->survived)) {
			d->status = *r;
			d->have_status = true;
			d->proven = heard_since(r, e->up_start);
		}
		return;
	}
	if (verb == NF_VERB_TEARDOWN) {
		on_teardown(e, d, r);
		return;
	}
	if (verb != NF_VERB_REPORT || e->phase != NF_E_UP)
		return;
	/* a late line from an earlier phase (or attempt: a fault that kept
	 * the carrier keeps the phase) is not this cycle's */
	if (r->v[NF_R_phase] != NF_UNSET &&
	    (r->v[NF_R_phase] < d->last_phase ||
	     (r->v[NF_R_phase] == d->last_phase && r->v[NF_R_attempt] <= d->last_attempt)))
		return;
	/* the first report decides; a later success in the same phase replaces
	 * a failure (timed pace leaves the device time to retry) */
	if (d->cut_wait)
		return;
	/* a board's reports queue while it has no network and arrive together
	 * (over MQTT): the newest attempt is the one the AP's return led to */
	bool newer = e->boards && d->have &&
		     (r->v[NF_R_phase] > d->rep.v[NF_R_phase] ||
		      (r->v[NF_R_phase] == d->rep.v[NF_R_phase] &&
		       r->v[NF_R_attempt] > d->rep.v[NF_R_attempt]));
	if (!d->have || newer ||
	    (!nf_status_is_ok(d->rep.status) && nf_status_is_ok(r->status) &&
	     r->v[NF_R_phase] == d->rep.v[NF_R_phase])) {
		/* no carrier came back: the times count from the fault's end */
		struct nf_report rr = *r;
		if (keeps_carrier(e))
			rr.v[NF_R_t_carrier_up] = e->phase_start;
		r = &rr;
		d->rep = *r;
		/* a cut's row waits for the teardown the cut caused */
		d->cut_wait = nf_status_parse(r->status) == NF_ST_cut;
		d->have = !d->cut_wait;
	}
}

/* A device that cut its own link has nothing to tear down when the AP
 * goes; the AP comes back only once it saw the carrier go, so the AP's
 * off and on are never one blur the device cannot see. */
void nf_engine_on_carrier(struct nf_engine *e, int dev, bool up)
{
	if (dev >= 0 && dev < e->ndev && !up && e->phase == NF_E_DOWN)
		e->dev[dev].saw_down = true;
}

void nf_engine_on_crash(struct nf_engine *e, int dev, int64_t now)
{
	(void)now;
	if (dev < 0 || dev >= e->ndev || e->dev[dev].crashed)
		return;
	e->dev[dev].crashed = e->dev[dev].crash_row = true;
	if (e->stop_on_crash) /* nothing left to learn from its empty cycles */
		e->stop = e->crash_stop = true;
}

void nf_engine_on_restart(struct nf_engine *e, int dev)
{
	if (dev < 0 || dev >= e->ndev)
		return;
	struct nf_engine_dev *d = &e->dev[dev];
	d->crashed = false;
	d->restarted = true;
	d->reboots++;
	d->last_phase = d->last_attempt = 0; /* a new process counts from 1 */
	d->last_xmit = d->last_total = NF_UNSET;
	d->now_in = -1;
}

void nf_engine_on_phase(struct nf_engine *e, int dev, int phase)
{
	if (dev < 0 || dev >= e->ndev)
		return;
	e->dev[dev].now_in = phase;
	if (e->phase == NF_E_UP || e->phase == NF_E_COLLECT)
		e->dev[dev].entered++;
}

static bool all_acted(const struct nf_engine *e)
{
	for (int i = 0; i < e->ndev; i++) {
		const struct nf_engine_dev *d = &e->dev[i];
		if (d->crashed)
			continue;
		/* no reconnect to wait for: its session must show it lives */
		if (e->phase == NF_E_UP && d->survived && !d->have) {
			if (!d->proven)
				return false;
			continue;
		}
		/* a board reports only once it is back (its broker is across the link) */
		if (e->phase == NF_E_DOWN && !e->boards && (!d->torn_down || !d->saw_down))
			return false;
		if (e->phase == NF_E_UP && !d->have)
			return false;
		if (e->phase == NF_E_UP && keeps_carrier(e) &&
		    !nf_status_is_ok(d->rep.status))
			return false;
	}
	return true;
}

/* every device asked for STATUS answered (or ended) */
static bool all_answered(const struct nf_engine *e)
{
	for (int i = 0; i < e->ndev; i++)
		if (e->dev[i].asked && !e->dev[i].have_status && !e->dev[i].crashed)
			return false;
	return true;
}

static bool phase_over(const struct nf_engine *e, int64_t now)
{
	if (e->phase == NF_E_COLLECT)
		return all_answered(e) || now >= e->max_end;
	if (now < e->min_end)
		return false;
	if (!e->event_pace)
		return true;
	/* cycle 1's DOWN: the devices have not been up yet, nothing to tear down */
	if (e->phase == NF_E_DOWN && e->cycle == 1)
		return true;
	return all_acted(e) || now >= e->max_end;
}

/* the stack's figures a STATUS answer gives a timeout row: what the stack
 * holds now and the last teardown's outcome; not the last attempt's times
 * or socket, which may be an earlier cycle's */
static const enum nf_report_field status_fields[] = {
    NF_R_t_carrier_down, NF_R_t_teardown,     NF_R_shutdown_rc,       NF_R_shutdown_errno,
    NF_R_close_rc,       NF_R_close_errno,    NF_R_slots_in_use,      NF_R_slots_pinned,
    NF_R_slots_closing,  NF_R_slots_after_teardown, NF_R_socket_limit, NF_R_num_sockets,
    NF_R_heap_free,      NF_R_heap_min_free,  NF_R_heap_largest_free, NF_R_netconn_used,
    NF_R_netconn_max,
    NF_R_netconn_err,    NF_R_tcp_pcb_used,   NF_R_tcp_pcb_max,       NF_R_tcp_pcb_err,
    NF_R_tcp_pcb_listen_used, NF_R_tcp_pcb_listen_max, NF_R_tcp_pcb_listen_err,
    NF_R_udp_pcb_used,   NF_R_udp_pcb_max,    NF_R_udp_pcb_err,       NF_R_raw_pcb_used,
    NF_R_raw_pcb_max,    NF_R_raw_pcb_err,    NF_R_pbuf_pool_used,    NF_R_pbuf_pool_max,
    NF_R_unacked_bytes,  NF_R_inflight,       NF_R_rx_blocked,        NF_R_rx_exit_ms,
    NF_R_link_passed,    NF_R_link_dropped,   NF_R_link_bursts,       NF_R_link_delayed,
    NF_R_link_duplicated, NF_R_link_reordered, NF_R_link_corrupted,
    NF_R_tls_heap_used,  NF_R_tls_heap_after_teardown, NF_R_tls_heap_fails,
    NF_R_pbuf_pool_err,  NF_R_tcp_time_wait,  NF_R_reconnect_total,   NF_R_reconnect_ok,
    NF_R_reconnect_fail, NF_R_publishes,     NF_R_session,          NF_R_heap_closing,
    NF_R_closing_queued, NF_R_tcp_xmit,
    /* what IPv6 holds now: a device still waiting for its address says why */
    NF_R_ip6_state,      NF_R_ip6_addrs,      NF_R_nd6_neighbors,     NF_R_nd6_incomplete,
    NF_R_nd6_dests,      NF_R_nd6_routers,    NF_R_nd6_prefixes,      NF_R_mld6_groups,
    NF_R_nd6_queue,      NF_R_ip6_reass,
};

/* an ok row from STATUS: the session's own socket and when it opened */
static const enum nf_report_field session_fields[] = {
    NF_R_socket_fd, NF_R_session_phase, NF_R_session_attempt, NF_R_session_rx,
};

/* UP is over: devices that did not report in are asked for STATUS first */
static bool collect(struct nf_engine *e, int64_t now)
{
	bool any = false;

	if (!e->ops->ask_status || e->boards) /* a board cannot be asked */
		return false;
	for (int i = 0; i < e->ndev; i++) {
		struct nf_engine_dev *d = &e->dev[i];
		if (d->cut_wait) { /* its teardown never came: the cut's report stands */
			d->have = true;
			d->cut_wait = false;
		}
		if (d->proven) /* its STATUS in UP showed the session live: that is its row */
			continue;
		d->asked = !d->have && !d->crashed;
		d->have_status = false;
		if (d->asked) {
			e->ops->ask_status(e->ctx, i);
			any = true;
		}
	}
	if (any) {
		e->phase = NF_E_COLLECT;
		e->min_end = now;
		e->max_end = now + NF_COLLECT_MS;
	}
	return any;
}

/* A row without this cycle's REPORT: ok only when its STATUS shows the
 * session open and heard from since UP began; else where the device was
 * (in_<phase>, from its PHASE lines), timeout when it did not answer, or
 * its crash (with the last figures it sent). */
static void row_without_report(const struct nf_engine *e, const struct nf_engine_dev *d,
			       struct nf_row *row)
{
	const struct nf_report *from = d->crash_row ? &d->seen : &d->status;
	enum nf_status st;

	for (size_t k = 0; (d->crash_row || d->have_status) &&
			   k < sizeof(status_fields) / sizeof(status_fields[0]);
	     k++)
		row->r.v[status_fields[k]] = from->v[status_fields[k]];
	if (d->crash_row)
		st = NF_ST_device_crashed;
	else if (e->boards)
		st = NF_ST_no_report;
	else if (!d->have_status)
		st = NF_ST_timeout; /* it did not answer: nothing known of where it is */
	else if (heard_since(&d->status, e->up_start))
		st = NF_ST_ok;
	else
		st = nf_status_in_phase(d->now_in);
	if (st == NF_ST_ok) /* the open session's own socket and attempt */
		for (size_t k = 0; k < sizeof(session_fields) / sizeof(session_fields[0]); k++)
			row->r.v[session_fields[k]] = d->status.v[session_fields[k]];
	snprintf(row->status, sizeof(row->status), "%s", nf_status_name(st));
}

/* a failed row's device was on its way: a phase entered this cycle, TCP
 * segments sent or an attempt made since its last row */
static int progress_of(const struct nf_engine_dev *d, const struct nf_row *row)
{
	int64_t x = row->r.v[NF_R_tcp_xmit], t = row->r.v[NF_R_reconnect_total];

	if (nf_status_is_ok(row->status) ||
	    nf_status_parse(row->status) == NF_ST_device_crashed)
		return -1;
	return d->entered > 0 || (x != NF_UNSET && d->last_xmit != NF_UNSET && x > d->last_xmit) ||
	       (t != NF_UNSET && d->last_total != NF_UNSET && t > d->last_total);
}

static void make_row(struct nf_engine *e, struct nf_engine_dev *d, int i, struct nf_row *row)
{
	*row = (struct nf_row){
	    .cycle = e->cycle,
	    .device = i,
	    .t_start_ms = e->cycle_start - e->t0,
	    .down_ms = e->down_ms,
	    .up_ms = e->up_ms,
	    .have_report = d->have && !d->crash_row,
	    .fault = e->fault,
	    .cut_phase = d->lost_in,
	};
	snprintf(row->cause, sizeof(row->cause), "%s", d->cause);
	if (row->have_report) {
		if (d->rep.v[NF_R_cut_phase] != NF_UNSET)
			row->cut_phase = (int)d->rep.v[NF_R_cut_phase];
		row->r = d->rep;
		memcpy(row->status, d->rep.status, sizeof(row->status));
		if (d->rep.v[NF_R_phase] != NF_UNSET) {
			d->last_phase = d->rep.v[NF_R_phase];
			d->last_attempt = d->rep.v[NF_R_attempt] == NF_UNSET ? INT64_MAX
									 : d->rep.v[NF_R_attempt];
		}
	} else {
		nf_report_clear(&row->r);
		row_without_report(e, d, row);
	}
	if (d->restarted && !d->crash_row && nf_status_is_ok(row->status)) {
		snprintf(row->status, sizeof(row->status), "%s", nf_status_name(NF_ST_rebooted));
		d->restarted = false;
	}
	row->progress = progress_of(d, row);
	row->reboots = d->reboots;
	if (row->r.v[NF_R_tcp_xmit] != NF_UNSET)
		d->last_xmit = row->r.v[NF_R_tcp_xmit];
	if (row->r.v[NF_R_reconnect_total] != NF_UNSET)
		d->last_total = row->r.v[NF_R_reconnect_total];
}

static void emit_rows(struct nf_engine *e)
{
	for (int i = 0; i < e->ndev; i++) {
		struct nf_engine_dev *d = &e->dev[i];
		struct nf_row row;

		make_row(e, d, i, &row);
		d->asked = d->have_status = d->crash_row = false;
		d->failed_run = nf_status_is_ok(row.status) ? 0 : d->failed_run + 1;
		e->ops->row(e->ctx, &row);
	}
}

/* run.stop_on_stall: every device has failed stall_stop rows in a row */
static bool all_stalled(const struct nf_engine *e)
{
	if (!e->stall_stop)
		return false;
	for (int i = 0; i < e->ndev; i++)
		if (e->dev[i].failed_run < e->stall_stop)
			return false;
	return true;
}

/* UP: survived devices not yet shown alive are asked for STATUS again */
static void poll_survivors(struct nf_engine *e, int64_t now)
{
	for (int i = 0; e->ops->ask_status && i < e->ndev; i++) {
		struct nf_engine_dev *d = &e->dev[i];
		if (d->poll_at < 0 || d->have || d->proven || d->crashed) {
			d->poll_at = -1;
			continue;
		}
		if (now >= d->poll_at) {
			e->ops->ask_status(e->ctx, i);
			d->poll_at = now + NF_POLL_MS;
		}
	}
}

void nf_engine_tick(struct nf_engine *e, int64_t now)
{
	if (e->phase == NF_E_UP) {
		end_outage(e, now, false);
		poll_survivors(e, now);
	}
	for (int guard = 0; guard < 4 && phase_over(e, now); guard++) {
		if (e->phase == NF_E_DOWN) {
			e->down_ms = now - e->phase_start;
			enter(e, NF_E_UP, now, e->enable_ms);
		} else if (e->phase == NF_E_UP || e->phase == NF_E_COLLECT) {
			if (e->phase == NF_E_UP) {
				end_outage(e, now, true); /* undone by the end of its phase */
				e->up_ms = now - e->phase_start;
				if (collect(e, now))
					continue;
			}
			emit_rows(e);
			if (e->ops->cycle_done)
				e->ops->cycle_done(e->ctx, e->cycle);
			e->stalled = all_stalled(e);
			if (e->stop || e->stalled || e->cycle >= e->loops) {
				e->phase = NF_E_DONE;
				return;
			}
			e->cycle++;
			enter(e, NF_E_DOWN, now, e->disable_ms);
		} else {
			return;
		}
	}
}

int64_t nf_engine_deadline(const struct nf_engine *e, int64_t now)
{
	if (e->phase == NF_E_DONE || e->phase == NF_E_IDLE)
		return -1;
	int64_t t;
	if (e->phase == NF_E_COLLECT)
		return e->max_end;
	if (now < e->min_end || !e->event_pace)
		t = e->min_end;
	else
		t = e->max_end; /* meanwhile the devices' lines wake the loop */
	if (e->phase == NF_E_UP)
		for (int i = 0; i < e->ndev; i++)
			if (e->dev[i].poll_at >= 0 && e->dev[i].poll_at < t)
				t = e->dev[i].poll_at;
	return e->phase == NF_E_UP && e->late_at >= 0 && e->late_at < t ? e->late_at : t;
}

void nf_engine_request_stop(struct nf_engine *e)
{
	e->stop = true;
}

bool nf_engine_done(const struct nf_engine *e)
{
	return e->phase == NF_E_DONE;
}
