/* cycles.csv reader (see rows.h). */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "csv.h"
#include "faults.h"
#include "rows.h"
#include "segments.h"

/* the columns the reader keeps, by their id in the one column list */
static const enum nf_csv_col col_ids[C_NCOLS] = {
    [C_CYCLE] = NF_COL_cycle,
    [C_DEVICE] = NF_COL_device,
    [C_CONNACK] = NF_COL_connack_ms,
    [C_SOCKET_FD] = NF_COL_socket_fd,
    [C_SLOTS] = NF_COL_sockets_in_use,
    [C_SOCKET_SLOTS] = NF_COL_socket_slots,
    [C_HEAP] = NF_COL_heap_free,
    [C_HEAP_MIN] = NF_COL_heap_min_free,
    [C_NETCONN] = NF_COL_memp_netconn_used,
    [C_TCP_PCB] = NF_COL_memp_tcp_pcb_used,
    [C_PBUF] = NF_COL_memp_pbuf_pool_used,
    [C_UDP_PCB] = NF_COL_memp_udp_pcb_used,
    [C_RAW_PCB] = NF_COL_memp_raw_pcb_used,
    [C_TIME_WAIT] = NF_COL_tcp_time_wait,
    [C_AFTER_TEARDOWN] = NF_COL_slots_after_teardown,
    [C_HEAP_LARGEST] = NF_COL_heap_largest_free,
    [C_HEAP_TW] = NF_COL_heap_time_wait,
    [C_CUT] = NF_COL_cut_phase,
    [C_FAULT] = NF_COL_fault,
    [C_CLOSING] = NF_COL_tcp_closing,
    [C_LINGER] = NF_COL_COUNT, /* derived below, not read */
    [C_TLS_AFTER] = NF_COL_tls_heap_after_teardown,
    [C_TLS_FAILS] = NF_COL_tls_heap_fails,
    [C_TLS_USED] = NF_COL_tls_heap_used,
    [C_TLS_PEAK] = NF_COL_tls_heap_peak,
    [C_PROGRESS] = NF_COL_progress,
    [C_REBOOTS] = NF_COL_reboots,
    [C_HEAP_CLOSING] = NF_COL_heap_closing,
    [C_UP_MS] = NF_COL_up_ms,
    [C_T_START] = NF_COL_t_start_ms,
    [C_PRESSURE] = NF_COL_cpu_pressure,
    [C_WEIGHT] = NF_COL_COUNT, /* derived: 1, until folded */
    [C_ND6_NEIGH] = NF_COL_nd6_neighbors,
    [C_ND6_DESTS] = NF_COL_nd6_dests,
    [C_ND6_ROUTERS] = NF_COL_nd6_routers,
    [C_ND6_PREFIXES] = NF_COL_nd6_prefixes,
    [C_MLD6] = NF_COL_mld6_groups,
    [C_ND6_QUEUE] = NF_COL_nd6_queue,
    [C_FAMILY] = NF_COL_ip_family,
    [C_FALLBACK] = NF_COL_ip_fallback,
};

/* the columns that hold a word, read as its index in their list */
static int64_t word_value(int c, const char *t)
{
	int i = c == C_CUT ? nf_phase_parse(t) : c == C_FAULT ? nf_fault_parse(t) : -1;
	return i < 0 ? NF_UNSET : i;
}

/* a field's integer, NF_UNSET when empty or not a number (strtoll's
 * locale handling cost a tenth of a long verdict) */
static int64_t int_value(const char *t)
{
	bool neg = *t == '-';
	uint64_t x = 0;
	const char *p = t + neg;

	if (!*p)
		return NF_UNSET;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (x > (uint64_t)INT64_MAX / 10)
			return NF_UNSET;
		x = x * 10 + (uint64_t)(*p - '0');
	}
	if (*p || x > (uint64_t)INT64_MAX)
		return NF_UNSET;
	return neg ? -(int64_t)x : (int64_t)x;
}

#define MAX_FIELDS 128

static int split(char *line, char **f)
{
	int n = 0;

	line[strcspn(line, "\r\n")] = '\0';
	f[n++] = line;
	for (char *p = line; *p && n < MAX_FIELDS; p++)
		if (*p == ',') {
			*p = '\0';
			f[n++] = p + 1;
		}
	return n;
}

static int push(struct nf_series *s)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 256;
		void *v = realloc(s->v, cap * sizeof(*s->v));
		if (!v)
			return -ENOMEM;
		s->v = v;
		void *st = realloc(s->status, cap * sizeof(*s->status));
		if (!st)
			return -ENOMEM;
		s->status = st;
		s->cap = cap;
	}
	return 0;
}

/* the header's columns: idx[c] for each kept column, the status and crash
 * columns; nhead fields; -EINVAL when it is no cycles.csv header */
