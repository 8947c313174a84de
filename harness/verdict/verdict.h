/* The verdict: what the rows say about the stack, per device.
 *   socket-slot leak  slots still held after teardown grow (the field report)
 *   pool leak         a pool's use not returning to baseline (TIME_WAIT pcbs
 *                     are subtracted: lingering is not leaking)
 *   heap leak         heap free trending down; lowest-ever free stepping down
 *   reconnect stall   stall_cycles failed cycles in a row
 *   reconnect slowdown  median CONNACK time drifting up
 *   TLS heap leak     what mbedTLS holds after each teardown growing
 *                     (device.tls: its counted heap, either kind)
 *   device crash      the device's process died: its cause (assertion,
 *                     signal, frames), the cycle, what it held last
 *   closing hold      heap that connections already closed hold left too
 *                     little for a reconnect before lwIP's timers freed it
 * and notes, which describe and do not fail the run:
 *   late release      heap held by closing connections, given back later
 *   slow reconnect    cycles that ended with the reconnect still under way
 * Trends are judged on block statistics after settle_cycles (the minimum of
 * each block for counters, the maximum for free heap), so transient spikes
 * neither hide a leak nor raise one. */
#ifndef NETFLAP_VERDICT_H
#define NETFLAP_VERDICT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "rows.h"

enum nf_class {
	NF_SLOT_LEAK,
	NF_POOL_LEAK,
	NF_HEAP_LEAK,
	NF_STALL,
	NF_SLOWDOWN,
	NF_TLS_HEAP_LEAK,
	NF_CRASH,
	NF_CLOSING_HOLD,
	NF_TLS_UNVERIFIED,
	NF_ND6_GROWTH, /* device.ip6: neighbour discovery's tables grow */
	NF_DAD_IGNORED, /* device.ip6: a session on an address another node held */
	NF_IP4_FALLBACK, /* device.ip6: IPv4 taken where IPv6 should have worked */
	NF_STALE_PREFIX, /* device.ip6: a renumbered LAN's old prefix kept, no reconnect */
	NF_LATE_RELEASE, /* a note */
	NF_SLOW,         /* a note */
	NF_NCLASSES
};

#define NF_EVIDENCE 8

/* What the verdict saw and chose not to call a finding, each counted in
 * verdict.json so a clean run says what it let pass. */
#define NF_EXEMPTIONS(X) \
	X(pbuf_in_flight, "a PBUF_POOL rise within the one entry a sound stack holds in flight at the row's moment") \
	X(in_flight_level, "a pool's or the heap's rise to a level it had stood at before and come back from: buffers in flight at the row's moment or not") \
	X(one_step, "a pool's or the heap's single step from its baseline held to the end: one allocation kept once, not a loss per reconnect") \
	X(folded_into_cause, "a finding said in the finding of its cause (a stall where a leak ran out; NETCONN or PBUF_POOL growing with kept slots)") \
	X(heap_held_by_closing_pcbs, "a heap fall no larger than the send buffers of closing pcbs piling up with it (rows without heap_closing)") \
	X(connack_after_carrier_kept, "CONNACK times after a fault that kept the carrier (keepalive and backoff, not the stack), left out of the slowdown") \
	X(slowed_with_fleet, "a device's slowdown that the whole fleet shared: judged once, for the fleet") \
	X(under_one_block, "a heap fall whose fit over the judged cycles loses less than one heap block (16 B): the mix of levels buffers in flight leave, not a loss (lwIP loses whole blocks)") \
	X(nd6_aged, "an IPv6 table's rise that came back down: entries aging out on their timers (a neighbour's reachable time, a router's or prefix's lifetime), not kept per reconnect")
enum nf_exempt {
#define NF_X(name, why) NF_EX_##name,
	NF_EXEMPTIONS(NF_X)
#undef NF_X
	NF_NEXEMPT
};
const char *nf_exempt_name(enum nf_exempt e);
const char *nf_exempt_why(enum nf_exempt e);

/* what the rows of one device held */
struct nf_dev_seen {
	int64_t rows, ok, last_cycle; /* last_cycle NF_UNSET: no row */
	int64_t cycles_per_row;       /* 1; more where its rows were folded (rows.h) */
	bool judged;
};

#define NF_FLEET (-1) /* a finding's device when the whole fleet shows it */

