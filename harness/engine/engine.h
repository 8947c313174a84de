/* The cycle engine: pure logic over a clock value, device lines and an AP
 * switch, so it runs the same under the real loop and in unit tests with a
 * fake clock, a fake AP and fake devices.
 *
 * Cycle i: the AP goes off (DOWN) and back on (UP); at the end of UP one
 * row per device. The AP starts off and the devices boot without it, so
 * cycle 1's UP is the first association. timed pace: each phase lasts its
 * interval (+ jitter). event pace: each phase also lasts until every
 * device has acted (DOWN: its TEARDOWN; UP: its first REPORT), bounded by
 * reconnect_timeout; a timeout is a row status, not an abort. */
#ifndef NETFLAP_ENGINE_H
#define NETFLAP_ENGINE_H

#include <stdbool.h>
#include <stdint.h>

#include "faults.h"
#include "report.h"
#include "scenario.h"

struct nf_row {
	int64_t cycle;
	int device;
	int64_t t_start_ms, down_ms, up_ms; /* relative to the run's start */
	bool have_report;
	struct nf_report r;
	char status[NF_STATUS_MAX];
	enum nf_fault fault; /* this cycle's */
	int cut_phase;       /* where this cycle's loss found the device (nf_phase), -1 unknown */
	char cause[NF_STATUS_MAX]; /* why this cycle's teardown came ("" none seen) */
	/* a row without a report that is not ok: 1 the device was still on its
	 * way (it entered a phase this cycle, sent TCP segments or made an
	 * attempt since its last row), 0 it was not, -1 not such a row */
	int progress;
	int64_t reboots; /* device.on_crash = restart: its restarts so far */
	char crash[192]; /* a crash row's cause, filled in by the run ("" unknown) */
};

struct nf_engine_ops {
	int (*ap_set)(void *ctx, bool on);
	void (*row)(void *ctx, const struct nf_row *row);
	void (*cycle_done)(void *ctx, int64_t cycle);
	/* optional: ask device dev for a STATUS line (its stack's figures now),
	 * for the row of a device that did not report in time */
	void (*ask_status)(void *ctx, int dev);
	/* optional: tell device dev where to cut its link in its next
	 * reconnect (nf_phase), or -1 for nowhere; sent before DOWN begins */
	void (*arm_cut)(void *ctx, int dev, int phase);
	/* optional: the cycle's fault, one step; without it every fault is
	 * a flap through ap_set. < 0: it could not be done (or undone) */
	int (*fault)(void *ctx, enum nf_fault f, enum nf_fault_step step);
};

/* UP after a fault that kept the carrier: a device that did not reconnect
 * is asked for STATUS this often until it shows its session heard from
 * the broker since the fault ended (or the phase's bound) */
#define NF_POLL_MS 100

/* COLLECT: after an UP phase some device did not report in; the engine
 * asked it for STATUS and waits at most NF_COLLECT_MS, so its timeout row
 * still carries the stack's figures: the evidence where a failure starts. */
enum nf_engine_phase { NF_E_IDLE, NF_E_DOWN, NF_E_UP, NF_E_COLLECT, NF_E_DONE };
#define NF_COLLECT_MS 1000

struct nf_engine_dev {
	bool crashed;
	bool torn_down; /* a TEARDOWN since this DOWN began */
	bool have;      /* a REPORT since this UP began */
	bool asked, have_status; /* COLLECT: STATUS asked for, answered */
	bool cut_wait; /* UP: its report says cut; the row waits for that teardown */
	bool pre_torn; /* torn down in UP (a cut): the next DOWN waits for its carrier only */
	bool saw_down; /* DOWN: it saw the carrier go (a TEARDOWN, or its CARRIER line) */
	bool survived; /* UP: a fault that kept the carrier never tore its session down */
	bool proven;   /* UP: a STATUS showed that session heard from since UP began */
	int64_t poll_at; /* UP: when to ask a survived device for STATUS next */
	int now_in;      /* the phase its last PHASE line named, -1 none yet */
	int64_t entered; /* PHASE lines since this cycle's UP began */
	int64_t last_xmit, last_total; /* the last row's tcp_xmit and reconnect_total */
	bool crash_row;  /* crashed in this cycle: its row says so */
	bool restarted;  /* started again since its crash: its next row says rebooted */
	int64_t reboots;
	struct nf_report seen; /* the last figures it sent: a crash row's */
	int64_t last_phase, last_attempt; /* the last row's report: older ones are stale */
	int lost_in;   /* the DOWN teardown's phase, -1 none */
	int64_t failed_run; /* rows in a row that were not ok */
	char cause[NF_STATUS_MAX];
	struct nf_report rep, status;
};

struct nf_engine {
	const struct nf_engine_ops *ops;
	void *ctx;
	int64_t loops, disable_ms, enable_ms, timeout_ms, jitter_ms;
	bool event_pace;
	int ndev;
	uint32_t rng;
	uint32_t path_rng; /* faults and random cuts: their own sequence, so jitter repeats */
	int cut_at;        /* enum nf_cut_at */
	bool tls;          /* device.tls: the reconnect has a tls phase */
	bool ip6;          /* device.ip6: and ra and dad phases */
	struct nf_fault_mix faults;
	enum nf_fault fault; /* this cycle's */
	int64_t late_at;     /* an outage's end in UP, -1 none */
	int fault_errors;
	enum nf_engine_phase phase;
	int64_t cycle, t0, cycle_start, phase_start, min_end, max_end, down_ms, up_ms;
	int64_t up_start; /* this cycle's UP began: a session heard from since lived */
	bool stop_on_crash; /* device.on_crash = stop */
	bool boards;        /* device.kind = external: no TEARDOWN awaited, no STATUS asked */
	bool crash_stop;    /* ended by it: a device crashed */
	bool stop;
	int64_t stall_stop; /* run.stop_on_stall: failed rows in a row that end the run, 0 never */
	bool stalled;       /* ended by it: every device stalled */
	int ap_errors;
	struct nf_engine_dev dev[NF_MAX_DEVICES];
};

void nf_engine_init(struct nf_engine *e, const struct nf_scenario *sc,
		    const struct nf_engine_ops *ops, void *ctx);
void nf_engine_start(struct nf_engine *e, int64_t now);
/* verb is NF_VERB_REPORT, NF_VERB_TEARDOWN or NF_VERB_STATUS */
void nf_engine_on_line(struct nf_engine *e, int dev, enum nf_verb verb, const struct nf_report *r,
		       int64_t now);
/* the device's process ended; with device.on_crash = stop the run ends
 * after this cycle's rows */
void nf_engine_on_crash(struct nf_engine *e, int dev, int64_t now);
/* device.on_crash = restart: the device runs again, its phases from 1 */
void nf_engine_on_restart(struct nf_engine *e, int dev);
/* a device's PHASE line: where its reconnect is now (enum nf_phase) */
void nf_engine_on_phase(struct nf_engine *e, int dev, int phase);
/* a device's CARRIER line: it saw its carrier go down (or come up) */
void nf_engine_on_carrier(struct nf_engine *e, int dev, bool up);
/* Advances phases whose time or condition has come. */
void nf_engine_tick(struct nf_engine *e, int64_t now);
/* When to tick next (absolute ms), or -1 when done. */
int64_t nf_engine_deadline(const struct nf_engine *e, int64_t now);
/* Finish the current cycle, then stop (SIGTERM, a dead service). */
void nf_engine_request_stop(struct nf_engine *e);
bool nf_engine_done(const struct nf_engine *e);

#endif
