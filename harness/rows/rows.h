/* cycles.csv read back, by column name, into per-device series: what the
 * verdict, status and matrix work from. */
#ifndef NETFLAP_ROWS_H
#define NETFLAP_ROWS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "report.h"
#include "scenario.h"
#include "timings.h"

/* the columns the verdict reads */
enum nf_col {
	C_CYCLE,
	C_DEVICE,
	C_CONNACK,
	C_SOCKET_FD,
	C_SLOTS,
	C_SOCKET_SLOTS,
	C_HEAP,
	C_HEAP_MIN,
	C_NETCONN,
	C_TCP_PCB,
	C_PBUF,
	C_UDP_PCB,
	C_RAW_PCB,
	C_TIME_WAIT,
	C_AFTER_TEARDOWN,
	C_HEAP_LARGEST,
	C_HEAP_TW,
	C_CUT,   /* cut_phase as enum nf_phase */
	C_FAULT, /* fault as enum nf_fault */
	C_CLOSING,
	C_LINGER, /* derived: tcp_time_wait + tcp_closing, the pcbs lwIP still finishes */
	C_TLS_AFTER, /* tls_heap_after_teardown */
	C_TLS_FAILS, /* tls_heap_fails */
	C_TLS_USED,  /* tls_heap_used */
	C_TLS_PEAK,  /* tls_heap_peak */
	C_PROGRESS,  /* progress: a failed row's device still on its way (1) or not (0) */
	C_REBOOTS,
	C_HEAP_CLOSING, /* heap_closing: what connections already closed hold */
	C_UP_MS,
	C_T_START,
	C_PRESSURE, /* cpu_pressure: the machine's, per mille */
	C_WEIGHT,   /* derived: the cycles the row stands for (1 unless folded) */
	C_ND6_NEIGH,   /* device.ip6: nd6_neighbors */
	C_ND6_DESTS,   /* nd6_dests */
	C_ND6_ROUTERS, /* nd6_routers */
	C_ND6_PREFIXES, /* nd6_prefixes */
	C_MLD6,        /* mld6_groups */
	C_ND6_QUEUE,   /* nd6_queue */
	C_FAMILY,      /* ip_family */
	C_FALLBACK,    /* ip_fallback */
	C_NCOLS
};

#define NF_CRASH_MAX 192

struct nf_series {
	size_t n, cap;
	int64_t (*v)[C_NCOLS]; /* NF_UNSET where empty */
	char (*status)[NF_STATUS_MAX];
	char crash[NF_CRASH_MAX]; /* the first crash row's cause ("" none) */
	int64_t crashes;          /* crash rows */
	int64_t unit;             /* folds so far, as the weight two rows may reach: 1 unfolded */
};

struct nf_rows {
	int ndev;
	struct nf_series dev[NF_MAX_DEVICES];
	size_t bad_lines; /* lines skipped: torn or malformed */
	size_t held, budget; /* rows held in all; the most held before a fold (0: no bound) */
	bool folded;         /* some rows stand for more than one cycle */
	/* figures of every row as read, exact whatever was folded */
	struct nf_timing_hist *timing; /* NF_NTIMINGS phases of ok rows (timings.h) */
	struct nf_rows_head *head;     /* the columns of rows fed by nf_rows_add() */
	int64_t heap_floor;            /* the lowest heap_free of any row, NF_UNSET none */
};

/* The rows held by default: about 180 MiB, whatever the run's length.
 * Below it every row is held as read (the verdict exact); past it rows
 * are folded (rows_fold.c) and the verdict reads them by weight. */
#define NF_ROWS_BUDGET ((size_t)1 << 19)

/* Reads path (plain or gzip). 0 or -errno with a message ("file:line: ..."). */
int nf_rows_load(struct nf_rows *rows, const char *path, char *err, size_t errlen);
/* Reads a run folder's rows: run.rotate's segments in order (segments.h),
 * then cycles.csv. 0 or -errno with a message. */
int nf_rows_load_run(struct nf_rows *rows, const char *dir, char *err, size_t errlen);
/* Rows fed a line at a time (the run's own as it writes them: it judges
 * as it goes): header is cycles.csv's header line. 0 or -errno. */
int nf_rows_begin(struct nf_rows *rows, const char *header, size_t max_rows);
/* one line, newline included (a torn one is counted in bad_lines): 0, or
 * -ENOMEM / -ENOSPC (rows too varied to fold) */
int nf_rows_add(struct nf_rows *rows, const char *line);
/* The same within max_rows rows held (0: no bound). */
int nf_rows_load_run_max(struct nf_rows *rows, const char *dir, size_t max_rows, char *err,
			 size_t errlen);
/* Folds the device holding most rows: 0, or -ENOSPC when its rows are too
 * varied to fold (neighbours that differ in status, cut or fault). */
int nf_rows_fold(struct nf_rows *rows);
/* folds s's newest row into the one before it, when that has room */
void nf_rows_fold_tail(struct nf_rows *rows, struct nf_series *s);
/* the cycles row i of s stands for */
static inline int64_t nf_row_weight(const struct nf_series *s, size_t i)
{
	return s->v[i][C_WEIGHT];
}
/* does row i of s stand for cycle c? */
static inline bool nf_row_holds(const struct nf_series *s, size_t i, int64_t c)
{
	return c >= s->v[i][C_CYCLE] && c < s->v[i][C_CYCLE] + s->v[i][C_WEIGHT];
}
void nf_rows_free(struct nf_rows *rows);

#endif