struct nf_finding {
	int device;
	enum nf_class cls;
	char what[24];            /* "sockets", a pool name, "heap", ... */
	int64_t first_cycle;      /* where it became evident */
	double slope;             /* per cycle */
	int64_t exhaustion;       /* the cycle it runs out (seen or predicted), NF_UNSET */
	bool exhaustion_seen;     /* seen in the rows, not extrapolated */
	int64_t predictable_from; /* the earliest cycle the trend called it, NF_UNSET */
	char summary[512];
	char paths[400]; /* what each path kept, when the rows walked several ("" else) */
	int nev;
	int64_t ev_cycle[NF_EVIDENCE], ev_value[NF_EVIDENCE]; /* value NF_UNSET: none */
	char ev_status[NF_EVIDENCE][NF_STATUS_MAX]; /* the row's status where it tells more */
};

struct nf_verdict {
	int ndev;
	int64_t cycles;  /* the last cycle the rows have */
	int64_t planned; /* run.loops, NF_UNSET unknown (rows without run.json) */
	char end_state[16]; /* run.json's state: done, stopped, crashed, stalled, aborted, running; "" unknown */
	size_t rows_dropped; /* torn or malformed lines of cycles.csv not judged */
	int64_t lines_refused, capture_dropped; /* run.json's: device lines that made no row; frames the capture lost (-1 unknown) */
	int unjudged; /* devices the verdict could not judge (memory): never clean, exit 3 */
	size_t lost;  /* findings or notes that could not be kept (memory): never clean, exit 3 */
	int n, cap;   /* findings (no cap but memory): any makes the run's verdict 1 */
	struct nf_finding *f;
	int nnotes, capnotes; /* notes: said, never a failure */
	struct nf_finding *notes;
	struct nf_dev_seen *seen; /* ndev of them (read back too: per_device) */
	int64_t exempt[NF_NEXEMPT]; /* how often each exemption was applied */
};

/* a new finding or note slot, zeroed (NULL and v->lost counted: memory) */
struct nf_finding *nf_verdict_slot(struct nf_verdict *v, bool note);
/* frees what compute or load allocated; v is empty after */
void nf_verdict_free(struct nf_verdict *v);

struct nf_verdict_cfg {
	int64_t settle_cycles, stall_cycles;
	/* broker.tls_cert when device.tls = on and the broker's certificate is
	 * one a client must refuse (wrong_name, expired, untrusted); "" else */
	char bad_cert[16];
};

const char *nf_class_name(enum nf_class c);

/* v is overwritten (free it first if it held a verdict) */
void nf_verdict_compute(const struct nf_rows *rows, const struct nf_verdict_cfg *cfg,
			struct nf_verdict *v);
void nf_verdict_json(const struct nf_verdict *v, FILE *f);
/* "device N", or "fleet" for a finding of the whole fleet (NF_FLEET) */
const char *nf_verdict_who(int device, char *buf, size_t len);
void nf_verdict_junit(const struct nf_verdict *v, FILE *f);
void nf_verdict_summary(const struct nf_verdict *v, FILE *f);

/* The verdict of a run folder's rows (with run.json's verdict keys),
 * without writing anything. 0 or -errno with a message. */
int nf_verdict_of_dir(const char *dir, struct nf_verdict *v, char *err, size_t errlen);

/* The verdict of rows already read (a run judging its own as it goes),
 * with run.json's verdict keys and what it says of the run. */
void nf_verdict_of_rows(const char *dir, const struct nf_rows *rows, struct nf_verdict *v);
/* verdict.json and junit.xml into dir, each replaced whole. 0 or -errno
 * with a message. */
int nf_verdict_write(const char *dir, const struct nf_verdict *v, char *err, size_t errlen);

/* The verdict a run folder's verdict.json holds (what the run judged).
 * 0 or -errno with a message. */
int nf_verdict_load(const char *dir, struct nf_verdict *v, char *err, size_t errlen);

/* `netflap verdict RUN_DIR`: reads cycles.csv (and the verdict keys from
 * run.json) holding at most max_rows rows (NF_ROWS_BUDGET: the default),
 * writes verdict.json and junit.xml, prints the summary unless quiet.
 * Returns an exit code: 0 clean, 1 findings, 2/3 on errors. */
int nf_verdict_run_dir(const char *dir, bool quiet, size_t max_rows);

#endif