struct nf_rows_head {
	int idx[C_NCOLS], timing[NF_NTIMINGS], status, crash, n;
};

static int read_head(char *line, struct nf_rows_head *h)
{
	char *fld[MAX_FIELDS];

	h->n = split(line, fld);
	h->status = h->crash = -1;
	for (int c = 0; c < C_NCOLS; c++) {
		h->idx[c] = -1;
		for (int i = 0; col_ids[c] != NF_COL_COUNT && i < h->n; i++)
			if (strcmp(fld[i], nf_csv_col(col_ids[c])) == 0)
				h->idx[c] = i;
	}
	for (int t = 0; t < NF_NTIMINGS; t++) {
		h->timing[t] = -1;
		for (int i = 0; i < h->n; i++)
			if (strcmp(fld[i], nf_csv_col(nf_timing_col((enum nf_timing)t))) == 0)
				h->timing[t] = i;
	}
	for (int i = 0; i < h->n; i++) {
		if (strcmp(fld[i], nf_csv_col(NF_COL_status)) == 0)
			h->status = i;
		if (strcmp(fld[i], nf_csv_col(NF_COL_crash)) == 0)
			h->crash = i;
	}
	return h->idx[C_CYCLE] < 0 || h->idx[C_DEVICE] < 0 || h->status < 0 ? -EINVAL : 0;
}

/* the figures every row counts in, before a fold can merge it */
static void tally(struct nf_rows *rows, const struct nf_rows_head *h, char **fld, const int64_t *v)
{
	if (v[C_HEAP] != NF_UNSET && (rows->heap_floor == NF_UNSET || v[C_HEAP] < rows->heap_floor))
		rows->heap_floor = v[C_HEAP];
	if (!nf_status_is_ok(fld[h->status]))
		return;
	for (int t = 0; t < NF_NTIMINGS; t++) {
		int64_t ms = h->timing[t] >= 0 ? int_value(fld[h->timing[t]]) : NF_UNSET;
		if (ms != NF_UNSET)
			nf_timing_add(&rows->timing[t], ms);
	}
}

/* one line of the file: a row of its device, or a line skipped */
static int add_line(struct nf_rows *rows, const struct nf_rows_head *h, char *line)
{
	char *fld[MAX_FIELDS], *end;

	/* a line cut short (a full disk, a kill) has no newline or too few fields */
	if (!strchr(line, '\n') || split(line, fld) != h->n) {
		rows->bad_lines++;
		return 0;
	}
	long dev = strtol(fld[h->idx[C_DEVICE]], &end, 10);
	if (*end || dev < 0 || dev >= NF_MAX_DEVICES) {
		rows->bad_lines++;
		return 0;
	}
	struct nf_series *s = &rows->dev[dev];
	if (push(s) < 0)
		return -ENOMEM;
	for (int c = 0; c < C_NCOLS; c++) {
		const char *t = h->idx[c] >= 0 ? fld[h->idx[c]] : "";
		s->v[s->n][c] = c == C_CUT || c == C_FAULT ? word_value(c, t) : int_value(t);
	}
	int64_t *v = s->v[s->n];
	v[C_LINGER] = v[C_TIME_WAIT] == NF_UNSET ? NF_UNSET
		      : v[C_TIME_WAIT] + (v[C_CLOSING] == NF_UNSET ? 0 : v[C_CLOSING]);
	v[C_WEIGHT] = 1;
	tally(rows, h, fld, v);
	size_t sl = strnlen(fld[h->status], NF_STATUS_MAX - 1);
	memcpy(s->status[s->n], fld[h->status], sl);
	s->status[s->n][sl] = '\0';
	if (nf_status_parse(fld[h->status]) == NF_ST_device_crashed) {
		if (!s->crashes++ && h->crash >= 0)
			snprintf(s->crash, sizeof(s->crash), "%s", fld[h->crash]);
	}
	s->n++;
	if (dev + 1 > rows->ndev)
		rows->ndev = (int)dev + 1;
	++rows->held;
	nf_rows_fold_tail(rows, s);
	/* bounded: past the budget the fullest device folds */
	return rows->budget && rows->held >= rows->budget ? nf_rows_fold(rows) : 0;
}

/* appends path's rows (plain or gzip: zlib reads both) */
static int load_file(struct nf_rows *rows, const char *path, char *err, size_t errlen)
{
	gzFile f = gzopen(path, "rb");
	char line[4096];
	struct nf_rows_head h;
	int rc = 0, lineno = 1;

	if (!f) {
		rc = errno ? -errno : -ENOMEM;
		snprintf(err, errlen, "%s: %s", path, strerror(-rc));
		return rc;
	}
	gzbuffer(f, 1 << 17);
	if (!gzgets(f, line, sizeof(line))) {
		snprintf(err, errlen, "%s: empty, no header", path);
		rc = -EINVAL;
	} else if (read_head(line, &h) < 0) {
		snprintf(err, errlen,
			 "%s:1: not a netflap cycles.csv (no cycle/device/status columns)", path);
		rc = -EINVAL;
	}
	while (rc == 0 && gzgets(f, line, sizeof(line))) {
		lineno++;
		if ((rc = add_line(rows, &h, line)) == -ENOSPC)
			snprintf(err, errlen,
				 "%s:%d: rows too varied to fold within %zu rows held: not judged",
				 path, lineno, rows->budget);
		else if (rc < 0)
			snprintf(err, errlen, "%s:%d: out of memory", path, lineno);
	}
	/* a compressed segment that ends in an error is damaged: a stopped
	 * compressor leaves its plain segment whole beside it (read instead),
	 * so this one lost rows no one can count: not judged as if whole */
	int zerr;
	const char *why = gzerror(f, &zerr);
	if (rc == 0 && zerr != Z_OK) {
		snprintf(err, errlen, "%s:%d: damaged (%s): the rows after it cannot be read", path,
			 lineno, why);
		rc = -EIO;
	}
	gzclose(f);
	return rc;
}

/* an empty rows, ready to read into: 0 or -ENOMEM with a message */
static int start(struct nf_rows *rows, size_t max_rows, char *err, size_t errlen)
{
	memset(rows, 0, sizeof(*rows));
	rows->heap_floor = NF_UNSET;
	rows->budget = max_rows;
	for (int d = 0; d < NF_MAX_DEVICES; d++)
		rows->dev[d].unit = 1; /* unfolded */
	rows->timing = calloc(NF_NTIMINGS, sizeof(*rows->timing));
	if (!rows->timing) {
		snprintf(err, errlen, "rows: out of memory");
		return -ENOMEM;
	}
	return 0;
}

int nf_rows_load(struct nf_rows *rows, const char *path, char *err, size_t errlen)
{
	int rc = start(rows, 0, err, errlen);
	if (rc == 0)
		rc = load_file(rows, path, err, errlen);
	if (rc < 0)
		nf_rows_free(rows);
	return rc;
}

int nf_rows_load_run(struct nf_rows *rows, const char *dir, char *err, size_t errlen)
{
	return nf_rows_load_run_max(rows, dir, NF_ROWS_BUDGET, err, errlen);
}

int nf_rows_load_run_max(struct nf_rows *rows, const char *dir, size_t max_rows, char *err,
			 size_t errlen)
{
	char path[PATH_MAX + 32];
	int k = 1, rc = start(rows, max_rows, err, errlen);

	for (; rc == 0 && nf_segment_find(path, sizeof(path), dir, "cycles", ".csv", k); k++) {
		rc = load_file(rows, path, err, errlen);
		/* a running run's gzip may have just replaced the plain segment
		 * with its .gz: find it again, once (nothing of it was read) */
		if (rc == -ENOENT && nf_segment_find(path, sizeof(path), dir, "cycles", ".csv", k))
			rc = load_file(rows, path, err, errlen);
	}
	snprintf(path, sizeof(path), "%s/cycles.csv", dir);
	/* the live segment; after a rotation it may not exist yet */
	if (rc == 0 && (k == 1 || access(path, F_OK) == 0))
		rc = load_file(rows, path, err, errlen);
	if (rc < 0)
		nf_rows_free(rows);
	return rc;
}

void nf_rows_free(struct nf_rows *rows)
{
	for (int i = 0; i < NF_MAX_DEVICES; i++) {
		free(rows->dev[i].v);
		free(rows->dev[i].status);
	}
	free(rows->timing);
	free(rows->head);
	memset(rows, 0, sizeof(*rows));
}

int nf_rows_begin(struct nf_rows *rows, const char *header, size_t max_rows)
{
	char line[4096], err[64];
	int rc = start(rows, max_rows, err, sizeof(err));

	if (rc == 0 && !(rows->head = malloc(sizeof(*rows->head))))
		rc = -ENOMEM;
	if (rc == 0) {
		snprintf(line, sizeof(line), "%s", header);
		rc = read_head(line, rows->head);
	}
	if (rc < 0)
		nf_rows_free(rows);
	return rc;
}

int nf_rows_add(struct nf_rows *rows, const char *line)
{
	char copy[4096]; /* split() cuts its line into fields */
	size_t n = strlen(line);

	if (n >= sizeof(copy)) {
		rows->bad_lines++;
		return 0;
	}
	memcpy(copy, line, n + 1);
	return add_line(rows, rows->head, copy);
}
